"""The interviews' write functions: one per use-case, one transaction each, each audited.

Callers fetch the cycle, unit and interviewee through `selectors` (which scopes them to the account).
Audit entries name rows and units, never what was said: records and outlines are sealed before they are
saved and their text appears nowhere else.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.audit.actions import audit_record
from kaohe.crypto.configured import seal
from kaohe.interviews import selectors
from kaohe.interviews.models import (
    Interview,
    Interviewee,
    InterviewOutline,
    InterviewSettings,
    Kind,
    PledgeAcknowledgement,
)
from kaohe.interviews.record import InterviewRecord, check
from kaohe.org.models import Unit
from kaohe.plans.models import AssessmentCycle


def interview_settings_update(
    *,
    actor,
    cycle: AssessmentCycle,
    staff: int,
    service_users: int,
    deputies: int,
    recommend: bool,
    pledge: str,
) -> InterviewSettings:
    if not pledge.strip():
        raise ValidationError("保密和纪律承诺不能为空。")
    for label, value in (
        ("干部职工代表人数", staff),
        ("服务对象人数", service_users),
        ("两代表一委员人数", deputies),
    ):
        if value < 0 or value > 100:
            raise ValidationError(f"{label}“{value}”应在 0–100 之间。")
    with transaction.atomic():
        current, _ = InterviewSettings.objects.select_for_update().get_or_create(cycle=cycle)
        before = _settings_dict(current)
        current.staff, current.service_users, current.deputies = staff, service_users, deputies
        current.recommend, current.pledge = recommend, pledge.strip()
        current.save()
        audit_record(
            actor=actor,
            action="interview.settings_update",
            obj=current,
            before=before,
            after=_settings_dict(current),
        )
    return current


def _settings_dict(s: InterviewSettings) -> dict:
    return {
        "staff": s.staff,
        "service_users": s.service_users,
        "deputies": s.deputies,
        "recommend": s.recommend,
        "pledge": s.pledge,
    }


def pledge_acknowledge(*, actor, cycle: AssessmentCycle) -> PledgeAcknowledgement:
    text = selectors.settings_of(cycle).pledge
    with transaction.atomic():
        ack, created = PledgeAcknowledgement.objects.get_or_create(
            cycle=cycle,
            user=actor,
            digest=selectors.pledge_digest(text),
            defaults={"text": text, "at": timezone.now()},
        )
        if created:
            audit_record(
                actor=actor, action="interview.pledge_acknowledge", obj=cycle, after={"digest": ack.digest}
            )
    return ack


def interviewees_prepare(*, actor, cycle: AssessmentCycle, unit: Unit) -> int:
    """List every leadership-team member not listed yet; how many were added."""
    with transaction.atomic():
        listed = set(
            Interviewee.objects.filter(cycle=cycle, cadre__isnull=False).values_list("cadre_id", flat=True)
        )
        added = [
            Interviewee(cycle=cycle, unit=unit, kind=Kind.LEADER, name=name, post=post, cadre_id=cadre_id)
            for cadre_id, name, post in selectors.team_cadres(cycle, unit)
            if cadre_id not in listed
        ]
        Interviewee.objects.bulk_create(added)
        if added:
            audit_record(
                actor=actor,
                action="interview.list_leaders",
                object_type="org.unit",
                object_id=str(unit.pk),
                object_repr=unit.name,
                after={"cycle": cycle.year, "added": len(added)},
            )
    return len(added)


def interviewee_add(
    *, actor, cycle: AssessmentCycle, unit: Unit, kind: str, name: str, post: str
) -> Interviewee:
    name, post = name.strip(), post.strip()
    if kind not in Kind.values or kind == Kind.LEADER:
        raise ValidationError(f"类别“{kind}”不能手工添加（班子成员按名册生成）。")
    if not name:
        raise ValidationError("谈话对象的姓名不能为空。")
    if len(name) > 50 or len(post) > 100:
        raise ValidationError("姓名不超过 50 字，职务不超过 100 字。")
    with transaction.atomic():
        if Interviewee.objects.filter(cycle=cycle, unit=unit, kind=kind, name=name, post=post).exists():
            raise ValidationError(f"“{name}”已在{unit.name}的{Kind(kind).label}名单中。")
        person = Interviewee.objects.create(cycle=cycle, unit=unit, kind=kind, name=name, post=post)
        audit_record(
            actor=actor, action="interview.list_add", obj=person, after={"unit": unit.pk, "kind": kind}
        )
    return person


def interviewee_excuse(*, actor, interviewee: Interviewee, reason: str) -> Interviewee:
    """Excuse someone absent (出差、病假…); a blank reason takes the excusal back."""
    reason = reason.strip()
    if len(reason) > 200:
        raise ValidationError("未谈原因不超过 200 字。")
    with transaction.atomic():
        person = Interviewee.objects.select_for_update().get(pk=interviewee.pk)
        if reason and Interview.objects.filter(interviewee=person).exists():
            raise ValidationError(f"“{person.name}”已谈话，不能再登记未谈原因。")
        before = {"excused_reason": person.excused_reason}
        person.excused_reason = reason
        person.save(update_fields=["excused_reason"])
        audit_record(
            actor=actor,
            action="interview.excuse",
            obj=person,
            before=before,
            after={"excused_reason": reason},
        )
    return person


def interviewee_remove(*, actor, interviewee: Interviewee) -> None:
    """Take someone wrongly listed off a unit's list (never a leader, never someone heard)."""
    with transaction.atomic():
        person = Interviewee.objects.select_for_update().get(pk=interviewee.pk)
        if person.kind == Kind.LEADER:
            raise ValidationError("班子成员按名册生成，不能删除；未能谈话的请登记原因。")
        if Interview.objects.filter(interviewee=person).exists():
            raise ValidationError(f"“{person.name}”已有谈话记录，不能删除。")
        audit_record(actor=actor, action="interview.list_remove", obj=person, before={"unit": person.unit_id})
        person.delete()


def interview_outline_save(*, actor, interviewee: Interviewee, text: str) -> InterviewOutline:
    selectors.require_pledge(actor, interviewee.cycle)
    if not text.strip():
        raise ValidationError("谈话提纲不能为空。")
    with transaction.atomic():
        outline, created = InterviewOutline.objects.select_for_update().get_or_create(
            interviewee=interviewee,
            defaults={"sealed": "", "updated_at": timezone.now()},
        )
        outline.sealed = seal(text.encode(), aad=selectors.outline_aad(interviewee.pk))
        outline.updated_at = timezone.now()
        outline.save()
        audit_record(
            actor=actor,
            action="interview.outline_create" if created else "interview.outline_update",
            obj=outline,
            after={"unit": interviewee.unit_id},
        )
    return outline


def interview_save(*, actor, interviewee: Interviewee, record: InterviewRecord) -> Interview:
    """Create or replace the record of `interviewee`; refused whole when anything is wrong."""
    cycle = interviewee.cycle
    selectors.require_pledge(actor, cycle)
    cadre_ids = {pk for pk, _name, _post in selectors.team_cadres(cycle, interviewee.unit)}
    problems = check(
        record,
        cadre_ids=cadre_ids,
        today=timezone.localdate(),
        recommend_allowed=selectors.settings_of(cycle).recommend,
        interviewee_cadre_id=interviewee.cadre_id,
    )
    if problems:
        raise ValidationError([str(p) for p in problems])
    sealed = seal(record.to_json(), aad=selectors.record_aad(interviewee.pk))
    now = timezone.now()
    with transaction.atomic():
        person = Interviewee.objects.select_for_update().get(pk=interviewee.pk)
        interview = Interview.objects.filter(interviewee=person).first()
        created = interview is None
        if interview is None:
            interview = Interview(interviewee=person, created_by=actor, created_at=now)
        interview.sealed, interview.updated_at = sealed, now
        interview.save()
        if person.excused_reason:
            person.excused_reason = ""  # heard after all
            person.save(update_fields=["excused_reason"])
        audit_record(
            actor=actor,
            action="interview.create" if created else "interview.update",
            obj=interview,
            after={"unit": person.unit_id, "source": record.source},
        )
    return interview


def interviews_export(*, actor, cycle: AssessmentCycle, today: date | None = None) -> str:
    """Every record of the cycle as plain text, for the organiser only; the export itself is audited."""
    selectors.require_role(actor, selectors.ORGANISER_ROLES)
    from kaohe.interviews.documents import records_text

    people = (
        Interviewee.objects.filter(cycle=cycle, interview__isnull=False)
        .select_related("unit")
        .order_by("unit__code", "kind", "pk")
    )
    with transaction.atomic():
        records = []
        for person in people:
            records.append((person, selectors.open_interview(actor, person)))
        audit_record(actor=actor, action="interview.export", obj=cycle, after={"records": len(records)})
    return records_text(cycle, records)
