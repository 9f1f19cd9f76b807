"""Dossier pages (考核档案): a cadre's and a leadership team's results across years.

Cadre dossiers: organisers, the committee and leaders see every cadre, an assessor the cadres of their
groups' units, a cadre their own (``org.selectors.get_cadre``: 404 outside that scope); liaisons and clerks
get 403. Team dossiers: organisers, the committee and leaders every unit, an assessor their groups' units,
a liaison their own unit (``org.selectors.get_unit``); clerks and cadres get 403.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kaohe.accounts.access import role_required
from kaohe.accounts.models import Role
from kaohe.audit.reads import audit_read
from kaohe.org.selectors import get_cadre, get_unit
from kaohe.results.dossier import cadre_dossier, team_dossier

CADRE_DOSSIER_ROLES = (Role.ORGANISER, Role.COMMITTEE, Role.LEADER, Role.ASSESSOR, Role.CADRE)
TEAM_DOSSIER_ROLES = (Role.ORGANISER, Role.COMMITTEE, Role.LEADER, Role.ASSESSOR, Role.LIAISON)


@require_GET
@role_required(*CADRE_DOSSIER_ROLES)
def cadre_dossier_page(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_cadre(request.user, pk)
    audit_read(request.user, "dossier.cadre", cadre)
    dossier = cadre_dossier(cadre)
    context = {"dossier": dossier, "chart": dossier.chart(), "cadre": cadre, "subject": cadre}
    return render(request, "results/dossier.html", context)


@require_GET
@role_required(*TEAM_DOSSIER_ROLES)
def team_dossier_page(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request.user, pk)
    audit_read(request.user, "dossier.team", unit)
    dossier = team_dossier(unit)
    context = {"dossier": dossier, "chart": dossier.chart(), "unit": unit, "subject": unit}
    return render(request, "results/dossier.html", context)
