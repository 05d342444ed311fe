# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""(f) The batch over HTTPS: bench_batch.py runs the batch and the latency sweep again against the emulator
serving HTTPS (a certificate from a throwaway CA made with trustme, trusted through the module's ca_path),
and this compares each run with its HTTP twin. TLS costs a handshake per connection and a little per
call; the pacing is the quotas', so the ratio to the limit must not move by more than TLS_TOLERANCE.

The module trusts the throwaway CA as users trust theirs: through a bundle that holds the public CAs as
well (certifi's, which requests installs, as a system store or a corporate bundle would), so the cost
of loading a real bundle is in the measurement.
"""

import os

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


def trust_bundle(ca_path, directory):
    """A CA bundle of certifi's public CAs and the throwaway CA (ca_path): (its path, certificates in it)."""
    import certifi  # pylint: disable=import-outside-toplevel  # requests' own dependency

    with open(certifi.where(), encoding="ascii") as public, open(ca_path, encoding="ascii") as own:
        text = public.read().rstrip("\n") + "\n" + own.read()
    path = os.path.join(directory, "bundle.pem")
    with open(path, "w", encoding="ascii") as handle:
        handle.write(text)
    return path, text.count("-----BEGIN CERTIFICATE-----")


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


def tls_section(streams, pairs, section_class, fmt_seconds, bundle_size):
    """The results section of the HTTPS runs: pairs of (HTTP run, HTTPS run) of the same latency; bundle_size:
    the certificates in the module's ca_path."""
    return section_class(
        "Over HTTPS",
        f"The batch over HTTPS: {streams} streams per task, strict window, each latency run again with TLS",
        TLS_HEADERS,
        tls_rows(pairs, fmt_seconds),
        [
            "Each HTTPS run follows at once the HTTP run of the same latency, against a second emulator serving "
            "HTTPS with a certificate from a throwaway CA. The module trusts it through ca_path: a bundle of "
            f"{bundle_size} certificates, certifi's public CAs and the throwaway CA, as a system store or a "
            "corporate bundle would be.",
            "HTTPS / HTTP = the ratio of the two wall / limit ratios.",
        ],
        f"HTTPS targets (each within {TLS_TOLERANCE:.0%} of its HTTP run)",
        tls_targets(pairs),
    )
