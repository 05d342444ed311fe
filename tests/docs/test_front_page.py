# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""README.md is the collection's Galaxy page (galaxy.yml readme): what a user of a collection expects
on it, nothing a Galaxy user cannot follow, and short.

- at most MAX_LINES lines, and a complete single-stream play (credentials from the environment)
  ending by PLAY_BY_LINE;
- requirements: the ansible-core range of meta/runtime.yml, Python, requests, and the CAM
  permissions of every action the modules call;
- install with ansible-galaxy, also from a requirements.yml;
- what is included -- every module, role, playbook and event source -- and a link to every guide
  and every module and role page (Galaxy renders a relative link as a broken one, so the links are
  absolute: the guides on GitHub, the plugin pages on Galaxy);
- `make` only in the closing "From a source checkout" section, which has make demo and make test;
  no real-cloud run of the demo, which forbids a stream on every domain of the account.
"""

import re

import facts
import tree_checks
import yaml
from doctext import YAML_LANGUAGES

MAX_LINES = 150
PLAY_BY_LINE = 60
GALAXY = "https://galaxy.ansible.com/ui/repo/published/tencent/cloud"
CHECKOUT_SECTION = "From a source checkout"


def yaml_blocks(readme):
    for block in readme.code_blocks:
        if block.language in YAML_LANGUAGES:
            yield block, yaml.safe_load(block.text)


def link_targets(readme):
    return {link.target.rstrip("/") for link in readme.links}


def test_it_is_short(readme):
    assert len(readme.text.splitlines()) <= MAX_LINES


def test_a_complete_single_stream_play_comes_first(readme):
    for block, data in yaml_blocks(readme):
        if not (isinstance(data, list) and data and all(isinstance(play, dict) and "hosts" in play for play in data)):
            continue
        tasks = [task for play in data for task in play.get("tasks", [])]
        calls = [
            task["tencent.cloud.tencent_live_stream"] for task in tasks if "tencent.cloud.tencent_live_stream" in task
        ]
        if any("stream_name" in args for args in calls):
            last_line = block.line + len(block.text.splitlines()) - 1
            assert last_line <= PLAY_BY_LINE, f"the first complete single-stream play ends on line {last_line}"
            secrets = {"secret_id", "secret_key", "session_token"} & {key for args in calls for key in args}
            assert not secrets, f"the first play sets {secrets}: it should take the credentials from the environment"
            return
    raise AssertionError("README.md has no complete play (hosts, tasks) that brings one stream_name to a state")


def test_it_says_how_to_install(readme):
    commands = "\n".join(block.text for block in readme.code_blocks)
    commands += "\n" + "\n".join(code.value for _line, text in readme.prose_lines for code in readme.inline(text))
    assert "ansible-galaxy collection install tencent.cloud" in commands
    assert "ansible-galaxy collection install -r requirements.yml" in commands
    requirements = [data for _block, data in yaml_blocks(readme) if isinstance(data, dict) and "collections" in data]
    assert requirements and any(
        (entry.get("name") if isinstance(entry, dict) else entry) == "tencent.cloud"
        for entry in requirements[0]["collections"]
    )
    assert re.search(r"pip install\b.*\brequests\b", commands)


def test_it_states_the_requirements(readme):
    minimum = re.match(r">=\s*(\d+\.\d+)", facts.load_yaml("meta", "runtime.yml")["requires_ansible"]).group(1)
    assert re.search(rf"ansible-core[^\n]*\b{re.escape(minimum)}\b", readme.text), f"ansible-core {minimum} or later"
    assert "Python" in readme.text and "`requests`" in readme.text
    live = {action for action in facts.called_actions() if action != "AssumeRole"}
    named = set(re.findall(r"\blive:([A-Z][A-Za-z]+)", readme.text))
    assert named == live, f"the CAM permissions the modules need: {sorted(live)}; README names {sorted(named)}"
    assert "sts:AssumeRole" in readme.text


def test_it_links_to_every_guide(readme):
    repository = facts.repository_url()
    targets = link_targets(readme)
    missing = [
        guide
        for guide in facts.extra_docs()
        if not any(t.startswith(repository) and t.endswith(f"docs/docsite/rst/{guide}.rst") for t in targets)
    ]
    assert not missing, f"README.md does not link to the guides {missing}"


def test_it_names_and_links_everything_included(readme):
    targets = link_targets(readme)
    problems = []
    for module in facts.module_names():
        if f"tencent.cloud.{module}" not in readme.text or f"{GALAXY}/content/module/{module}" not in targets:
            problems.append(f"module {module}: named, with a link to {GALAXY}/content/module/{module}/")
    for role in facts.role_names():
        if f"tencent.cloud.{role}" not in readme.text or f"{GALAXY}/content/role/{role}" not in targets:
            problems.append(f"role {role}: named, with a link to {GALAXY}/content/role/{role}/")
    for playbook in facts.playbooks():
        if f"playbooks/{playbook}" not in readme.text and f"tencent.cloud.{playbook[:-4]}" not in readme.text:
            problems.append(f"playbook {playbook}")
    for source in facts.event_sources():
        if f"tencent.cloud.{source}" not in readme.text:
            problems.append(f"event source tencent.cloud.{source}")
    assert not problems, "README.md must say what is included: " + "; ".join(problems)


# what a play names besides the collection's options, variables and return values
ANSIBLE_WORDS = {"module_defaults", "gather_facts", "ansible_python_interpreter"}


def test_every_option_it_names_exists(readme):
    known = set(ANSIBLE_WORDS) | facts.return_keys() | set(facts.module_names()) | set(facts.role_names())
    for options in facts.all_module_options().values():
        known |= {name for option in options.values() for name in (option.name, *option.aliases)}
    for role in facts.role_names():
        known |= set(facts.role_options(role))
    named = {
        code.value
        for _line, text in readme.prose_lines
        for code in readme.inline(text)
        if re.fullmatch(r"[a-z]+(?:_[a-z]+)+", code.value)
    }
    assert named - known == set(), "README.md names options the collection does not have"


def test_it_names_the_licence(readme):
    licence = facts.galaxy()["license"][0]
    assert licence in readme.text
    assert any(t.endswith("/LICENSE") or t == "LICENSE" for t in link_targets(readme))


def test_make_only_in_the_source_checkout_section(readme):
    start = next((line for line, title in readme.headings if title == CHECKOUT_SECTION), None)
    assert start is not None, f"README.md has no section '{CHECKOUT_SECTION}'"
    assert readme.headings[-1][1] == CHECKOUT_SECTION, "the source checkout section comes last"
    commands = tree_checks.make_commands(readme)
    early = [line for line, _rest in commands if line < start]
    assert not early, f"make before '{CHECKOUT_SECTION}' (a Galaxy user has no Makefile): lines {early}"
    targets = {rest.split()[0] for _line, rest in commands if rest.split()}
    assert {"demo", "test"} <= targets


def test_no_real_cloud_step_that_changes_more_than_the_streams_named(readme):
    # the demo forbids a stream for a moment, and Tencent applies a forbid to every stream of that
    # name on every domain and app of the account
    assert "demo_allow_real_endpoint" not in readme.text
    for block, data in yaml_blocks(readme):
        tasks = [
            t
            for item in (data if isinstance(data, list) else [])
            if isinstance(item, dict)
            for t in item.get("tasks", [item])
        ]
        for task in tasks:
            args = task.get("tencent.cloud.tencent_live_stream") if isinstance(task, dict) else None
            assert not (isinstance(args, dict) and args.get("state") == "forbidden"), (
                f"README.md:{block.line}: a forbid"
            )
