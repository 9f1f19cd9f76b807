"""The survey write functions: the organiser's (audited, one transaction each) and the public's answer.

An answer is deliberately *not* audited: the audit log keeps who did what when, and a row per answer would
tie each response to a time (and, through the code or device, to a person). The answer's transaction
consumes the code, or records the device's keyed hash, and stores the response with nothing that points
back to either.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import Unit, UnitCategory
from kaohe.plans.gate import Activity, check_phase, lock_cycle, phases_allowing
from kaohe.plans.models import AssessedUnit, AssessmentCycle
from kaohe.surveys.forms import (
    CODE_ALPHABET,
    CODE_LENGTH,
    COMMENT_MAX,
    MAX_CODES,
    check_values,
)
from kaohe.surveys.models import (
    PublicSurvey,
    Satisfaction,
    SurveyCode,
    SurveyDevice,
    SurveyMode,
    SurveyResponse,
)
from kaohe.surveys.selectors import device_hash

# From 公示 on the cycle's inputs are fixed: no new survey, setting or opening.


def survey_state(survey: PublicSurvey) -> dict[str, Any]:
    return {
        "unit": survey.unit.code,
        "mode": survey.mode,
        "is_open": survey.is_open,
        "question": survey.question,
        "satisfied_value": _text(survey.satisfied_value),
        "basic_value": _text(survey.basic_value),
        "unsatisfied_value": _text(survey.unsatisfied_value),
    }


def _text(value: Any) -> str:
    return format(Decimal(value).normalize(), "f")


def _new_token() -> str:
    return secrets.token_urlsafe(16)  # 128 bits: the link cannot be guessed


def _create(actor: Actor, cycle: AssessmentCycle, unit: Unit, mode: str) -> PublicSurvey:
    survey = PublicSurvey.objects.create(cycle=cycle, unit=unit, mode=mode, token=_new_token())
    audit_record(actor=actor, action="survey.create", obj=survey, after=survey_state(survey))
    return survey


def _check_mode(mode: str) -> None:
    if mode not in SurveyMode.values:
        raise ValidationError(_("方式「%(mode)s」无效") % {"mode": mode}, code="mode")


def survey_create(*, actor: Actor, cycle: AssessmentCycle, unit: Unit, mode: str) -> PublicSurvey:
    """One survey of a unit assessed in the cycle; a unit has at most one per cycle."""
    _check_mode(mode)
    with transaction.atomic():
        cycle = lock_cycle(cycle, Activity.SURVEYS)
        if not AssessedUnit.objects.filter(cycle=cycle, unit=unit).exists():
            raise ValidationError(
                _("%(unit)s不是%(cycle)s的参加考核单位") % {"unit": unit.name, "cycle": cycle.name},
                code="not_assessed",
            )
        if PublicSurvey.objects.filter(cycle=cycle, unit=unit).exists():
            raise ValidationError(_("%(unit)s已有公众评议") % {"unit": unit.name}, code="exists")
        return _create(actor, cycle, unit, mode)


def survey_bulk_create(
    *, actor: Actor, cycle: AssessmentCycle, category: UnitCategory, mode: str
) -> list[PublicSurvey]:
    """A survey for every unit of `category` (that year) that has none yet; the units that have one are kept."""
    _check_mode(mode)
    with transaction.atomic():
        cycle = lock_cycle(cycle, Activity.SURVEYS)
        surveyed = PublicSurvey.objects.filter(cycle=cycle).values("unit_id")
        units = (
            Unit.objects.filter(assessments__cycle=cycle, assessments__category=category)
            .exclude(pk__in=surveyed)
            .order_by("code")
        )
        return [_create(actor, cycle, unit, mode) for unit in units]


def survey_update(
    *,
    actor: Actor,
    survey: PublicSurvey,
    mode: str,
    question: str,
    satisfied_value: Decimal,
    basic_value: Decimal,
    unsatisfied_value: Decimal,
) -> PublicSurvey:
    """Change a survey's settings. Once answered its mode and question are fixed (answers were given to them);
    the conversion values stay editable until the plan is frozen (评定), and every change is audited."""
    _check_mode(mode)
    question = question.strip()
    if not question:
        raise ValidationError(_("请填写问题"), code="question")
    errors = check_values(satisfied_value, basic_value, unsatisfied_value)
    if errors:
        raise ValidationError(list(errors.values()), code="values")
    with transaction.atomic():
        cycle = lock_cycle(survey.cycle, Activity.SURVEYS)
        locked = PublicSurvey.objects.select_for_update().select_related("unit").get(pk=survey.pk)
        before = survey_state(locked)
        values = (Decimal(satisfied_value), Decimal(basic_value), Decimal(unsatisfied_value))
        current = (locked.satisfied_value, locked.basic_value, locked.unsatisfied_value)
        if values != current and cycle.plan_frozen:
            raise ValidationError(
                _("%(cycle)s已进入%(phase)s阶段，方案已锁定，折算分值不能再修改。")
                % {"cycle": cycle.name, "phase": cycle.get_phase_display()},
                code="frozen",
            )
        answered = SurveyResponse.objects.filter(survey=locked).exists()
        if answered and (mode != locked.mode or question != locked.question):
            raise ValidationError(_("已有公众作答，方式和问题不能再修改。"), code="answered")
        locked.mode, locked.question = mode, question
        locked.satisfied_value, locked.basic_value, locked.unsatisfied_value = values
        locked.save(update_fields=["mode", "question", "satisfied_value", "basic_value", "unsatisfied_value"])
        locked.refresh_from_db()
        audit_record(
            actor=actor, action="survey.update", obj=locked, before=before, after=survey_state(locked)
        )
        return locked


def survey_set_open(*, actor: Actor, survey: PublicSurvey, is_open: bool) -> PublicSurvey:
    """Open or close a survey. Opening needs the cycle in 实施 or 评定 and, in codes mode, some codes."""
    with transaction.atomic():
        cycle = lock_cycle(survey.cycle)
        locked = PublicSurvey.objects.select_for_update().select_related("unit").get(pk=survey.pk)
        if is_open:
            check_phase(cycle, Activity.ANSWERS)
        if (
            is_open
            and locked.mode == SurveyMode.CODES
            and not SurveyCode.objects.filter(survey=locked).exists()
        ):
            raise ValidationError(_("请先生成评议码，再开放评议。"), code="no_codes")
        if locked.is_open == is_open:
            return locked
        before = survey_state(locked)
        locked.is_open = is_open
        locked.save(update_fields=["is_open"])
        action = "survey.open" if is_open else "survey.close"
        audit_record(actor=actor, action=action, obj=locked, before=before, after=survey_state(locked))
        return locked


def survey_delete(*, actor: Actor, survey: PublicSurvey) -> None:
    """Delete a survey nobody has answered yet (its codes go with it)."""
    with transaction.atomic():
        lock_cycle(survey.cycle, Activity.SURVEYS)
        locked = PublicSurvey.objects.select_for_update().select_related("unit").get(pk=survey.pk)
        if SurveyResponse.objects.filter(survey=locked).exists():
            raise ValidationError(_("已有公众作答的评议不能删除。"), code="answered")
        audit_record(actor=actor, action="survey.delete", obj=locked, before=survey_state(locked))
        locked.delete()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def survey_codes_generate(*, actor: Actor, survey: PublicSurvey, count: int) -> int:
    """Add a batch of `count` one-time codes to a codes-mode survey; returns the batch number."""
    if not 1 <= count <= MAX_CODES:
        raise ValidationError(
            _("生成数量「%(count)s」超出 1–%(max)s") % {"count": count, "max": MAX_CODES}, code="count"
        )
    with transaction.atomic():
        lock_cycle(survey.cycle, Activity.SURVEYS)
        locked = PublicSurvey.objects.select_for_update().select_related("unit").get(pk=survey.pk)
        if locked.mode != SurveyMode.CODES:
            raise ValidationError(_("公开链接方式的评议不使用评议码。"), code="mode")
        batch = (SurveyCode.objects.filter(survey=locked).aggregate(n=Max("batch"))["n"] or 0) + 1
        SurveyCode.objects.bulk_create(
            SurveyCode(survey=locked, code=new_code(), batch=batch) for _ in range(count)
        )
        audit_record(
            actor=actor,
            action="survey.codes_generate",
            obj=locked,
            after={"batch": batch, "count": count},  # never the codes themselves
        )
        return batch


# --- the public's answer --------------------------------------------------------------------------------------


class AnswerRefused(Exception):
    """Why an answer was not stored, as the message the respondent sees."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def refusal_closed() -> AnswerRefused:
    return AnswerRefused(_("本次评议已结束"), "closed")


def refusal_used() -> AnswerRefused:
    return AnswerRefused(_("此评议码已使用"), "used")


def refusal_invalid() -> AnswerRefused:
    return AnswerRefused(_("评议码无效"), "invalid")


def refusal_device() -> AnswerRefused:
    return AnswerRefused(_("本设备已参加过本次评议，每台设备只能评议一次"), "device")


def survey_answer(
    *,
    survey: PublicSurvey,
    choice: str,
    comment: str = "",
    code: str | None = None,
    device: str | None = None,
) -> SurveyResponse:
    """Store one answer. In codes mode `code` is consumed; in open mode `device` (the cookie) answers once.

    Both happen in the response's transaction, the code by a conditional UPDATE (… WHERE used = false), so
    of two concurrent submissions with one code exactly one is stored. Raises ``AnswerRefused``.
    """
    if choice not in Satisfaction.values:
        raise AnswerRefused(_("请选择满意、基本满意或不满意"), "choice")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise AnswerRefused(_("意见建议最多 %(max)d 字") % {"max": COMMENT_MAX}, "comment")
    with transaction.atomic():
        current = (
            PublicSurvey.objects.filter(pk=survey.pk).values_list("is_open", "mode", "cycle__phase").first()
        )
        if current is None or not current[0] or current[2] not in phases_allowing(Activity.ANSWERS):
            raise refusal_closed()
        mode = current[1]
        if mode == SurveyMode.CODES:
            found = SurveyCode.objects.filter(survey_id=survey.pk, code=code or "").values_list("pk").first()
            if found is None:
                raise refusal_invalid()
            if not SurveyCode.objects.filter(pk=found[0], used=False).update(used=True):
                raise refusal_used()
        else:
            if not device:
                raise AnswerRefused(_("请允许浏览器保存 Cookie 后重新打开评议链接"), "cookie")
            try:
                with transaction.atomic():
                    SurveyDevice.objects.create(survey_id=survey.pk, device=device_hash(survey, device))
            except IntegrityError:
                raise refusal_device() from None
        return SurveyResponse.objects.create(survey_id=survey.pk, choice=choice, comment=comment)
