# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every document of the collection against the code, one test per check (checks.py says what each checks).

The documents: every Markdown and RST file of the staged copy (README.md, CONTRIBUTING.md, the
guides of docs/docsite/rst/, the READMEs of awx/, the role, the emulator and the benchmark) and
the documentation of every module and doc fragment. test_checks_fail.py shows each check failing
on the statements it was written to catch.
"""

import checks
import pytest


def test_the_documents_are_found(documents):
    paths = {doc.path for doc in documents}
    for expected in (
        "README.md",
        "docs/docsite/rst/quick_start.rst",
        "awx/README.md",
        "plugins/doc_fragments/tencent.py",
        "plugins/modules/tencent_live_stream.py",
    ):
        assert expected in paths


@pytest.mark.parametrize("check", checks.DOCUMENT_CHECKS, ids=lambda check: check.__name__)
def test_no_document_contradicts_the_code(check, documents):
    problems = [found for doc in documents for found in check(doc)]
    assert not problems, "\n".join(problems)
