# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter tencent.cloud.streams_to_forbid: its documentation; its code is in plugins/plugin_utils/_forbid_plan.py,
with the other filters of playbooks/forbid_streams.yml."""

DOCUMENTATION = r"""
name: streams_to_forbid
author: tencent.cloud contributors (@tencent-cloud-ansible)
version_added: 0.1.0
short_description: The streams an operator asks to forbid, as P(tencent.cloud.callbacks_to_forbid#filter) plans callbacks
description:
  - The plan of P(tencent.cloud.callbacks_to_forbid#filter) for stream names an operator gives (an AWX survey, C(-e)), so
    that one task of the playbook C(tencent.cloud.forbid_streams) serves both.
  - O(_input) is a list of names, or one string of names separated by commas, spaces or newlines (what an AWX
    C(textarea) answer is). Blanks are dropped, and a name given twice is forbidden once.
  - O(reason) is trimmed and cut to Tencent's 2048 bytes in UTF-8 (ending in C(...)).
positional: _input
options:
  _input:
    description: The stream names.
    type: raw
    required: true
  domain_name:
    description: The push domain.
    type: str
    required: true
  app_name:
    description: The app (default C(live)).
    type: str
  reason:
    description: Why, sent to Tencent.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: The plan of an operator's survey answer
  ansible.builtin.debug:
    msg: "{{ 'stream1, stream2' | tencent.cloud.streams_to_forbid(domain_name='5000.livepush.myqcloud.com', reason='Complaint 4711') }}"
"""

RETURN = r"""
_value:
  description: The plan, as P(tencent.cloud.callbacks_to_forbid#filter) returns it (C(error) null, nothing refused).
  type: dict
"""

from ansible_collections.tencent.cloud.plugins.plugin_utils._forbid_plan import streams_to_forbid


class FilterModule:
    """tencent.cloud.streams_to_forbid"""

    def filters(self):
        return {"streams_to_forbid": streams_to_forbid}
