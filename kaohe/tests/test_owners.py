"""A rule that several apps need has one owner that all call: k is asked of `kaohe.anonymity`, and no other
module reads its setting or keeps a copy of the function (there were seven)."""

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
