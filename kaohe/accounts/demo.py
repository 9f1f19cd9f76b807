"""The demo's three administrators (三员), beside the business demo accounts that kaohe.demo makes."""

from __future__ import annotations

from kaohe.accounts.models import Role, User

DEMO_ADMINISTRATORS = (
    ("demo-sysadmin", Role.SYSADMIN, "系统管理员演示账号", "业务账号及其范围"),
    ("demo-secadmin", Role.SECADMIN, "安全管理员演示账号", "角色、解锁、第二因素重置、安全策略"),
    ("demo-auditadmin", Role.AUDITADMIN, "审计管理员演示账号", "审计日志：查阅、导出、校验"),
)


def demo_administrators_load(*, password: str) -> list[str]:
    """Create or refresh the three demo administrators (inside the demo's transaction); their usernames."""
    for username, role, full_name, _work in DEMO_ADMINISTRATORS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.full_name, user.is_active = role, full_name, True
        user.unit = user.department = user.cadre = None
        user.set_password(password)
        user.must_change_password = False
        user.save()
    return [username for username, *_rest in DEMO_ADMINISTRATORS]


def demo_administrator_lines() -> list[tuple[str, str, str]]:
    """(username, role in Chinese, what it does) for the demo command's table, for those that exist."""
    existing = set(
        User.objects.filter(username__in=[a[0] for a in DEMO_ADMINISTRATORS]).values_list(
            "username", flat=True
        )
    )
    return [(u, str(role.label), work) for u, role, _name, work in DEMO_ADMINISTRATORS if u in existing]
