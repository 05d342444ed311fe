#!/usr/bin/python
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
---
module: tencent_live_snapshot_template
short_description: Create, update or delete a Tencent Cloud Live (CSS) snapshot template, the image moderation switch
version_added: 0.1.0
description:
  - A snapshot template makes Tencent Live take a picture of each stream every O(interval) seconds and store it in a
    COS bucket. With O(moderation), Tencent also moderates the pictures and sends moderation callbacks (event_type 317,
    the C(urls.moderation) of M(tencent.cloud.tencent_live_callback_template)) -- without a snapshot template with
    moderation bound to the domain, there are none. Bind it with M(tencent.cloud.tencent_live_snapshot_rule).
  - Found, compared and written as M(tencent.cloud.tencent_live_callback_template) does (by O(template_id), else by
    O(name); two of one name fail naming their ids; written only when it differs, a Modify sending every field that has
    a value, and read back, a Modify accepted but not applied failing as C(failure.kind=conflict) with C(changed=true)),
    with C(DescribeLiveSnapshotTemplates), C(CreateLiveSnapshotTemplate), C(ModifyLiveSnapshotTemplate) and
    C(DeleteLiveSnapshotTemplate). The COS fields are sent on every Modify (Tencent requires them).
  - Snapshots and moderation are billed by Tencent per 1,000 images.
author:
  - tencent.cloud contributors (@tencent-cloud-ansible)
options:
  name:
    description:
      - The template's name, of letters, digits, C(_) and C(-), at most 255 bytes. Required to create one.
      - With O(template_id), a different name renames the template, unless another one has that name.
    type: str
  template_id:
    description:
      - The template's id, as Tencent gave it. Finds the template instead of O(name); one that does not exist fails with
        O(state=present) and is C(ok) with O(state=absent).
    type: int
  description:
    description: The template's description, at most 1024 bytes. Left as it is when not given.
    type: str
  cos_app_id:
    description: The AppId of the COS bucket's account. Required to create a template.
    type: int
  cos_bucket:
    description:
      - The COS bucket's name without the C(-appid) suffix (C(live-snapshots), not C(live-snapshots-1250000000)).
        Required to create a template.
    type: str
  cos_region:
    description: The COS bucket's region, such as C(ap-guangzhou). Required to create a template.
    type: str
  cos_prefix:
    description: The path in the bucket the pictures are stored under. Left as it is when not given.
    type: str
  cos_file_name:
    description: The pictures' file name pattern. Left as it is when not given.
    type: str
  interval:
    description:
      - Seconds between two pictures of a stream, 2 to 300. If not set on create, Tencent's default (10).
    type: int
  width:
    description: The pictures' width in pixels; V(0) keeps the stream's own. Left as it is when not given.
    type: int
  height:
    description: The pictures' height in pixels; V(0) keeps the stream's own. Left as it is when not given.
    type: int
  moderation:
    description:
      - Whether Tencent moderates the pictures (its C(PornFlag)) and sends moderation callbacks. It applies to pushes that
        start after the template is bound. Left as it is when not given; off on create.
    type: bool
  state:
    description:
      - V(present) creates or updates the template; V(absent) deletes it. A template that rules still use cannot be
        deleted, so the task fails naming those rules, before any write.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tencent.cloud.tencent
  - tencent.cloud.live_config
seealso:
  - module: tencent.cloud.tencent_live_snapshot_rule
  - module: tencent.cloud.tencent_live_callback_template
"""

EXAMPLES = r"""
- name: Moderate a picture of each stream every 10 seconds
  tencent.cloud.tencent_live_snapshot_template:
    name: moderation
    cos_app_id: 1250000000
    cos_bucket: live-snapshots
    cos_region: ap-guangzhou
    interval: 10
    moderation: true
  register: snapshots

- name: Switch moderation off, keep the pictures
  tencent.cloud.tencent_live_snapshot_template:
    name: moderation
    moderation: false

- name: Delete it (once no rule uses it)
  tencent.cloud.tencent_live_snapshot_template:
    template_id: "{{ snapshots.template.template_id }}"
    state: absent
"""

RETURN = r"""
template:
  description: The template as Tencent lists it after the task (in check mode, as it would be); null when it is absent.
  returned: always
  type: dict
  contains:
    template_id:
      description: The template's id; null in check mode for a template not created yet.
      type: int
      sample: 2001
    name:
      description: The template's name.
      type: str
      sample: moderation
    description:
      description: The template's description.
      type: str
      sample: ""
    cos_app_id:
      description: The COS bucket's AppId.
      type: int
      sample: 1250000000
    cos_bucket:
      description: The COS bucket's name, without the C(-appid) suffix.
      type: str
      sample: live-snapshots
    cos_region:
      description: The COS bucket's region.
      type: str
      sample: ap-guangzhou
    cos_prefix:
      description: The path in the bucket.
      type: str
      sample: ""
    cos_file_name:
      description: The file name pattern.
      type: str
      sample: ""
    interval:
      description: Seconds between two pictures.
      type: int
      sample: 10
    width:
      description: The pictures' width (0 the stream's own).
      type: int
      sample: 0
    height:
      description: The pictures' height (0 the stream's own).
      type: int
      sample: 0
    moderation:
      description: Whether the pictures are moderated.
      type: bool
      sample: true
request_ids:
  description: The RequestId of each call made, by action (the last of each).
  returned: always
  type: dict
  sample: {"DescribeLiveSnapshotTemplates": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1"}
confirmed_by_listing:
  description: Whether the create's answer was lost and the listing that followed found the template made.
  returned: when a template was created
  type: bool
  sample: false
credential_source:
  description: Where the task's credentials came from, never a secret, as for M(tencent.cloud.tencent_live_stream).
  returned: when credentials were found, also when the task failed after that
  type: str
  sample: environment
failure:
  description:
    - Why the task failed (kind, action, code, message, request_id, hint, attempts), as for
      M(tencent.cloud.tencent_live_callback_template).
  returned: when the task failed on an API call or a conflict
  type: dict
  sample: {"kind": "conflict", "action": "DeleteLiveSnapshotTemplate", "attempts": 1,
           "message": "the snapshot template 2001 is used by 1 snapshot rule(s): ..."}
"""

from ansible_collections.tencent.cloud.plugins.module_utils._config_kinds import SNAPSHOT
from ansible_collections.tencent.cloud.plugins.module_utils._config_module import LiveConfigModule, template_spec


def main():
    LiveConfigModule.main(
        SNAPSHOT,
        template_spec(
            SNAPSHOT,
            cos_app_id=dict(type="int"),
            cos_bucket=dict(type="str"),
            cos_region=dict(type="str"),
            cos_prefix=dict(type="str"),
            cos_file_name=dict(type="str"),
            interval=dict(type="int"),
            width=dict(type="int"),
            height=dict(type="int"),
            moderation=dict(type="bool"),
        ),
        "run_template",
        required_one_of=[("name", "template_id")],
    )


if __name__ == "__main__":
    main()
