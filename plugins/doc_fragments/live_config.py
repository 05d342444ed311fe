# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # What every module that writes Live configuration (templates and rules) documents alike.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description:
      - Lists what exists and reports what would change, without any write call.
      - A task that needs a template a task before it creates finds none in check mode, since nothing was created -- a
        template found by a name not yet taken, whose options alone could not create it, or a O(template_id) given as
        null (a registered C(template.template_id) of a task run in check mode). It warns saying so, and reports the
        change it would make once the template exists, instead of failing; outside check mode the same task fails.
    support: full
  diff_mode:
    description: Shows the template or rule before and after; a secret only as a word, never its value.
    support: full
notes:
  - Tencent's configuration writes carry no idempotency token. A create or delete whose answer was lost (a timeout,
    a reset connection, an HTTP 5xx) or that Tencent answered with a passing fault is settled by listing again -- never
    sent again blindly, which would make a second template of the same name. Only when the list shows it not done, and
    the fault was a passing one, is it sent again, within O(retries). When neither can tell, the task fails with
    C(failure.kind=outcome_unknown), and a re-run lists and settles it.
  - Tencent's reads show a change at once; live traffic follows it after 5 to 10 minutes.
"""
