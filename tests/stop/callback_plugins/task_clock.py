# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A test callback: notes when the controller starts each task (Unix time, one line per task) in $TASK_CLOCK_FILE.

The task keyword ``timeout:`` counts from a moment a little after this one (the worker starts the
task), so this note plus the timeout is never later than the moment Ansible gives the task up.
"""

import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_clock"
    CALLBACK_NEEDS_ENABLED = True

    def v2_playbook_on_task_start(self, task, is_conditional):
        path = os.environ.get("TASK_CLOCK_FILE")
        if path:
            with open(path, "a", encoding="ascii") as handle:
                handle.write(f"{time.time():.6f}\n")
