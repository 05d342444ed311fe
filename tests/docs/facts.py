# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the code says, read from the code itself: the truth the documents are checked against.

- the modules' argument specs, captured from their main() (AnsibleModule never runs): options,
  aliases, defaults, choices, environment fallbacks;
- the defaults the connection settings apply when an option is not set (_settings.DEFAULT_*);
- the error code table (_error_codes.CODE_TABLE, classify, hint_for) and the state rules (_streams);
- the quotas (_quotas.DEFAULT_QUOTAS) and the API actions the code calls;
- the make targets of the Makefile, the role argument specs, the AWX credential type, the
  environment variables any code or playbook reads.

Everything is read from the staged copy the tests run in (make docs-test stages it first).
"""

import ast
import functools
import glob
import importlib
import os
import re
import sys

import yaml

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION_ROOT)))
if os.path.basename(os.path.dirname(os.path.dirname(COLLECTION_ROOT))) != "ansible_collections":
    raise RuntimeError(
        f"{COLLECTION_ROOT} is not .../ansible_collections/tencent/cloud: run the docs tests with `make docs-test`, "
        "which runs them in the staged copy"
    )
if COLLECTIONS_ROOT not in sys.path:
    sys.path.insert(0, COLLECTIONS_ROOT)

FQCN_PREFIX = "tencent.cloud."
UTILS = "ansible_collections.tencent.cloud.plugins.module_utils"


def path(*parts):
    return os.path.join(COLLECTION_ROOT, *parts)


def read(*parts):
    with open(path(*parts), encoding="utf-8") as handle:
        return handle.read()


def load_yaml(*parts):
    return yaml.safe_load(read(*parts))


def utils(name):
    return importlib.import_module(f"{UTILS}.{name}")


# ---------------------------------------------------------------------------------------------- modules


class _Captured(Exception):
    def __init__(self, argument_spec, kwargs):
        super().__init__("captured")
        self.argument_spec = argument_spec
        self.kwargs = kwargs


class Option:
    def __init__(self, name, spec, effective_default=None):
        self.name = name
        self.type = spec.get("type", "str")
        self.default = spec.get("default")
        self.aliases = tuple(spec.get("aliases") or ())
        self.choices = tuple(spec.get("choices") or ())
        fallback = spec.get("fallback")
        self.env = tuple(fallback[1]) if fallback and len(fallback) > 1 and fallback[1] else ()
        # What the task uses when the option is not set: the spec's default, or the one the
        # connection settings apply (a profile named "default", the tccli directory, ...).
        self.effective_default = self.default if self.default is not None else effective_default

    def __repr__(self):
        return f"Option({self.name!r}, default={self.default!r}, env={self.env})"


def module_names():
    return sorted(
        os.path.splitext(os.path.basename(p))[0]
        for p in glob.glob(path("plugins", "modules", "*.py"))
        if not p.endswith("__init__.py")
    )


def _capture_spec(name):
    from ansible.module_utils import basic  # pylint: disable=import-outside-toplevel

    module = importlib.import_module(f"ansible_collections.tencent.cloud.plugins.modules.{name}")
    original = basic.AnsibleModule.__init__

    def capture(self, argument_spec, **kwargs):
        raise _Captured(argument_spec, kwargs)

    basic.AnsibleModule.__init__ = capture
    try:
        module.main()
    except _Captured as captured:
        return captured.argument_spec, captured.kwargs
    finally:
        basic.AnsibleModule.__init__ = original
    raise AssertionError(f"{name}.main() did not create an AnsibleModule")


@functools.cache
def module_options(name):
    """{option name: Option} of module ``name`` (short name), from its argument spec."""
    settings = utils("_settings")
    spec, _kwargs = _capture_spec(name)
    return {
        option: Option(option, value, getattr(settings, f"DEFAULT_{option.upper()}", None))
        for option, value in spec.items()
    }


def all_module_options():
    return {name: module_options(name) for name in module_names()}


def connection_options():
    """The options every module shares (the connection options of the doc fragment tencent.cloud.tencent)."""
    names = set(connection_spec())
    any_module = module_options(module_names()[0])
    return {name: any_module[name] for name in names}


def connection_spec():
    return utils("_args").connection_argument_spec()


def option_lookup(name, plugin=None):
    """The Option ``name`` (or an alias) of module ``plugin`` (FQCN or short name), or of any module; or None."""
    modules = [plugin.replace(FQCN_PREFIX, "")] if plugin else module_names()
    for module in modules:
        if module not in module_names():
            continue
        options = module_options(module)
        if name in options:
            return options[name]
        for option in options.values():
            if name in option.aliases:
                return option
    return None


@functools.cache
def plugin_documentation(relative, name="DOCUMENTATION"):
    """The DOCUMENTATION (or RETURN) of a plugin file, as data, or {}."""
    tree = ast.parse(read(relative))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return yaml.safe_load(node.value.value) or {}
    return {}


def return_keys():
    """Every key a module returns (its RETURN, nested keys included)."""
    keys = set()

    def walk(entries):
        for key, entry in (entries or {}).items():
            keys.add(key)
            if isinstance(entry, dict):
                walk(entry.get("contains"))

    for module in module_names():
        walk(plugin_documentation(os.path.join("plugins", "modules", f"{module}.py"), "RETURN"))
    return keys


def fragment_options(fragment="tencent"):
    return plugin_documentation(os.path.join("plugins", "doc_fragments", f"{fragment}.py"))["options"]


# ---------------------------------------------------------------------------------------------- roles


@functools.cache
def role_options(role):
    """{variable: spec} of a role's main entry point (meta/argument_specs.yml)."""
    specs = load_yaml("roles", role, "meta", "argument_specs.yml")["argument_specs"]
    return specs["main"]["options"]


def role_names():
    return sorted(os.path.basename(os.path.dirname(p)) for p in glob.glob(path("roles", "*", "")))


# ---------------------------------------------------------------------------------------------- errors, states, quotas


def errors():
    return utils("_error_codes")


def state_rules():
    return utils("_streams").STATE_RULES


def stream_states():
    return utils("_streams").STREAM_STATES


def quotas():
    return dict(utils("_quotas").DEFAULT_QUOTAS)


def ratelimit():
    return utils("_ratelimit")


def _code_strings(relative):
    """The string constants of a Python file's code (not of its DOCUMENTATION, EXAMPLES or RETURN)."""
    tree = ast.parse(read(relative))
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) in ("DOCUMENTATION", "EXAMPLES", "RETURN") for t in node.targets
        ):
            skipped.add(id(node.value))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped
    }


@functools.cache
def called_actions():
    """The API actions the modules call: the quota table's actions and AssumeRole, where the code names them."""
    known = set(quotas()) | {"AssumeRole"}
    found = set()
    for file in glob.glob(path("plugins", "module*", "*.py")):
        relative = os.path.relpath(file, COLLECTION_ROOT)
        if relative.endswith("_quotas.py"):
            continue
        found |= _code_strings(relative) & known
    return found


# ---------------------------------------------------------------------------------------------- tooling


@functools.cache
def make_targets():
    """Every target the Makefile defines, its variables expanded (sanity-$(CORE_NEXT) -> sanity-2.22)."""
    text = read("Makefile")
    variables = dict(re.findall(r"^([A-Z_0-9]+)\s*[:?]?=\s*(\S*)\s*$", text, re.M))

    def expand(word):
        return re.sub(r"\$\(([A-Z_0-9]+)\)", lambda m: variables.get(m.group(1), m.group(0)), word)

    targets = set()
    for line in text.splitlines():
        rule = re.match(r"^([^\s#=:][^=:]*?)\s*:(?![=])", line)
        if rule and not line.startswith("\t"):
            for word in rule.group(1).split():
                word = expand(word)
                if not word.startswith((".", "$")):
                    targets.add(word)
        phony = re.match(r"^\.PHONY:\s*(.*)$", line)
        if phony:
            targets.update(expand(word) for word in phony.group(1).split())
    return targets


def credential_type():
    return load_yaml("awx", "credential_type.yml")


def callback_key_credential_type():
    return load_yaml("awx", "callback_key_credential_type.yml")


ENV_NAME = re.compile(r"\b(?:TENCENTCLOUD|TCCLI)_[A-Z0-9_]*[A-Z0-9]\b")
# Where code reads environment variables: everything but the documents (and these tests).
_CODE_GLOBS = (
    "plugins/**/*.py",
    "extensions/**/*.py",
    "extensions/**/*.yml",
    "roles/**/*.yml",
    "playbooks/*.yml",
    "awx/*.yml",
    "hack/*",
    "Makefile",
    "tests/**/*.py",
    "tests/**/*.yml",
    "tests/**/*.sh",
)


@functools.cache
def known_env_names():
    """Every TENCENTCLOUD_* / TCCLI_* name that some code, playbook or tool of the collection reads or sets."""
    names = set()
    for pattern in _CODE_GLOBS:
        for file in glob.glob(path(pattern), recursive=True):
            if not os.path.isfile(file) or os.sep + os.path.join("tests", "docs") + os.sep in file:
                continue
            with open(file, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            if file.endswith(".py"):
                # in Python, only what the code itself names (not its documentation strings)
                try:
                    text = "\n".join(_code_strings(os.path.relpath(file, COLLECTION_ROOT)))
                except SyntaxError:
                    pass
            names.update(ENV_NAME.findall(text))
    return names


def galaxy():
    return load_yaml("galaxy.yml")


def repository_url():
    return galaxy()["repository"].rstrip("/")


def extra_docs():
    """The guides of the docs site, in order (docs/docsite/extra-docs.yml)."""
    refs = []
    for section in load_yaml("docs", "docsite", "extra-docs.yml")["sections"]:
        for entry in section["toctree"]:
            refs.append(entry if isinstance(entry, str) else entry["ref"])
    return refs


def event_sources():
    return sorted(
        os.path.splitext(os.path.basename(p))[0]
        for p in glob.glob(path("extensions", "eda", "plugins", "event_source", "*.py"))
        if not p.endswith("__init__.py")
    )


def playbooks():
    return sorted(os.path.basename(p) for p in glob.glob(path("playbooks", "*.yml")))
