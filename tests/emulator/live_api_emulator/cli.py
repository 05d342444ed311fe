# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The command line: ``python3 tests/emulator/live_emulator.py [flags]`` (that script only calls
main() here). Flags become settings over the --config file's; a bad value stops the emulator with
exit status 2 and a message naming the setting.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
from typing import Optional

from .callbacks import check_callback_config
from .common import MAX_PAGE_SIZE, PUBLISHED_CAP_MODES, ControlError
from .core import check_config_shape
from .server import LiveEmulator
from .settings import FORBID_SCOPES, INTL_PAGE_SIZE_MAX, QUOTA_WINDOWS, validate_settings


def parse_args(argv: Optional[list]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Tencent Cloud Live API 3.0 emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the bound port here (atomically) once listening")
    parser.add_argument("--config", help="JSON: {credentials, domains, streams, settings, roles, cvm_role}")
    parser.add_argument("--call-log", help="append every API call as a JSON line here")
    parser.add_argument("--latency-ms", type=float, help="sleep this long before every API answer")
    parser.add_argument("--no-quotas", action="store_true", help="do not enforce the per-action quotas")
    parser.add_argument(
        "--quota-window",
        choices=QUOTA_WINDOWS,
        help="bucket (default): token bucket, burst = rate; sliding: at most the quota in any 1.0 s window; "
        "leaky: no burst, the quota spread evenly (a bucket of 5%% of it)",
    )
    parser.add_argument(
        "--strict-resume", action="store_true", help="ResumeLiveStream of a stream that is not forbidden fails"
    )
    parser.add_argument("--strict-resume-code", help="the error code of --strict-resume (default FailedOperation)")
    parser.add_argument(
        "--drop-inactive-code",
        help="DropLiveStream of a stream that is not pushing fails with this code (default: succeeds)",
    )
    parser.add_argument(
        "--forbid-scope",
        choices=FORBID_SCOPES,
        help="name (default, as Tencent): a forbid covers the stream name on every domain and app; strict: domain+app+name",
    )
    parser.add_argument(
        "--online-page-size-max",
        type=int,
        help=f"largest DescribeLiveStreamOnlineList PageSize (default {MAX_PAGE_SIZE})",
    )
    parser.add_argument(
        "--intl",
        action="store_true",
        help=f"the international site's limits: online list PageSize at most {INTL_PAGE_SIZE_MAX}",
    )
    parser.add_argument("--unknown-domain-code", help="error code for a domain the account does not have")
    parser.add_argument(
        "--reconnect-after-resume",
        type=float,
        help="seconds after a ResumeLiveStream lifts a forbid until the stream is active again (default: never)",
    )
    parser.add_argument(
        "--published-cap-mode",
        choices=PUBLISHED_CAP_MODES,
        help="DescribeLiveStreamPublishedList beyond record 10,000: truncate (default, empty pages) or error",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help=(
            "shorthand: --quota-window sliding --strict-resume --forbid-scope name "
            "--drop-inactive-code ResourceNotFound.StreamNotAlive"
        ),
    )
    parser.add_argument("--callback-url", help="send Live callbacks (push, interrupt, ...) to this URL")
    parser.add_argument("--callback-key", help="the callback key the callbacks are signed with (sign = md5(key + t))")
    parser.add_argument(
        "--callback-retry-interval", type=float, help="seconds between re-sends of an unanswered callback (default 1)"
    )
    parser.add_argument("--no-control", action="store_true", help="answer 404 on /_emulator/* (no control interface)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a generated self-signed cert")
    parser.add_argument("--cert-dir", help="with --tls: where cert.pem, key.pem and ca.pem are written")
    parser.add_argument(
        "--tls-cert", help="serve HTTPS with this certificate (PEM; clients trust the CA that issued it)"
    )
    parser.add_argument("--tls-key", help="with --tls-cert: its private key (PEM), unless it is in the --tls-cert file")
    args = parser.parse_args(argv)
    if args.tls and not args.cert_dir:
        parser.error("--tls needs --cert-dir")
    if args.tls and args.tls_cert:
        parser.error("give --tls (a generated certificate) or --tls-cert, not both")
    if args.tls_key and not args.tls_cert:
        parser.error("--tls-key needs --tls-cert")
    return args


def cli_settings(args: argparse.Namespace) -> dict:
    """The settings the command line gives; they override the config file's."""
    settings: dict = {}
    if args.strict:
        settings["strict"] = True
    if args.intl:
        settings["online_page_size_max"] = INTL_PAGE_SIZE_MAX
    flags = {
        "latency_ms": args.latency_ms,
        "quota_window": args.quota_window,
        "strict_resume_code": args.strict_resume_code,
        "drop_inactive_code": args.drop_inactive_code,
        "forbid_scope": args.forbid_scope,
        "online_page_size_max": args.online_page_size_max,
        "unknown_domain_code": args.unknown_domain_code,
        "reconnect_after_resume": args.reconnect_after_resume,
        "published_cap_mode": args.published_cap_mode,
    }
    settings.update((name, value) for name, value in flags.items() if value is not None)
    if args.no_quotas:
        settings["quotas"] = False
    if args.strict_resume:
        settings["strict_resume"] = True
    return settings


def load_config(args: argparse.Namespace) -> dict:
    config: dict = {}
    if args.config:
        with open(args.config, encoding="utf-8") as handle:
            config = json.load(handle)
        check_config_shape(config)
    settings = dict(config.get("settings") or {})
    settings.update(cli_settings(args))
    if settings:
        config["settings"] = validate_settings(settings)
    flags = {"url": args.callback_url, "key": args.callback_key, "retry_interval": args.callback_retry_interval}
    callbacks = dict(config.get("callbacks") or {}, **{k: v for k, v in flags.items() if v is not None})
    if callbacks:
        config["callbacks"] = check_callback_config(callbacks)
    return config


def write_port_file(path: str, port: int) -> None:
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="ascii") as handle:
        handle.write(f"{port}\n")
    os.replace(temporary, path)


def main(argv: Optional[list] = None) -> int:
    args = parse_args(argv)
    try:
        emulator = LiveEmulator(
            load_config(args),
            host=args.host,
            port=args.port,
            call_log=args.call_log,
            tls_cert_dir=args.cert_dir if args.tls else None,
            control=not args.no_control,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
        )
        emulator.start()
    except (ControlError, OSError, ValueError, subprocess.CalledProcessError) as error:
        sys.stderr.write("live-emulator: cannot start: {}\n".format(getattr(error, "message", error)))
        return 2
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if args.port_file:
        write_port_file(args.port_file, emulator.port)
    print(f"live-emulator listening on {emulator.url}", flush=True)
    while not stop.wait(0.5):
        pass
    emulator.stop()
    return 0
