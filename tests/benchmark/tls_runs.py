# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""(f) The batch over HTTPS: bench_batch.py runs the batch and the latency sweep again against the emulator
serving HTTPS (a certificate from a throwaway CA made with trustme, trusted through the module's ca_path),
and this compares each run with its HTTP twin. TLS costs a handshake per connection and a little per
call; the pacing is the quotas', so the ratio to the limit must not move by more than TLS_TOLERANCE.
"""

TLS_TOLERANCE = 0.05
TLS_HEADERS = [
    "latency",
    "streams",
    "limit s",
    "HTTP wall / limit",
    "HTTPS wall / limit",
    "HTTPS / HTTP",
    "HTTP API / limit",
    "HTTPS API / limit",
]


def wall_ratio(run):
    return run["wall"] / run["limit"]


def tls_rows(pairs, fmt_seconds):
    rows = []
    for http, https in pairs:
        rows.append(
            [
                f"{http['latency_ms']:g} ms",
                str(http["streams"]),
                fmt_seconds(http["limit"]),
                f"{wall_ratio(http):.2f}x",
                f"{wall_ratio(https):.2f}x",
                f"{wall_ratio(https) / wall_ratio(http):.3f}",
                f"{http['calls']['api_phase'] / http['limit']:.2f}x",
                f"{https['calls']['api_phase'] / https['limit']:.2f}x",
            ]
        )
    return rows


def tls_targets(pairs):
    targets = []
    for http, https in pairs:
        change = wall_ratio(https) / wall_ratio(http) - 1.0
        targets.append(
            (
                abs(change) <= TLS_TOLERANCE,
                f"{http['latency_ms']:g} ms: wall / limit over HTTPS within {TLS_TOLERANCE:.0%} of HTTP "
                f"({wall_ratio(https):.2f}x against {wall_ratio(http):.2f}x, {change:+.1%})",
            )
        )
    return targets


def tls_section(streams, pairs, section_class, fmt_seconds):
    """The results section of the HTTPS runs: pairs of (HTTP run, HTTPS run) of the same latency."""
    return section_class(
        "Over HTTPS",
        f"The batch over HTTPS: {streams} streams per task, strict window, each latency run again with TLS",
        TLS_HEADERS,
        tls_rows(pairs, fmt_seconds),
        [
            "Each HTTPS run is the HTTP run of the same latency, against the emulator serving HTTPS with a "
            "certificate from a throwaway CA, which the module trusts through ca_path.",
            "HTTPS / HTTP = the ratio of the two wall / limit ratios.",
        ],
        f"HTTPS targets (each within {TLS_TOLERANCE:.0%} of its HTTP run)",
        tls_targets(pairs),
    )
