"""The database files hold no interview text in clear: a record and an outline written with a marker, then
the SQLite file and its write-ahead log searched byte for byte (in a separate process, on a real file)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kaohe.crypto.modes import missing_algorithms

PROBE = Path(__file__).with_name("cleartext_probe.py")
ROOT = Path(__file__).resolve().parents[3]


def probe(tmp_path: Path, mode: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kaohe.sqlite3'}",
        "CRYPTO_MODE": mode,
        "CRYPTO_KEY_FILE": str(tmp_path / "kaohe.key"),
        "DJANGO_SETTINGS_MODULE": "kaohe.settings",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(PROBE)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("mode", ["standard", "guomi"])
def test_no_record_text_in_the_sqlite_file_or_its_wal(tmp_path, mode):
    if missing_algorithms(mode):
        pytest.skip(f"this OpenSSL lacks {missing_algorithms(mode)}")
    result = probe(tmp_path, mode)
    assert "kaohe.sqlite3-wal" in result["files"]  # the log is there, and was searched
    assert result["found"]["control"], "the search must find the interviewee's name, stored in clear"
    assert result["found"]["marker"] == []
