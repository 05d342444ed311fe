# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local, protocol-faithful stand-in for the Tencent Cloud Live API 3.0 (and the STS and CVM
metadata endpoints the credential chain needs). Standard library only (Python >= 3.9).

tests/emulator/README.md documents every setting, fault kind, flag and control route, and draws
this package's layout. In short:

- common.py       the API surface (actions, parameters, limits), errors, UTC time, envelopes
- params.py       input checks: API parameters and control-interface values
- signature.py    the emulator's own TC3-HMAC-SHA256 checker (independent of the collection's signer)
- quotas.py       the quotas (Live's from plugins/module_utils/_quotas.py), token bucket, sliding window
- faults.py       injected faults: their description, when they fire, what the client sees
- settings.py     the settings, their defaults and checks
- state.py        the state every part shares
- streams.py      the Live actions: stream state, forbids, reconnects, push history
- credentials.py  credentials, STS AssumeRole and the CVM metadata service
- control.py      the control interface, /_emulator/*
- callbacks.py    Live callbacks (push, interrupt, moderation, ...) signed and re-sent like Tencent's
- callback_routes.py  their control routes and the push hook
- core.py         EmulatorCore: one API call from authentication to the call log
- server.py       HTTP(S) server, TLS, LiveEmulator (the in-process runner)
- cli.py          the command line (tests/emulator/live_emulator.py calls its main())

In-process::

    with LiveEmulator(config) as emulator:  # or host, port = emulator.start() ... emulator.stop()
        emulator.core.update_settings({"strict": True})
"""

from .cli import load_config, main, parse_args
from .common import (
    API_VERSION,
    DEFAULT_ACCOUNT,
    DEFAULT_APP,
    DEFAULT_DOMAIN,
    DEFAULT_SECRET_ID,
    DEFAULT_SECRET_KEY,
    METADATA_ROLE_PATH,
    ApiError,
    ControlError,
    format_utc,
    parse_utc,
)
from .core import EmulatorCore
from .quotas import ALL_QUOTAS, LIVE_QUOTAS, QUOTAS_FILE, STS_QUOTAS, SlidingWindow, TokenBucket, window_max
from .server import LiveEmulator
from .signature import canonical_request, compute_signature, sha256_hex, string_to_sign

__all__ = [
    "ALL_QUOTAS",
    "API_VERSION",
    "DEFAULT_ACCOUNT",
    "DEFAULT_APP",
    "DEFAULT_DOMAIN",
    "DEFAULT_SECRET_ID",
    "DEFAULT_SECRET_KEY",
    "LIVE_QUOTAS",
    "METADATA_ROLE_PATH",
    "QUOTAS_FILE",
    "STS_QUOTAS",
    "ApiError",
    "ControlError",
    "EmulatorCore",
    "LiveEmulator",
    "SlidingWindow",
    "TokenBucket",
    "canonical_request",
    "compute_signature",
    "format_utc",
    "load_config",
    "main",
    "parse_args",
    "parse_utc",
    "sha256_hex",
    "string_to_sign",
    "window_max",
]
