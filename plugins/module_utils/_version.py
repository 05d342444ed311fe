# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The version of the tencent.cloud collection, in one place (a unit test keeps it equal to galaxy.yml's).

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.
"""

COLLECTION_VERSION = "0.1.0"
