"""Paper ballots of a paper session: the two typists' entry pages, the organiser's comparison, decisions,
commit and workbook import; under cycles/<year>/sessions/<pk>/paper/.

Typists (organisers, or accounts with ``ballots.type_paper_ballots``, granted to a clerk or an assessor by
可录入纸质测评票 on the account page) reach only their slot's page and their own entries; the comparison,
decisions, commit, discard and import are the organiser's.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.access import CYCLE_EDITORS, role_required
from kaohe.accounts.models import User
from kaohe.ballots import actions, paper, selectors
from kaohe.ballots.models import EvaluationSession, SessionKind, SessionStatus
from kaohe.ballots.paper_forms import PaperEntryForm, PaperImportForm, ResolveForm
from kaohe.ballots.paper_models import PaperEntry, PaperResolution, TypistSlot
from kaohe.confirm import Confirmation, confirmation_page
from kaohe.plans.selectors import get_cycle
from kaohe.workbook.sheets import WorkbookError


def typist_required(view):
    """Organisers and accounts allowed to type paper ballots (``paper.can_type``); others get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not paper.can_type(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _paper_session(user: User, year: int, pk: int) -> EvaluationSession:
    session = selectors.get_session(get_cycle(user, year), pk)
    if session.kind != SessionKind.PAPER:
        raise Http404("not a paper session")
    return session


def _home(session: EvaluationSession) -> str:
    return reverse("ballots:paper_home", args=[session.cycle.year, session.pk])


def _error(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@typist_required
@never_cache
@require_GET
def paper_home(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    session = _paper_session(request.user, year, pk)
    is_organiser = request.user.has_role(*CYCLE_EDITORS)
    overview = selectors.paper_overview(session)
    context = {
        "cycle": session.cycle,
        "session": session,
        "overview": overview,
        "is_organiser": is_organiser,
        "slots": [
            (slot, label, overview.typists.get(slot), overview.entries.get(slot, 0))
            for slot, label in TypistSlot.choices
        ],
        "states": [(paper.STATES[s], n) for s, n in overview.counts.items()],
        "is_open": session.status == SessionStatus.OPEN,
        "import_form": PaperImportForm(),
        "turnout": selectors.turnout(session),
    }
    return render(request, "ballots/paper_home.html", context)


def _entry_page(
    request: HttpRequest, session, slot: str, form: PaperEntryForm, editing: str = "", status: int = 200
) -> HttpResponse:
    mine = (
        PaperEntry.objects.filter(session=session, slot=slot).order_by("-id").values_list("number", flat=True)
    )
    context = {
        "cycle": session.cycle,
        "session": session,
        "slot": slot,
        "slot_label": TypistSlot(slot).label,
        "form": form,
        "rows": form.rows(),
        "editing": editing,
        "mine": list(mine),
    }
    return render(request, "ballots/paper_entry.html", context, status=status)


def _check_slot(request: HttpRequest, session, slot: str) -> HttpResponse | None:
    """Refuse a slot held by someone else, or the second slot to its other holder (back to the home page)."""
    typists = selectors.paper_overview(session, fields=[]).typists
    holder = typists.get(slot)
    other = typists.get(TypistSlot.B if slot == TypistSlot.A else TypistSlot.A)
    if holder is not None and holder.pk != request.user.pk:
        messages.error(
            request, _("%(slot)s已由「%(user)s」担任") % {"slot": TypistSlot(slot).label, "user": holder}
        )
        return redirect(_home(session))
    if holder is None and other is not None and other.pk == request.user.pk:
        messages.error(request, _("你已是本测评会的另一名录入员；同一张票须由两个人分别录入"))
        return redirect(_home(session))
    return None


@typist_required
@never_cache
@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, year: int, pk: int, slot: str) -> HttpResponse:
    """A typist's page: a blank paper ballot to type, or (?number=) their own entry to correct."""
    session = _paper_session(request.user, year, pk)
    if slot not in TypistSlot.values:
        raise Http404("no such typist slot")
    refused = _check_slot(request, session, slot)
    if refused is not None:
        return refused
    fields = selectors.session_fields(session)
    if request.method == "GET":
        editing = request.GET.get("number", "")
        initial = {}
        if editing:
            entry = PaperEntry.objects.filter(session=session, slot=slot, number=editing).first()
            if entry is None:
                raise Http404("no such entry")
            initial = PaperEntryForm.initial_for(entry.number, entry.values)
        return _entry_page(request, session, slot, PaperEntryForm(initial=initial, fields=fields), editing)
    editing = request.POST.get("editing", "")
    form = PaperEntryForm(request.POST, fields=fields)
    if form.is_valid():
        number = form.cleaned_data["number"]
        try:
            if editing and editing != number.strip():
                raise ValidationError(_("修改时不能改票号；票号录错请删除这条录入后重新录入"))
            actions.paper_entry_save(
                actor=request.user,
                session=session,
                slot=slot,
                number=number,
                data=form.data_for_save(),
                replace=bool(editing),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已保存票号「%(number)s」。") % {"number": number.strip()})
            return redirect("ballots:paper_entry", year=year, pk=pk, slot=slot)
    return _entry_page(request, session, slot, form, editing, status=400)


@typist_required
@require_POST
def paper_entry_delete_view(request: HttpRequest, year: int, pk: int, slot: str) -> HttpResponse:
    session = _paper_session(request.user, year, pk)
    if slot not in TypistSlot.values:
        raise Http404("no such typist slot")
    number = request.POST.get("number", "")
    confirm = Confirmation(
        title=_("删除票号「%(number)s」的录入") % {"number": number},
        consequence=_("这一遍录入删除后不能恢复，须对照纸质票重新录入。"),
        action_url=reverse("ballots:paper_entry_delete", args=[year, pk, slot]),
        cancel_url=reverse("ballots:paper_entry", args=[year, pk, slot]),
        button=_("确认删除"),
        facts=((_("录入"), TypistSlot(slot).label),),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        actions.paper_entry_delete(actor=request.user, session=session, slot=slot, number=number)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("已删除票号「%(number)s」的录入。") % {"number": number})
    if request.POST.get("back") == "home":
        return redirect(_home(session))
    return redirect("ballots:paper_entry", year=year, pk=pk, slot=slot)


@role_required(*CYCLE_EDITORS)
@never_cache
@require_http_methods(["GET", "POST"])
def paper_resolve_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """Decide the differences of one 票号 (?number=)."""
    session = _paper_session(request.user, year, pk)
    number = request.GET.get("number", "") or request.POST.get("number", "")
    overview = selectors.paper_overview(session)
    found = next((c for c in overview.comparisons if c.number == number), None)
    if found is None or found.state not in ("conflict", "resolved"):
        raise Http404("nothing to decide for this number")
    status = 200
    if request.method == "POST":
        form = ResolveForm(request.POST, differences=found.differences)
        if form.is_valid():
            try:
                actions.paper_resolve(actor=request.user, session=session, number=number, picks=form.picks())
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("已裁定票号「%(number)s」。") % {"number": number})
                return redirect(_home(session))
        status = 400
    else:
        initial = {}
        for d in found.differences:
            if d.decided is not paper.UNDECIDED:
                initial[d.field.key] = "a" if d.decided == d.a else "b"
        form = ResolveForm(initial=initial, differences=found.differences)
    context = {"cycle": session.cycle, "session": session, "number": number, "form": form}
    return render(request, "ballots/paper_resolve.html", context, status=status)


@role_required(*CYCLE_EDITORS)
@require_POST
def paper_commit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    session = _paper_session(request.user, year, pk)
    try:
        done = actions.paper_ballots_commit(actor=request.user, session=session)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "已计入 %(ballots)d 张测评票（%(marks)d 个总体评价），其录入已清除；还有 %(pending)d 张票待录入或裁定。",
                "已计入 %(ballots)d 张测评票（%(marks)d 个总体评价），其录入已清除；还有 %(pending)d 张票待录入或裁定。",
                done.ballots,
            )
            % {"ballots": done.ballots, "marks": done.marks, "pending": done.pending},
        )
    return redirect(_home(session))


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def paper_discard(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    session = _paper_session(request.user, year, pk)
    entries = PaperEntry.objects.filter(session=session).count()
    resolutions = PaperResolution.objects.filter(session=session).count()
    confirm = Confirmation(
        title=_("清除纸质票录入：%(name)s") % {"name": session.name},
        consequence=_("两遍录入和裁定全部清除，不能恢复：%(entries)d 条录入、%(resolutions)d 条裁定。")
        % {"entries": entries, "resolutions": resolutions},
        action_url=reverse("ballots:paper_discard", args=[year, pk]),
        cancel_url=_home(session),
        button=_("确认清除"),
        facts=((_("录入"), str(entries)), (_("裁定"), str(resolutions))),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        counts = actions.paper_entries_discard(actor=request.user, session=session)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "已清除 %(entries)d 条录入和 %(resolutions)d 条裁定。",
                "已清除 %(entries)d 条录入和 %(resolutions)d 条裁定。",
                counts["entries"],
            )
            % counts,
        )
    return redirect(_home(session))


@role_required(*CYCLE_EDITORS)
@require_POST
def paper_import(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """The workbook's 测评票 sheet into the session: all or nothing, every problem listed."""
    session = _paper_session(request.user, year, pk)
    form = PaperImportForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        try:
            counts = actions.paper_ballots_import(
                actor=request.user, session=session, source=form.cleaned_data["file"]
            )
        except WorkbookError as error:
            problems = [str(p) for p in error.problems]
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                ngettext(
                    "已导入 %(ballots)d 张测评票（%(marks)d 个评价）。",
                    "已导入 %(ballots)d 张测评票（%(marks)d 个评价）。",
                    counts["ballots"],
                )
                % counts,
            )
            return redirect(_home(session))
    else:
        problems = [e for errors in form.errors.values() for e in errors]
    context = {"cycle": session.cycle, "session": session, "problems": problems, "import_form": form}
    return render(request, "ballots/paper_import_errors.html", context, status=400)
