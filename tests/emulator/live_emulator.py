# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Live API emulator's command line (standard library only, Python >= 3.9)::

    python3 tests/emulator/live_emulator.py [--host 127.0.0.1] [--port 0] [--port-file FILE]
        [--config FILE.json] [--call-log FILE.jsonl] [--latency-ms N] [--no-quotas]
        [--tls --cert-dir DIR | --tls-cert FILE [--tls-key FILE]] [--no-control] [--strict] [--quota-window bucket|sliding]
        [--strict-resume] [--forbid-scope name|strict] [--intl] ...

The emulator itself is the package beside this file, live_api_emulator/; this script only runs its
main(), from whatever copy of the collection it sits in. tests/emulator/README.md documents the
flags, the settings, the control routes and the package's layout.
"""

import os
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        from live_api_emulator.cli import main
    except ImportError as error:  # e.g. a copy without the collection's plugins/module_utils/_quotas.py
        sys.stderr.write(f"live-emulator: cannot start: {error}\n")
        sys.exit(2)
    sys.exit(main())
