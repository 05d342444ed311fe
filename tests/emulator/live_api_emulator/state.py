# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's state, in one place: credentials, domains, streams, push history, settings,
faults, call log, quota counters, roles. EmulatorCore and the parts it is made of (StreamActions,
TemporaryCredentials, ControlRoutes) inherit it; one lock guards it.
"""

import threading
import time
from typing import Callable, Optional

from .quotas import ALL_QUOTAS


class EmulatorState:
    """The state EmulatorCore's parts share. EmulatorCore.reset() fills it with the start-up state."""

    def __init__(self, clock: Optional[Callable[[], float]] = None):
        self.clock = clock or time.time
        self._lock = threading.Lock()
        self.credentials: dict = {}  # secret id -> Credential
        self.domains: set = set()
        self.streams: dict = {}  # (domain, app, name) -> StreamRecord
        self.by_name: dict = {}  # stream name -> set of stream keys (forbid_scope "name")
        self.published: list = []  # PushRecord, seen pushes and seeded history
        self.published_sorted = True
        self.settings: dict = {}
        self.faults: list = []
        self.calls: list = []
        self.buckets: dict = {}  # (account, action) -> TokenBucket or SlidingWindow
        self.roles: dict = {}  # role arn -> RoleRecord
        self.cvm_role = None  # CvmRoleRecord or None
        self.issued: list = []
        self.templates: dict = {}  # "callback"/"snapshot" -> {TemplateId: fields} (live_config.py)
        self.rules: dict = {}  # "callback"/"snapshot" -> {identity: rule}
        self.next_template_id = 0

    def _push_event(self, key: tuple, stop_reason: Optional[str] = None) -> None:
        """Hook: the push of ``key`` started (stop_reason None) or ended; EmulatorCore sends a callback."""

    def _quota_limit(self, action: str) -> float:
        return self.settings["quota_overrides"].get(action, ALL_QUOTAS[action])
