"""`kaohe report cycle|team|cadre|register YEAR [CODE] -o FILE.docx`: the documents, for scripted use.

A report not yet drafted in the app is drafted on the fly (not saved). Exit status 2 with a Chinese
message for an unknown year or code.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaohe.org.models import Cadre, Unit
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle
from kaohe.reports import documents, drafting
from kaohe.reports.models import AnalysisReport, ReportKind
from kaohe.reports.selectors import draft_inputs


def _refuse(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "生成年度考核分析报告、领导班子/领导干部综合分析报告或年度考核登记表（.docx）"

    def add_arguments(self, parser):
        parser.add_argument("document", choices=["cycle", "team", "cadre", "register"])
        parser.add_argument("year", type=int)
        parser.add_argument(
            "code", nargs="?", default="", help="单位编码（team）或干部编码（cadre、register）"
        )
        parser.add_argument("-o", "--output", required=True, help="输出的 .docx 文件")

    def handle(self, *args, document: str, year: int, code: str, output: str, **options) -> None:
        cycle = AssessmentCycle.objects.filter(year=year).first()
        if cycle is None:
            raise _refuse(f"没有 {year} 年度的考核。")
        if document != "cycle" and not code:
            raise _refuse("请给出单位编码（team）或干部编码（cadre、register）。")
        if document == "cycle":
            content = documents.cycle_docx(cycle)
        elif document == "team":
            unit = Unit.objects.filter(code=code).first()
            if unit is None or not AssessedUnit.objects.filter(cycle=cycle, unit=unit).exists():
                raise _refuse(f"单位编码「{code}」不在 {year} 年度的参加考核单位中。")
            content = self._analysis(cycle, ReportKind.TEAM, unit.pk, unit.pk, None)
        else:
            cadre = Cadre.objects.filter(code=code).first()
            assessed = AssessedCadre.objects.filter(cycle=cycle, cadre=cadre).first() if cadre else None
            if assessed is None:
                raise _refuse(f"干部编码「{code}」不在 {year} 年度的参加考核干部中。")
            if document == "cadre":
                content = self._analysis(cycle, ReportKind.CADRE, cadre.pk, assessed.unit_id, cadre.pk)
            else:
                content = documents.registers_docx(cycle, [cadre.pk])
        Path(output).write_bytes(content)
        self.stdout.write(f"已生成 {output}（{len(content) // 1024} KB）")

    def _analysis(self, cycle, kind: str, subject_id: int, unit_id: int, cadre_id: int | None) -> bytes:
        field = {"unit_id": unit_id} if kind == ReportKind.TEAM else {"cadre_id": cadre_id}
        report = AnalysisReport.objects.filter(cycle=cycle, kind=kind, **field).first()
        d = draft_inputs(cycle, kind, only={subject_id}).get(subject_id)
        if report is None:
            report = AnalysisReport(
                cycle=cycle,
                kind=kind,
                unit_id=unit_id,
                cadre_id=cadre_id,
                sections=drafting.draft(d) if d else {},
            )
        return documents.render(kind, [documents.analysis_context(report, d)])[0]
