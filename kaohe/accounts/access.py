"""Who may see and change what. Deny by default: a role not named here gets nothing.

Views and the API fetch permission-sensitive objects only through the getters of each app's
`selectors` module, which build on these rules.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from kaohe.accounts.models import ADMIN_ROLES, Role

__all__ = ["ADMIN_ROLES"]

ROSTER_READERS = (Role.ORGANISER, Role.COMMITTEE, Role.LEADER, Role.ASSESSOR, Role.LIAISON, Role.CLERK)
ROSTER_EDITORS = (Role.ORGANISER,)
CADRE_READERS = (Role.ORGANISER, Role.COMMITTEE, Role.LEADER, Role.ASSESSOR, Role.LIAISON)
# 三员 (等保 level 3). None of them appears in any business row above or below: the roster and every
# assessment step stay with the business roles, and none of the three does another's work.
# The system administrator: business accounts, their roles and scopes, password resets.
ACCOUNT_MANAGERS = (Role.SYSADMIN,)
# The security administrator: administrators' roles, unlocking, second-factor resets, the policy in force.
SECURITY_MANAGERS = (Role.SECADMIN,)
# Who may be given the permission to type paper ballots (organisers type anyway): a clerk lent to the
# 考核办 for the day, an assessor. Not the units' liaisons, leaders or cadres, whose units are assessed.
PAPER_TYPIST_ROLES = (Role.CLERK, Role.ASSESSOR)
PAPER_TYPIST_PERMISSION = "ballots.type_paper_ballots"
# The audit administrator: reads and exports the audit log, runs verification, changes nothing.
AUDIT_READERS = (Role.AUDITADMIN,)
# The assessment cycle: organisers plan it; the committee and leaders follow it read-only.
CYCLE_READERS = (Role.ORGANISER, Role.COMMITTEE, Role.LEADER)
CYCLE_EDITORS = (Role.ORGANISER,)
# Who enters unit-performance inputs, each on what their role owns (performance.selectors scopes them).
INPUT_ROLES = (Role.ORGANISER, Role.LIAISON, Role.CLERK, Role.ASSESSOR, Role.LEADER)
# 个别谈话 (kaohe/interviews): records for the visiting group's members and the organiser, nobody else (the
# group is checked by interviews.selectors); summaries under the k rule also for the committee and leaders.
INTERVIEW_RECORD_READERS = (Role.ORGANISER, Role.ASSESSOR)
INTERVIEW_SUMMARY_READERS = (Role.ORGANISER, Role.ASSESSOR, Role.COMMITTEE, Role.LEADER)
# 党风廉政意见: the organiser sends the proposed 优秀 to the discipline-inspection body, which sees only that
# request list (name, unit, post: never a score or a ballot figure) and answers; the committee decides on
# what is not 无反映. The discipline-inspection account appears in no other row of this module.
CLEARANCE_SENDERS = (Role.ORGANISER,)
CLEARANCE_ANSWERERS = (Role.DISCIPLINE,)
CLEARANCE_READERS = (Role.ORGANISER, Role.COMMITTEE)
CLEARANCE_RESOLVERS = (Role.ORGANISER, Role.COMMITTEE)

# API tokens for scripts (accounts/tokens.py): who may make them, and the roles a token of each creator may
# carry — never more than the creator holds (the role matrix test checks each scope against kaohe/accounts/
# matrix.py) and only roles with no scope of their own on the account (a unit, a department, a cadre).
# Not the leader's: leaders rate units (领导评价), which the organiser does not.
TOKEN_CREATORS = (Role.ORGANISER,)
TOKEN_SCOPES = {Role.ORGANISER: (Role.ORGANISER, Role.COMMITTEE)}
# The security administrator revokes any account's token (a leaked one, a departed organiser's).
TOKEN_REVOKERS = SECURITY_MANAGERS


def role_required(*roles: str):
    """Let a view run only for an active, logged-in account with one of `roles`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = roles  # read by the role-matrix tests
        return wrapper

    return decorator
