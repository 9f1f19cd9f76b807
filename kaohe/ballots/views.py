"""The organiser's pages: sessions under cycles/<year>/sessions/, and ballot templates under ballot-templates/."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.access import CYCLE_EDITORS, role_required
from kaohe.anonymity import min_group
from kaohe.audit.reads import audit_read
from kaohe.ballots import actions, codes, picker, selectors, slips
from kaohe.ballots.forms import (
    CodesForm,
    SessionForm,
    TemplateCopyForm,
    TemplateForm,
    VoidForm,
    items_text,
    template_choices,
)
from kaohe.ballots.models import BallotTemplate, SessionStatus
from kaohe.confirm import Confirmation, confirmation_page
from kaohe.plans.selectors import get_cycle


def public_base(request: HttpRequest | None) -> str:
    """The address phones reach (BALLOT_PUBLIC_BASE_URL when the hall's network sees the app elsewhere)."""
    base = settings.BALLOT_PUBLIC_BASE_URL.rstrip("/")
    if base or request is None:
        return base
    return request.build_absolute_uri("/").rstrip("/")


def ballot_url(base: str, code: str) -> str:
    return f"{base}{reverse('ballot_public:ballot', args=[code])}"


def _add_errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@role_required(*CYCLE_EDITORS)
@require_GET
def session_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    context = {
        "cycle": cycle,
        "sessions": selectors.cycle_sessions(cycle),
        "min_group": min_group(),
    }
    return render(request, "ballots/session_list.html", context)


def _form_page(
    request: HttpRequest,
    cycle,
    form: SessionForm,
    session=None,
    status: int = 200,
    ids: dict[str, list[int]] | None = None,
) -> HttpResponse:
    if ids is None:
        ids = picker.chosen_ids(request.POST if form.is_bound else form.initial)
    data = request.POST if request.method == "POST" else request.GET
    found = picker.build(cycle, ids, data.get("q", ""), data.get(picker.CATEGORY, ""))
    for chosen, (template_field, targets, _kind) in zip(found.chosen, SessionForm.PARTS, strict=True):
        chosen.template = form[template_field]
        chosen.errors = list(form.errors.get(targets, [])) if form.is_bound else []
    context = {
        "cycle": cycle,
        "form": form,
        "session": session,
        "picker": found,
        # Drawn by the picker, not in the form's grid.
        "picked_fields": {name for part in SessionForm.PARTS for name in part[:2]},
        "plan_groups": selectors.plan_rater_groups(cycle),
    }
    # A picker button with htmx: only the picker, the fragment the page includes.
    partial = request.htmx and picker.PICK in request.POST
    return render(
        request, "ballots/_targets.html" if partial else "ballots/session_form.html", context, status=status
    )


def _picked(request: HttpRequest, cycle, session=None) -> HttpResponse:
    """A picker button (search, a whole unit or category, clear): the form again with its values, nothing saved."""
    ids = picker.apply(
        cycle,
        picker.chosen_ids(request.POST),
        request.POST[picker.PICK],
        request.POST.get(picker.CATEGORY, ""),
    )
    targets = {name for name, _label, _kind in picker.FIELDS}
    initial = {name: request.POST.get(name) for name in SessionForm.base_fields if name not in targets}
    initial = {name: value for name, value in initial.items() if value is not None}
    form = SessionForm(cycle=cycle, initial=initial)
    return _form_page(request, cycle, form, session, ids=ids)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def session_create_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    if request.method == "GET":
        return _form_page(request, cycle, SessionForm(cycle=cycle))
    if picker.PICK in request.POST:
        return _picked(request, cycle)
    form = SessionForm(request.POST, cycle=cycle)
    if form.is_valid():
        try:
            session = actions.session_create(actor=request.user, cycle=cycle, spec=form.spec())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已创建测评会「%(name)s」。") % {"name": session.name})
            if warning := selectors.excellent_warning(session):
                messages.warning(request, warning)
            return redirect("ballots:session_detail", year=cycle.year, pk=session.pk)
    return _form_page(request, cycle, form, status=400)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    session = selectors.get_session(cycle, pk)
    if request.method == "GET":
        return _form_page(
            request, cycle, SessionForm(cycle=cycle, initial=SessionForm.initial_for(session)), session
        )
    if picker.PICK in request.POST:
        return _picked(request, cycle, session)
    form = SessionForm(request.POST, cycle=cycle)
    if form.is_valid():
        try:
            actions.session_update(actor=request.user, session=session, spec=form.spec())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已保存测评会设置。"))
            session.refresh_from_db()
            if warning := selectors.excellent_warning(session):
                messages.warning(request, warning)
            return redirect("ballots:session_detail", year=cycle.year, pk=session.pk)
    return _form_page(request, cycle, form, session, status=400)


def _detail(
    request: HttpRequest, cycle, session, codes_form=None, void_form=None, status: int = 200
) -> HttpResponse:
    groups = selectors.session_groups(session)
    context = {
        "cycle": cycle,
        "session": session,
        "targets": selectors.session_targets(session),
        "turnout": selectors.turnout(session),
        "codes_form": codes_form or CodesForm(groups=groups),
        "void_form": void_form or VoidForm(),
        "entry_url": f"{public_base(request)}{reverse('ballot_public:entry')}",
        "taking_ballots": selectors.taking_ballots(session),
        "can_generate": session.status in (SessionStatus.DRAFT, SessionStatus.OPEN),
        "can_tally": session.status in selectors.TALLY_STATUSES,
        "excellent_warning": selectors.excellent_warning(session),
        # 一报告两评议: the unit's 选人用人工作情况报告 is attached to a session that reviews its selection work
        "selection_reports": selectors.session_selection_reports(session),
    }
    return render(request, "ballots/session_detail.html", context, status=status)


@role_required(*CYCLE_EDITORS)
@require_GET
def session_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    return _detail(request, cycle, selectors.get_session(cycle, pk))


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response


@role_required(*CYCLE_EDITORS)
@never_cache
@require_POST
def codes_generate(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """Generate codes and answer with their file at once: the only time the codes exist in plaintext."""
    cycle = get_cycle(request.user, year)
    session = selectors.get_session(cycle, pk)
    form = CodesForm(request.POST, groups=selectors.session_groups(session))
    if form.is_valid():
        try:
            made = actions.session_codes_generate(actor=request.user, session=session, counts=form.counts())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return codes_file(request, cycle, session, made, form.cleaned_data["format"])
    return _detail(request, cycle, session, codes_form=form, status=400)


def codes_file(
    request: HttpRequest, cycle, session, made: list[actions.NewCode], file_format: str
) -> HttpResponse:
    """The codes just made as the page and the API hand them over, once: the A4 QR slips, or the CSV list."""
    base = public_base(request)
    found = [slips.Slip(c.group, codes.display(c.code), ballot_url(base, c.code)) for c in made]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{session.name}-测评码-第{made[0].batch}批-{stamp}"
    if file_format == "csv":
        return _download(slips.codes_csv(found), f"{name}.csv", "text/csv; charset=utf-8")
    title = f"{cycle.name} · {session.name}"
    entry = f"{base}{reverse('ballot_public:entry')}"
    content = slips.slips_pdf(title=title, page_url=entry, slips=found, rehearsal=session.rehearsal)
    return _download(content, f"{name}.pdf", "application/pdf")


def _transition(request: HttpRequest, year: int, pk: int, action, done: str, confirm=None) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    session = selectors.get_session(cycle, pk)
    if confirm is not None and (page := confirmation_page(request, confirm(request, cycle, session))):
        return page
    try:
        action(actor=request.user, session=session)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done)
    return redirect("ballots:session_detail", year=cycle.year, pk=session.pk)


def _figures(session) -> tuple[tuple[str, str], ...]:
    """The live counts a confirmation states: ballots received of those expected, codes issued."""
    rows = selectors.turnout(session)
    expected, issued, received = (sum(getattr(r, f) for r in rows) for f in ("expected", "codes", "ballots"))
    return (
        (_("已收测评票"), f"{received}/{expected}"),
        (_("已发测评码"), str(issued)),
        (_("状态"), session.get_status_display()),
    )


def _received(session) -> str:
    rows = selectors.turnout(session)
    return f"{sum(r.ballots for r in rows)}/{sum(r.expected for r in rows)}"


def _detail_url(cycle, session) -> str:
    return reverse("ballots:session_detail", args=[cycle.year, session.pk])


def _confirm_close(request: HttpRequest, cycle, session, key: str) -> Confirmation:
    received = _received(session)
    rows = selectors.turnout(session)
    missing = sum(max(r.expected - r.ballots, 0) for r in rows)
    if session.rehearsal:
        title, consequence = _("结束演练"), _("结束后不能再投演练票：已收 %(n)s 张。") % {"n": received}
    else:
        title = _("结束测评并封存")
        consequence = _("封存后不能再投票，也不能重新开始：已收 %(n)s 张。") % {"n": received}
    online = session.kind == "online"
    return Confirmation(
        title=f"{title} · {session.name}",
        consequence=consequence,
        action_url=reverse("ballots:session_close", args=[cycle.year, session.pk]),
        cancel_url=_detail_url(cycle, session),
        button=_("确认结束") if session.rehearsal else _("确认结束并封存"),
        facts=_figures(session),
        warnings=(_("尚有 %(n)d 人未投票。") % {"n": missing},) if missing else (),
        # An uploaded key file cannot ride through the page: its key is carried as typed text instead.
        carry={"opening_key": key} if online and request.method == "POST" else None,
        extra_template="ballots/_close_key.html" if online and request.method == "GET" else "",
    )


def _confirm_archive(request: HttpRequest, cycle, session) -> Confirmation:
    return Confirmation(
        title=_("封存测评会 · %(name)s") % {"name": session.name},
        consequence=_("封存后测评票不能再改动，也不能再补录：已收 %(n)s 张。") % {"n": _received(session)},
        action_url=reverse("ballots:session_seal", args=[cycle.year, session.pk]),
        cancel_url=_detail_url(cycle, session),
        button=_("确认封存"),
        facts=_figures(session),
    )


def _confirm_purge(request: HttpRequest, cycle, session) -> Confirmation:
    return Confirmation(
        title=_("清除演练数据 · %(name)s") % {"name": session.name},
        consequence=_("演练票和演练测评码将被删除，不能恢复：已收演练票 %(n)s 张。")
        % {"n": _received(session)},
        action_url=reverse("ballots:session_purge", args=[cycle.year, session.pk]),
        cancel_url=_detail_url(cycle, session),
        button=_("确认清除"),
        facts=_figures(session),
    )


def _confirm_void(request: HttpRequest, cycle, session) -> Confirmation:
    return Confirmation(
        title=_("作废测评会 · %(name)s") % {"name": session.name},
        consequence=_("作废后这场测评会的测评票不再计入结果，且不能恢复：已收 %(n)s 张。")
        % {"n": _received(session)},
        action_url=reverse("ballots:session_void", args=[cycle.year, session.pk]),
        cancel_url=_detail_url(cycle, session),
        button=_("确认作废"),
        facts=_figures(session) + ((_("作废原因"), request.POST.get("reason", "")),),
    )


def _confirm_key(request: HttpRequest, cycle, session) -> Confirmation:
    return Confirmation(
        title=_("重新生成开启密钥 · %(name)s") % {"name": session.name},
        consequence=_("重新生成后旧密钥作废：已打印或保存的旧密钥将无法开启本场网上测评票。"),
        action_url=reverse("ballots:session_key", args=[cycle.year, session.pk]),
        cancel_url=_detail_url(cycle, session),
        button=_("确认重新生成"),
        facts=_figures(session),
    )


@role_required(*CYCLE_EDITORS)
@require_POST
def session_open_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    return _transition(request, year, pk, actions.session_open, _("测评已开始。"))


@role_required(*CYCLE_EDITORS)
@require_POST
def session_summaries_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """Show (or stop showing) each target's 述职 summary, folded, on the ballot page."""
    cycle = get_cycle(request.user, year)
    session = selectors.get_session(cycle, pk)
    show = request.POST.get("show") == "1"
    try:
        shown = actions.session_summaries_set(actor=request.user, session=session, show=show)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if show:
            messages.success(request, _("测评票将折叠显示述职摘要：%(n)d 个测评对象有摘要。") % {"n": shown})
        else:
            messages.success(request, _("测评票不再显示述职摘要。"))
    return redirect("ballots:session_detail", year=cycle.year, pk=session.pk)


KEY_FILE_TEXT = """{key}

以上是测评会「{name}」（{year}年度）的开启密钥。
网上测评票在测评期间用它的公开部分密封，系统本身打不开；结束测评时须填入这段密钥，才能开启计票。
请打印或存放在不联网的介质上，由专人保管；测评会结束并封存后即可销毁。遗失则本场网上测评票无法计入。
"""


@role_required(*CYCLE_EDITORS)
@require_POST
@never_cache
def session_key_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """Issue the session's opening key and hand it over as a text file: this response is its only copy."""
    cycle = get_cycle(request.user, year)
    session = selectors.get_session(cycle, pk)
    if session.opening_public_key and (
        page := confirmation_page(request, _confirm_key(request, cycle, session))
    ):
        return page
    try:
        private = actions.session_key_issue(actor=request.user, session=session)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("ballots:session_detail", year=cycle.year, pk=session.pk)
    return key_file(cycle, session, private)


def key_file(cycle, session, private: str) -> HttpResponse:
    """The opening key as a text file to print or keep offline (the page's and the API's answer)."""
    text = KEY_FILE_TEXT.format(key=private, name=session.name, year=cycle.year)
    response = HttpResponse(text.encode(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"开启密钥-{session.name}.txt"
    )
    response["Cache-Control"] = "no-store"
    return response


def opening_key_from(request: HttpRequest) -> str:
    """The opening key typed or pasted in the close form, or read from the key file uploaded there."""
    upload = request.FILES.get("opening_key_file")
    if upload is not None and upload.size is not None and upload.size < 4096:
        found = [line for line in upload.read().decode("utf-8", "replace").splitlines() if "KAOHE1" in line]
        if found:
            return found[0]
    return request.POST.get("opening_key", "")[:400]


def close_and_seal(*, actor, session, opening_key: str) -> None:
    """结束测评 as the organiser asks for it: closed, then sealed (a rehearsal is not sealed)."""
    session = actions.session_close(actor=actor, session=session, opening_key=opening_key)
    if not session.rehearsal:
        actions.session_archive(actor=actor, session=session)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
@never_cache
def session_close_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    key = opening_key_from(request)
    return _transition(
        request,
        year,
        pk,
        lambda *, actor, session: close_and_seal(actor=actor, session=session, opening_key=key),
        _("测评已结束。"),
        confirm=lambda request, cycle, session: _confirm_close(request, cycle, session, key),
    )


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def session_archive_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    return _transition(
        request, year, pk, actions.session_archive, _("测评会已封存。"), confirm=_confirm_archive
    )


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def session_purge(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    return _transition(
        request,
        year,
        pk,
        actions.session_rehearsal_purge,
        _("演练数据已清除，测评会已转为正式测评（未开始）。"),
        confirm=_confirm_purge,
    )


@role_required(*CYCLE_EDITORS)
@require_POST
def session_void_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    session = selectors.get_session(cycle, pk)
    form = VoidForm(request.POST)
    if form.is_valid():
        if page := confirmation_page(request, _confirm_void(request, cycle, session)):
            return page
        try:
            actions.session_void(actor=request.user, session=session, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("测评会已作废，其测评票不再计入。"))
            return redirect("ballots:session_detail", year=cycle.year, pk=session.pk)
    return _detail(request, cycle, session, void_form=form, status=400)


@role_required(*CYCLE_EDITORS)
@require_GET
def session_tally_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    session = selectors.get_session(cycle, pk)
    try:
        tally = selectors.session_tally(session)
    except selectors.TallyRefused as refusal:
        if request.GET.get("format") == "json":
            return JsonResponse({"error": str(refusal)}, status=409)
        messages.error(request, str(refusal))
        return redirect("ballots:session_detail", year=cycle.year, pk=session.pk)
    audit_read(request.user, "ballot_session.tally", session)
    if request.GET.get("format") == "json":
        return JsonResponse(tally.as_json(), json_dumps_params={"ensure_ascii": False})
    seal_ok = None
    if session.status == SessionStatus.SEALED:
        from kaohe.ballots.digest import seal_intact

        seal_ok = seal_intact(session)
    context = {
        "cycle": cycle,
        "session": session,
        "tally": tally,
        "seal_ok": seal_ok,
        "tables": _tables(tally),
    }
    return render(request, "ballots/session_tally.html", context)


def _table(name: str, choices, groups: dict, total: dict) -> dict:
    rows = [(group, [counts.get(c, 0) for c in choices]) for group, counts in groups.items()]
    return {"name": name, "choices": list(choices), "rows": rows, "total": [total.get(c, 0) for c in choices]}


def _tables(tally: selectors.Tally) -> list[dict]:
    """Each target's tables (总体评价, then its items) as rows of counts in the choices' order."""
    found = []
    for target in tally.targets:
        tables = []
        if target.choices:
            tables.append(_table(_("总体评价"), target.choices, target.groups, target.total))
        for item in target.items:
            table = _table(item["name"], item["choices"], item["groups"], item["total"])
            table["reasons"] = item["reasons"]
            tables.append(table)
        found.append({"target": target, "tables": tables})
    return found


# --- templates ---------------------------------------------------------------------------------------------


@role_required(*CYCLE_EDITORS)
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ballots/template_list.html",
        {"templates": template_choices(), "copy_form": TemplateCopyForm()},
    )


@role_required(*CYCLE_EDITORS)
@require_POST
def template_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(BallotTemplate, pk=pk)
    form = TemplateCopyForm(request.POST)
    if form.is_valid():
        try:
            copy = actions.template_copy(
                actor=request.user, template=template, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("已复制为「%(name)s」，可修改其测评项目。") % {"name": copy.name})
            return redirect("ballots:template_edit", pk=copy.pk)
    else:
        messages.error(request, _("请填写新测评表名称"))
    return redirect("ballots:template_list")


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(BallotTemplate, pk=pk)
    status = 200
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                actions.template_update(
                    actor=request.user,
                    template=template,
                    name=form.cleaned_data["name"],
                    items=form.cleaned_data["items"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("已保存测评表。"))
                return redirect("ballots:template_list")
        status = 400
    else:
        form = TemplateForm(initial={"name": template.name, "items": items_text(template.items)})
    context = {"template": template, "form": form, "in_use": selectors.template_in_use(template)}
    return render(request, "ballots/template_form.html", context, status=status)
