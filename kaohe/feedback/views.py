"""Pages of feedback letters, rectification and the 结果运用 ledger. Thin: check, call, render."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.access import role_required
from kaohe.accounts.models import Role
from kaohe.confirm import Confirmation, confirmation_page
from kaohe.feedback import actions, documents, selectors
from kaohe.feedback.models import ActionKind, RectificationStatus, RectificationUpdate
from kaohe.performance.evidence import CONTENT_TYPES
from kaohe.plans.models import AssessmentCycle
from kaohe.plans.selectors import get_cycle
from kaohe.reports.views import _docx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FEEDBACK_ROLES = (Role.ORGANISER, Role.COMMITTEE, Role.ASSESSOR, Role.LIAISON, Role.CADRE, Role.LEADER)
LETTER_READERS = (Role.ORGANISER, Role.COMMITTEE, Role.ASSESSOR, Role.CADRE, Role.LEADER)
RECTIFICATION_ROLES = (Role.ORGANISER, Role.COMMITTEE, Role.ASSESSOR, Role.LIAISON, Role.CADRE)


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


@require_GET
@role_required(*FEEDBACK_ROLES)
def feedback_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "cycles": AssessmentCycle.objects.order_by("-year")
        if user.has_role(Role.ORGANISER, Role.COMMITTEE, Role.ASSESSOR)
        else [],
        "received": selectors.received_letters(user).order_by("-cycle__year"),
        "unit_letters": selectors.letter_sent_to_unit(user).order_by("-cycle__year"),
        "overdue": selectors.overdue_rectifications(user)[:50],
    }
    return render(request, "feedback/home.html", context)


# --- letters ------------------------------------------------------------------------------------------------


@require_GET
@role_required(Role.ORGANISER, Role.COMMITTEE, Role.ASSESSOR)
def letter_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    letters = selectors.visible_letters(request.user, cycle)
    return render(request, "feedback/letter_list.html", {"cycle": cycle, "letters": letters})


@require_POST
@role_required(*selectors.LETTER_MANAGERS)
def letters_prepare_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    kind = request.POST.get("kind", "")
    try:
        count = actions.letters_prepare(actor=request.user, cycle=cycle, kind=kind)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"已生成 {count} 份反馈意见书（来自已采纳的综合分析报告）。")
    return redirect("feedback:letter_list", year)


@require_GET
@role_required(*LETTER_READERS)
def letter_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    letter = selectors.get_letter(request.user, cycle, pk)
    if letter.recipient_id == request.user.pk:
        letter = actions.letter_read(actor=request.user, letter=letter)
    context = {
        "cycle": cycle,
        "letter": letter,
        "may_send": request.user.has_role(*selectors.LETTER_MANAGERS) and letter.status == "draft",
        "may_talk": selectors.may_talk(request.user, letter) and letter.status == "sent",
        "items": letter.rectifications.all() if letter.status == "sent" else [],
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "feedback/letter_detail.html", context)


@require_GET
@role_required(*LETTER_READERS)
def letter_download(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    letter = selectors.get_letter(request.user, get_cycle(request.user, year), pk)
    if letter.recipient_id == request.user.pk:
        actions.letter_read(actor=request.user, letter=letter)
    return _docx(documents.letter_docx(letter), f"{letter}.docx")


@require_http_methods(["GET", "POST"])
@role_required(*selectors.LETTER_MANAGERS)
def letter_send_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    letter = selectors.get_letter(request.user, get_cycle(request.user, year), pk)
    confirm = Confirmation(
        title=f"发送反馈意见书：{letter.cadre or letter.unit}",
        consequence=f"发送后意见书即送达{letter.recipient_name}，不能撤回或修改；"
        f"其中 {len(letter.problems)} 项问题随即转为整改事项。",
        action_url=reverse("feedback:letter_send", args=[year, letter.pk]),
        cancel_url=reverse("feedback:letter_detail", args=[year, letter.pk]),
        button="确认发送",
        facts=(("收件人", letter.recipient_name), ("整改事项", str(len(letter.problems)))),
        danger=False,
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        actions.letter_send(actor=request.user, letter=letter)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request, f"已发送给{letter.recipient_name}，问题已转为 {len(letter.problems)} 项整改事项。"
        )
    return redirect("feedback:letter_detail", year, pk)


@require_POST
@role_required(Role.ORGANISER, Role.ASSESSOR)
def letter_talk(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    letter = selectors.get_letter(request.user, get_cycle(request.user, year), pk)
    if not selectors.may_talk(request.user, letter):
        raise PermissionDenied
    held_on = _date(request.POST.get("talk_on"))
    try:
        if held_on is None:
            raise ValidationError(f"谈话日期：「{request.POST.get('talk_on', '')}」不是日期。")
        actions.letter_talk_record(
            actor=request.user, letter=letter, held_on=held_on, talk_by=request.POST.get("talk_by", "")
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "已记录反馈谈话。")
    return redirect("feedback:letter_detail", year, pk)


# --- rectification ------------------------------------------------------------------------------------------


@require_GET
@role_required(*RECTIFICATION_ROLES)
def rectification_list(request: HttpRequest) -> HttpResponse:
    items = selectors.visible_rectifications(request.user).order_by(
        "-cycle__year", "unit__code", "letter_id", "number"
    )
    status = request.GET.get("status", "")
    status = status if status in (*RectificationStatus.values, selectors.UNCLOSED) else ""
    unit_text, before_text = request.GET.get("unit", ""), request.GET.get("before", "")
    unit_id = int(unit_text) if unit_text.isdigit() else None
    before = int(before_text) if before_text.isdigit() else None
    items = selectors.filter_rectifications(items, status=status, unit_id=unit_id, before=before)
    if request.GET.get("format") == "xlsx":
        return _xlsx(documents.rectifications_xlsx(items), "整改事项.xlsx")
    context = {
        "items": items,
        "status": status,
        "statuses": [*RectificationStatus.choices, (selectors.UNCLOSED, "未销号")],
        "unit_id": unit_id,
        "before": before,
        "today": timezone.localdate(),
    }
    return render(request, "feedback/rectification_list.html", context)


@require_GET
@role_required(*RECTIFICATION_ROLES)
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_rectification(request.user, pk)
    context = {
        "item": item,
        "updates": item.updates.select_related("by"),
        "may_update": selectors.may_update(request.user, item),
        "may_close": selectors.may_close(request.user, item),
        "today": timezone.localdate(),
    }
    return render(request, "feedback/rectification_detail.html", context)


@require_POST
@role_required(Role.LIAISON, Role.CADRE)
def rectification_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_rectification(request.user, pk)
    if not selectors.may_update(request.user, item):
        raise PermissionDenied
    deadline = _date(request.POST.get("deadline"))
    try:
        if deadline is None:
            raise ValidationError(f"整改时限：「{request.POST.get('deadline', '')}」不是日期。")
        actions.rectification_update(
            actor=request.user,
            item=item,
            owner=request.POST.get("owner", ""),
            measures=request.POST.get("measures", ""),
            deadline=deadline,
            progress=request.POST.get("progress", ""),
            upload=request.FILES.get("file"),
            done=request.POST.get("done") == "1",
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "已提交，待考核组销号。" if request.POST.get("done") == "1" else "已保存。")
    return redirect("feedback:rectification_detail", pk)


@require_POST
@role_required(Role.ORGANISER, Role.ASSESSOR)
def rectification_verify(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_rectification(request.user, pk)
    if not selectors.may_close(request.user, item):
        raise PermissionDenied
    try:
        if request.POST.get("decision") == "close":
            actions.rectification_close(actor=request.user, item=item)
            messages.success(request, f"整改事项{item.number}已销号。")
        else:
            actions.rectification_reopen(actor=request.user, item=item, reason=request.POST.get("reason", ""))
            messages.success(request, f"整改事项{item.number}已退回重新整改。")
    except ValidationError as error:
        _errors(request, error)
    return redirect("feedback:rectification_detail", pk)


@require_GET
@role_required(*RECTIFICATION_ROLES)
def rectification_file(request: HttpRequest, pk: int, update_pk: int) -> FileResponse:
    item = selectors.get_rectification(request.user, pk)
    update = RectificationUpdate.objects.filter(item=item, pk=update_pk).exclude(file="").first()
    if update is None:
        raise Http404
    suffix = "." + update.file.name.rsplit(".", 1)[-1].lower()
    return FileResponse(
        update.file.open("rb"),
        as_attachment=True,
        filename=update.file_name,
        content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
    )


# --- the ledger ---------------------------------------------------------------------------------------------


@require_GET
@role_required(*selectors.LEDGER_READERS)
def ledger(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    entries = selectors.visible_actions(request.user, cycle)
    if request.GET.get("format") == "xlsx":
        return _xlsx(documents.actions_xlsx(entries), f"{year}年度考核结果运用.xlsx")
    context = {
        "cycle": cycle,
        "entries": entries,
        "unhandled": selectors.unhandled_flags(cycle),
        "days": selectors.action_days(),
        "kinds": ActionKind.choices,
        "may_record": request.user.has_role(*selectors.LEDGER_WRITERS),
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "feedback/ledger.html", context)


@require_POST
@role_required(*selectors.LEDGER_WRITERS)
def ledger_record(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    post = request.POST
    code = post.get("code", "").strip()
    unit, cadre = selectors.subject_by_code(cycle, code)
    try:
        if unit is None:
            raise ValidationError(f"编码：没有编码为「{code}」的单位或干部。")
        coefficient = None
        if post.get("coefficient", "").strip():
            try:
                coefficient = Decimal(post["coefficient"].strip())
            except InvalidOperation:
                raise ValidationError(f"奖金系数：「{post['coefficient']}」不是数。") from None
        decided_on = _date(post.get("decided_on"))
        if decided_on is None:
            raise ValidationError(f"决定日期：「{post.get('decided_on', '')}」不是日期。")
        actions.result_action_record(
            actor=request.user,
            cycle=cycle,
            unit=unit,
            cadre=cadre,
            action=post.get("action", ""),
            decided_by=post.get("decided_by", ""),
            decided_on=decided_on,
            document_no=post.get("document_no", ""),
            held_on=_date(post.get("held_on")),
            held_by=post.get("held_by", ""),
            coefficient=coefficient,
            note=post.get("note", ""),
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "已登记结果运用。")
    return redirect("feedback:ledger", year)
