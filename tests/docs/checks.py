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
- check_state_tables: a table of states says which call each state makes, and when, as the rules do;
- check_credential_type: what the text says the AWX credential types inject is what they inject;
- check_quotas, check_cam_actions: quota numbers and live:/sts: permissions match the code;
- check_policy_numbers: the retry and pacing numbers prose states are the code's constants (and the fewest
  streams a batch keeps in flight).

The error codes are checked in code_checks.py; make targets, links and the benchmark's numbers in
tree_checks.py. DOCUMENT_CHECKS are the checks that need nothing but the document.
"""

import re

import facts
import yaml
from code_checks import check_code_claims, check_code_tables
from doctext import MD, PLUGIN, RST, YAML_LANGUAGES, problem
from tree_checks import check_make_targets

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
    key_type = facts.callback_key_credential_type()
    for sentence in doc.sentences:
        text = sentence.text.lower()
        if "credential type" not in text and "injector" not in text and "inject" not in text:
            continue
        # a sentence about the callback key's credential type (its name or its file) may name what that one injects
        allowed = set(injected)
        if key_type["name"].lower() in text or "callback_key_credential_type.yml" in text:
            allowed |= set(key_type["injectors"]["env"])
        extra = sorted(set(facts.ENV_NAME.findall(sentence.text)) - allowed)
        if extra:
            problems.append(
                problem(
                    doc,
                    sentence.line,
                    f"the AWX credential types (awx/credential_type.yml, and awx/callback_key_credential_type.yml "
                    f"where the sentence names it) inject {sorted(allowed)}, not {extra}",
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


# ---------------------------------------------------------------------------------------------- policy numbers


def _policy_facts():
    """(name, pattern, value the code has) for the numbers of the retry and pacing policies that prose states."""
    limiter, retry = facts.ratelimit(), facts.utils("_retry").RetryPolicy()
    percent = r"(\d+(?:\.\d+)?)\s?%"
    fewest = "the fewest streams a batch keeps in flight (_batch.MIN_IN_FLIGHT)"
    return (
        (fewest, r"\bat least (\d+) (?:streams )?in flight", facts.utils("_batch").MIN_IN_FLIGHT),
        (fewest, r"latency, (?:plus|with) headroom, at least (\d+)", facts.utils("_batch").MIN_IN_FLIGHT),
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
