"""Reading sessions: the organiser's lists, turnout and tallies, and the ballot page's layout.

Tallies are the only way ballot contents leave the database through the app, and only for a session that
has ended (a running tally would reveal each new ballot by difference), by rater group under the k rule
of ``kaohe.rules.disclosure``.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import InterfaceError, OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language

from kaohe.anonymity import min_group
from kaohe.ballots import filling, paper
from kaohe.ballots.models import (
    OVERALL_CHOICES,
    Ballot,
    BallotEnvelope,
    BallotItemAnswer,
    BallotTemplate,
    BallotToken,
    EvaluationSession,
    Mark,
    SessionKind,
    SessionRaterGroup,
    SessionStatus,
    SessionTarget,
    TemplateKind,
)
from kaohe.ballots.paper_models import PaperEntry, PaperResolution, PaperTypist, TypistSlot
from kaohe.ballots.templates_seed import ASPECT_CHOICES, PRINCIPAL_ITEMS
from kaohe.dutyreports.selectors import selection_reports
from kaohe.org.models import Cadre, Unit
from kaohe.plans.models import AssessedCadre, AssessmentCycle, AssessmentPlan
from kaohe.plans.rule_settings import cycle_rule_settings, plan_rule_settings
from kaohe.rules.disclosure import OTHER, ItemTally, group_labels, item_tallies
from kaohe.rules.errors import InputError
from kaohe.workbook.layout import SETTINGS_BY_NAME
from kaohe.workbook.sheets import CellError

TALLY_STATUSES = (SessionStatus.CLOSED, SessionStatus.SEALED)


def _count(model, **filters) -> Coalesce:
    rows = (
        model.objects.filter(session=OuterRef("pk"), **filters)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def cycle_sessions(cycle: AssessmentCycle) -> QuerySet[EvaluationSession]:
    return (
        EvaluationSession.objects.filter(cycle=cycle)
        .select_related("cycle", "assessment_group")
        .annotate(
            ballot_count=_count(Ballot),
            code_count=_count(BallotToken),
            used_count=_count(BallotToken, used=True),
            target_count=_count(SessionTarget),
        )
        .order_by("id")
    )


def get_session(cycle: AssessmentCycle, pk: int) -> EvaluationSession:
    return get_object_or_404(cycle_sessions(cycle), pk=pk)


def plan_rater_groups(cycle: AssessmentCycle) -> list[str]:
    """The rater groups of the cycle plan's 评价人权重 (the default when the plan gives none)."""
    try:
        return list(cycle_rule_settings(cycle).rater_group_weights)
    except InputError:
        return []


def plan_excellent_limit(cycle: AssessmentCycle) -> str:
    plan = getattr(cycle, "plan", None)
    values = plan.settings if plan is not None else {}
    return str(values.get("excellent_limit", "") or "").strip()


def parse_excellent_limit(text: str):
    """The ExcellentLimit of a text such as 5 or 20%; None for blank. Raises CellError."""
    text = (text or "").strip()
    return SETTINGS_BY_NAME["每票优秀上限"].parse(text) if text else None


def templates_of(kind: str) -> QuerySet[BallotTemplate]:
    return BallotTemplate.objects.filter(kind=kind).order_by("-builtin", "name")


def default_template(kind: str) -> BallotTemplate | None:
    return templates_of(kind).first()


def session_groups(session: EvaluationSession) -> list[SessionRaterGroup]:
    return list(SessionRaterGroup.objects.filter(session=session).order_by("order", "id"))


def session_targets(session: EvaluationSession) -> list[SessionTarget]:
    return list(
        SessionTarget.objects.filter(session=session)
        .select_related("template", "unit", "cadre")
        .order_by("order", "id")
    )


# --- the ballot page ------------------------------------------------------------------------------------
#
# The ballot page and ``ballot_submit`` are the hot path of a sitting (hundreds of phones at once), so they
# read with two plain SQL statements instead of the ORM's five: the code's token with its session, cycle and
# plan settings, and the session's targets with what the form shows of them. Building the Layout from those
# rows is cached per process, keyed by every value it is built from: a change of any of them (a renamed
# cadre, a changed plan) is a new key, so a cached layout can never be stale.

_TOKEN_SQL = f"""
SELECT t.id, t.hash, t.rater_group, t.used, t.rehearsal,
       s.id, s.cycle_id, s.name, s.kind, s.status, s.rehearsal, s.opens_at, s.closes_at, s.excellent_limit,
       c.name, c.year,
       (SELECT CAST(p.settings AS TEXT) FROM {AssessmentPlan._meta.db_table} p WHERE p.cycle_id = s.cycle_id)
FROM {BallotToken._meta.db_table} t
JOIN {EvaluationSession._meta.db_table} s ON s.id = t.session_id
JOIN {AssessmentCycle._meta.db_table} c ON c.id = s.cycle_id
WHERE t.hash = %s
"""  # noqa: S608 (table names only)

_LAYOUT_SQL = f"""
SELECT st.id, st.unit_id, st.cadre_id, tp.id, tp.kind, CAST(tp.items AS TEXT), u.name, cd.name, ac.post,
       st.summary
FROM {SessionTarget._meta.db_table} st
JOIN {BallotTemplate._meta.db_table} tp ON tp.id = st.template_id
LEFT JOIN {Unit._meta.db_table} u ON u.id = st.unit_id
LEFT JOIN {Cadre._meta.db_table} cd ON cd.id = st.cadre_id
LEFT JOIN {AssessedCadre._meta.db_table} ac ON ac.cadre_id = st.cadre_id AND ac.cycle_id = %s
WHERE st.session_id = %s
ORDER BY st."order", st.id
"""  # noqa: S608 (table names only)

_CYCLE_SQL = f"""
SELECT c.year, (SELECT CAST(p.settings AS TEXT) FROM {AssessmentPlan._meta.db_table} p WHERE p.cycle_id = c.id)
FROM {AssessmentCycle._meta.db_table} c WHERE c.id = %s
"""  # noqa: S608 (table names only)

_SESSION_FIELDS = ("id", "cycle_id", "name", "kind", "status", "rehearsal", "opens_at", "closes_at")
_SESSION_FIELDS += ("excellent_limit",)


def statement_cursor() -> CursorWrapper:
    """A cursor for the ballot page's few fixed statements. On PostgreSQL their parameters are bound by the
    server, so that psycopg prepares each after a few runs (``prepare_threshold`` in settings): the server
    then neither parses nor plans them again on that connection. Django's own cursors bind on the client and
    are never prepared. Wrapped as Django wraps its cursors (error translation, query log)."""
    cursor = connection.cursor()  # Django's checks and connection
    if connection.vendor != "postgresql":
        return cursor
    import psycopg

    cursor.close()
    return type(cursor)(psycopg.Cursor(connection.connection), connection)


def aware(value: Any) -> Any:
    """A datetime read by plain SQL as the ORM would give it (SQLite's come back naive, in UTC)."""
    if isinstance(value, datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, UTC)
    return value


@functools.lru_cache(maxsize=64)
def _built_layout(
    session_id: int, year: int, limit_text: str, plan_text: str | None, rows: tuple, language: str | None
) -> filling.Layout:
    """The Layout of these rows (``_LAYOUT_SQL``'s). ``language`` is part of the key: labels are translated."""
    laid_out = []
    for (
        target_id,
        unit_id,
        cadre_id,
        template_id,
        kind,
        items_text,
        unit_name,
        cadre_name,
        post,
        summary,
    ) in rows:
        if unit_id is not None:
            label = unit_name
            detail = "领导班子" if kind == TemplateKind.TEAM else str(TemplateKind(kind).label)
        else:
            label, detail = cadre_name, post or ""
        items = tuple(
            filling.Item(
                name=item["name"],
                choices=tuple(item["choices"]),
                reason_for=tuple(item.get("reason_for", ())),
                required=item.get("required", True),
            )
            for item in json.loads(items_text or "[]")
        )
        laid_out.append(
            filling.Target(
                id=target_id,
                kind=kind,
                template_id=template_id,
                unit_id=unit_id,
                cadre_id=cadre_id,
                label=label,
                detail=detail,
                overall=OVERALL_CHOICES.get(kind, ()),
                items=items,
                summary=summary or "",
            )
        )
    limit, rounding = None, filling.Rounding.FLOOR
    try:
        limit = parse_excellent_limit(limit_text)
        rounding = plan_rule_settings(year, json.loads(plan_text) if plan_text else {}).quota_rounding
    except (CellError, InputError):
        pass  # a bad stored limit is refused when it is saved; the plan's rounding falls back to the default
    return filling.Layout(session_id=session_id, targets=tuple(laid_out), limit=limit, rounding=rounding)


def _layout(session: EvaluationSession, year: int, plan_text: str | None) -> filling.Layout:
    with statement_cursor() as cursor:
        cursor.execute(_LAYOUT_SQL, [session.cycle_id, session.pk])
        rows = tuple(cursor.fetchall())
    return _built_layout(session.pk, year, session.excellent_limit, plan_text, rows, get_language())


def session_layout(session: EvaluationSession) -> filling.Layout:
    """What the session's ballot asks, in order (two queries: the cycle's plan, the targets)."""
    with connection.cursor() as cursor:
        cursor.execute(_CYCLE_SQL, [session.cycle_id])
        year, plan_text = cursor.fetchone()
    return _layout(session, year, plan_text)


def excellent_warning(session: EvaluationSession) -> str:
    """What the organiser must know when the session's 每票优秀上限 allows no 优秀 at all ("" otherwise)."""
    layout = session_layout(session)
    if layout.excellent_allowed() != 0:
        return ""
    cadres = sum(1 for target in layout.targets if target.is_cadre_mark)
    return (
        f"每票优秀上限「{session.excellent_limit}」对本场测评的 {cadres} 名干部取整后为 0 名："
        "测评票上干部不能评「优秀」，纸质票上评了「优秀」的整张票无效。如需评优，请修改每票优秀上限。"
    )


def token_layout(token: TokenInfo) -> filling.Layout:
    """The layout of the token's session, with the plan read with the token (one query)."""
    return _layout(token.session, token.session.cycle.year, token.plan_text)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    session: EvaluationSession
    rater_group: str
    used: bool
    rehearsal: bool
    hash: str = ""
    plan_text: str | None = None  # the cycle plan's settings as stored, read with the token


def _read_token(hashed_code: str) -> tuple | None:
    with statement_cursor() as cursor:
        cursor.execute(_TOKEN_SQL, [hashed_code])
        return cursor.fetchone()


def token_by_code(code: str) -> TokenInfo | None:
    """The token of a (normalised) code with its session and cycle, in one query."""
    from kaohe.ballots.codes import code_hash

    hashed_code = code_hash(code)
    try:
        row = _read_token(hashed_code)
    except (InterfaceError, OperationalError):
        # A kept connection the server has dropped (a restart): the lean /b/ path runs no health check
        # before its first statement, this read, so it retries once on a new connection.
        if connection.in_atomic_block:
            raise
        connection.close()
        row = _read_token(hashed_code)
    if row is None:
        return None
    token_id, hashed, group, used, rehearsal = row[:5]
    values = [aware(v) for v in row[5:14]]
    values[5] = bool(values[5])
    # Only the fields read here are loaded; any other is fetched on access, as with .only().
    session = EvaluationSession.from_db(connection.alias, _SESSION_FIELDS, values)
    session.cycle = AssessmentCycle.from_db(
        connection.alias, ("id", "name", "year"), [row[6], row[14], row[15]]
    )
    return TokenInfo(token_id, session, group, bool(used), bool(rehearsal), hashed, row[16])


@dataclass(frozen=True)
class ReceiptFound:
    cycle: str
    session: str
    status: str
    counted: bool


def receipt_lookup(receipt: str) -> list[ReceiptFound]:
    """The online sessions holding a ballot with this receipt (one, nearly surely)."""
    rows = (
        Ballot.objects.filter(number=receipt, session__kind="online", session__rehearsal=False)
        .select_related("session", "session__cycle")
        .order_by("session_id")
    )
    return [
        ReceiptFound(
            b.session.cycle.name,
            b.session.name,
            b.session.get_status_display(),
            b.session.status != SessionStatus.VOID,
        )
        for b in rows
    ]


# --- turnout and tally -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnoutRow:
    group: str
    expected: int
    codes: int
    ballots: int


def turnout(session: EvaluationSession) -> list[TurnoutRow]:
    """Per rater group: expected raters, codes issued, ballots received. Counts only."""
    codes = dict(
        BallotToken.objects.filter(session=session)
        .order_by()
        .values_list("rater_group")
        .annotate(n=Count("pk"))
        .values_list("rater_group", "n")
    )
    if session.kind == SessionKind.ONLINE and BallotEnvelope.objects.filter(session=session).exists():
        # Sealed ballots say nothing of their group; each is one code used (one transaction stored both).
        received = BallotToken.objects.filter(session=session, used=True, rehearsal=session.rehearsal)
    else:
        received = Ballot.objects.filter(session=session)
    ballots = dict(
        received.order_by().values_list("rater_group").annotate(n=Count("pk")).values_list("rater_group", "n")
    )
    rows = [
        TurnoutRow(g.name, g.expected, codes.get(g.name, 0), ballots.get(g.name, 0))
        for g in session_groups(session)
    ]
    known = {row.group for row in rows}
    rows += [
        TurnoutRow(name, 0, codes.get(name, 0), n) for name, n in sorted(ballots.items()) if name not in known
    ]
    return rows


class TallyRefused(Exception):
    pass


@dataclass
class TargetTally:
    kind: str
    code: str
    name: str
    template: str
    choices: tuple[str, ...]
    groups: dict[str, dict[str, int]] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Tally:
    session: EvaluationSession
    min_group: int
    ballots: int
    groups: dict[str, int] | None  # ballots by shown group; None when suppressed
    targets: list[TargetTally]

    @property
    def suppressed(self) -> bool:
        return self.groups is None

    def as_json(self) -> dict[str, Any]:
        return {
            "session": self.session.pk,
            "name": self.session.name,
            "year": self.session.cycle.year,
            "status": self.session.status,
            "seal": self.session.seal,
            "seal_algorithm": self.session.seal_algorithm,
            "min_group": self.min_group,
            "ballots": self.ballots,
            "groups": self.groups,
            "targets": [
                {
                    "kind": t.kind,
                    "code": t.code,
                    "name": t.name,
                    "template": t.template,
                    "groups": t.groups,
                    "total": t.total,
                    "items": t.items,
                }
                for t in self.targets
            ],
        }


def _target_key(unit_id: int | None, cadre_id: int | None) -> tuple[str, int]:
    return ("unit", unit_id) if unit_id is not None else ("cadre", cadre_id)  # type: ignore[return-value]


def session_tally(session: EvaluationSession) -> Tally:
    """Counts per target, rater group (k rule) and choice; items beside 总体评价 likewise, with reasons.

    Only for an ended session (closed or sealed). Raises ``TallyRefused`` otherwise."""
    if session.status not in TALLY_STATUSES:
        raise TallyRefused(
            f"测评会「{session.name}」{session.get_status_display()}，结束后才能查看统计（运行中的统计会暴露每张票）"
        )
    k = min_group()
    by_group = dict(
        Ballot.objects.filter(session=session)
        .order_by()
        .values_list("rater_group")
        .annotate(n=Count("pk"))
        .values_list("rater_group", "n")
    )
    total = sum(by_group.values())
    labels = group_labels(by_group, k)
    shown: dict[str, int] | None = None
    if labels is not None:
        shown = defaultdict(int)
        order = [g.name for g in session_groups(session)]
        for group in sorted(by_group, key=lambda g: (order.index(g) if g in order else len(order), g)):
            shown[labels[group]] += by_group[group]
        if OTHER in shown:
            shown[OTHER] = shown.pop(OTHER)  # 其他 last
        shown = dict(shown)

    targets: dict[tuple, TargetTally] = {}
    order_of: dict[tuple, int] = {}
    for index, target in enumerate(session_targets(session)):
        subject = target.unit or target.cadre
        key = (target.template.kind in ("team", "cadre"), target.template_id) + _target_key(
            target.unit_id, target.cadre_id
        )
        targets[key] = TargetTally(
            kind=target.template.kind,
            code=subject.code,
            name=subject.name,
            template=target.template.name,
            choices=target.template.overall_choices,
            items=[
                {
                    "name": item["name"],
                    "choices": list(item["choices"]),
                    "groups": {},
                    "total": {},
                    "reasons": [],
                }
                for item in target.template.items
            ],
        )
        order_of[key] = index
    if labels is None:
        return Tally(session, k, total, None, [targets[key] for key in sorted(targets, key=order_of.get)])

    def add(
        counts: dict[str, dict[str, int]], totals: dict[str, int], group: str, choice: str, n: int
    ) -> None:
        label = labels[group]
        counts.setdefault(label, {})
        counts[label][choice] = counts[label].get(choice, 0) + n
        totals[choice] = totals.get(choice, 0) + n

    marks = (
        Mark.objects.filter(ballot__session=session)
        .order_by()
        .values_list("unit_id", "cadre_id", "ballot__rater_group", "choice")
        .annotate(n=Count("pk"))
    )
    mark_targets = {key[2:]: key for key in targets if key[0]}
    for unit_id, cadre_id, group, choice, n in marks:
        key = mark_targets.get(_target_key(unit_id, cadre_id))
        if key is not None:
            add(targets[key].groups, targets[key].total, group, choice, n)
    answers = (
        BallotItemAnswer.objects.filter(ballot__session=session)
        .order_by()
        .values_list("unit_id", "cadre_id", "template_id", "item", "ballot__rater_group", "choice")
        .annotate(n=Count("pk"))
    )
    for unit_id, cadre_id, template_id, item_name, group, choice, n in answers:
        found = [
            key for key in targets if key[1] == template_id and key[2:] == _target_key(unit_id, cadre_id)
        ]
        for key in found:
            for item in targets[key].items:
                if item["name"] == item_name:
                    add(item["groups"], item["total"], group, choice, n)
    reasons = (
        BallotItemAnswer.objects.filter(ballot__session=session)
        .exclude(reason="")
        .values_list("unit_id", "cadre_id", "template_id", "item", "reason")
        .order_by("reason")
    )
    for unit_id, cadre_id, template_id, item_name, reason in reasons:
        for key in targets:
            if key[1] == template_id and key[2:] == _target_key(unit_id, cadre_id):
                for item in targets[key].items:
                    if item["name"] == item_name:
                        item["reasons"].append(reason)
    return Tally(session, k, total, shown, [targets[key] for key in sorted(targets, key=order_of.get)])


def session_selection_reports(session: EvaluationSession) -> list[tuple[SessionTarget, Any]]:
    """For each 选人用人 target of the session, the unit's 选人用人工作情况报告 (None when not handed in)."""
    targets = [
        t
        for t in session_targets(session)
        if t.template.kind == TemplateKind.SELECTION and t.unit_id is not None
    ]
    if not targets:
        return []
    found = selection_reports(session.cycle, [t.unit_id for t in targets if t.unit_id is not None])
    return [(t, found.get(t.unit_id)) for t in targets]


def template_in_use(template: BallotTemplate) -> bool:
    """A session past its draft uses ``template``: its items are fixed."""
    return (
        SessionTarget.objects.filter(template=template).exclude(session__status=SessionStatus.DRAFT).exists()
    )


def taking_ballots(session: EvaluationSession, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        session.status == SessionStatus.OPEN
        and (session.opens_at is None or session.opens_at <= now)
        and (session.closes_at is None or now < session.closes_at)
    )


def session_counts(session: EvaluationSession) -> dict[str, int]:
    """How many ballots, envelopes, marks, answers and codes a session holds, for the audit log."""
    return {
        "ballots": Ballot.objects.filter(session=session).count(),
        "sealed": BallotEnvelope.objects.filter(session=session).count(),
        "marks": Mark.objects.filter(ballot__session=session).count(),
        "answers": BallotItemAnswer.objects.filter(ballot__session=session).count(),
        "codes": BallotToken.objects.filter(session=session).count(),
        "codes_used": BallotToken.objects.filter(session=session, used=True).count(),
    }


def session_has_data(session: EvaluationSession) -> bool:
    return (
        Ballot.objects.filter(session=session).exists()
        or BallotEnvelope.objects.filter(session=session).exists()
    )


def rater_groups_in_use(cycle: AssessmentCycle) -> set[str]:
    """Rater groups of ballots that count (any session not voided): the plan keeps their weights."""
    opened = (
        Ballot.objects.filter(session__cycle=cycle)
        .exclude(session__status=SessionStatus.VOID)
        .values_list("rater_group", flat=True)
        .distinct()
    )
    # An open session's ballots are sealed: the codes used say which groups have cast one.
    sealed = (
        BallotToken.objects.filter(session__cycle=cycle, used=True)
        .exclude(session__status=SessionStatus.VOID)
        .values_list("rater_group", flat=True)
        .distinct()
    )
    return set(opened) | set(sealed)


def counted_sessions(cycle: AssessmentCycle) -> QuerySet[EvaluationSession]:
    """The sessions whose marks the rules count: not void, not a rehearsal (results.inputs agrees)."""
    return EvaluationSession.objects.filter(cycle=cycle).exclude(
        Q(status=SessionStatus.VOID) | Q(rehearsal=True)
    )


def _principal_answers() -> QuerySet[BallotItemAnswer]:
    return BallotItemAnswer.objects.filter(
        cadre_id__isnull=False, template__kind=TemplateKind.CADRE, item__in=PRINCIPAL_ITEMS
    ).exclude(Q(ballot__session__status=SessionStatus.VOID) | Q(ballot__session__rehearsal=True))


def _principal_tallies(rows: Any) -> dict[Any, list[ItemTally]]:
    """(key, item, choice, n) rows → each key's items under the k rule."""
    counts: dict[Any, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for key, item, choice, n in rows:
        counts[key][item][choice] = n
    k = min_group()
    return {key: item_tallies(items, PRINCIPAL_ITEMS, ASPECT_CHOICES, k) for key, items in counts.items()}


def principal_item_tallies(cycle: AssessmentCycle, cadres: Any = None) -> dict[str, list[ItemTally]]:
    """Each cadre's answers on the principal's own items (抓班子带队伍、执行民主集中制、发挥表率作用) in the cycle's
    counted sessions (as ``counted_sessions``), pooled over rater groups, by cadre code; an item with fewer
    than k answers shows no figure. ``cadres`` (ids, or a query of ids) limits whom: one query either way.
    The review page and the reports read them here; a dossier through ``cadre_principal_items``."""
    answers = _principal_answers().filter(ballot__session__cycle=cycle)
    if cadres is not None:
        answers = answers.filter(cadre_id__in=cadres)
    return _principal_tallies(
        answers.order_by().values_list("cadre__code", "item", "choice").annotate(n=Count("pk"))
    )


def cadre_principal_items(cadre_id: int) -> dict[int, list[ItemTally]]:
    """One cadre's principal's own items in every cycle, by year, under the k rule: one query."""
    answers = _principal_answers().filter(cadre_id=cadre_id)
    return _principal_tallies(
        answers.order_by()
        .values_list("ballot__session__cycle__year", "item", "choice")
        .annotate(n=Count("pk"))
    )


# --- paper ballots being typed ----------------------------------------------------------------------------


def session_fields(session: EvaluationSession) -> list[paper.Field]:
    """The fields of the session's paper ballot, in the order of the paper."""
    return paper.paper_fields(session_layout(session), [g.name for g in session_groups(session)])


def paper_overview(session: EvaluationSession, fields: list[paper.Field] | None = None) -> paper.Overview:
    """Every 票号 typed in the session, compared (three queries and the layout's)."""
    fields = fields if fields is not None else session_fields(session)
    entries: dict[str, dict[str, dict]] = {TypistSlot.A: {}, TypistSlot.B: {}}
    for slot, number, values in PaperEntry.objects.filter(session=session).values_list(
        "slot", "number", "values"
    ):
        entries[slot][number] = values
    decisions = dict(PaperResolution.objects.filter(session=session).values_list("number", "values"))
    numbers = sorted(set(entries[TypistSlot.A]) | set(entries[TypistSlot.B]), key=paper.number_key)
    comparisons = [
        paper.compare(
            fields,
            number,
            entries[TypistSlot.A].get(number),
            entries[TypistSlot.B].get(number),
            decisions.get(number, {}),
        )
        for number in numbers
    ]
    typists = {t.slot: t.user for t in PaperTypist.objects.filter(session=session).select_related("user")}
    return paper.Overview(fields, comparisons, typists, {slot: len(found) for slot, found in entries.items()})
