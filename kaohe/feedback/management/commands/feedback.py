"""`kaohe feedback letter YEAR CODE -o FILE.docx`: one 考核结果反馈意见书 (a unit's or a cadre's code).

Exit status 2 with a Chinese message for an unknown year, an unknown code or a letter not yet prepared.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaohe.feedback import documents
from kaohe.feedback.models import Letter, LetterKind
from kaohe.plans.models import AssessmentCycle


def _refuse(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "生成考核结果反馈意见书（.docx）：单位编码为领导班子的，干部编码为干部本人的"

    def add_arguments(self, parser):
        parser.add_argument("document", choices=["letter"])
        parser.add_argument("year", type=int)
        parser.add_argument("code", help="单位编码或干部编码")
        parser.add_argument("-o", "--output", required=True, help="输出的 .docx 文件")

    def handle(self, *args, document: str, year: int, code: str, output: str, **options) -> None:
        cycle = AssessmentCycle.objects.filter(year=year).first()
        if cycle is None:
            raise _refuse(f"没有 {year} 年度的考核。")
        letters = Letter.objects.filter(cycle=cycle).select_related("cycle", "unit", "cadre")
        letter = (
            letters.filter(kind=LetterKind.TEAM, unit__code=code).first()
            or letters.filter(kind=LetterKind.CADRE, cadre__code=code).first()
        )
        if letter is None:
            raise _refuse(
                f"编码「{code}」在 {year} 年度没有反馈意见书：编码有误，或其综合分析报告尚未采纳、意见书尚未生成。"
            )
        content = documents.letter_docx(letter)
        Path(output).write_bytes(content)
        self.stdout.write(f"已生成 {output}（{letter}，{len(content) // 1024} KB）")
