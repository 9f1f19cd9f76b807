"""A view and the write it calls never share a name (docs/architecture.md, "Writes, reads and permissions").

A grep for one name lands on one function: the page or API endpoint that shares its action's name takes
``_view`` (``quota_approve_view`` calls ``actions.quota_approve``). The views are every app's ``views.py``,
``*_views.py`` and ``api.py``; the actions are its ``actions.py`` or every module of its ``actions/`` package.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the kaohe package


def functions(app: Path, paths: list[Path]) -> dict[str, list[str]]:
    """Top-level function names of ``paths`` (modules of ``app``), each with the files that define it."""
    found: dict[str, list[str]] = {}
    for path in paths:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.setdefault(node.name, []).append(str(path.relative_to(app.parent)))
    return found


def action_modules(app: Path) -> list[Path]:
    if (app / "actions.py").exists():
        return [app / "actions.py"]
    if (app / "actions").is_dir():
        return sorted((app / "actions").glob("*.py"))
    return []


def view_modules(app: Path) -> list[Path]:
    return sorted(
        path
        for path in app.glob("*.py")
        if path.name in ("views.py", "api.py") or path.name.endswith("_views.py")
    )


def clashes(app: Path) -> list[str]:
    actions, views = functions(app, action_modules(app)), functions(app, view_modules(app))
    return [
        f"{name}: view in {', '.join(views[name])}, action in {', '.join(actions[name])}"
        for name in sorted(set(actions) & set(views))
    ]


def apps() -> list[Path]:
    return sorted(path for path in ROOT.iterdir() if path.is_dir() and action_modules(path))


def test_the_apps_with_actions_are_found_as_modules_and_as_packages():
    names = {app.name for app in apps()}
    assert {"org", "ballots", "results", "plans", "feedback"} <= names
    assert len(action_modules(ROOT / "ballots")) > 1  # a package, every module read
    assert view_modules(ROOT / "ballots") == sorted(
        [
            ROOT / "ballots" / n
            for n in ("api.py", "views.py", "live_views.py", "paper_views.py", "public_views.py")
        ]
    )


def test_no_view_shares_a_name_with_an_action_of_its_app():
    problems = [f"{app.name}: {clash}" for app in apps() for clash in clashes(app)]
    assert not problems, "\n".join(problems)


def test_a_view_named_as_its_action_is_caught(tmp_path):
    app = tmp_path / "dossiers"
    (app / "actions").mkdir(parents=True)
    (app / "actions" / "__init__.py").write_text("")
    (app / "actions" / "sealing.py").write_text("def dossier_seal(*, actor, dossier):\n    pass\n")
    (app / "seal_views.py").write_text("def dossier_seal(request, pk):\n    pass\n")
    (app / "api.py").write_text("def dossier_seal_view(request, pk):\n    pass\n")
    assert clashes(app) == [
        "dossier_seal: view in dossiers/seal_views.py, action in dossiers/actions/sealing.py"
    ]
