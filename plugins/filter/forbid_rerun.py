# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter tencent.cloud.forbid_rerun: its documentation; its code is in plugins/plugin_utils/_forbid_plan.py,
with the other filters of playbooks/forbid_streams.yml."""

DOCUMENTATION = r"""
name: forbid_rerun
author: tencent.cloud contributors (@tencent-cloud-ansible)
version_added: 0.1.0
short_description: What a failed forbid did not forbid, and the command that forbids it
description:
  - From a plan of P(tencent.cloud.callbacks_to_forbid#filter) or P(tencent.cloud.streams_to_forbid#filter) and the registered
    result of the M(tencent.cloud.tencent_live_stream) task (or tasks, a loop) that acted on it, the streams it did
    not show done, why, and the C(ansible-playbook tencent.cloud.forbid_streams) command that forbids them.
  - A rulebook has answered its callbacks before the playbook runs, so Tencent does not re-send them; the playbook
    C(tencent.cloud.forbid_streams) prints this when a forbid fails.
positional: _input, results, extra_vars
options:
  _input:
    description: The plan.
    type: dict
    required: true
  results:
    description: The registered result; null when the task did not run.
    type: dict
  extra_vars:
    description: "Extra vars the command passes as well, such as V({resume_after: 24h})."
    type: dict
"""

EXAMPLES = r"""
- name: Say what was not forbidden
  ansible.builtin.debug:
    msg: "{{ (plan | tencent.cloud.forbid_rerun(forbid_result, {'resume_after': '24h'})).command }}"
  vars:
    plan: "{{ 'stream1' | tencent.cloud.streams_to_forbid(domain_name='5000.livepush.myqcloud.com', reason='x') }}"
    forbid_result: {"failed": true, "msg": "1 of 1 streams failed", "streams": [{"stream_name": "stream1", "failed": true}]}
"""

RETURN = r"""
_value:
  description: What was not forbidden.
  type: dict
  contains:
    streams:
      description: domain/app/stream of each stream not forbidden (control characters escaped).
      type: list
      elements: str
    why:
      description: The failed results' messages, or null.
      type: str
    command:
      description: The command that forbids them; null when nothing is left.
      type: str
    vars_file:
      description:
        - When the command would not fit in one argument of a command line, the JSON of its extra vars, to save as
          C(forbid-rerun.yml) (the command reads it with C(-e @forbid-rerun.yml)); otherwise null.
      type: str
"""

from ansible_collections.tencent.cloud.plugins.plugin_utils._forbid_plan import forbid_rerun


class FilterModule:
    """tencent.cloud.forbid_rerun"""

    def filters(self):
        return {"forbid_rerun": forbid_rerun}
