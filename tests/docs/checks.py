# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of a document against the code. Each takes a Document and returns its problems,
one "FILE:LINE: what is wrong" string each (an empty list: nothing to say).

- check_examples: every tencent.cloud module, module_defaults group and role invocation in a YAML
  example uses options and variables that exist, and values among an option's choices;
- check_option_tables: tables of options (or role variables) name real options, with their real
  aliases, defaults and environment variables; a table of the connection options names all of them;
- check_prose_defaults: "`option` ... (default X)" in prose states the real default;
- check_env_names: every TENCENTCLOUD_* / TCCLI_* variable named is one the code reads;
- check_code_tables, check_code_claims: an error code (or pattern) named maps to the behaviour the
  text says (a behaviour column, "not retried", "throttled", ...), and a pattern given one meaning
  does not cover codes that the code table treats differently;
- check_state_tables: a table of states says which call each state makes, and when, as the rules do;
- check_credential_type: what the text says the AWX credential type injects is what it injects;
- check_quotas, check_cam_actions: quota numbers and live:/sts: permissions match the code;
- check_make_targets: every `make X` names a target of the Makefile;
- check_links: every relative link (and every link into the repository) resolves;
- check_benchmark_numbers: measured ratios are quoted only as the benchmark results page has them.
"""

import functools
import posixpath
import re

import facts
import yaml
from doctext import MD, PLUGIN, RST

YAML_LANGUAGES = ("yaml", "yml", "yaml+jinja")
SHELL_LANGUAGES = ("", "sh", "bash", "console", "shell", "text", "shell-session")

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
    rows = [row.strip("*") for row, _behaviour, _hint in facts.errors().CODE_TABLE]
    return sorted({code.split(".")[0] for code in (*REFERENCE_CODES, *rows) if code})


@functools.cache
def _code_pattern():
    families = "|".join(sorted(code_families(), key=len, reverse=True))
    return re.compile(r"^(?:\*[A-Za-z][A-Za-z0-9]*|(?:" + families + r")(?:\.[A-Za-z0-9]+)*(?:\.\*|\*)?)$")


# the markers around the error table that hack/docs_facts.py writes from the code table
GENERATED_START, GENERATED_END = ".. code-table-start", ".. code-table-end"


def problem(doc, line, message):
    return f"{doc.where(line)}: {message}"


# ---------------------------------------------------------------------------------------------- values


def literal(cell, kind):
    """The value a table cell or a "(default X)" states, or the NOTHING / UNCLEAR markers.

    A single code span is read as YAML (`[]`, `""`, `live`); bare text as a number with an
    optional unit, or a boolean; anything longer (a sentence) is UNCLEAR and not compared.
    """
    text = cell.strip()
    if not text:
        return NOTHING
    text = re.split(r"\s+\(|;|, ", text, maxsplit=1)[0].strip()
    codes = re.fullmatch(r"``(.*)``|`(.*)`|[CV]\((.*)\)|:ansval:`(.*)`", text)
    if codes:
        value = next(group for group in codes.groups() if group is not None)
        try:
            return yaml.safe_load(value) if value else ""
        except yaml.YAMLError:
            return value
    number = re.fullmatch(r"(-?[\d,]*\.?\d+)\s*(?:s|seconds?)?", text)
    if number:
        value = float(number.group(1).replace(",", ""))
        return int(value) if value.is_integer() else value
    if text.lower() in ("true", "false", "yes", "no"):
        return text.lower() in ("true", "yes")
    return UNCLEAR


class _Marker:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


NOTHING = _Marker("NOTHING")
UNCLEAR = _Marker("UNCLEAR")


def same_value(stated, actual):
    if isinstance(stated, bool) or isinstance(actual, bool):
        return stated is actual or (str(stated).lower() == str(actual).lower())
    if isinstance(stated, (int, float)) and isinstance(actual, (int, float)):
        return float(stated) == float(actual)
    if isinstance(actual, (int, float)) and isinstance(stated, str):
        try:
            return float(stated) == float(actual)
        except ValueError:
            return False
    return stated == actual


def default_problem(name, stated, option_default):
    if stated is UNCLEAR:
        return None
    if stated is NOTHING:
        if option_default not in (None, "", [], {}):
            return f"`{name}` is shown without a default, but its default is {option_default!r}"
        return None
    if option_default is None:
        return f"`{name}` is said to default to {stated!r}, but it has no default"
    if isinstance(option_default, dict):
        return None
    if not same_value(stated, option_default):
        return f"`{name}` is said to default to {stated!r}, but its default is {option_default!r}"
    return None


# ---------------------------------------------------------------------------------------------- YAML examples


def _is_template(value):
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def _module_args_problems(doc, line, module, args):
    problems = []
    if not isinstance(args, dict):
        return problems
    for key, value in args.items():
        option = facts.option_lookup(key, module)
        if option is None:
            problems.append(problem(doc, line, f"`{key}` is not an option of {facts.FQCN_PREFIX}{module}"))
        elif option.choices and not _is_template(value) and value not in option.choices:
            problems.append(
                problem(doc, line, f"{module}: `{key}: {value}` is not one of its choices {list(option.choices)}")
            )
    return problems


def _role_vars_problems(doc, line, role, variables):
    known = facts.role_options(role)
    prefix = role + "_"
    return [
        problem(doc, line, f"`{name}` is not a variable of the role {facts.FQCN_PREFIX}{role}")
        for name in (variables or {})
        if name.startswith(prefix) and name not in known
    ]


def _walk_yaml(doc, line, data, problems):
    if isinstance(data, list):
        for item in data:
            _walk_yaml(doc, line, item, problems)
        return
    if not isinstance(data, dict):
        return
    modules = facts.module_names()
    for key, value in data.items():
        if not isinstance(key, str):
            continue
        short = key[len(facts.FQCN_PREFIX) :] if key.startswith(facts.FQCN_PREFIX) else None
        if short in modules:
            problems.extend(_module_args_problems(doc, line, short, value))
        elif key == "module_defaults" and isinstance(value, dict):
            for group, args in value.items():
                if group == "group/tencent.cloud.all":
                    connection = facts.connection_options()
                    aliases = {alias for option in connection.values() for alias in option.aliases}
                    for name in args or {}:
                        if name not in connection and name not in aliases:
                            problems.append(
                                problem(doc, line, f"`{name}` under group/tencent.cloud.all is not a connection option")
                            )
                elif isinstance(group, str) and group[len(facts.FQCN_PREFIX) :] in modules:
                    problems.extend(_module_args_problems(doc, line, group[len(facts.FQCN_PREFIX) :], args))
        elif key in ("role", "name") and isinstance(value, str) and value.startswith(facts.FQCN_PREFIX):
            role = value[len(facts.FQCN_PREFIX) :]
            if role in facts.role_names():
                problems.extend(_role_vars_problems(doc, line, role, data.get("vars")))
                problems.extend(_role_vars_problems(doc, line, role, data))
    for value in data.values():
        if isinstance(value, (dict, list)):
            _walk_yaml(doc, line, value, problems)


def check_examples(doc):
    problems = []
    for block in doc.code_blocks:
        if block.language not in YAML_LANGUAGES:
            continue
        try:
            data = yaml.safe_load(block.text)
        except yaml.YAMLError as error:
            problems.append(problem(doc, block.line, f"the YAML example does not parse: {error}"))
            continue
        _walk_yaml(doc, block.line, data, problems)
    return problems


# ---------------------------------------------------------------------------------------------- option tables


def _names_in_cell(doc, cell):
    """(option names, plugin) in an option cell: the first is the option, the others its aliases."""
    names, plugin = [], None
    for code in doc.inline(cell):
        if code.kind in ("option", "code") and re.fullmatch(r"[a-z][a-z0-9_]*", code.value):
            names.append(code.value)
            plugin = plugin or code.plugin
    return names, plugin


def check_option_tables(doc):
    problems = []
    for table in doc.tables:
        column = table.column("option", "variable")
        if column is None or column != 0:
            continue
        is_role = "variable" in table.header[column]
        default_col = table.column("default")
        env_col = table.column("environment", "env fallback")
        listed = set()
        for line, cells in table.rows:
            if column >= len(cells):
                continue
            names, plugin = _names_in_cell(doc, cells[column])
            if not names:
                continue
            name, aliases = names[0], names[1:]
            listed.add(name)
            if is_role:
                spec = next(
                    (facts.role_options(r).get(name) for r in facts.role_names() if name in facts.role_options(r)), None
                )
                if spec is None:
                    problems.append(problem(doc, line, f"`{name}` is not a variable of any role of the collection"))
                    continue
                if default_col is not None and default_col < len(cells):
                    found = default_problem(name, literal(cells[default_col], doc.kind), spec.get("default"))
                    if found:
                        problems.append(problem(doc, line, found))
                continue
            option = facts.option_lookup(name, plugin)
            if option is None:
                problems.append(problem(doc, line, f"`{name}` is not an option of any module of the collection"))
                continue
            for alias in aliases:
                if alias not in option.aliases:
                    problems.append(
                        problem(
                            doc, line, f"`{alias}` is not an alias of `{name}` (its aliases: {list(option.aliases)})"
                        )
                    )
            if default_col is not None and default_col < len(cells):
                found = default_problem(name, literal(cells[default_col], doc.kind), option.effective_default)
                if found:
                    problems.append(problem(doc, line, found))
            if env_col is not None and env_col < len(cells):
                stated = facts.ENV_NAME.findall(cells[env_col])
                if set(stated) != set(option.env):
                    problems.append(
                        problem(
                            doc,
                            line,
                            f"`{name}` is said to read {stated or 'no environment variable'}, "
                            f"but it reads {list(option.env) or 'none'}",
                        )
                    )
        if not is_role and "connection option" in table.section.lower():
            missing = sorted(set(facts.connection_options()) - listed)
            if missing:
                problems.append(
                    problem(doc, table.line, f"the table of the connection options leaves out {', '.join(missing)}")
                )
    return problems


_REFERENCE = {
    MD: re.compile(r"`([a-z][a-z0-9_]*)`"),
    RST: re.compile(r"(?::ansopt:`[^`]*?([a-z][a-z0-9_]*)`|``([a-z][a-z0-9_]*)``)"),
    PLUGIN: re.compile(r"O\((?:[^()#]*#[^():]*:)?([a-z][a-z0-9_]*)(?:=[^()]*)?\)"),
}
_DEFAULT_AFTER = re.compile(r"^[^.;`()]{0,60}?\(default:?\s+([^)]+)\)")


def check_prose_defaults(doc):
    problems = []
    texts = [(s.line, s.text) for s in doc.sentences]
    texts += [(line, " ".join(cells)) for table in doc.tables for line, cells in table.rows]
    for line, text in texts:
        for match in _REFERENCE[doc.kind].finditer(text):
            name = next(group for group in match.groups() if group)
            stated = _DEFAULT_AFTER.match(text[match.end() :])
            if not stated:
                continue
            option = facts.option_lookup(name)
            if option is None:
                continue
            value = stated.group(1).split(",")[0].strip()
            found = default_problem(name, literal(value, doc.kind), option.effective_default)
            if found:
                problems.append(problem(doc, line, found))
    return problems


# ---------------------------------------------------------------------------------------------- environment


def check_env_names(doc):
    known = facts.known_env_names()
    problems = []
    for number, line in enumerate(doc.text.splitlines(), 1):
        for name in facts.ENV_NAME.findall(line):
            if name not in known:
                problems.append(problem(doc, number, f"{name} is read by no code, playbook or tool of the collection"))
    return problems


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
    errors = facts.errors()
    pattern = pattern[:-2] + "*" if pattern.endswith(".*") else pattern
    candidates = set(REFERENCE_CODES)
    for row, _behaviour, _hint in errors.CODE_TABLE:
        if row.endswith("*"):
            candidates.update((row[:-1], row[:-1] + ".Unlisted"))
        elif row.startswith("*"):
            candidates.update(f"{family}.{row[1:]}" for family in code_families())
        else:
            candidates.add(row)
    if "*" not in pattern:
        return [pattern]
    return sorted(code for code in candidates if errors._matches(pattern, code))  # pylint: disable=protected-access


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


# ---------------------------------------------------------------------------------------------- states


def check_state_tables(doc):
    rules, states = facts.state_rules(), facts.stream_states()
    problems = []
    for table in doc.tables:
        if not table.header or "state" not in table.header[0]:
            continue
        acts_col, call_col, after_col = (
            table.column("acts when", "act when"),
            table.column("call"),
            table.column("afterwards", "after"),
        )
        if acts_col is None and call_col is None:
            continue
        for line, cells in table.rows:
            words = re.findall(r"[a-z]+", doc.plain(cells[0]))
            name = next((word for word in words if word in rules), None)
            if name is None:
                problems.append(
                    problem(doc, line, f"{cells[0]!r} is not a state of tencent_live_stream ({', '.join(rules)})")
                )
                continue
            rule = rules[name]
            if call_col is not None and call_col < len(cells):
                actions = re.findall(r"\b[A-Z][A-Za-z]+LiveStream\b", doc.plain(cells[call_col]))
                if actions[:1] != [rule.action]:
                    problems.append(problem(doc, line, f"{name}: the call is {rule.action}, not {actions[:1]}"))
            if acts_col is not None and acts_col < len(cells):
                said = doc.plain(cells[acts_col]).lower()
                stated = (
                    set(states)
                    if re.search(r"\b(?:always|any|every)\b", said)
                    else set(re.findall(r"\b(" + "|".join(states) + r")\b", said))
                )
                sends = {state for state in states if rule.sends(state)}
                if stated != sends:
                    problems.append(
                        problem(
                            doc,
                            line,
                            f"{name}: said to call {rule.action} when the stream is {sorted(stated)}, but it does when "
                            f"it is {sorted(sends)}" + (" (always)" if sends == set(states) else ""),
                        )
                    )
            if after_col is not None and after_col < len(cells):
                after = re.findall(r"\b(" + "|".join(states) + r")\b", doc.plain(cells[after_col]))
                expected = {rule.resulting_state(state) for state in states if rule.changes(state)}
                if after[:1] and after[0] not in expected:
                    problems.append(
                        problem(doc, line, f"{name}: the state afterwards is {sorted(expected)}, not {after[0]}")
                    )
    return problems


# ---------------------------------------------------------------------------------------------- AWX credential type


def check_credential_type(doc):
    definition = facts.credential_type()
    injected = set(definition["injectors"]["env"])
    labels = {field["label"] for field in definition["inputs"]["fields"]}
    problems = []
    for table in doc.tables:
        column = table.column("injected as")
        if column is None:
            continue
        stated = {name for _line, cells in table.rows for name in facts.ENV_NAME.findall(cells[column])}
        fields = {doc.plain(cells[0]) for _line, cells in table.rows}
        if stated != injected:
            problems.append(
                problem(
                    doc, table.line, f"the credential type injects {sorted(injected)}, the table says {sorted(stated)}"
                )
            )
        if fields != labels:
            problems.append(
                problem(
                    doc, table.line, f"the credential type asks for {sorted(labels)}, the table says {sorted(fields)}"
                )
            )
    for sentence in doc.sentences:
        text = sentence.text.lower()
        if "credential type" not in text and "injector" not in text and "inject" not in text:
            continue
        extra = sorted(set(facts.ENV_NAME.findall(sentence.text)) - injected)
        if extra:
            problems.append(
                problem(
                    doc,
                    sentence.line,
                    f"the AWX credential type (awx/credential_type.yml) injects {sorted(injected)}, not {extra}",
                )
            )
    return problems


# ---------------------------------------------------------------------------------------------- quotas and permissions

_QUOTA = re.compile(
    r"\b([A-Z][A-Za-z]+)\b[`'\s]{0,4}(?:=\s*(\d[\d,]*)|\s(\d[\d,]*)\s*(?:/s\b|/\s?second|calls? (?:a|per) second|requests? (?:a|per) second))"
)


def check_quotas(doc):
    quotas = facts.quotas()
    problems = []
    texts = [(s.line, doc.plain(s.text)) for s in doc.sentences]
    for table in doc.tables:
        column = table.column("quota")
        for line, cells in table.rows:
            texts.append((line, " | ".join(doc.plain(cell) for cell in cells)))
            if column is not None and column < len(cells):
                action = next((word for word in re.findall(r"\w+", doc.plain(cells[0])) if word in quotas), None)
                number = re.match(r"\s*(\d[\d,]*)", doc.plain(cells[column]))
                if action and number and int(number.group(1).replace(",", "")) != quotas[action]:
                    problems.append(
                        problem(doc, line, f"{action}'s quota is {quotas[action]}/s, not {number.group(1)}")
                    )
    for line, text in texts:
        for match in _QUOTA.finditer(text):
            action, number = match.group(1), match.group(2) or match.group(3)
            if action in quotas and int(number.replace(",", "")) != quotas[action]:
                problems.append(problem(doc, line, f"{action}'s quota is {quotas[action]}/s, not {number}"))
    return problems


def check_cam_actions(doc):
    called = facts.called_actions()
    problems = []
    for number, line in enumerate(doc.text.splitlines(), 1):
        for service, action in re.findall(r"\b(live|sts):([A-Z][A-Za-z]+)\b", line):
            if action not in called:
                problems.append(problem(doc, number, f"{service}:{action}: the collection never calls {action}"))
    return problems


# ---------------------------------------------------------------------------------------------- make targets

_MAKE = re.compile(r"(?:^|[\s;&|($])make\s+([^#;&|)]*)")


def make_commands(doc):
    """(line, text after `make`) of every make command in inline code and shell code blocks."""
    found = []
    for number, text in doc.prose_lines:
        for code in doc.inline(text):
            for match in _MAKE.finditer(" " + code.value):
                found.append((number, match.group(1)))
    for table in doc.tables:
        for number, cells in table.rows:
            for code in (c for cell in cells for c in doc.inline(cell)):
                for match in _MAKE.finditer(" " + code.value):
                    found.append((number, match.group(1)))
    for block in doc.code_blocks:
        if block.language not in SHELL_LANGUAGES:
            continue
        for offset, text in enumerate(block.text.splitlines()):
            for match in _MAKE.finditer(" " + text):
                found.append((block.line + offset, match.group(1)))
    return found


def check_make_targets(doc):
    targets = facts.make_targets()
    problems = []
    for line, rest in make_commands(doc):
        for word in rest.split():
            if "=" in word or word.startswith(("-", "<", "$", "'", '"')) or "/" in word:
                continue
            if not re.fullmatch(r"[a-z][a-z0-9.-]*", word):
                break
            if word not in targets:
                problems.append(problem(doc, line, f"`make {word}`: the Makefile has no target {word}"))
    return problems


# ---------------------------------------------------------------------------------------------- links


def check_links(doc, exists, anchors_of, repository_files=None):
    """Every relative link of ``doc`` resolves in the tree that ``exists(path)`` describes.

    anchors_of(path) gives the anchors of a Markdown document of that tree (or None when it cannot
    be read); repository_files, when given, checks links into the repository (its blob/tree URLs).
    """
    repository = facts.repository_url()
    problems = []
    for link in doc.links:
        target = link.target.strip()
        if target.startswith(("mailto:", "tel:")):
            continue
        if target.startswith(("http://", "https://")):
            match = re.match(re.escape(repository) + r"/(?:blob|tree)/[^/]+/([^#?]*)(?:#(.*))?", target)
            if match and repository_files is not None:
                wanted, anchor = match.group(1).rstrip("/"), match.group(2)
                if wanted and not repository_files(wanted):
                    problems.append(problem(doc, link.line, f"{target}: the repository has no {wanted}"))
                elif anchor and wanted.endswith(".md"):
                    anchors = anchors_of(wanted)
                    if anchors is not None and anchor not in anchors:
                        problems.append(problem(doc, link.line, f"{target}: no heading #{anchor} in {wanted}"))
            continue
        path_part, _hash, anchor = target.partition("#")
        if not path_part:
            if doc.kind == MD and anchor and anchor not in doc.anchors:
                problems.append(problem(doc, link.line, f"#{anchor}: no such heading in {doc.path}"))
            continue
        if doc.path.startswith("docs/docsite/rst/"):
            problems.append(
                problem(
                    doc,
                    link.line,
                    f"{target}: a guide of the docs site cannot link to a file by a relative path (the site holds "
                    f"only the guides): link to {repository}/blob/main/... instead",
                )
            )
            continue
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(doc.path), path_part))
        if resolved.startswith("..") or not exists(resolved):
            problems.append(problem(doc, link.line, f"{target}: {resolved} does not exist"))
            continue
        if anchor and resolved.endswith(".md"):
            anchors = anchors_of(resolved)
            if anchors is not None and anchor not in anchors:
                problems.append(problem(doc, link.line, f"{target}: no heading #{anchor} in {resolved}"))
    return problems


# ---------------------------------------------------------------------------------------------- benchmark numbers

_RATIO = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:x\b| times (?:faster|slower|the|as)\b)")


def numbers_in(text):
    return {float(value.replace(",", "")) for value in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


def check_benchmark_numbers(doc, results_text, allowed=()):
    """Ratios quoted in ``doc`` (1.03x, 3.5 times faster) must be numbers of the results page."""
    known = numbers_in(results_text) | {float(value) for value in allowed}
    problems = []
    texts = [(s.line, doc.plain(s.text)) for s in doc.sentences]
    texts += [(line, doc.plain(cell)) for table in doc.tables for line, cells in table.rows for cell in cells]
    for line, text in texts:
        for match in _RATIO.finditer(text):
            if float(match.group(1)) not in known:
                problems.append(
                    problem(
                        doc,
                        line,
                        f"{match.group(0)}: not a number of the benchmark results page "
                        "(docs/docsite/rst/benchmark_results.rst, written by make bench)",
                    )
                )
    return problems


# ---------------------------------------------------------------------------------------------- policy numbers


def _policy_facts():
    """(name, pattern, value the code has) for the numbers of the retry and pacing policies that prose states."""
    limiter, retry = facts.ratelimit(), facts.utils("_retry").RetryPolicy()
    percent = r"(\d+(?:\.\d+)?)\s?%"
    return (
        (
            "the first backoff wait (RetryPolicy.base_delay)",
            r"backoff[^.]*?(?:from|starting at) (\d+(?:\.\d+)?)\s?s",
            retry.base_delay,
        ),
        ("the longest backoff wait (RetryPolicy.max_delay)", r"capped at (\d+(?:\.\d+)?)\s?s", retry.max_delay),
        ("the burst window (BURST_WINDOW)", r"quota[^.]*?(\d+\.\d+)\s?s (?:after|later)", limiter.BURST_WINDOW),
        ("the decrease factor (DECREASE_FACTOR)", r"multipl\w+ [^.]*?\bby (\d+(?:\.\d+)?)", limiter.DECREASE_FACTOR),
        (
            "the even pace's share (SAFETY_MARGIN)",
            r"at most " + percent + r" of (?:the quota|it)",
            100 * limiter.SAFETY_MARGIN,
        ),
        ("the floor (FLOOR_SHARE of the ceiling)", r"never below " + percent + r" of the", 100 * limiter.FLOOR_SHARE),
        (
            "the increase (INCREASE_PER_SECOND of the ceiling)",
            r"adds (?:back )?" + percent + r" of the",
            100 * limiter.INCREASE_PER_SECOND,
        ),
        # the floor and the increase are shares of the ceiling (SAFETY_MARGIN x the quota), not of the quota
        (
            "what the floor and the increase are shares of",
            r"(?:never below |adds (?:back )?)\S+\s?% of the (quota)",
            None,
        ),
    )


def check_policy_numbers(doc):
    """The retry and pacing numbers prose states are the constants of _retry.py and _ratelimit.py."""
    problems = []
    for sentence in doc.sentences:
        text = doc.plain(sentence.text)
        for name, pattern, value in _policy_facts():
            for match in re.finditer(pattern, text, re.I):
                if value is None:
                    problems.append(
                        problem(doc, sentence.line, f"{name}: the ceiling (95 % of the quota), not the quota")
                    )
                elif float(match.group(1)) != float(value):
                    problems.append(problem(doc, sentence.line, f"{name} is {value:g}, not {match.group(1)}"))
        lowered = text.lower()
        if (
            "token bucket" in lowered
            and re.search(r"\bpac(?:e|es|ing)\b|per action", lowered)
            and "emulator" not in lowered
        ):
            problems.append(
                problem(
                    doc,
                    sentence.line,
                    "the collection does not pace with a token bucket: it starts a quota per 1.05 s window until "
                    "throttled, then paces evenly with AIMD (plugins/module_utils/_ratelimit.py)",
                )
            )
    return problems


DOCUMENT_CHECKS = (
    check_examples,
    check_option_tables,
    check_prose_defaults,
    check_env_names,
    check_code_tables,
    check_code_claims,
    check_state_tables,
    check_credential_type,
    check_quotas,
    check_cam_actions,
    check_make_targets,
    check_policy_numbers,
)
