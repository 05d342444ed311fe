#!/usr/bin/python
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
---
module: tencent_live_snapshot_rule
short_description: Bind a Tencent Cloud Live (CSS) snapshot template to a push domain, app and stream
version_added: 0.1.0
description:
  - A snapshot rule makes Tencent Live take the pictures (and, with moderation, moderate them) of a push domain's
    streams as one snapshot template says (see M(tencent.cloud.tencent_live_snapshot_template)). It applies to pushes
    that start after the binding.
  - A rule is identified by O(domain_name), O(app_name) and O(stream_name); each has at most one template.
  - Lists the rules first (C(DescribeLiveSnapshotRules)) and writes only when needed; a rule bound to another template
    is deleted and created again (C(DeleteLiveSnapshotRule), then C(CreateLiveSnapshotRule)), as
    M(tencent.cloud.tencent_live_callback_rule) does.
author:
  - tencent.cloud contributors (@tencent-cloud-ansible)
options:
  domain_name:
    description: The push domain.
    type: str
    required: true
  app_name:
    description: The push path (AppName). V("") binds the template to every app of the domain.
    type: str
    default: live
  stream_name:
    description: One stream only; V("") (the default) binds the template to every stream of O(app_name).
    type: str
    default: ""
  template_id:
    description: The id of the snapshot template to bind. Mutually exclusive with O(template_name).
    type: int
  template_name:
    description:
      - The name of the snapshot template to bind, instead of O(template_id). Two templates of that name fail the task,
        naming their ids. In check mode, one that does not exist yet is not a failure (the task warns).
    type: str
  state:
    description:
      - V(present) binds the template (one of O(template_id) and O(template_name) is required); V(absent) removes the
        rule, whichever template it uses. A rule that does not exist is C(ok).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tencent.cloud.tencent
  - tencent.cloud.live_config
seealso:
  - module: tencent.cloud.tencent_live_snapshot_template
"""

EXAMPLES = r"""
- name: A snapshot template with moderation
  tencent.cloud.tencent_live_snapshot_template:
    name: moderation
    cos_app_id: 1250000000
    cos_bucket: live-snapshots
    cos_region: ap-guangzhou
    moderation: true

- name: Moderate every stream of the app live on this domain
  tencent.cloud.tencent_live_snapshot_rule:
    domain_name: 5000.livepush.myqcloud.com
    app_name: live
    template_name: moderation

- name: Stop it
  tencent.cloud.tencent_live_snapshot_rule:
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
      description: The push path; V("") for every app.
      type: str
      sample: live
    stream_name:
      description: The stream; V("") for every stream.
      type: str
      sample: ""
    template_id:
      description: The id of the template bound; null in check mode for a template not created yet.
      type: int
      sample: 2001
    template_name:
      description: The name of the template bound.
      type: str
      sample: moderation
request_ids:
  description: The RequestId of each call made, by action (the last of each).
  returned: always
  type: dict
  sample: {"DescribeLiveSnapshotRules": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1"}
credential_source:
  description: Where the task's credentials came from, never a secret, as for M(tencent.cloud.tencent_live_stream).
  returned: when credentials were found, also when the task failed after that
  type: str
  sample: environment
failure:
  description: Why the task failed (kind, action, code, message, request_id, hint, attempts).
  returned: when the task failed on an API call or a conflict
  type: dict
  sample: {"kind": "api", "action": "CreateLiveSnapshotRule", "code": "InternalError", "message": "internal error",
           "request_id": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1", "attempts": 1, "hint": "..."}
"""

from ansible_collections.tencent.cloud.plugins.module_utils._config_kinds import SNAPSHOT
from ansible_collections.tencent.cloud.plugins.module_utils._config_module import LiveConfigModule, rule_spec


def main():
    LiveConfigModule.main(
        SNAPSHOT,
        rule_spec(SNAPSHOT, stream_name=dict(type="str", default="")),
        "run_rule",
        mutually_exclusive=[("template_id", "template_name")],
        required_if=[("state", "present", ("template_id", "template_name"), True)],
    )


if __name__ == "__main__":
    main()
