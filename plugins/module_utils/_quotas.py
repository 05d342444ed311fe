# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tencent's per-action API quotas for Live: the one table the client's pacing, the option checks,
the emulator and the benchmark all read.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.
Standard library only and no imports, so tests/emulator and tests/benchmark can load this file by path.
"""

# Requests per second per account, from Tencent's API pages (Live, version 2018-08-01).
DEFAULT_QUOTAS = {
    "DescribeLiveStreamState": 300,
    "ResumeLiveStream": 100,
    "ForbidLiveStream": 200,
    "DropLiveStream": 100,
    "DescribeLiveStreamOnlineList": 80,
    # Not on Tencent's page for this action; the reference's working assumption.
    "DescribeLiveStreamPublishedList": 20,
}
FALLBACK_QUOTA = 20
