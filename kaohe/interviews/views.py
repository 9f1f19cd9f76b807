"""Interview pages: thin views over `selectors` (checked reads) and `actions` (audited writes)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaohe.accounts.access import role_required
from kaohe.confirm import Confirmation, confirmation_page
from kaohe.interviews import actions, documents, selectors
from kaohe.interviews.drafting import outline_draft
from kaohe.interviews.forms import (
    ExcuseForm,
    ExportForm,
    IntervieweeForm,
    OutlineForm,
    RecordForm,
    SettingsForm,
)
from kaohe.plans.selectors import get_cycle

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _pledge_first(request, cycle):
    """A redirect to the pledge page when the account has not acknowledged the pledge in force."""
    if selectors.pledge_acknowledged(request.user, cycle):
        return None
    url = reverse("interviews:pledge", args=[cycle.year])
    return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


def _error_text(error: ValidationError) -> str:
    return "；".join(error.messages)


@require_http_methods(["GET"])
@role_required(*selectors.SUMMARY_ROLES)
def latest(request):
    """The navigation's entry: the interviews of the latest cycle (an assessor's: the latest they visit in)."""
    cycle = selectors.latest_cycle(request.user)
    if cycle is None:
        messages.info(request, "还没有年度考核。")
        return redirect("home")
    return redirect("interviews:index", cycle.year)


@require_http_methods(["GET"])
@role_required(*selectors.SUMMARY_ROLES)
def index(request, year: int):
    cycle = get_cycle(request.user, year)
    rows = selectors.units_coverage(cycle, list(selectors.visited_units(request.user, cycle)))
    context = {
        "cycle": cycle,
        "rows": rows,
        "missing": sum(c.missing for _u, c in rows),
        "complete": sum(1 for _u, c in rows if c.complete),
        "records": request.user.has_role(*selectors.RECORD_ROLES),
        "organiser": request.user.has_role(*selectors.ORGANISER_ROLES),
        "acknowledged": selectors.pledge_acknowledged(request.user, cycle),
    }
    return render(request, "interviews/index.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*selectors.ORGANISER_ROLES)
def settings_edit(request, year: int):
    cycle = get_cycle(request.user, year)
    current = selectors.settings_of(cycle)
    initial = {
        "staff": current.staff,
        "service_users": current.service_users,
        "deputies": current.deputies,
        "recommend": current.recommend,
        "pledge": current.pledge,
    }
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.interview_settings_update(actor=request.user, cycle=cycle, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "个别谈话设置已保存。")
            return redirect("interviews:index", year)
    return render(request, "interviews/settings.html", {"cycle": cycle, "form": form})


@require_http_methods(["GET", "POST"])
@role_required(*selectors.RECORD_ROLES)
def pledge(request, year: int):
    cycle = get_cycle(request.user, year)
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("interviews:index", args=[year])
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("interviews:index", args=[year])
    if request.method == "POST":
        actions.pledge_acknowledge(actor=request.user, cycle=cycle)
        return redirect(next_url)
    context = {
        "cycle": cycle,
        "text": selectors.settings_of(cycle).pledge,
        "acknowledged": selectors.pledge_acknowledged(request.user, cycle),
        "next": next_url,
    }
    return render(request, "interviews/pledge.html", context)


def _unit_context(request, cycle, unit, **extra):
    rows = selectors.unit_rows(cycle, unit)
    return {
        "cycle": cycle,
        "unit": unit,
        "rows": rows,
        "coverage": selectors.unit_coverage(cycle, unit, rows),
        "settings": selectors.settings_of(cycle),
        "add_form": IntervieweeForm(),
        "unlisted": any(r.interviewee is None for r in rows),
        **extra,
    }


@require_http_methods(["GET"])
@role_required(*selectors.RECORD_ROLES)
def unit_detail(request, year: int, unit_pk: int):
    cycle = get_cycle(request.user, year)
    unit = selectors.get_unit(request.user, cycle, unit_pk)
    return render(request, "interviews/unit.html", _unit_context(request, cycle, unit))


@require_POST
@role_required(*selectors.RECORD_ROLES)
def unit_prepare(request, year: int, unit_pk: int):
    cycle = get_cycle(request.user, year)
    unit = selectors.get_unit(request.user, cycle, unit_pk)
    added = actions.interviewees_prepare(actor=request.user, cycle=cycle, unit=unit)
    messages.success(request, f"已将 {added} 名班子成员列入谈话名单。")
    return redirect("interviews:unit", year, unit.pk)


@require_POST
@role_required(*selectors.RECORD_ROLES)
def interviewee_add_view(request, year: int, unit_pk: int):
    cycle = get_cycle(request.user, year)
    unit = selectors.get_unit(request.user, cycle, unit_pk)
    form = IntervieweeForm(request.POST)
    if form.is_valid():
        try:
            actions.interviewee_add(actor=request.user, cycle=cycle, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已将“{form.cleaned_data['name']}”列入谈话名单。")
            return redirect("interviews:unit", year, unit.pk)
    return render(
        request, "interviews/unit.html", _unit_context(request, cycle, unit, add_form=form), status=400
    )


@require_POST
@role_required(*selectors.RECORD_ROLES)
def interviewee_excuse_view(request, year: int, pk: int):
    cycle = get_cycle(request.user, year)
    person = selectors.get_interviewee(request.user, cycle, pk)
    form = ExcuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "未谈原因不超过 200 字。")
        return redirect("interviews:unit", year, person.unit_id)
    try:
        actions.interviewee_excuse(actor=request.user, interviewee=person, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        reason = form.cleaned_data["reason"].strip()
        messages.success(
            request,
            f"已登记“{person.name}”未谈原因：{reason}" if reason else f"已撤销“{person.name}”的未谈登记。",
        )
    return redirect("interviews:unit", year, person.unit_id)


@require_http_methods(["GET", "POST"])
@role_required(*selectors.RECORD_ROLES)
def interviewee_remove_view(request, year: int, pk: int):
    cycle = get_cycle(request.user, year)
    person = selectors.get_interviewee(request.user, cycle, pk)
    confirm = Confirmation(
        title=_("移出谈话名单：%(name)s") % {"name": person.name},
        consequence=_("“%(name)s”将移出本单位的谈话名单，不再计入应谈人次。") % {"name": person.name},
        action_url=reverse("interviews:remove", args=[cycle.year, person.pk]),
        cancel_url=reverse("interviews:unit", args=[cycle.year, person.unit_id]),
        button=_("确认移出"),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        actions.interviewee_remove(actor=request.user, interviewee=person)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"已将“{person.name}”移出谈话名单。")
    return redirect("interviews:unit", year, person.unit_id)


@require_http_methods(["GET", "POST"])
@role_required(*selectors.RECORD_ROLES)
def outline(request, year: int, pk: int):
    cycle = get_cycle(request.user, year)
    person = selectors.get_interviewee(request.user, cycle, pk)
    if (gate := _pledge_first(request, cycle)) is not None:
        return gate
    if request.method == "POST":
        form = OutlineForm(request.POST)
        if form.is_valid():
            try:
                actions.interview_outline_save(
                    actor=request.user, interviewee=person, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "谈话提纲已保存。")
                return redirect("interviews:outline", year, person.pk)
        saved = True
    else:
        text = selectors.open_outline(request.user, person)
        saved = text is not None
        form = OutlineForm(initial={"text": text if saved else outline_draft(person)})
    return render(
        request, "interviews/outline.html", {"cycle": cycle, "person": person, "form": form, "saved": saved}
    )


@require_http_methods(["GET"])
@role_required(*selectors.RECORD_ROLES)
def outline_docx(request, year: int, pk: int):
    cycle = get_cycle(request.user, year)
    person = selectors.get_interviewee(request.user, cycle, pk)
    if (gate := _pledge_first(request, cycle)) is not None:
        return gate
    text = selectors.open_outline(request.user, person) or outline_draft(person)
    content = documents.outline_docx(f"{person.unit.name}个别谈话提纲", text)
    return _download(content, f"谈话提纲-{person.unit.name}-{person.pk}.docx", DOCX)


@require_http_methods(["GET"])
@role_required(*selectors.RECORD_ROLES)
def blank_form(request, year: int, unit_pk: int):
    cycle = get_cycle(request.user, year)
    unit = selectors.get_unit(request.user, cycle, unit_pk)
    names = [name for _pk, name, _post in selectors.team_cadres(cycle, unit)]
    content = documents.blank_form_docx(unit.name, cycle.name, names, selectors.settings_of(cycle).recommend)
    return _download(content, f"个别谈话记录表-{unit.name}.docx", DOCX)


@require_http_methods(["GET", "POST"])
@role_required(*selectors.RECORD_ROLES)
def record(request, year: int, pk: int):
    cycle = get_cycle(request.user, year)
    person = selectors.get_interviewee(request.user, cycle, pk)
    if (gate := _pledge_first(request, cycle)) is not None:
        return gate
    members = selectors.unit_members(cycle, person.unit)
    options = {
        "members": members,
        "cadres": [c for c in selectors.team_cadres(cycle, person.unit) if c[0] != person.cadre_id],
        "recommend": selectors.settings_of(cycle).recommend,
    }
    if request.method == "POST":
        form = RecordForm(request.POST, **options)
        if form.is_valid():
            try:
                actions.interview_save(actor=request.user, interviewee=person, record=form.to_record())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"“{person.name}”的谈话记录已加密保存。")
                return redirect("interviews:unit", year, person.unit_id)
        status = 400 if form.errors else 200
    else:
        existing = selectors.open_interview(request.user, person)
        if existing is not None:
            initial = RecordForm.initial_from(existing, members)
        else:
            initial = {
                "held_on": timezone.localdate(),
                "interviewers": [str(request.user)] if str(request.user) in members else [],
                "interviewee_name": person.name,
                "interviewee_post": person.post,
                "source": "typed",
            }
        form = RecordForm(initial=initial, **options)
        status = 200
    return render(
        request, "interviews/record.html", {"cycle": cycle, "person": person, "form": form}, status=status
    )


@require_http_methods(["GET"])
@role_required(*selectors.SUMMARY_ROLES)
def summary(request, year: int, unit_pk: int):
    cycle = get_cycle(request.user, year)
    unit = selectors.get_unit(request.user, cycle, unit_pk, selectors.SUMMARY_ROLES)
    context = {
        "cycle": cycle,
        "unit": unit,
        "summary": selectors.unit_summary(cycle, unit),
        "coverage": selectors.unit_coverage(cycle, unit),
        "recommend": selectors.settings_of(cycle).recommend,
    }
    return render(request, "interviews/summary.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*selectors.ORGANISER_ROLES)
def export(request, year: int):
    cycle = get_cycle(request.user, year)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        text = actions.interviews_export(actor=request.user, cycle=cycle)
        return _download(text.encode(), f"个别谈话记录-{cycle.year}.txt", "text/plain; charset=utf-8")
    return render(request, "interviews/export.html", {"cycle": cycle, "form": form})
