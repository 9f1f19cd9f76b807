"""The navigation each role sees: only what it may open."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kaohe.accounts import access
from kaohe.accounts.models import Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    items = [(_("首页"), reverse("home"))]
    if user.has_role(*access.CYCLE_READERS):
        items.append((_("年度考核"), reverse("plans:cycle_list")))
    if user.has_role(*access.INPUT_ROLES):
        items.append((_("考核录入"), reverse("performance:inputs_home")))
    if user.has_role(*access.INTERVIEW_SUMMARY_READERS):
        items.append((_("个别谈话"), reverse("interviews:latest")))
    if user.has_role(Role.CADRE, Role.LIAISON):
        items.append((_("我的考核结果"), reverse("results:feedback_mine")))
    if user.has_role(Role.ORGANISER, Role.COMMITTEE, Role.ASSESSOR, Role.CADRE):
        items.append((_("报告与登记表"), reverse("reports:home")))
    if user.has_role(Role.ORGANISER, Role.ASSESSOR):
        items.append((_("考核组工作"), reverse("fieldwork:home")))
    if user.has_role(
        Role.ORGANISER, Role.ASSESSOR, Role.LIAISON, Role.CADRE
    ):  # dutyreports.selectors.READERS
        items.append((_("述职述廉"), reverse("dutyreports:home")))
    if user.has_role(Role.ORGANISER, Role.COMMITTEE, Role.ASSESSOR):  # reviews.selectors.READERS
        items.append((_("一报告两评议"), reverse("reviews:home")))
    if user.has_role(Role.ORGANISER, Role.COMMITTEE, Role.ASSESSOR, Role.LIAISON, Role.CADRE, Role.LEADER):
        items.append((_("反馈与整改"), reverse("feedback:home")))
    if user.has_role(*access.CLEARANCE_ANSWERERS):
        items.append((_("党风廉政意见"), reverse("results:clearance_inbox")))
    if user.has_role(*access.ROSTER_READERS):
        items.append((_("单位"), reverse("org:unit_list")))
    if user.has_role(*access.CADRE_READERS):
        items.append((_("干部"), reverse("org:cadre_list")))
    if user.has_role(Role.ORGANISER, Role.COMMITTEE, Role.LEADER):  # profiles.selectors.COMPARISON_READERS
        items.append((_("比较分析"), reverse("profiles:comparison")))
    if user.has_role(*access.ROSTER_EDITORS):
        items.append((_("名册导入导出"), reverse("org:roster_import")))
    if user.has_role(*access.ACCOUNT_MANAGERS):
        items.append((_("账号"), reverse("accounts:user_list")))
    if user.has_role(*access.SECURITY_MANAGERS):
        items.append((_("安全管理"), reverse("accounts:security_list")))
    if user.has_role(*access.TOKEN_CREATORS):
        items.append((_("API 令牌"), reverse("accounts:token_list")))
    if user.has_role(*access.TOKEN_REVOKERS):
        items.append((_("令牌管理"), reverse("accounts:security_tokens")))
    if user.has_role(*access.AUDIT_READERS):
        items.append((_("审计日志"), reverse("audit:entry_list")))
    path = request.path
    return {
        "nav": [
            {"label": label, "url": url, "active": path.startswith(url) and url != "/"}
            for label, url in items
        ]
    }
