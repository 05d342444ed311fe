# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # What every module working on a batch of streams documents alike: concurrency and the attributes.
    # A module may override an attribute's fields (its own description, support) in its DOCUMENTATION.
    DOCUMENTATION = r"""
options:
  concurrency:
    description:
      - The most streams of a batch worked on at once (an upper bound, 1 to 256). How many are really in flight follows the
        measured latency (rate x latency, plus headroom, at least 32), so a batch keeps to the rate limits (see
        O(rate_limits)) from a nearby endpoint to one 500 ms away.
      - Each stream in flight holds a thread and a pooled HTTP connection (a socket); lower this to bound memory and
        sockets, for example on a small AWX node.
    type: int
    default: 200
attributes:
  check_mode:
    description: Reads the streams' states and reports what would change, without any write call.
    support: full
  diff_mode:
    description: Shows the state of each stream that changes, before and after.
    support: full
"""
