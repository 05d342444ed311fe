# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every link resolves: relative links (and anchors) in the repository, links into the repository
(its GitHub blob/tree URLs) to files it has, and -- for the documents that ship -- relative links in
the tarball a release is built into, where what galaxy.yml's build_ignore leaves out is missing."""

import os

import facts
import tree_checks
from conftest import document_paths
from doctext import MD, Document


def tree(root):
    def exists(path):
        return os.path.exists(os.path.join(root, path))

    def anchors_of(path):
        if not path.endswith(".md") or not exists(path):
            return None
        return Document.load(root, path).anchors

    return exists, anchors_of


def test_links_resolve_in_the_repository(documents):
    exists, anchors_of = tree(facts.COLLECTION_ROOT)
    problems = [found for doc in documents for found in tree_checks.check_links(doc, exists, anchors_of, exists)]
    assert not problems, "\n".join(problems)


def test_links_resolve_in_the_tarball(tarball_tree):
    exists, anchors_of = tree(tarball_tree)
    shipped = [Document.load(tarball_tree, path) for path in document_paths(tarball_tree)]
    assert "README.md" in {doc.path for doc in shipped}
    problems = [found for doc in shipped for found in tree_checks.check_links(doc, exists, anchors_of)]
    assert not problems, "\n".join(problems)


def test_the_developer_guide_stays_out_of_the_tarball(tarball_tree):
    # it is about the checkout (Makefile, hack/), which does not ship; README links to it on GitHub
    assert os.path.exists(facts.path("CONTRIBUTING.md"))
    assert not os.path.exists(os.path.join(tarball_tree, "CONTRIBUTING.md"))


def test_a_link_to_a_file_that_does_not_ship_fails_in_the_tarball(tarball_tree):
    exists, anchors_of = tree(tarball_tree)
    doc = Document(
        "README.md", "Read [the Makefile](Makefile) and [the guide](docs/docsite/rst/quick_start.rst).\n", MD
    )
    problems = tree_checks.check_links(doc, exists, anchors_of)
    assert len(problems) == 1 and "Makefile does not exist" in problems[0]
