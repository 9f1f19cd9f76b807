"""Sealing and opening interview records, both crypto modes, and summarising a unit's records.

    .venv/bin/python bench/interview_crypto.py [--records 2000]

A record of about 2 KB (a unit with nine cadres evaluated), sealed with its own data key and opened again
through the key-file provider, as kaohe.interviews does; then the summary of a unit of 30 records (open
each, count under k). No database: the figures are the crypto's and the counting's alone.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kaohe.crypto import envelope  # noqa: E402
from kaohe.crypto.keys import KeyFileProvider, create_key_file  # noqa: E402
from kaohe.crypto.modes import missing_algorithms, suite  # noqa: E402
from kaohe.interviews.record import ASPECTS, QUALITIES, CadreEvaluation, InterviewRecord  # noqa: E402
from kaohe.interviews.summary import summarise  # noqa: E402


def record(i: int) -> InterviewRecord:
    return InterviewRecord(
        held_on=date(2025, 12, 1),
        interviewers=["张三", "李四"],
        interviewee_name=f"谈话对象{i}",
        interviewee_post="科员",
        team={a: "总体较好，作风扎实，有待进一步加强学习" for a in ASPECTS},
        cadres=[
            CadreEvaluation(c, f"干部{c}", {q: "表现较好" for q in QUALITIES}, "称职" if c % 3 else "优秀")
            for c in range(9)
        ],
        problems="基层反映检查考核偏多；年轻干部培养力度不够；个别项目推进慢。" * 3,
        problem_tags=["服务群众"],
        suggestions="加强干部交流，减少不必要的会议。",
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        key = Path(tmp) / "kaohe.key"
        create_key_file(key)
        provider = KeyFileProvider(key)
        plain = [record(i).to_json() for i in range(args.records)]
        print(f"record size: {statistics.mean(len(p) for p in plain):.0f} bytes of JSON")
        for mode in ("standard", "guomi"):
            if missing_algorithms(mode):
                print(f"{mode}: skipped, OpenSSL lacks {missing_algorithms(mode)}")
                continue
            algorithm = suite(mode).aead
            began = time.perf_counter()
            sealed = [
                envelope.seal(p, aad=f"interview:{i}".encode(), provider=provider, algorithm=algorithm)
                for i, p in enumerate(plain)
            ]
            seal_s = time.perf_counter() - began
            began = time.perf_counter()
            for i, text in enumerate(sealed):
                envelope.open_sealed(text, aad=f"interview:{i}".encode(), provider=provider)
            open_s = time.perf_counter() - began
            began = time.perf_counter()
            rounds = 50
            for _ in range(rounds):
                records = [
                    InterviewRecord.from_json(
                        envelope.open_sealed(t, aad=f"interview:{i}".encode(), provider=provider)
                    )
                    for i, t in enumerate(sealed[:30])
                ]
                summarise(records, [(c, f"干部{c}") for c in range(9)], k=3, recommend=False, complete=True)
            unit_ms = (time.perf_counter() - began) / rounds * 1000
            print(
                f"{mode} ({algorithm}): seal {seal_s / args.records * 1e6:.0f} µs/record, "
                f"open {open_s / args.records * 1e6:.0f} µs/record, "
                f"summary of a 30-record unit {unit_ms:.1f} ms"
            )


if __name__ == "__main__":
    main()
