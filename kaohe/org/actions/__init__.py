"""The roster's write functions, one module per use-case; ``from kaohe.org import actions`` reaches them all.

Each is one transaction that writes its audit record. Callers validate input with the forms in `forms.py`
first; the structural rules (no parent cycle, a move starts after the current position) are checked here
again, so no caller can break them. Units and categories (units), cadres and positions (cadres), the roster
workbook imported whole (imports: read and checked by ``org.roster``, written here).
"""

from kaohe.org.actions.cadres import cadre_create, cadre_move, cadre_update, position_update
from kaohe.org.actions.imports import Counts, RosterImportResult, roster_import
from kaohe.org.actions.states import cadre_state, category_state, position_state, unit_state
from kaohe.org.actions.units import category_create, category_update, unit_create, unit_update

__all__ = [
    "cadre_state",
    "category_state",
    "position_state",
    "unit_state",
    "category_create",
    "category_update",
    "unit_create",
    "unit_update",
    "cadre_create",
    "cadre_move",
    "cadre_update",
    "position_update",
    "Counts",
    "RosterImportResult",
    "roster_import",
]
