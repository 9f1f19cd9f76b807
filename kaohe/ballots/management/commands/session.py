"""`kaohe session create|key|open|close|tally`: a 测评会 from the command line.

`create` prints the new session's id; with --codes-out FILE it also generates the expected number of codes
per rater group and writes one line per code: rater group, code, URL (the only copy of the codes); with
--key-out FILE it writes the session's opening key (the only copy; `key ID --out FILE` makes a new one).
`close ID --key-file FILE` opens the sealed ballots with that key ("-" reads it from standard input).
Errors: exit status 2 and one line per problem on standard error, in Chinese.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from kaohe.accounts.actors import CLI
from kaohe.audit.reads import audit_read
from kaohe.ballots import actions, selectors, slips
from kaohe.ballots.forms import parse_groups
from kaohe.ballots.models import BallotTemplate, EvaluationSession, TemplateKind
from kaohe.ballots.views import KEY_FILE_TEXT, ballot_url
from kaohe.org.models import Cadre, Unit
from kaohe.plans.models import AssessmentCycle

INPUT_ERROR = 2


class Command(BaseCommand):
    help = "民主测评的测评会：建立（create）、开始（open）、结束并封存（close）、统计（tally）。"

    def add_arguments(self, parser: CommandParser) -> None:
        actions_ = parser.add_subparsers(dest="action", required=True, title="操作")
        create = actions_.add_parser("create", help="建立测评会（未开始），打印其编号")
        create.add_argument("--year", type=int, required=True, help="年度，如 2025")
        create.add_argument("--name", required=True, help="测评会名称")
        create.add_argument(
            "--targets", required=True, help="对象编码，逗号分隔：单位编码测评其领导班子，干部编码测评干部"
        )
        create.add_argument("--groups", required=True, help="评价人类别=应到人数，如 上级=5,同级=10,下级=30")
        create.add_argument("--codes-out", help="生成应到人数的测评码，写入此文件（每行：类别,测评码,网址）")
        create.add_argument(
            "--base-url", help="手机访问的地址，如 https://kaohe.example.org（默认 BALLOT_PUBLIC_BASE_URL）"
        )
        create.add_argument("--team-template", help="领导班子测评表名称（默认：领导班子测评票）")
        create.add_argument("--cadre-template", help="干部测评表名称（默认：干部测评票）")
        create.add_argument("--excellent-limit", help="每票优秀上限（默认取考核方案）；空字符串为不限")
        create.add_argument("--rehearsal", action="store_true", help="演练")
        create.add_argument("--key-out", help="生成开启密钥，写入此文件（唯一一份，结束测评时要用）")
        key = actions_.add_parser("key", help="生成（或重新生成）开启密钥，写入文件")
        key.add_argument("id", type=int, help="测评会编号")
        key.add_argument("--out", required=True, help="开启密钥文件")
        opening = actions_.add_parser("open", help="开始测评")
        opening.add_argument("id", type=int, help="测评会编号")
        close = actions_.add_parser("close", help="结束测评并封存，打印封存哈希")
        close.add_argument("id", type=int, help="测评会编号")
        close.add_argument("--key-file", help="开启密钥文件（扫码测评必填；- 为从标准输入读）")
        tally = actions_.add_parser("tally", help="统计（测评会结束后）")
        tally.add_argument("id", type=int, help="测评会编号")
        tally.add_argument("--json", action="store_true", help="以 JSON 输出")

    def fail(self, lines: list[str]) -> None:
        for line in lines:
            self.stderr.write(line, style_func=lambda text: text)
        raise SystemExit(INPUT_ERROR)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            self.handle_create(options)
            return
        session = EvaluationSession.objects.select_related("cycle").filter(pk=options["id"]).first()
        if session is None:
            self.fail([f"没有编号为 {options['id']} 的测评会"])
        assert session is not None
        try:
            if action == "key":
                self.write_key(session, Path(options["out"]))
            elif action == "open":
                actions.session_open(actor=CLI, session=session)
                self.stdout.write(f"测评会 {session.pk}「{session.name}」已开始")
            elif action == "close":
                session = actions.session_close(
                    actor=CLI, session=session, opening_key=self.read_key(options.get("key_file"))
                )
                if not session.rehearsal:
                    session = actions.session_archive(actor=CLI, session=session)
                    self.stdout.write(
                        f"测评会 {session.pk}「{session.name}」已结束并封存；封存哈希 {session.seal_shown}"
                    )
                else:
                    self.stdout.write(f"演练 {session.pk}「{session.name}」已结束")
            else:
                self.handle_tally(session, options["json"])
        except ValidationError as error:
            self.fail(error.messages)

    def read_key(self, name: str | None) -> str | None:
        if not name:
            return None
        try:
            text = self.stdin_text() if name == "-" else Path(name).read_text(encoding="utf-8")
        except OSError as error:
            self.fail([f"--key-file：读不了「{name}」（{error.strerror}）"])
            return None
        found = [line for line in text.splitlines() if "KAOHE1" in line]
        return found[0] if found else text

    def stdin_text(self) -> str:
        return sys.stdin.read()

    def write_key(self, session: EvaluationSession, out: Path) -> None:
        if not out.parent.is_dir():
            self.fail([f"--out：目录「{out.parent}」不存在"])
        private = actions.session_key_issue(actor=CLI, session=session)
        text = KEY_FILE_TEXT.format(key=private, name=session.name, year=session.cycle.year)
        # Readable by the owner only: the file is the key's one copy.
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        self.stderr.write(f"开启密钥已写入 {out}，请妥善保管", style_func=lambda text: text)

    def handle_tally(self, session: EvaluationSession, as_json: bool) -> None:
        try:
            tally = selectors.session_tally(session)
        except selectors.TallyRefused as refusal:
            self.fail([str(refusal)])
            return
        audit_read(CLI, "ballot_session.tally", session)
        if as_json:
            self.stdout.write(json.dumps(tally.as_json(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{session.name}：{tally.ballots} 张测评票（评价人类别少于 {tally.min_group} 张并入其他）"
        )
        if tally.suppressed:
            self.stdout.write("测评票太少，不显示统计")
            return
        for target in tally.targets:
            for group, counts in target.groups.items():
                text = "，".join(f"{c} {counts.get(c, 0)}" for c in target.choices)
                self.stdout.write(f"{target.code} {target.name}\t{group}\t{text}")

    def handle_create(self, options: dict[str, Any]) -> None:
        problems: list[str] = []
        cycle = AssessmentCycle.objects.filter(year=options["year"]).first()
        if cycle is None:
            self.fail([f"没有 {options['year']} 年度的考核"])
        assert cycle is not None
        try:
            groups = parse_groups(options["groups"])
        except ValidationError as error:
            problems += [f"--groups：{m}" for m in error.messages]
            groups = []
        templates = {}
        for kind, option in ((TemplateKind.TEAM, "team_template"), (TemplateKind.CADRE, "cadre_template")):
            name = options.get(option)
            found = (
                BallotTemplate.objects.filter(kind=kind, name=name).first()
                if name
                else selectors.default_template(kind)
            )
            if found is None:
                problems.append(f"没有名为「{name}」的{TemplateKind(kind).label}测评表")
            templates[kind] = found
        targets = []
        for code in [c.strip() for c in options["targets"].split(",") if c.strip()]:
            unit = Unit.objects.filter(code=code).first()
            cadre = None if unit else Cadre.objects.filter(code=code).first()
            if unit is not None:
                targets.append(actions.TargetSpec(templates[TemplateKind.TEAM], unit=unit))
            elif cadre is not None:
                targets.append(actions.TargetSpec(templates[TemplateKind.CADRE], cadre=cadre))
            else:
                problems.append(f"--targets：对象编码「{code}」既不是单位编码也不是干部编码")
        out = Path(options["codes_out"]) if options.get("codes_out") else None
        if out is not None and not out.parent.is_dir():
            problems.append(f"--codes-out：目录「{out.parent}」不存在")
        key_out = Path(options["key_out"]) if options.get("key_out") else None
        if key_out is not None and not key_out.parent.is_dir():
            problems.append(f"--key-out：目录「{key_out.parent}」不存在")
        if problems:
            self.fail(problems)
        spec = actions.SessionSpec(
            name=options["name"],
            targets=targets,
            groups=groups,
            excellent_limit=options.get("excellent_limit"),
            rehearsal=options["rehearsal"],
        )
        base = (options.get("base_url") or settings.BALLOT_PUBLIC_BASE_URL or "http://127.0.0.1:8000").rstrip(
            "/"
        )
        try:
            with transaction.atomic():  # the session and its codes, or nothing
                session = actions.session_create(actor=CLI, cycle=cycle, spec=spec)
                made = []
                if out is not None and any(n for _, n in groups):
                    made = actions.session_codes_generate(actor=CLI, session=session, counts=dict(groups))
        except ValidationError as error:
            self.fail(error.messages)
            return
        if out is not None:
            rows = [slips.Slip(c.group, c.code, ballot_url(base, c.code)) for c in made]
            # Readable by the owner only: the file is the codes' one copy.
            descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(slips.codes_csv(rows, bom=False))
        if key_out is not None:
            self.write_key(session, key_out)
        self.stdout.write(str(session.pk))
        if out is not None:
            self.stderr.write(f"已生成 {len(made)} 个测评码，写入 {out}", style_func=lambda text: text)
