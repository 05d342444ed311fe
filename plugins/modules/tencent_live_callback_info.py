#!/usr/bin/python
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
---
module: tencent_live_callback_info
short_description: List Tencent Cloud Live (CSS) callback templates and rules
version_added: 0.1.0
description:
  - Lists every callback template of the account (C(DescribeLiveCallbackTemplates)) and the callback rules that bind
    them to push domains (C(DescribeLiveCallbackRules)), for example to check where a domain's callbacks go.
  - Callback keys are never returned, only whether a template has one (RV(templates[].callback_key_set)).
  - Never changes anything.
author:
  - tencent.cloud contributors (@tencent-cloud-ansible)
options:
  domain_name:
    description:
      - Only the rules of this push domain. Templates are always all listed (Tencent lists them all in one call).
    type: str
extends_documentation_fragment:
  - tencent.cloud.tencent
attributes:
  check_mode:
    description: Runs normally in check mode; it only reads.
    support: full
  diff_mode:
    description: Nothing changes, so there is nothing to show.
    support: none
seealso:
  - module: tencent.cloud.tencent_live_callback_template
  - module: tencent.cloud.tencent_live_callback_rule
"""

EXAMPLES = r"""
- name: Where do the callbacks of this domain go?
  tencent.cloud.tencent_live_callback_info:
    domain_name: 5000.livepush.myqcloud.com
  register: callbacks

- name: Say which template each app's callbacks go to
  ansible.builtin.debug:
    msg: "{{ item.app_name or '(the whole domain)' }}: {{ item.template_name }} (template_id {{ item.template_id }})"
  loop: "{{ callbacks.rules }}"

- name: Say when no rule sends them anywhere
  ansible.builtin.debug:
    msg: No callback rule on 5000.livepush.myqcloud.com
  when: callbacks.rules | length == 0
"""

RETURN = r"""
templates:
  description: Every callback template of the account, as M(tencent.cloud.tencent_live_callback_template) returns one.
  returned: always
  type: list
  elements: dict
  contains:
    template_id:
      description: The template's id.
      type: int
      sample: 1001
    name:
      description: The template's name.
      type: str
      sample: eda-callbacks
    description:
      description: The template's description.
      type: str
      sample: Tencent Live callbacks into Event-Driven Ansible
    urls:
      description: The URL of each event (V("") when none); C(record_status) is never returned by Tencent.
      type: dict
      sample: {"push": "https://eda.example.com:5000/live", "interrupt": "", "record": "", "snapshot": "",
               "moderation": "https://eda.example.com:5000/live", "push_error": "", "audio_moderation": "",
               "record_exception": ""}
    record_exception_levels:
      description: The levels of abnormal recording reported.
      type: list
      elements: str
      sample: []
    callback_key_set:
      description: Whether the template has a callback key. The key itself is never returned.
      type: bool
      sample: true
rules:
  description: The callback rules (of O(domain_name), when given), as Tencent lists them.
  returned: always
  type: list
  elements: dict
  contains:
    domain_name:
      description: The push domain.
      type: str
      sample: 5000.livepush.myqcloud.com
    app_name:
      description: The push path; V("") for the whole domain.
      type: str
      sample: live
    template_id:
      description: The id of the template bound.
      type: int
      sample: 1001
    template_name:
      description: The name of the template bound (V("") if Tencent did not list it).
      type: str
      sample: eda-callbacks
request_ids:
  description: The RequestId of each listing, by action.
  returned: always
  type: dict
  sample: {"DescribeLiveCallbackTemplates": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1",
           "DescribeLiveCallbackRules": "2c5f6a0e-4c4b-4a5c-9a77-0f3f0d7e9b12"}
credential_source:
  description: Where the task's credentials came from, never a secret, as for M(tencent.cloud.tencent_live_stream).
  returned: when credentials were found, also when the task failed after that
  type: str
  sample: environment
failure:
  description: Why the task failed (kind, action, code, message, request_id, hint, attempts).
  returned: when a listing failed
  type: dict
  sample: {"kind": "api", "action": "DescribeLiveCallbackRules", "code": "UnauthorizedOperation", "attempts": 1,
           "message": "not authorized", "request_id": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1",
           "hint": "The credentials may not call live:DescribeLiveCallbackRules: grant it in a CAM policy ..."}
"""

from ansible_collections.tencent.cloud.plugins.module_utils._args import with_connection_spec
from ansible_collections.tencent.cloud.plugins.module_utils._config_kinds import CALLBACK
from ansible_collections.tencent.cloud.plugins.module_utils._config_module import LiveConfigModule


def main():
    LiveConfigModule.main(CALLBACK, with_connection_spec(dict(domain_name=dict(type="str"))), "run_info")


if __name__ == "__main__":
    main()
