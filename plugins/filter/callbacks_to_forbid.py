# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter tencent.cloud.callbacks_to_forbid: its documentation; its code is in plugins/plugin_utils/_forbid_plan.py,
with the other filters of playbooks/forbid_streams.yml."""

DOCUMENTATION = r"""
name: callbacks_to_forbid
author: tencent.cloud contributors (@tencent-cloud-ansible)
version_added: 0.1.0
short_description: The streams that Tencent Live moderation callbacks ask to forbid, read as hostile data
description:
  - Decodes the C(tencent_live_b64) of an event of the event source C(tencent.cloud.live_callback) -- one callback's
    C(tencent_live) mapping, or a batch of them (a JSON list, the source's C(batch_match)) -- into what
    M(tencent.cloud.tencent_live_stream) needs to forbid their streams, in one task per push domain and app.
  - "Each stream gets the reason C(Tencent moderation: <suggestion> <label> <sub_label>) of its own callback (missing
    labels left out), cut to Tencent's 2048 bytes in UTF-8 (ending in C(...)). A stream named by several callbacks is
    forbidden once, with the reason of the first."
  - Names are taken exactly as they came, never trimmed or re-spelled. A callback that names no stream, or no push
    domain (and O(domain_name) is not given), or gives a name that is not text, is listed in RV(_value.refused),
    never guessed at.
  - The output is marked unsafe (on ansible-core 2.19 and later, not trusted as a template), so no template renders
    any text of a callback, and it is passed on without being re-typed where it stays in lists and mappings.
  - The playbook C(tencent.cloud.forbid_streams) uses it; the collection's event-driven guide says how.
positional: _input
options:
  _input:
    description: The event's C(tencent_live_b64), exactly as the rulebook has it.
    type: str
    required: true
  domain_name:
    description: The push domain of a callback that names none.
    type: str
  app_name:
    description: The app of a callback that names none (default C(live)).
    type: str
"""

EXAMPLES = r"""
- name: Forbid the streams of a moderation batch (one task per push domain and app)
  tencent.cloud.tencent_live_stream:
    domain_name: "{{ item.domain_name }}"
    app_name: "{{ item.app_name }}"
    stream_names: "{{ item.stream_names }}"
    reasons: "{{ item.reasons }}"
    state: forbidden
    only_pushing: true
  loop: "{{ (tencent_live_b64 | tencent.cloud.callbacks_to_forbid).groups }}"
"""

RETURN = r"""
_value:
  description: What to forbid, and what cannot be.
  type: dict
  contains:
    error:
      description: Why O(_input) could not be read (not base64, not the JSON text of a callback or a list of them), or null.
      type: str
    groups:
      description:
        - One entry per push domain and app, in the order the callbacks came; each with C(domain_name), C(app_name),
          C(stream_names) (each once) and C(reasons) (stream name to reason).
      type: list
      elements: dict
    streams:
      description:
        - Every stream to forbid, in order, with C(domain_name), C(app_name), C(stream_name), C(reason) and
          C(callback) (its callback, with the push domain and app it was given), for P(tencent.cloud.forbid_rerun#filter).
      type: list
      elements: dict
    refused:
      description: The callbacks that cannot be acted on, each with C(why) and C(stream) (control characters escaped).
      type: list
      elements: dict
    refused_command:
      description: The command that forbids those that name no push domain, once one is given; null if there are none.
      type: str
"""

from ansible_collections.tencent.cloud.plugins.plugin_utils._forbid_plan import callbacks_to_forbid


class FilterModule:
    """tencent.cloud.callbacks_to_forbid"""

    def filters(self):
        return {"callbacks_to_forbid": callbacks_to_forbid}
