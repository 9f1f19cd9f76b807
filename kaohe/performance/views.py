"""The performance inputs in the browser, each page for the role that owns the input.

Each view: the role check (`role_required`, 403 for a role without the input), objects through
`selectors` (404 outside the account's scope), a form, the write function in `actions.py`, render. A cycle
that is not taking inputs shows its pages read-only with the reason, and refuses every write with it.
The organiser's inputs are in `organiser_views.py`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.access import INPUT_ROLES, role_required
from kaohe.accounts.models import Role
from kaohe.audit.reads import audit_read
from kaohe.confirm import Confirmation, confirmation_page
from kaohe.performance import actions, selectors
from kaohe.performance.evidence import content_type
from kaohe.performance.forms import LeaderRatingForm, SelfEvaluationForm, VerificationForm, parse_score
from kaohe.performance.models import (
    SelfEvaluation,
    Verification,
)
from kaohe.performance.scoresheet import read_score_sheet, write_score_sheet
from kaohe.performance.todo import TASKS
from kaohe.plans import gate
from kaohe.plans.models import AssessmentCycle, Indicator, Target
from kaohe.plans.selectors import cycle_open_for, get_cycle
from kaohe.workbook.sheets import WorkbookError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIDENCE_READERS = (Role.ORGANISER, Role.ASSESSOR, Role.LIAISON)


def cycle_context(cycle: AssessmentCycle) -> dict[str, Any]:
    return {"cycle": cycle, "closed_reason": gate.refusal(cycle, gate.Activity.INPUTS)}


def add_errors(form: forms.Form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def file_response(field_file, file_name: str) -> FileResponse:
    # Through this checked view only: evidence is never served from a public media URL.
    return FileResponse(
        field_file.open("rb"), as_attachment=True, filename=file_name, content_type=content_type(file_name)
    )


# --- the landing page -------------------------------------------------------------------------------------


@role_required(*INPUT_ROLES)
@require_GET
def inputs_home(request: HttpRequest) -> HttpResponse:
    cycle = cycle_open_for(gate.Activity.INPUTS)
    tasks: list[dict] = []
    note = ""
    if cycle is not None:
        tasks, note = TASKS[request.user.role](request.user, cycle)
    return render(request, "performance/inputs_home.html", {"cycle": cycle, "tasks": tasks, "note": note})


# --- unit liaison: self-evaluation ------------------------------------------------------------------------


@role_required(Role.LIAISON)
@require_GET
def self_evaluation_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    assessed = selectors.liaison_unit(request.user, cycle)
    indicators = list(selectors.liaison_indicators(request.user, cycle).order_by("code"))
    evaluations = {
        e.indicator_id: e
        for e in selectors.visible_self_evaluations(request.user, cycle).annotate(files=Count("evidence"))
    }
    rows = [{"indicator": i, "evaluation": evaluations.get(i.pk)} for i in indicators]
    context = {
        **cycle_context(cycle),
        "assessed": assessed,
        "rows": rows,
        "done": sum(1 for r in rows if r["evaluation"]),
    }
    return render(request, "performance/self_evaluation_list.html", context)


@role_required(Role.LIAISON)
@require_http_methods(["GET", "POST"])
def self_evaluation_edit(request: HttpRequest, year: int, indicator_pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    indicator = selectors.get_liaison_indicator(request.user, cycle, indicator_pk)
    assessed = selectors.liaison_unit(request.user, cycle)
    evaluation = selectors.visible_self_evaluations(request.user, cycle).filter(indicator=indicator).first()
    initial = (
        {"claimed": evaluation.claimed.normalize(), "narrative": evaluation.narrative} if evaluation else {}
    )
    form = SelfEvaluationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.self_evaluation_save(
                actor=request.user,
                cycle=cycle,
                unit=assessed.unit,
                indicator=indicator,
                claimed=data["claimed"],
                narrative=data["narrative"],
                files=data["files"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("已保存「%(indicator)s」的自评。") % {"indicator": indicator.name})
            return redirect("performance:self_evaluation_edit", year=cycle.year, indicator_pk=indicator.pk)
    context = {
        **cycle_context(cycle),
        "assessed": assessed,
        "indicator": indicator,
        "evaluation": evaluation,
        "evidence": list(evaluation.evidence.order_by("pk")) if evaluation else [],
        "targets": Target.objects.filter(cycle=cycle, unit_id=assessed.unit_id, indicator=indicator),
        "form": form,
    }
    return render(request, "performance/self_evaluation_edit.html", context)


@role_required(*EVIDENCE_READERS)
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = selectors.get_evidence(request.user, pk)
    audit_read(request.user, "evidence.download", evidence)
    return file_response(evidence.file, evidence.name)


@role_required(Role.LIAISON)
@require_http_methods(["GET", "POST"])
def evidence_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.get_evidence(request.user, pk)
    evaluation = evidence.self_evaluation
    back = reverse("performance:self_evaluation_edit", args=[evaluation.cycle.year, evaluation.indicator_id])
    confirm = Confirmation(
        title=_("删除佐证材料：%(name)s") % {"name": evidence.name},
        consequence=_("佐证材料删除后不能恢复；如仍需佐证，须重新上传。"),
        action_url=reverse("performance:evidence_delete", args=[evidence.pk]),
        cancel_url=back,
        button=_("确认删除"),
        facts=((_("指标"), str(evaluation.indicator)),),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        actions.evidence_delete(actor=request.user, evidence=evidence)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("已删除佐证材料「%(name)s」。") % {"name": evidence.name})
    return redirect(
        "performance:self_evaluation_edit", year=evaluation.cycle.year, indicator_pk=evaluation.indicator_id
    )


# --- department clerk: the score grid and sheet ---------------------------------------------------------------


def _cell_name(unit_id: int, indicator_id: int) -> str:
    return f"s-{unit_id}-{indicator_id}"


def _format(score: Decimal | None) -> str:
    if score is None:
        return ""
    text = format(score.normalize(), "f")
    return text


def _score_grid(user, cycle: AssessmentCycle, typed: dict[str, str] | None = None, errors=None) -> list[dict]:
    """Per category: the department's indicators there and a row per unit with a cell per indicator."""
    errors = errors or {}
    indicators = list(selectors.clerk_indicators(user, cycle))
    units = list(selectors.clerk_units(user, cycle))
    stored = {(s.unit_id, s.indicator_id): s.score for s in selectors.clerk_scores(user, cycle)}
    groups = []
    for category_id in dict.fromkeys(i.category_id for i in indicators):
        category_indicators = [i for i in indicators if i.category_id == category_id]
        rows = []
        for assessed in (a for a in units if a.category_id == category_id):
            cells = []
            for indicator in category_indicators:
                name = _cell_name(assessed.unit_id, indicator.pk)
                value = (
                    typed[name]
                    if typed is not None and name in typed
                    else _format(stored.get((assessed.unit_id, indicator.pk)))
                )
                cells.append(
                    {"name": name, "value": value, "error": errors.get(name), "indicator": indicator}
                )
            rows.append({"assessed": assessed, "cells": cells})
        groups.append(
            {"category": category_indicators[0].category, "indicators": category_indicators, "rows": rows}
        )
    return groups


def _grid_context(request, cycle, groups, **extra) -> dict[str, Any]:
    return {
        **cycle_context(cycle),
        "department": request.user.department,
        "groups": groups,
        "cell_count": sum(len(r["cells"]) for g in groups for r in g["rows"]),
        **extra,
    }


@role_required(Role.CLERK)
@require_http_methods(["GET", "POST"])
def score_grid(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    if request.method == "GET":
        return render(
            request,
            "performance/score_grid.html",
            _grid_context(request, cycle, _score_grid(request.user, cycle)),
        )
    units = {a.unit_id: a for a in selectors.clerk_units(request.user, cycle)}
    cells: dict = {}
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    # Only the department's own cells are read; anything else posted is ignored.
    for indicator in selectors.clerk_indicators(request.user, cycle):
        for assessed in units.values():
            if assessed.category_id != indicator.category_id:
                continue
            name = _cell_name(assessed.unit_id, indicator.pk)
            if name not in request.POST:
                continue
            raw = request.POST[name].strip()
            typed[name] = raw
            if not raw:
                cells[(assessed, indicator)] = None
                continue
            try:
                cells[(assessed, indicator)] = parse_score(raw)
            except ValidationError as error:
                errors[name] = f"{assessed.unit.name} · {indicator.name}: {error.messages[0]}"
    problems = list(errors.values())
    if not problems:
        try:
            changes = actions.indicator_scores_save(
                actor=request.user, cycle=cycle, department=request.user.department, cells=cells
            )
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _("已保存：新增 %(created)s 项，修改 %(updated)s 项，清除 %(deleted)s 项。")
                % {"created": changes.created, "updated": changes.updated, "deleted": changes.deleted},
            )
            return redirect("performance:score_grid", year=cycle.year)
    context = _grid_context(
        request, cycle, _score_grid(request.user, cycle, typed, errors), problems=problems
    )
    return render(request, "performance/score_grid.html", context)


def score_sheet_file(user, cycle) -> FileResponse:  # noqa: ANN001
    """A clerk's score sheet of ``cycle``, as the page and the API hand it out."""
    import tempfile

    scores = {(s.unit_id, s.indicator_id): s.score for s in selectors.clerk_scores(user, cycle)}
    spool = tempfile.TemporaryFile()  # FileResponse closes it
    write_score_sheet(
        spool,
        units=list(selectors.clerk_units(user, cycle)),
        indicators=list(selectors.clerk_indicators(user, cycle)),
        scores=scores,
    )
    spool.seek(0)
    file_name = f"{cycle.year}年度指标考评-{user.department.name}.xlsx"
    return FileResponse(spool, as_attachment=True, filename=file_name, content_type=XLSX)


@role_required(Role.CLERK)
@require_GET
def score_sheet(request: HttpRequest, year: int) -> HttpResponse:
    return score_sheet_file(request.user, get_cycle(request.user, year))


class ScoreUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("评分表（.xlsx、.xls 或 .ods）"))


@role_required(Role.CLERK)
@require_POST
def score_upload(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    form = ScoreUploadForm(request.POST, request.FILES)
    sheet_problems: list[dict] = []
    problems: list[str] = []
    file_name = ""
    if not form.is_valid():
        problems = [_("请选择要上传的评分表（.xlsx、.xls 或 .ods）")]
    else:
        upload = form.cleaned_data["file"]
        file_name = upload.name
        try:
            cells = read_score_sheet(
                upload,
                units=list(selectors.clerk_units(request.user, cycle)),
                indicators=list(selectors.clerk_indicators(request.user, cycle)),
            )
            changes = actions.indicator_scores_save(
                actor=request.user, cycle=cycle, department=request.user.department, cells=cells
            )
        except WorkbookError as error:
            sheet_problems = [problem.as_row() for problem in error.problems]
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _(
                    "「%(name)s」已导入：新增 %(created)s 项，修改 %(updated)s 项，清除 %(deleted)s 项，未变 %(unchanged)s 项。"
                )
                % {
                    "name": file_name,
                    "created": changes.created,
                    "updated": changes.updated,
                    "deleted": changes.deleted,
                    "unchanged": changes.unchanged,
                },
            )
            return redirect("performance:score_grid", year=cycle.year)
    context = _grid_context(
        request,
        cycle,
        _score_grid(request.user, cycle),
        problems=problems,
        sheet_problems=sheet_problems,
        file_name=file_name,
    )
    return render(request, "performance/score_grid.html", context)


# --- assessor: verification ---------------------------------------------------------------------------------


@role_required(Role.ASSESSOR)
@require_GET
def verification_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    units = list(selectors.assessor_units(request.user, cycle))
    per_category = dict(
        Indicator.objects.filter(cycle=cycle, category_id__in={a.category_id for a in units})
        .values_list("category_id")
        .annotate(n=Count("pk"))
    )
    verified = dict(
        Verification.objects.filter(cycle=cycle, unit_id__in=[a.unit_id for a in units])
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    claimed = dict(
        SelfEvaluation.objects.filter(cycle=cycle, unit_id__in=[a.unit_id for a in units])
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    rows = [
        {
            "assessed": a,
            "indicators": per_category.get(a.category_id, 0),
            "claimed": claimed.get(a.unit_id, 0),
            "verified": verified.get(a.unit_id, 0),
        }
        for a in units
    ]
    return render(request, "performance/verification_list.html", {**cycle_context(cycle), "rows": rows})


def _verification_page(request, cycle, assessed, bound: tuple[int, VerificationForm] | None = None):
    rows = selectors.unit_indicator_rows(cycle, assessed)
    for row in rows:
        if bound is not None and bound[0] == row["indicator"].pk:
            row["form"] = bound[1]
            continue
        verification = row["verification"]
        initial = (
            {"score": verification.score.normalize(), "reason": verification.reason} if verification else {}
        )
        row["form"] = VerificationForm(initial=initial, prefix=f"i{row['indicator'].pk}")
    context = {**cycle_context(cycle), "assessed": assessed, "rows": rows}
    return render(request, "performance/verification_unit.html", context)


@role_required(Role.ASSESSOR)
@require_GET
def verification_unit(request: HttpRequest, year: int, unit_pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    assessed = selectors.get_assessor_unit(request.user, cycle, unit_pk)
    return _verification_page(request, cycle, assessed)


@role_required(Role.ASSESSOR)
@require_POST
def verification_set_view(request: HttpRequest, year: int, unit_pk: int, indicator_pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    assessed = selectors.get_assessor_unit(request.user, cycle, unit_pk)
    indicator = selectors.get_assessor_indicator(request.user, cycle, assessed, indicator_pk)
    form = VerificationForm(request.POST, prefix=f"i{indicator.pk}")
    if form.is_valid():
        try:
            actions.verification_set(
                actor=request.user, cycle=cycle, unit=assessed.unit, indicator=indicator, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("已保存%(unit)s「%(indicator)s」的核验得分。")
                % {"unit": assessed.unit.name, "indicator": indicator.name},
            )
            return redirect("performance:verification_unit", year=cycle.year, unit_pk=assessed.unit_id)
    return _verification_page(request, cycle, assessed, bound=(indicator.pk, form))


# --- leader: ratings -------------------------------------------------------------------------------------


@role_required(Role.LEADER)
@require_GET
def rating_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    ratings = {r.unit_id: r for r in selectors.own_leader_ratings(request.user, cycle)}
    rows = [
        {"assessed": a, "rating": ratings.get(a.unit_id)} for a in selectors.leader_units(request.user, cycle)
    ]
    context = {**cycle_context(cycle), "rows": rows, "done": len(ratings)}
    return render(request, "performance/rating_list.html", context)


@role_required(Role.LEADER)
@require_http_methods(["GET", "POST"])
def rating_edit(request: HttpRequest, year: int, unit_pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    assessed = selectors.get_leader_unit(request.user, cycle, unit_pk)
    rating = selectors.own_leader_ratings(request.user, cycle).filter(unit_id=assessed.unit_id).first()
    initial = {"score": rating.score.normalize(), "comment": rating.comment} if rating else {}
    form = LeaderRatingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.leader_rating_save(
                actor=request.user, cycle=cycle, unit=assessed.unit, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("已保存对%(unit)s的评价。") % {"unit": assessed.unit.name})
            return redirect("performance:rating_list", year=cycle.year)
    context = {**cycle_context(cycle), "assessed": assessed, "rating": rating, "form": form}
    return render(request, "performance/rating_edit.html", context)
