"""The floors of the house (docs/architecture.md): a module imports only from its own group and the floors below.

Each floor holds one or more groups; a group may import itself and anything on a lower floor, never a
group beside it or above it. A module's group is the longest prefix below that names it, so the account
records and permissions (``kaohe.accounts.models``, ``.access``) sit low while account administration
(the rest of ``kaohe.accounts``, which assigns scopes in the roster and the cycle) sits above the cycle.
Every module must have a floor: a new app is placed here, on purpose, when it is made. Imports under
``if TYPE_CHECKING:`` and inside functions count too. Tests and migrations are not checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]  # the kaohe package

# Bottom to top. Each inner tuple is a group: its modules may import one another.
FLOORS: list[list[tuple[str, ...]]] = [
    [
        ("kaohe.rules",),
        ("kaohe.decimals",),
        ("kaohe.qrslips", "kaohe.fonts"),
        ("kaohe.crypto",),
    ],  # pure Python: the rules, exact decimals, QR slips and their font; hashes, MACs, ciphers and keys
    # the assessment workbook's format, read into and written from the rules' dataclasses; integrity analytics
    [("kaohe.workbook",), ("kaohe.analytics",)],
    # bulk SQL (rows in and updated without model instances, random ids, the roster lock); file storage;
    # the API's pagers and its one shape of refusal (every app's router raises it); the confirmation step; k
    [
        ("kaohe.bulk",),
        ("kaohe.filestore",),
        ("kaohe.checks",),
        ("kaohe.api_paging",),
        ("kaohe.api_errors",),
        ("kaohe.confirm",),
        ("kaohe.anonymity",),
    ],
    [
        (
            "kaohe.accounts.models",
            "kaohe.accounts.access",
            "kaohe.accounts.throttle",
            "kaohe.accounts.apps",
            "kaohe.accounts.context_processors",
            "kaohe.accounts.actors",
            "kaohe.accounts.todo",
            "kaohe.accounts.matrix",
        )
    ],  # who is who, which role may do what
    [("kaohe.audit",)],  # the append-only audit log
    [("kaohe.jobs",)],  # the job row, its page, and running a task an app hands it
    [("kaohe.org",)],  # the roster
    [("kaohe.plans",)],  # the cycle: phases and the phase gate, the plan, who is assessed, indicators, groups
    [("kaohe.accounts",)],  # account administration: scopes in the roster and the cycle's groups
    [
        ("kaohe.surveys",),
        ("kaohe.dutyreports",),
    ],  # public questionnaires; 述职述廉 reports (ballots show them)
    [("kaohe.performance",), ("kaohe.ballots",)],  # unit-performance inputs; democratic evaluation
    [
        ("kaohe.records",),
        ("kaohe.reviews",),
    ],  # through the year: the four lists, visits, quarterly grades (evidence as performance); 一报告两评议
    [("kaohe.results",)],  # the cycle's inputs for the engine, compute, review, decisions, seal; the preview
    # a whole cycle in and out as an assessment workbook; integrity analytics on a cycle's ballots and results
    [("kaohe.cycle_workbook",), ("kaohe.integrity",), ("kaohe.interviews",)],
    [("kaohe.profiles",)],  # 画像 and 全程纪实: reads every record above, interview summaries included
    [("kaohe.reports",)],  # Word documents: analysis reports, the cycle report, 登记表
    [("kaohe.fieldwork",)],  # the assessment groups' work plan: schedules, checklists (reads reports), 回避
    [("kaohe.feedback",)],  # after the grade: feedback letters, 整改, the 结果运用 ledger
    [("kaohe.demo",)],  # demo data of every app
    [
        (
            "kaohe.api",
            "kaohe.urls",
            "kaohe.wsgi",
            "kaohe.cli",
            "kaohe.settings",
            "kaohe.__main__",
            "kaohe.__init__",
        )
    ],
]


def _place() -> dict[str, tuple[int, int]]:
    place = {}
    for floor, groups in enumerate(FLOORS):
        for group, prefixes in enumerate(groups):
            for prefix in prefixes:
                place[prefix] = (floor, group)
    return place


PLACE = _place()


def floor_of(module: str) -> tuple[int, int] | None:
    """(floor, group) of ``module`` by its longest listed prefix; None when no prefix names it."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        found = PLACE.get(".".join(parts[:end]))
        if found is not None:
            return found
    return None


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1 and parts != ["kaohe", "__init__"]:
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    path = ROOT.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imported(source: str, package: str) -> list[tuple[int, str]]:
    """Every ``kaohe`` module imported by ``source`` (a module of ``package``), with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                name = f"{base}.{alias.name}"
                found.append((node.lineno, name if _is_module(name) else base))
    return [(line, name) for line, name in found if name == "kaohe" or name.startswith("kaohe.")]


def violations(module: str, source: str, package: str) -> list[str]:
    here = floor_of(module)
    if here is None:
        return [f"{module}: no floor in test_layers.FLOORS"]
    found = []
    for line, target in imported(source, package):
        there = floor_of(target)
        if there is None:
            found.append(f"{module}:{line} imports {target}, which has no floor")
        elif there[0] > here[0] or (there[0] == here[0] and there[1] != here[1]):
            found.append(f"{module}:{line} imports {target}, a floor above or beside it")
    return found


def checked_modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not {"tests", "migrations", "static", "templates", "locale"} & set(path.relative_to(ROOT).parts)
    )


def test_no_module_imports_a_floor_above_or_beside_it():
    problems = []
    for path in checked_modules():
        name = module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        problems += violations(name, path.read_text(encoding="utf-8"), package)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("kaohe.plans.actions", "from kaohe.results import actions\n"),  # the cycle reaching up to results
        (
            "kaohe.plans.views",
            "def f():\n    from kaohe.ballots.models import Ballot\n",
        ),  # hidden in a function
        ("kaohe.ballots.selectors", "import kaohe.performance.models\n"),  # a peer on the same floor
        ("kaohe.jobs.runner", "from kaohe.org import roster\n"),  # the job machinery naming an app's task
        (
            "kaohe.accounts.models",
            "from kaohe.accounts import forms\n",
        ),  # the low part of accounts reaching up
        ("kaohe.rules.engine", "from kaohe.workbook import layout\n"),  # the pure rules reading a file format
        ("kaohe.org.actions.imports", "from kaohe.plans.models import AssessmentCycle\n"),  # the roster above
        (
            "kaohe.ballots.actions.sitting",
            "from kaohe.results import selectors\n",
        ),  # a session reading results
        ("kaohe.ballots.actions.paper", "from kaohe.performance.models import IndicatorScore\n"),  # a peer
        ("kaohe.cycle_workbook.actions.ballots", "from kaohe.reports import documents\n"),  # a floor above
    ],
)
def test_an_import_from_above_or_beside_is_caught(module, source):
    assert violations(module, source, module.rpartition(".")[0])


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("kaohe.results.inputs", "from kaohe.ballots.models import Ballot\n"),
        (
            "kaohe.ballots.views",
            "from kaohe.ballots import selectors\nfrom kaohe.plans.gate import lock_cycle\n",
        ),
        ("kaohe.accounts.actions", "from kaohe.plans.models import AssessmentGroup\n"),
    ],
)
def test_an_import_from_below_or_within_passes(module, source):
    assert violations(module, source, module.rpartition(".")[0]) == []


def test_a_new_app_without_a_floor_is_refused():
    assert violations("kaohe.dossiers.views", "", "kaohe.dossiers") == [
        "kaohe.dossiers.views: no floor in test_layers.FLOORS"
    ]


# The actions packages, one module per use-case: each module sits on its app's floor, found by its prefix.
USE_CASE_MODULES = [
    "kaohe.org.actions.imports",
    "kaohe.org.actions.units",
    "kaohe.ballots.actions.sitting",
    "kaohe.ballots.actions.submit",
    "kaohe.ballots.actions.paper",
    "kaohe.records.actions.lists",
    "kaohe.cycle_workbook.actions.importing",
    "kaohe.cycle_workbook.actions.ballots",
    "kaohe.feedback.actions.letters",
    "kaohe.results.actions.compute",
    "kaohe.plans.actions.cycles",
    "kaohe.performance.actions.scores",
]


@pytest.mark.parametrize("module", USE_CASE_MODULES)
def test_an_actions_module_is_on_its_apps_floor(module):
    assert _is_module(module)
    app = ".".join(module.split(".")[:2])
    assert floor_of(module) == floor_of(app) is not None


# Modules that read or write files and read the database, but never write it: their imports are written by
# the app's actions (and ballots only by ballots.storage), so the one writer of each table is an action.
READERS = [
    "kaohe.ballots.paper",
    "kaohe.org.roster",
    "kaohe.org.roster_writer",
    "kaohe.records.workbook",
    "kaohe.fieldwork.transfer",
    "kaohe.fieldwork.schedule",
]


def writers_imported(module: str, source: str) -> list[str]:
    """The writers ``module`` imports: an actions module, ballots.storage, or kaohe.bulk (rows in bulk)."""
    return [
        f"{module}:{line} imports {name}"
        for line, name in imported(source, module.rpartition(".")[0])
        if name in ("kaohe.ballots.storage", "kaohe.bulk") or name.endswith(".actions") or ".actions." in name
    ]


@pytest.mark.parametrize("module", READERS)
def test_a_reading_module_imports_no_writer(module):
    path = ROOT.parent.joinpath(*module.split(".")).with_suffix(".py")
    assert writers_imported(module, path.read_text(encoding="utf-8")) == []


def test_a_reading_module_that_imports_a_writer_is_caught():
    source = "from kaohe.audit.actions import audit_record\nfrom kaohe.workbook.sheets import Problems\n"
    assert writers_imported("kaohe.org.roster", source) == ["kaohe.org.roster:1 imports kaohe.audit.actions"]
    source = "def f():\n    from kaohe.org import actions\n    from kaohe.bulk import update_rows\n"
    assert writers_imported("kaohe.records.workbook", source) == [
        "kaohe.records.workbook:2 imports kaohe.org.actions",
        "kaohe.records.workbook:3 imports kaohe.bulk",
    ]
