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
    # Not on the action's own page: Tencent's Live API category table (international site) gives 300.
    "DescribeLiveStreamPublishedList": 300,
    # Callback templates and rules: 200/s each write, 500/s each read (the actions' pages). The collection
    # reads templates with the list calls only (DescribeLive*Template, one by id, is never called).
    "CreateLiveCallbackTemplate": 200,
    "ModifyLiveCallbackTemplate": 200,
    "DeleteLiveCallbackTemplate": 200,
    "DescribeLiveCallbackTemplates": 500,
    "CreateLiveCallbackRule": 200,
    "DeleteLiveCallbackRule": 200,
    "DescribeLiveCallbackRules": 500,
    # Snapshot templates and rules: the same figures as their callback siblings.
    "CreateLiveSnapshotTemplate": 200,
    "ModifyLiveSnapshotTemplate": 200,
    "DeleteLiveSnapshotTemplate": 200,
    "DescribeLiveSnapshotTemplates": 500,
    "CreateLiveSnapshotRule": 200,
    "DeleteLiveSnapshotRule": 200,
    "DescribeLiveSnapshotRules": 500,
}
FALLBACK_QUOTA = 20
