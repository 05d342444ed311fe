#!/usr/bin/python
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
---
module: tencent_live_callback_rule
short_description: Bind a Tencent Cloud Live (CSS) callback template to a push domain and app
version_added: 0.1.0
description:
  - A callback rule makes Tencent Live send a push domain's (and app's) callbacks to the URLs of one callback template
    (see M(tencent.cloud.tencent_live_callback_template)).
  - A rule is identified by O(domain_name) and O(app_name); each has at most one template.
  - Lists the rules first (C(DescribeLiveCallbackRules)) and writes only when needed. Tencent has no call that changes
    a rule's template, so a rule bound to another template is deleted and created again (C(DeleteLiveCallbackRule),
    then C(CreateLiveCallbackRule)); the task is C(changed), and the diff shows both template ids. If the create fails
    after the delete, the task fails saying the old rule was deleted; a re-run creates the new one.
author:
  - tencent.cloud contributors (@tencent-cloud-ansible)
options:
  domain_name:
    description:
      - The push domain.
    type: str
    required: true
  app_name:
    description:
      - The push path (AppName). V("") binds the template to the whole domain.
    type: str
    default: live
  template_id:
    description:
      - The id of the callback template to bind. Mutually exclusive with O(template_name).
    type: int
  template_name:
    description:
      - The name of the callback template to bind, instead of O(template_id). Two templates of that name fail the
        task, naming their ids.
      - In check mode, a template of that name that does not exist yet (a task before this one would create it) is
        not a failure; the task warns and shows the binding planned.
    type: str
  state:
    description:
      - V(present) binds the template (one of O(template_id) and O(template_name) is required); V(absent) removes the
        rule of O(domain_name) and O(app_name), whichever template it uses (O(template_id) and O(template_name) are
        not read then). A rule that does not exist is C(ok).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tencent.cloud.tencent
  - tencent.cloud.live_config
seealso:
  - module: tencent.cloud.tencent_live_callback_template
  - module: tencent.cloud.tencent_live_callback_info
"""

EXAMPLES = r"""
- name: A callback template to bind
  tencent.cloud.tencent_live_callback_template:
    name: eda-callbacks
    urls:
      push: https://eda.example.com:5000/live
      moderation: https://eda.example.com:5000/live

- name: Send the callbacks of the app live on this domain to it
  tencent.cloud.tencent_live_callback_rule:
    domain_name: 5000.livepush.myqcloud.com
    app_name: live
    template_name: eda-callbacks

- name: Remove the rule (then the template can be deleted)
  tencent.cloud.tencent_live_callback_rule:
    domain_name: 5000.livepush.myqcloud.com
    app_name: live
    state: absent
"""

RETURN = r"""
rule:
  description: The rule after the task (in check mode, as it would be); null when it is absent.
  returned: always
  type: dict
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
      description: The id of the template bound; null in check mode for a template not created yet.
      type: int
      sample: 1001
    template_name:
      description: The name of the template bound.
      type: str
      sample: eda-callbacks
request_ids:
  description: The RequestId of each call made, by action (the last of each).
  returned: always
  type: dict
  sample: {"DescribeLiveCallbackRules": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1",
           "CreateLiveCallbackRule": "2c5f6a0e-4c4b-4a5c-9a77-0f3f0d7e9b12"}
credential_source:
  description: Where the task's credentials came from, never a secret, as for M(tencent.cloud.tencent_live_stream).
  returned: when credentials were found, also when the task failed after that
  type: str
  sample: environment
failure:
  description:
    - Why the task failed (kind, action, code, message, request_id, hint, attempts). C(kind) is C(api), C(transport),
      C(conflict) (two templates of the name), C(outcome_unknown), C(deadline) or C(stopped).
  returned: when the task failed on an API call or a conflict
  type: dict
  sample: {"kind": "api", "action": "CreateLiveCallbackRule", "code": "InvalidParameter.DomainNotExists",
           "message": "domain not found", "request_id": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1", "attempts": 1,
           "hint": "Tencent does not know this push domain for this account: ..."}
"""

from ansible_collections.tencent.cloud.plugins.module_utils._config_kinds import CALLBACK
from ansible_collections.tencent.cloud.plugins.module_utils._config_module import LiveConfigModule, rule_spec


def main():
    LiveConfigModule.main(
        CALLBACK,
        rule_spec(CALLBACK),
        "run_rule",
        mutually_exclusive=[("template_id", "template_name")],
        required_if=[("state", "present", ("template_id", "template_name"), True)],
    )


if __name__ == "__main__":
    main()
