"""The results pages: runs and their comparison, the review per quota pool, decisions, 公示, finalisation, voids.

Organisers compute, publish, record objections, finalise and void; the committee (and organisers) resolve
ties, override grades and approve quota excesses; leaders read. Everyone else gets 403 — cadres and
liaisons see their own results only through feedback, once final. Each view: get the cycle through
``plans.selectors.get_cycle`` and the run and result through ``selectors`` (404 for another cycle's), validate
with a form, call the write function in ``actions``, redirect or render.
"""

from __future__ import annotations

import math
import tempfile
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.access import role_required
from kaohe.accounts.models import Role
from kaohe.anonymity import min_group
from kaohe.audit.reads import audit_read
from kaohe.confirm import Confirmation, confirmation_page
from kaohe.jobs.actions import JobBusy, job_start
from kaohe.jobs.models import JobKind
from kaohe.org.models import Cadre, Unit
from kaohe.plans.models import AssessmentCycle
from kaohe.plans.selectors import get_cycle
from kaohe.records.regular import cadre_note
from kaohe.results import actions, selectors, tasks
from kaohe.results.exports import write_run_workbook
from kaohe.results.forms import (
    ComputeForm,
    DecisionForm,
    HandlingForm,
    NoticeForm,
    ObjectionForm,
    QuotaApprovalForm,
    VoidForm,
)
from kaohe.results.models import Decision, DecisionStatus, Kind, Objection, Result, VoidScope
from kaohe.rules.disclosure import OTHER
from kaohe.rules.model import PENDING, UNGRADED
from kaohe.workbook.writer import FLAG_LABELS

RESULT_READERS = (Role.ORGANISER, Role.COMMITTEE, Role.LEADER)
RESULT_DECIDERS = (Role.ORGANISER, Role.COMMITTEE)
RESULT_MANAGERS = (Role.ORGANISER,)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POOLS_PER_PAGE = 100
# Above this many targets the page says a compute takes a while (about half a minute at province scale).
LARGE_CYCLE_TARGETS = 10_000


def _context(request: HttpRequest, cycle: AssessmentCycle, **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "cycle": cycle,
        "can_manage": user.has_role(*RESULT_MANAGERS),
        "can_decide": user.has_role(*RESULT_DECIDERS),
        **extra,
    }


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


def _home(cycle: AssessmentCycle) -> str:
    return reverse("results:home", args=[cycle.year])


# --- overview and runs ------------------------------------------------------------------------------------


@role_required(*RESULT_READERS)
@require_GET
def home(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    state = selectors.results_state(cycle)
    runs = list(selectors.runs(cycle).annotate(targets=Count("results")))
    voided_runs: dict[int, int] = defaultdict(int)
    for void in selectors.voids(cycle):
        voided_runs[void.run_id] += len(void.codes)
    for run in runs:
        run.voided = voided_runs.get(run.id, 0)
    pools = (
        Paginator(selectors.pool_states(cycle, state.run), POOLS_PER_PAGE).get_page(request.GET.get("page"))
        if state.run
        else None
    )
    today = timezone.localdate()
    problems = selectors.finalisation_problems(cycle, state, today) if state.run else []
    notice = selectors.latest_notice(cycle, state.run) if state.run else None
    context = _context(
        request,
        cycle,
        state=state,
        runs=runs,
        pools=pools,
        problems=problems,
        notice=notice,
        voids=selectors.voids(cycle),
        compute_form=ComputeForm(),
        void_form=VoidForm(),
        approval_form=QuotaApprovalForm(),
        large=bool(runs and runs[0].targets > LARGE_CYCLE_TARGETS),
        seals=list(cycle.seals.select_related("run", "created_by").order_by("-id")),
    )
    return render(request, "results/home.html", context)


@role_required(*RESULT_MANAGERS)
@require_POST
def compute(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    form = ComputeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_home(cycle))
    # A province takes about half a minute: the worker computes, the job page follows it.
    try:
        job = job_start(
            actor=request.user,
            kind=JobKind.COMPUTE,
            task=tasks.compute_job,
            cycle=cycle,
            note=form.cleaned_data["note"],
        )
    except JobBusy as busy:
        messages.error(request, _("本年度考核正在计算（排队中或进行中），请等这次计算完成后再重新计算。"))
        return redirect(busy.job)
    return redirect(job)


@role_required(*RESULT_READERS)
@require_GET
def compare_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    audit_read(request.user, "results.compare", cycle)
    runs = list(selectors.runs(cycle))
    versions = [run.version for run in runs]

    def chosen(name: str, fallback: int | None) -> int | None:
        try:
            value = int(request.GET.get(name, ""))
        except ValueError:
            return fallback
        return value if value in versions else fallback

    new = chosen("new", versions[0] if versions else None)
    old = chosen("old", versions[1] if len(versions) > 1 else None)
    moves = []
    if old is not None and new is not None and old != new:
        by_version = {run.version: run for run in runs}
        moves = selectors.compare_runs(by_version[old], by_version[new])
    page = Paginator(moves, 200).get_page(request.GET.get("page"))
    return render(
        request,
        "results/compare.html",
        _context(
            request,
            cycle,
            runs=runs,
            old=old,
            new=new,
            moves=page,
            count=len(moves),
            query=f"old={old}&new={new}",
        ),
    )


@role_required(*RESULT_DECIDERS)
@require_GET
def export(request: HttpRequest, year: int, version: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    run = selectors.get_run(cycle, version)
    audit_read(request.user, "results.export", run, year=cycle.year, version=run.version)
    spool = tempfile.TemporaryFile()  # FileResponse closes it
    write_run_workbook(run, spool)
    spool.seek(0)
    name = f"{cycle.year}年度考核结果-第{run.version}次计算.xlsx"
    return FileResponse(spool, as_attachment=True, filename=name, content_type=XLSX)


# --- the review of a pool ---------------------------------------------------------------------------------


def _histogram(values: list[Decimal]) -> dict[str, Any]:
    """Counts of composites in bins two points wide, for the distribution chart."""
    if not values:
        return {"labels": [], "counts": []}
    low = math.floor(min(values) / 2) * 2
    high = math.floor(max(values) / 2) * 2
    bins = list(range(low, high + 1, 2))
    counts = [0] * len(bins)
    for value in values:
        counts[(math.floor(value / 2) * 2 - low) // 2] += 1
    return {"labels": [f"{b}–{b + 2}" for b in bins], "counts": counts}


def _group_breakdown(targets: list[tuple[tuple[str, Decimal], ...]]) -> dict[str, Any]:
    """Each rater group's mean score over the pool, counting only targets where it cast ≥ 3 ballots."""
    sums: dict[str, list[Decimal]] = defaultdict(list)
    for shown in targets:
        for group, score in shown:
            if group != OTHER:  # 其他 holds different groups from target to target
                sums[group].append(score)
    groups = sorted(sums, key=lambda g: (("上级", "同级", "下级", "服务对象") + (g,)).index(g))
    return {
        "groups": groups,
        "means": [round(float(sum(sums[g]) / len(sums[g])), 2) for g in groups],
        "targets": [len(sums[g]) for g in groups],
    }


def _pk_url(name: str, *args: int) -> str:
    """The URL of ``name`` for ``args`` and a result, with "{}" where the result's pk goes.

    Reversed once a page rather than twice a row.
    """
    head, _, tail = reverse(name, args=[*args, 0]).rpartition("/0/")
    return head + "/{}/" + tail


@role_required(*RESULT_READERS)
@require_GET
def review(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    state = selectors.results_state(cycle)
    run = state.run
    if run is None:
        messages.info(request, _("尚未计算考核结果。"))
        return redirect(_home(cycle))
    decisions = selectors.active_decisions(cycle)
    pools = selectors.pool_states(cycle, run, decisions=decisions)
    keys = {p.key: p for p in pools}
    query = request.GET.get("q", "").strip()
    # A name is searched in every pool: the page lists where each match is and links to its row there.
    matches, match_count = selectors.search_matches(run, query) if query else ([], 0)
    pool = keys.get(request.GET.get("pool", "")) or (pools[0] if pools else None)
    if matches and (pool is None or all(m.pool_key != pool.key for m in matches)):
        pool = keys.get(matches[0].pool_key, pool)  # nobody of that name here: the first match's pool
    audit_read(request.user, "results.review", run, version=run.version, pool=pool.key if pool else "")
    grade = request.GET.get("grade", "")
    flag = request.GET.get("flag", "")
    rows: list[dict[str, Any]] = []
    charts: dict[str, Any] = {}
    if pool is not None:
        found = selectors.review_rows(run, pool.kind, pool.pool, decisions=decisions, voided=state.voided)
        principal = selectors.principal_items(cycle, run, pool.kind, pool.pool)
        charts = {
            "pool": pool.label,
            "distribution": _histogram([r["composite"] for r in found if r["composite"] is not None]),
            "groups": _group_breakdown([r["groups"] for r in found]),
        }
        if grade:
            found = [r for r in found if r["grade"] == grade]
        if flag:
            found = [r for r in found if flag in r["flags"]]
        if query:
            q = query.lower()
            here_found = set(
                selectors.matching_results(run, query)
                .filter(kind=pool.kind, pool=pool.pool)
                .values_list("pk", flat=True)
            )
            found = [r for r in found if r["pk"] in here_found or q in r["unit"].lower()]
        # Links and the row's state for the template: cheaper here than a tag or two conditions a row.
        detail = _pk_url("results:result_detail", cycle.year, run.version)
        explanation = _pk_url("results:result_explanation", cycle.year, run.version)
        decide = _pk_url("results:decide", cycle.year, run.version)
        for r in found:
            pk, tie = r["pk"], bool(r["options"]) and r["decision"] is None
            rows.append(
                {
                    **r,
                    "detail_url": detail.format(pk),
                    "explanation_url": explanation.format(pk),
                    "decide_url": decide.format(pk),
                    "row_class": "table-secondary" if r["void"] else "table-warning" if tie else "",
                    "plain": not (r["void"] or r["decision"] or tie),
                    "principal": principal.get(r["code"], []),
                }
            )
    grades = selectors.GRADES[Kind(pool.kind)] if pool else ()
    context = _context(
        request,
        cycle,
        state=state,
        run=run,
        pools=pools,
        pool=pool,
        rows=rows,
        charts=charts,
        grades=[*grades, PENDING, UNGRADED],
        flags=FLAG_LABELS.items(),
        filters={"grade": grade, "flag": flag, "q": query},
        matches=[
            {
                "match": m,
                "pool_label": f"{keys[m.pool_key].kind_label} · {keys[m.pool_key].label}"
                if m.pool_key in keys
                else m.pool,
                "url": f"?{urlencode({'pool': m.pool_key})}#r{m.pk}",
                "here": pool is not None and m.pool_key == pool.key,
            }
            for m in matches
        ],
        match_count=match_count,
        here=request.get_full_path(),
    )
    return render(request, "results/review.html", context)


@role_required(*RESULT_READERS)
@require_GET
def result_explanation(request: HttpRequest, year: int, version: int, pk: int) -> HttpResponse:
    """A result's explanation: the fragment a review row fetches with htmx, else a page around it."""
    cycle = get_cycle(request.user, year)
    run = selectors.get_run(cycle, version)
    result = selectors.get_explanation(run, pk)
    audit_read(request.user, "results.explanation", result, version=run.version)
    context = _context(request, cycle, run=run, result=result, pool_key=f"{result.kind}:{result.pool}")
    context["regular_note"] = cadre_note(cycle, result.kind, result.code)
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "results/_explanation.html", context)
    else:
        context["state"] = selectors.results_state(cycle)
        response = render(request, "results/explanation.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@role_required(*RESULT_READERS)
@require_GET
def result_detail(request: HttpRequest, year: int, version: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    state = selectors.results_state(cycle)
    run = selectors.get_run(cycle, version)
    result = selectors.get_result(run, pk)
    audit_read(request.user, "results.detail", result, version=run.version)
    current = state.run is not None and state.run.pk == run.pk
    voided = state.voided if current else selectors.voided_in(run)
    [decided] = (
        selectors.decided_results(cycle, [result], voided)
        if current
        else [selectors.Decided(result, None, (result.kind, result.code) in voided)]
    )
    options: list[str] = []
    if current and result.grade == PENDING:
        options = [
            "优秀",
            selectors.default_grade(result.kind, result.composite, selectors.run_settings(run)),
        ]
    radar = {
        "name": result.name,
        "groups": [
            {"name": g, "score": float(s)} for g, s in selectors.shown_groups(result.democratic).items()
        ],
    }
    hidden = selectors.merged_groups(result.democratic)
    history = Decision.objects.filter(cycle=cycle, kind=result.kind, code=result.code).select_related(
        "created_by", "run"
    )
    context = _context(
        request,
        cycle,
        state=state,
        run=run,
        current=current,
        decided=decided,
        result=result,
        resolve_options=options,
        override_grades=selectors.GRADES[Kind(result.kind)],
        radar=radar,
        hidden_groups=hidden,
        history=history.order_by("-created_at", "-id"),
        form=DecisionForm(),
        pool_key=f"{result.kind}:{result.pool}",
        min_ballots=min_group(),
    )
    return render(request, "results/result_detail.html", context)


@role_required(*RESULT_DECIDERS)
@require_POST
def decide(request: HttpRequest, year: int, version: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    run = selectors.get_run(cycle, version)
    result = selectors.get_result(run, pk)
    detail = reverse("results:result_detail", args=[cycle.year, run.version, result.pk])
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, detail)
    try:
        decision = actions.decision_record(
            actor=request.user, cycle=cycle, run=run, result=result, **form.cleaned_data
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("已记录：「%(name)s」定为%(grade)s。") % {"name": decision.name, "grade": decision.grade},
        )
    return _back(request, detail)


def _pool_facts(pool: selectors.PoolState) -> tuple[tuple[str, str], ...]:
    return (
        (_("名额池"), f"{pool.kind_label} · {pool.label}"),
        (_("参加定等"), str(pool.size)),
        (_("优秀名额"), str(pool.quota)),
        (_("优秀（含决定）"), str(pool.excellent)),
        (_("待定"), str(pool.pending)),
    )


def _confirm_withdraw(cycle: AssessmentCycle, decision: Decision, back: str) -> Confirmation:
    state = selectors.results_state(cycle)
    computed = decision.computed_grade
    facts: tuple[tuple[str, str], ...] = ()
    if state.run is not None:
        found = Result.objects.filter(run=state.run, kind=decision.kind, code=decision.code).first()
        if found is not None:
            computed = found.grade
        pools = selectors.pool_states(cycle, state.run, kind=decision.kind, pool=decision.pool)
        if pools:
            facts = _pool_facts(pools[0])
    return Confirmation(
        title=_("撤回领导小组决定：%(name)s") % {"name": decision.name},
        consequence=_(
            "撤回后「%(name)s」不再定为「%(grade)s」，回到计算等次「%(computed)s」；"
            "撤回记入审计，要恢复须重新作出决定。"
        )
        % {"name": decision.name, "grade": decision.grade, "computed": computed},
        action_url=reverse("results:decision_withdraw", args=[cycle.year, decision.pk]),
        cancel_url=back,
        button=_("确认撤回"),
        facts=(
            (_("决定"), f"{decision.get_decision_display()}：{decision.grade}"),
            (_("理由"), decision.reason or "—"),
            *facts,
        ),
        warnings=(
            (_("撤回后「%(name)s」又成为待定，须领导小组重新决定。") % {"name": decision.name},)
            if computed == PENDING
            else ()
        ),
    )


@role_required(*RESULT_DECIDERS)
@require_http_methods(["GET", "POST"])
def decision_withdraw_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    decision = get_object_or_404(Decision, cycle=cycle, pk=pk)
    back = request.POST.get("next") or request.GET.get("next") or _home(cycle)
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = _home(cycle)
    # A decision no longer in force: the write function says so, with nothing to confirm.
    if decision.status == DecisionStatus.ACTIVE:
        confirm = replace(_confirm_withdraw(cycle, decision, back), carry={"next": back})
        if page := confirmation_page(request, confirm):
            return page
    try:
        actions.decision_withdraw(actor=request.user, cycle=cycle, decision=decision)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已撤回对「%(name)s」的决定。") % {"name": decision.name})
    return _back(request, _home(cycle))


def _confirm_approval(cycle: AssessmentCycle, run, pool: selectors.PoolState, reason: str) -> Confirmation:
    return Confirmation(
        title=_("批准超出优秀名额：%(pool)s") % {"pool": pool.label},
        consequence=_(
            "批准后名额池「%(pool)s」按优秀 %(n)d 个定等（名额 %(q)d 个，超出 %(over)d 个）；"
            "批准以领导小组名义记入审计，公示和定档以此为准。"
        )
        % {"pool": pool.label, "n": pool.excellent, "q": pool.quota, "over": pool.over},
        action_url=reverse("results:quota_approve", args=[cycle.year, run.version]),
        cancel_url=reverse("results:review", args=[cycle.year]) + f"?pool={pool.key}",
        button=_("确认批准"),
        facts=(
            *_pool_facts(pool),
            (_("理论名额"), str(pool.theoretical)),
            (_("计算"), _("第%(v)d次") % {"v": run.version}),
            (_("批准理由"), reason),
        ),
        warnings=(
            (_("名额池还有 %(n)d 个待定，决定后优秀人数可能再变，须重新批准。") % {"n": pool.pending},)
            if pool.pending
            else ()
        ),
        danger=False,
    )


@role_required(*RESULT_DECIDERS)
@require_POST
def quota_approve_view(request: HttpRequest, year: int, version: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    run = selectors.get_run(cycle, version)
    form = QuotaApprovalForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, _home(cycle))
    data = form.cleaned_data
    found = selectors.pool_states(cycle, run, kind=data["kind"], pool=data["pool"])
    # Nothing to approve (no such pool, not over): the write function says why, with nothing to confirm.
    if found and found[0].over and data["reason"].strip():
        if page := confirmation_page(request, _confirm_approval(cycle, run, found[0], data["reason"])):
            return page
    try:
        approval = actions.quota_approve(actor=request.user, cycle=cycle, run=run, **data)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("已记录批准：名额池「%(pool)s」优秀 %(n)d 个（名额 %(quota)d 个）。")
            % {"pool": approval.pool, "n": approval.excellent, "quota": approval.quota},
        )
    return _back(request, _home(cycle))


# --- 公示 -------------------------------------------------------------------------------------------------


def _excellent_counts(cycle: AssessmentCycle, run) -> tuple[tuple[str, str], ...]:
    proposed = selectors.proposed_excellent(cycle, run) if run is not None else []
    teams = sum(1 for e in proposed if e["kind"] != Kind.CADRE)
    return (
        (_("拟定优秀（领导班子）"), str(teams)),
        (_("拟定优秀（领导干部）"), str(len(proposed) - teams)),
    )


def _confirm_notice(request: HttpRequest, cycle: AssessmentCycle, state, data: dict) -> Confirmation:
    facts = _excellent_counts(cycle, state.run)
    names = "、".join(value for _label, value in facts)
    return Confirmation(
        title=_("发布公示：%(cycle)s") % {"cycle": cycle.name},
        consequence=_(
            "公示一经发布即对外公布，不能撤回；名单有变须重新公示：拟定优秀 %(n)s 个（班子、干部）。"
        )
        % {"n": names},
        action_url=reverse("results:notice", args=[cycle.year]),
        cancel_url=reverse("results:notice", args=[cycle.year]),
        button=_("确认发布公示"),
        facts=(
            (_("依据"), _("第%(v)d次计算") % {"v": state.run.version} if state.run else "—"),
            *facts,
            (_("公示开始"), str(data["starts_on"])),
            (_("工作日"), str(data["working_days"])),
        ),
        warnings=tuple(selectors.grading_problems(cycle, state)) if state.run else (),
    )


@role_required(*RESULT_READERS)
@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    state = selectors.results_state(cycle)
    initial = {"starts_on": timezone.localdate(), "working_days": actions.notice_working_days()}
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not request.user.has_role(*RESULT_MANAGERS):
            return HttpResponse(status=403)
        if form.is_valid():
            if page := confirmation_page(request, _confirm_notice(request, cycle, state, form.cleaned_data)):
                return page
            try:
                published = actions.notice_publish(
                    actor=request.user, cycle=cycle, run=state.run, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("已发布公示，公示期 %(start)s 至 %(end)s。")
                    % {"start": published.starts_on, "end": published.ends_on},
                )
                return redirect("results:notice", cycle.year)
    notices = list(selectors.notices(cycle).prefetch_related("objections__handled_by"))
    for n in notices:
        n.entries = selectors.with_posts(cycle, n.excellent)  # type: ignore[attr-defined]
    return render(
        request,
        "results/notice.html",
        _context(
            request,
            cycle,
            state=state,
            form=form,
            notices=notices,
            objection_form=ObjectionForm(initial={"received_on": timezone.localdate()}),
            handling_form=HandlingForm(),
            proposed=selectors.proposed_excellent(cycle, state.run) if state.run and not notices else None,
        ),
    )


@role_required(*RESULT_MANAGERS)
@require_POST
def objection_create(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    notice_ = selectors.get_notice(cycle, pk)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("results:notice", cycle.year)
    try:
        actions.objection_record(actor=request.user, notice=notice_, **form.cleaned_data)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已登记反映。"))
    return redirect("results:notice", cycle.year)


@role_required(*RESULT_MANAGERS)
@require_POST
def objection_handle_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    objection = get_object_or_404(
        Objection.objects.select_related("notice__cycle"), notice__cycle=cycle, pk=pk
    )
    form = HandlingForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("results:notice", cycle.year)
    try:
        actions.objection_handle(
            actor=request.user, objection=objection, handling=form.cleaned_data["handling"]
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已记录处理情况。"))
    return redirect("results:notice", cycle.year)


# --- finalisation and voids -------------------------------------------------------------------------------


@role_required(*RESULT_MANAGERS)
@require_http_methods(["GET", "POST"])
def finalise(request: HttpRequest, year: int, version: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    run = selectors.get_run(cycle, version)
    state = selectors.results_state(cycle)
    problems = selectors.finalisation_problems(cycle, state, timezone.localdate())
    confirm = Confirmation(
        title=_("定档并封存：%(cycle)s") % {"cycle": cycle.name},
        consequence=_(
            "定档后第%(v)d次计算的 %(n)d 条结果计算哈希、记入审计链，不能再改；只能宣布无效后重新考核。"
        )
        % {"v": run.version, "n": run.results.count()},
        action_url=reverse("results:finalise", args=[cycle.year, run.version]),
        cancel_url=_home(cycle),
        button=_("确认定档并封存"),
        facts=_excellent_counts(cycle, run),
        warnings=tuple(problems),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        seal = actions.results_seal(actor=request.user, cycle=cycle, run=run, today=timezone.localdate())
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("考核结果已定档封存，封存哈希 %(hash)s。") % {"hash": seal.shown})
    return redirect(_home(cycle))


@role_required(*RESULT_MANAGERS)
@require_POST
def void(request: HttpRequest, year: int, version: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    run = selectors.get_run(cycle, version)
    form = VoidForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, _home(cycle))
    scope, code = form.cleaned_data["scope"], form.cleaned_data["code"].strip()
    unit = cadre = None
    if scope == VoidScope.UNIT:
        unit = Unit.objects.filter(code=code).first()
    elif scope == VoidScope.CADRE:
        cadre = Cadre.objects.filter(code=code).first()
    if scope != VoidScope.CYCLE and unit is None and cadre is None:
        messages.error(request, _("编码「%(code)s」不是本年度考核的单位或干部") % {"code": code})
        return _back(request, _home(cycle))
    whose = str(cadre or unit or _("本年度全部结果"))
    confirm = Confirmation(
        title=_("宣布结果无效：%(whose)s") % {"whose": whose},
        consequence=_(
            "宣布无效后，%(whose)s的结果须在数据更正后重新计算，才能公示或定档；无效宣布记入审计链，不能撤销。"
        )
        % {"whose": whose},
        action_url=reverse("results:void", args=[cycle.year, run.version]),
        cancel_url=_home(cycle),
        button=_("确认宣布无效"),
        facts=((_("计算"), _("第%(v)d次") % {"v": run.version}), (_("原因"), form.cleaned_data["reason"])),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        actions.result_void(
            actor=request.user,
            cycle=cycle,
            run=run,
            scope=scope,
            unit=unit,
            cadre=cadre,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.warning(request, _("已宣布结果无效；请在数据更正后重新计算。"))
    return _back(request, _home(cycle))
