"""A rule that several apps need has one owner that all call: k is asked of `kaohe.anonymity`, and no other
module reads its setting or keeps a copy of the function (there were seven); the cycle by its year, with the
role check before it, of `kaohe.plans.selectors.get_cycle`; the phase gate of `kaohe.plans.gate`."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OWNER = ROOT / "anonymity.py"


def modules():
    for path in ROOT.rglob("*.py"):
        if "tests" not in path.parts and path not in (OWNER, ROOT / "settings.py"):
            yield path


def test_only_the_owner_reads_k():
    readers = [str(p.relative_to(ROOT)) for p in modules() if "MIN_GROUP_SIZE" in p.read_text()]
    assert readers == [], f"ask kaohe.anonymity.min_group() instead: {readers}"


def test_no_module_keeps_its_own_k():
    copies = [
        str(p.relative_to(ROOT))
        for p in modules()
        if "def min_group" in (text := p.read_text()) or "def min_responses" in text
    ]
    assert copies == [], f"ask kaohe.anonymity.min_group() instead: {copies}"


# The cycle by its year is asked of `kaohe.plans.selectors.get_cycle(user, year, roles)` (issue 10): it refuses
# an account without the roles (403), then a cycle the account may not see or that does not exist (404). The
# records, interviews, feedback, reports and fieldwork pages and every router once kept their own.
CYCLE_OWNER = ROOT / "plans" / "selectors.py"
RAW_CYCLE = re.compile(
    r"get_object_or_404\(\s*AssessmentCycle\b|AssessmentCycle\.objects\.get\([^)]*\byear\b"
)
# Where a cycle is read by its year with no account to check: the demo data, made for its fixed year.
RAW_CYCLE_ALLOWED = {"demo/cycles.py", "demo/records.py"}


# A getter of its own (records, interviews), or a router's helper that refuses the role itself and then asks
# the owner (`_cycle`, `_role`, `_reader` … in most routers): the roles are get_cycle's argument.
OWN_GETTER = re.compile(
    r"def get_cycle\b|raise (HttpError\(403|PermissionDenied)[^\n]*\n\s+return (\w+\.)?get_cycle\("
)


def test_no_module_keeps_its_own_cycle_getter():
    copies = [
        str(p.relative_to(ROOT)) for p in modules() if p != CYCLE_OWNER and OWN_GETTER.search(p.read_text())
    ]
    assert copies == [], f"ask kaohe.plans.selectors.get_cycle(user, year, roles) instead: {copies}"


def test_no_module_fetches_a_cycle_by_year_unchecked():
    raw = [
        str(p.relative_to(ROOT))
        for p in modules()
        if p.relative_to(ROOT).parts[0] != "plans"
        and str(p.relative_to(ROOT)) not in RAW_CYCLE_ALLOWED
        and RAW_CYCLE.search(p.read_text())
    ]
    assert raw == [], f"ask kaohe.plans.selectors.get_cycle(user, year, roles) instead: {raw}"


def test_routers_refuse_a_closed_phase_through_the_gate():
    """A router checks the phase with `gate.check_phase`, whose PhaseClosed kaohe/api.py answers 409 with the
    gate's sentence; plans, performance and surveys each kept a helper of their own around `gate.refusal`."""
    own = [
        str(p.relative_to(ROOT))
        for p in modules()
        if p.name.endswith("api.py") and re.search(r"\brefusal\(", p.read_text())
    ]
    assert own == [], f"call kaohe.plans.gate.check_phase(cycle, activity) instead: {own}"
