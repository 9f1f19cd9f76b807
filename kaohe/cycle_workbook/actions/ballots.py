"""A book's ballots: one evaluation session of kind imported, 「工作簿导入」, replaced on re-import; a ballot
already counted in another session of the cycle, identical, is not imported twice. Stored through
``ballots.storage``, the one ballot writer."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from kaohe.ballots import storage
from kaohe.ballots.models import Ballot, EvaluationSession, Mark, SessionKind, SessionStatus
from kaohe.cycle_workbook.actions.state import ImportState
from kaohe.plans.models import AssessmentCycle
from kaohe.workbook.sheets import Problem, WorkbookError

IMPORTED_SESSION = "工作簿导入"


class BallotsPart(ImportState):
    def write_ballots(self, cycle: AssessmentCycle) -> None:
        old = list(
            EvaluationSession.objects.filter(
                cycle=cycle, kind=SessionKind.IMPORTED, name=IMPORTED_SESSION
            ).values_list("id", flat=True)
        )
        for session in old:
            storage.ballots_drop(session)
            EvaluationSession.objects.filter(id=session).delete()
        by_ballot: dict[str, list[Any]] = defaultdict(list)
        for mark in self.data.marks:
            by_ballot[mark.ballot].append(mark)
        already = self.counted_elsewhere(cycle, by_ballot)
        self.counts["ballots_already_counted"] = len(already)
        self.counts["ballots"] = self.counts["marks"] = 0
        if len(by_ballot) == len(already):
            return
        session = EvaluationSession.objects.create(
            cycle=cycle, name=IMPORTED_SESSION, kind=SessionKind.IMPORTED, status=SessionStatus.CLOSED
        )
        numbers = [number for number in by_ballot if number not in already]
        units, cadres = self.units, self.cadres
        unit_codes = self.unit_codes
        # Through the one module that stores ballots: random ids, rows in their order, not the book's.
        stored = storage.ballots_store(
            session.id,
            (
                storage.OpenBallot(
                    number,
                    by_ballot[number][0].rater_group,
                    [
                        (units[m.target], None, m.choice)
                        if m.target in unit_codes
                        else (None, cadres[m.target], m.choice)
                        for m in by_ballot[number]
                    ],
                )
                for number in numbers
            ),
        )
        self.counts["ballots"] = len(by_ballot) - len(already)
        self.counts["marks"] = stored.marks

    def counted_elsewhere(self, cycle: AssessmentCycle, by_ballot: dict[str, list[Any]]) -> set[str]:
        """Book ballots identical to one already counted in another session of the cycle (an exported
        cycle read back); a different ballot under the same 票号 is a problem."""
        sessions = dict(
            EvaluationSession.objects.filter(cycle=cycle)
            .exclude(status=SessionStatus.VOID)
            .values_list("id", "name")
        )
        if not sessions:
            return set()
        found: dict[str, tuple[Any, str]] = {}
        for pk, session, number, group in Ballot.objects.filter(session_id__in=sessions).values_list(
            "id", "session_id", "number", "rater_group"
        ):
            for key in (number, f"{sessions[session]}:{number}"):
                if key in by_ballot:
                    found[key] = (pk, group)
        if not found:
            return set()
        codes = {pk: code for code, pk in self.units.items()}
        cadre_codes = {pk: code for code, pk in self.cadres.items()}
        stored: dict[Any, Counter[tuple[str, str]]] = defaultdict(Counter)
        wanted = {pk for pk, _ in found.values()}
        for ballot, unit, cadre, choice in Mark.objects.filter(ballot_id__in=wanted).values_list(
            "ballot_id", "unit_id", "cadre_id", "choice"
        ):
            target = codes.get(unit) if unit is not None else cadre_codes.get(cadre)
            stored[ballot][(target or "", choice)] += 1
        problems = []
        for key, (pk, group) in found.items():
            marks = by_ballot[key]
            if group != marks[0].rater_group or stored[pk] != Counter((m.target, m.choice) for m in marks):
                problems.append(
                    Problem(
                        "测评票",
                        None,
                        "票号",
                        key,
                        f"票号「{key}」已在本年度的测评会中计入，内容与工作簿中的不同；请改用新的票号，或先作废该测评会",
                    )
                )
        if problems:
            raise WorkbookError(problems)
        return set(found)
