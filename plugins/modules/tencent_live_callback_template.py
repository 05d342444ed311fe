#!/usr/bin/python
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
---
module: tencent_live_callback_template
short_description: Create, update or delete a Tencent Cloud Live (CSS) callback template
version_added: 0.1.0
description:
  - A callback template says which URLs Tencent Live calls for which events (push, interrupt, recording, snapshot,
    moderation, push errors...) and with which callback key it signs them. Bind it to a push domain with
    M(tencent.cloud.tencent_live_callback_rule); receive the callbacks with the event source
    C(tencent.cloud.live_callback).
  - The template is found by O(template_id), else by O(name). No template of that name is created; one is brought to
    what the options say; two or more of that name fail the task, naming their ids (Tencent does not keep names
    unique).
  - Lists the templates first (C(DescribeLiveCallbackTemplates)) and writes only when the template differs from what
    the options ask (C(CreateLiveCallbackTemplate), C(ModifyLiveCallbackTemplate) or C(DeleteLiveCallbackTemplate)),
    then lists again to return what Tencent keeps.
  - A C(ModifyLiveCallbackTemplate) sends every field that has a value, not only the changed ones -- the fields asked
    to change (V("") clears a URL) and every other field as read, the callback key included (it is never shown) --
    because Tencent does not document whether Modify keeps a field it is not given. C(TemplateName) is sent only when
    it changes, C(urls.record_status) only when given.
  - After a Modify the template is read back. One that Tencent accepted but did not apply (the template read back still
    differs from what was asked) fails with C(failure.kind=conflict), naming the fields, and C(changed=true), since
    other fields may have been written.
author:
  - tencent.cloud contributors (@tencent-cloud-ansible)
options:
  name:
    description:
      - The template's name (Tencent's C(TemplateName)), of letters, digits, C(_) and C(-), at most 255 bytes.
      - Required to create a template. With O(template_id), a different name renames the template, unless another
        template already has that name (then the task fails, naming it).
    type: str
  template_id:
    description:
      - The template's id, as Tencent gave it (RV(template.template_id)). Finds the template instead of O(name).
      - A template_id that does not exist fails with O(state=present) (Tencent gives ids; none can be asked for) and is
        C(ok) with O(state=absent).
    type: int
  description:
    description:
      - The template's description, at most 1024 bytes. Left as it is when not given.
    type: str
  urls:
    description:
      - The URLs Tencent calls, by event. The keys are the event source's event names.
      - A key left out is left as it is; V("") clears that URL. Values are C(http://) or C(https://) URLs.
      - Creating a template needs at least one URL.
      - C(record_status) is write-only (Tencent never returns it), so it cannot be compared. It is sent on create,
        and with any other change of the template; on its own it never makes the task C(changed).
    type: dict
    suboptions:
      push:
        description: Push started (event_type 1, C(StreamBeginNotifyUrl)).
        type: str
      interrupt:
        description: Push interrupted (event_type 0, C(StreamEndNotifyUrl)).
        type: str
      record:
        description: Recording file ready (event_type 100, C(RecordNotifyUrl)).
        type: str
      snapshot:
        description: Snapshot taken (event_type 200, C(SnapshotNotifyUrl)).
        type: str
      moderation:
        description:
          - Image moderation result (event_type 317, C(PornCensorshipNotifyUrl)). Tencent sends these only for domains
            with a snapshot template with moderation bound, see M(tencent.cloud.tencent_live_snapshot_template).
        type: str
      push_error:
        description: Push error (event_type 321, C(PushExceptionNotifyUrl)).
        type: str
      audio_moderation:
        description: Audio moderation result (event_type 315, C(AudioAuditNotifyUrl)).
        type: str
      record_status:
        description: Recording status (event_type 332, C(RecordStatusNotifyUrl)); write-only, see above.
        type: str
      record_exception:
        description: Abnormal recording (event_type 341, C(RecordExceptionNotifyUrl)), see O(record_exception_levels).
        type: str
  record_exception_levels:
    description:
      - The levels of abnormal recording reported to C(urls.record_exception). Left as they are when not given; V([])
        clears them.
    type: list
    elements: str
    choices: [error, warning, info, alarm]
  callback_key:
    description:
      - The key Tencent signs callbacks with (C(sign = md5(key + t))); the event source C(tencent.cloud.live_callback)
        checks it.
      - If not set, E(TENCENTCLOUD_LIVE_CALLBACK_KEY) is used (the variable the event source reads; an empty value
        counts as unset). If neither is set, the key is left as it is.
      - Compared with the key Tencent returns, and never shown -- not in the result (only RV(template.callback_key_set)),
        not in the diff (which says C(callback_key) changed), not in a log at any verbosity.
      - 1 to 32 letters and digits, as Tencent allows. A key shorter than 16 characters gets a warning, because the
        sign of a callback is an MD5 of the key and C(t), so whoever sees one callback can find a short key by trying
        keys offline, then sign any callback.
    type: str
  state:
    description:
      - V(present) creates or updates the template; V(absent) deletes it.
      - A template that rules still use cannot be deleted (Tencent refuses it); the task fails naming those rules, before
        any write. Remove them first with M(tencent.cloud.tencent_live_callback_rule).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tencent.cloud.tencent
  - tencent.cloud.live_config
seealso:
  - module: tencent.cloud.tencent_live_callback_rule
  - module: tencent.cloud.tencent_live_callback_info
"""

EXAMPLES = r"""
- name: Callbacks of push, interrupt, moderation and push errors to the rulebook's listener
  tencent.cloud.tencent_live_callback_template:
    name: eda-callbacks
    description: Tencent Live callbacks into Event-Driven Ansible
    urls:
      push: https://eda.example.com:5000/live
      interrupt: https://eda.example.com:5000/live
      moderation: https://eda.example.com:5000/live
      push_error: https://eda.example.com:5000/live
    # callback_key: not given, so it comes from TENCENTCLOUD_LIVE_CALLBACK_KEY, as for the event source
  register: callbacks

- name: Stop the interrupt callbacks, leave the other URLs as they are
  tencent.cloud.tencent_live_callback_template:
    name: eda-callbacks
    urls:
      interrupt: ""

- name: Rename it, found by its id
  tencent.cloud.tencent_live_callback_template:
    template_id: "{{ callbacks.template.template_id }}"
    name: eda-callbacks-prod

- name: Delete it (once no rule uses it)
  tencent.cloud.tencent_live_callback_template:
    template_id: "{{ callbacks.template.template_id }}"
    state: absent
"""

RETURN = r"""
template:
  description:
    - The template as Tencent lists it after the task (in check mode, as it would be); null when it is absent.
    - URLs that Tencent returns as absent or null read as V(""). C(urls.record_status) is never returned (write-only).
  returned: always
  type: dict
  contains:
    template_id:
      description: The template's id; null in check mode for a template not created yet.
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
      description: The URL of each event, V("") when none.
      type: dict
      sample: {"push": "https://eda.example.com:5000/live", "interrupt": "", "record": "", "snapshot": "",
               "moderation": "https://eda.example.com:5000/live", "push_error": "https://eda.example.com:5000/live",
               "audio_moderation": "", "record_exception": ""}
    record_exception_levels:
      description: The levels of abnormal recording reported.
      type: list
      elements: str
      sample: []
    callback_key_set:
      description: Whether the template has a callback key. The key itself is never returned.
      type: bool
      sample: true
request_ids:
  description: The RequestId of each call made, by action (the last of each).
  returned: always
  type: dict
  sample: {"DescribeLiveCallbackTemplates": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1",
           "CreateLiveCallbackTemplate": "2c5f6a0e-4c4b-4a5c-9a77-0f3f0d7e9b12"}
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
    - Why the task failed (kind, action, code, message, request_id, hint, attempts). C(kind) is C(api), C(transport),
      C(conflict) (two templates of one name, a template in use, or a Modify Tencent accepted but did not apply, which
      leaves the task C(changed)), C(outcome_unknown), C(deadline) or C(stopped).
  returned: when the task failed on an API call or a conflict
  type: dict
  sample: {"kind": "conflict", "action": "DescribeLiveCallbackTemplates", "attempts": 1,
           "message": "2 callback templates are named 'eda-callbacks' (TemplateId 1001, 1002): ..."}
"""

from ansible_collections.tencent.cloud.plugins.module_utils._config_kinds import CALLBACK
from ansible_collections.tencent.cloud.plugins.module_utils._config_module import (
    LiveConfigModule,
    callback_key_spec,
    template_spec,
)

URL_OPTIONS = {key: dict(type="str") for key in CALLBACK.url_keys}


def main():
    LiveConfigModule.main(
        CALLBACK,
        template_spec(
            CALLBACK,
            urls=dict(type="dict", options=URL_OPTIONS),
            record_exception_levels=dict(type="list", elements="str", choices=["error", "warning", "info", "alarm"]),
            callback_key=callback_key_spec(),
        ),
        "run_template",
        required_one_of=[("name", "template_id")],
    )


if __name__ == "__main__":
    main()
