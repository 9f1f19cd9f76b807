"""`kaohe session create|open|close|tally`."""

import json

import pytest
from django.core.management import call_command

from kaohe.ballots import actions, codes
from kaohe.ballots.models import BallotToken, EvaluationSession, SessionStatus
from kaohe.ballots.tests.conftest import filled

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("session", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_create_prints_the_id_and_writes_one_line_per_code(cast, cycle, tmp_path):
    out = tmp_path / "codes.csv"
    status, stdout, stderr = run(
        "create", "--year", "2025", "--name", "大会测评", "--targets", "DW01,GB001,GB002",
        "--groups", "上级=2,同级=1,下级=3", "--codes-out", str(out), "--base-url", "https://kh.example.org/",
    )  # fmt: skip
    assert status == 0, stderr
    session = EvaluationSession.objects.get(pk=int(stdout.strip()))
    assert session.name == "大会测评" and session.targets.count() == 3 and session.excellent_limit == "1"
    lines = out.read_text(encoding="utf-8").splitlines()
    assert (
        len(lines) == 6 and [line.split(",")[0] for line in lines] == ["上级"] * 2 + ["同级"] + ["下级"] * 3
    )
    group, code, url = lines[0].split(",")
    assert url == f"https://kh.example.org/b/{code}/"
    assert BallotToken.objects.filter(hash=codes.code_hash(code), rater_group="上级").exists()
    assert out.stat().st_mode & 0o077 == 0  # the codes' only copy is readable by its owner alone
    assert "已生成 6 个测评码" in stderr

    status, _, stderr = run("open", str(session.pk))
    assert status == 2 and "请先生成并保管好开启密钥" in stderr
    key = tmp_path / "key.txt"
    assert run("key", str(session.pk), "--out", str(key))[0] == 0
    assert key.stat().st_mode & 0o077 == 0 and "KAOHE1" in key.read_text(encoding="utf-8")
    assert run("open", str(session.pk))[0] == 0
    actions.ballot_submit(code=code, data=filled(session))
    status, _, stderr = run("close", str(session.pk))
    assert status == 2 and "请填写本测评会的开启密钥" in stderr
    status, stdout, _ = run("close", str(session.pk), "--key-file", str(key))
    session.refresh_from_db()
    assert status == 0 and session.status == SessionStatus.SEALED and session.seal in stdout
    status, stdout, _ = run("tally", str(session.pk), "--json")
    assert status == 0 and json.loads(stdout)["ballots"] == 1 and json.loads(stdout)["groups"] is None


def test_create_names_every_problem_and_creates_nothing(cast, cycle, tmp_path):
    status, stdout, stderr = run(
        "create", "--year", "2025", "--name", "x", "--targets", "DW01,NOPE", "--groups", "上级=两",
        "--codes-out", str(tmp_path / "missing" / "codes.csv"),
    )  # fmt: skip
    assert status == 2 and stdout == ""
    assert "--groups：「上级=两」的人数「两」须为不小于 0 的整数" in stderr
    assert "--targets：对象编码「NOPE」既不是单位编码也不是干部编码" in stderr
    assert "--codes-out：目录" in stderr
    status, _, stderr = run(
        "create", "--year", "2025", "--name", "x", "--targets", "DW01", "--groups", "外宾=3"
    )
    assert status == 2 and "评价人类别「外宾」不在" in stderr
    assert run("create", "--year", "1999", "--name", "x", "--targets", "DW01", "--groups", "上级=1")[2] == (
        "没有 1999 年度的考核\n"
    )
    assert not EvaluationSession.objects.exists()


def test_close_tally_and_open_refusals(world):
    pk = str(world["session"].pk)
    status, _, stderr = run("tally", pk)
    assert status == 2 and "结束后才能查看统计" in stderr
    assert run("open", pk)[2] == "测评会「第一场」进行中，只有未开始的测评会可以开始\n"
    assert run("close", "999")[2] == "没有编号为 999 的测评会\n"
    assert run("close", pk)[0] == 0
    assert run("close", pk)[2] == "测评会「第一场」已封存，只有进行中的测评会可以结束\n"
    status, stdout, _ = run("tally", pk)
    assert status == 0 and "0 张测评票" in stdout and "不显示统计" in stdout
