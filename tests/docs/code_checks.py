# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of the error codes a document names, against the code table (_error_codes.CODE_TABLE).

- check_code_tables: in a table with a code column, every code (or pattern) of a row behaves as its
  behaviour column says, the codes of one row behave alike, and a pattern given one meaning does
  not cover codes that the code table tells apart (ResourceNotFound.* is not all "the service");
- check_code_claims: a sentence that says the codes it names are retried, not retried, throttled
  or fatal says what the code table makes of them.

The table the failure behaviour guide generates from the code table (between its code-table
markers) is skipped here: test_generated.py compares it with CODE_TABLE whole.
"""

import fnmatch
import functools
import re

import facts
from doctext import problem

# Codes Tencent documents for the Live calls and any call (reference sections 3, 4 and 6): what a
# pattern such as ResourceNotFound.* is taken to cover, besides the code table's own rows, and
# (with the code table's) the families a name must start with to be read as an error code.
REFERENCE_CODES = (
    "ActionOffline",
    "AuthFailure.InvalidAuthorization",
    "AuthFailure.InvalidSecretId",
    "AuthFailure.MFAFailure",
    "AuthFailure.SecretIdNotFound",
    "AuthFailure.SignatureExpire",
    "AuthFailure.SignatureFailure",
    "AuthFailure.TokenFailure",
    "AuthFailure.UnauthorizedOperation",
    "FailedOperation",
    "FailedOperation.CallOtherSvrFailed",
    "InternalError",
    "InternalError.CallOtherSvrError",
    "InternalError.ConfigNotExist",
    "InternalError.DomainNotExist",
    "InternalError.GetBizidError",
    "InternalError.GetStreamInfoError",
    "InternalError.GetUpstreamInfoError",
    "InternalError.NotPermmitOperat",
    "InternalError.PushDomainNoRecord",
    "InternalError.StreamStatusError",
    "InternalError.UpdateDataError",
    "InvalidAction",
    "InvalidParameter",
    "InvalidParameter.DomainNotExists",
    "InvalidParameterValue",
    "LimitExceeded",
    "LimitExceeded.RateLimitExceeded",
    "MissingParameter",
    "NoSuchVersion",
    "RequestLimitExceeded",
    "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
    "RequestLimitExceeded.IPLimitExceeded",
    "RequestLimitExceeded.UinLimitExceeded",
    "RequestSizeLimitExceeded",
    "ResourceBusy",
    "ResourceInUse",
    "ResourceNotFound.DomainNotExist",
    "ResourceNotFound.ForbidService",
    "ResourceNotFound.FreezeService",
    "ResourceNotFound.PushDomainNoRecord",
    "ResourceNotFound.StopService",
    "ResourceNotFound.UserDisableService",
    "ResourceNotFound.UserNotExist",
    "ResourceUnavailable",
    "ServiceUnavailable",
    "UnauthorizedOperation",
    "UnknownParameter",
    "UnsupportedOperation",
    "UnsupportedRegion",
)


@functools.cache
def code_families():
    """Tencent's error code families, so that a code in a document is recognised as one: those of the
    reference's codes and of the code table's rows."""
    return sorted({code.split(".")[0] for code in (*REFERENCE_CODES, *table_codes()) if code})


def table_codes():
    """Every code or family pattern (``Family.*``) the code table's rows name."""
    return [code for row, _behaviour, _hint in facts.errors().CODE_TABLE for code in row.split()]


@functools.cache
def _code_pattern():
    families = "|".join(sorted(code_families(), key=len, reverse=True))
    return re.compile(r"^(?:\*[A-Za-z][A-Za-z0-9]*|(?:" + families + r")(?:\.[A-Za-z0-9]+)*(?:\.\*|\*)?)$")


# the markers around the error table that hack/docs_facts.py writes from the code table
GENERATED_START, GENERATED_END = ".. code-table-start", ".. code-table-end"


# ---------------------------------------------------------------------------------------------- error codes


def _generated_lines(doc):
    """The line numbers of the generated error table (hack/docs_facts.py), which its own test checks."""
    lines = doc.text.splitlines()
    inside, numbers = False, set()
    for number, text in enumerate(lines, 1):
        if text.strip() == GENERATED_START:
            inside = True
        elif text.strip() == GENERATED_END:
            inside = False
        if inside:
            numbers.add(number)
    return numbers


def codes_in(doc, text):
    """The error codes and patterns named as inline code in ``text``."""
    found = []
    for code in doc.inline(text):
        for value in re.split(r"[\s,]+", code.value):
            if _code_pattern().match(value) and value not in found:
                found.append(value)
    return found


def concrete_codes(pattern):
    """The codes a pattern (X, X*, X.*, *X) stands for: the reference's and the code table's, and an unlisted sub-code."""
    pattern = pattern[:-2] + "*" if pattern.endswith(".*") else pattern
    candidates = set(REFERENCE_CODES)
    for code in table_codes():
        # a family's row also stands for the sub-codes no row names
        candidates.update((code[:-2], code[:-2] + ".Unlisted") if code.endswith(".*") else (code,))
    if "*" not in pattern:
        return [pattern]
    return sorted(code for code in candidates if fnmatch.fnmatchcase(code, pattern))


def _meaning(code):
    behaviour, hint = facts.errors().classify(code)
    return behaviour, hint.format(action="<Action>")


def _uniformity_problem(doc, line, pattern):
    meanings = {}
    for code in concrete_codes(pattern):
        meanings.setdefault(_meaning(code), []).append(code)
    if len(meanings) < 2:
        return None
    shown = "; ".join(
        f"{codes[0]} is {behaviour} ({hint or 'no hint'})" for (behaviour, hint), codes in meanings.items()
    )
    return problem(doc, line, f"`{pattern}` is given one meaning, but the code table tells its codes apart: {shown}")


def check_code_tables(doc):
    problems = []
    generated = _generated_lines(doc)
    for table in doc.tables:
        column = table.column("code")
        if column is None or table.line in generated:
            continue
        behaviour_col = table.column("behaviour", "class")
        for line, cells in table.rows:
            if line in generated or column >= len(cells):
                continue
            codes = codes_in(doc, cells[column])
            classes = {}
            for code in codes:
                for concrete in concrete_codes(code):
                    classes.setdefault(_meaning(concrete)[0], []).append(concrete)
                if "*" in code:
                    found = _uniformity_problem(doc, line, code)
                    if found:
                        problems.append(found)
            if behaviour_col is not None and behaviour_col < len(cells):
                stated = doc.plain(cells[behaviour_col]).split(" ")[0].lower()
                for behaviour, concrete in classes.items():
                    if behaviour != stated:
                        problems.append(
                            problem(
                                doc,
                                line,
                                f"{', '.join(concrete)}: said to be {stated}, but the code table says {behaviour}",
                            )
                        )
            elif len(classes) > 1:
                shown = "; ".join(f"{codes[0]} is {behaviour}" for behaviour, codes in classes.items())
                problems.append(problem(doc, line, f"one row for codes that behave differently: {shown}"))
    return problems


_NOT_RETRIED = re.compile(r"\b(?:not|never)\s+(?:be\s+)?(?:retried|sent again|re-sent)\b")
_READS_ONLY = re.compile(r"\b(?:for|on) reads only\b|\bonly (?:for|on) reads\b")
_CLAIMS = (
    ("retried", re.compile(r"\b(?:retried|sent again|re-sent)\b"), ("transient", "throttled")),
    ("throttled", re.compile(r"\bthrottl\w*"), ("throttled",)),
    ("fatal", re.compile(r"\bfatal\b|\bstops? the batch\b"), ("fatal",)),
)
_WHY = {
    "transient": "a passing fault: a read is sent again; a write is settled by a read, then sent again",
    "throttled": "throttled: the call was not carried out and is sent again until the task's deadline",
    "fatal": "fatal: the batch stops, nothing is retried",
    "failed": "failed: this call fails, nothing is retried",
}


def claimed_behaviours(text):
    """The behaviours a sentence allows the codes it names (None: it claims nothing)."""
    text = text.lower()
    if _READS_ONLY.search(text):
        return set()
    allowed = None
    if _NOT_RETRIED.search(text):
        allowed = {"fatal", "failed"}
        text = _NOT_RETRIED.sub(" ", text)
    positive = set()
    for _name, pattern, behaviours in _CLAIMS:
        if pattern.search(text):
            positive.update(behaviours)
    if positive:
        allowed = positive if allowed is None else (allowed & positive) or allowed
    return allowed


def _said(allowed):
    if not allowed:
        return "retried for reads only"
    if allowed == {"fatal", "failed"}:
        return "not retried"
    return " or ".join(sorted(allowed))


def check_code_claims(doc):
    problems = []
    generated = _generated_lines(doc)
    texts = [(s.line, s.text) for s in doc.sentences]
    texts += [
        (line, " ".join(cells)) for table in doc.tables if table.line not in generated for line, cells in table.rows
    ]
    for line, text in texts:
        if line in generated:
            continue
        codes = codes_in(doc, text)
        if not codes:
            continue
        allowed = claimed_behaviours(doc.plain(text))
        if allowed is None:
            continue
        for code in codes:
            for concrete in concrete_codes(code):
                behaviour = _meaning(concrete)[0]
                if behaviour not in allowed:
                    said = _said(allowed)
                    problems.append(
                        problem(
                            doc, line, f"says `{code}` is {said}, but the code table makes {concrete} {_WHY[behaviour]}"
                        )
                    )
                    break
    return problems
