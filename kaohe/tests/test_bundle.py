"""The offline bundle installs and runs with the network off: built for this machine's platform and
Python (`make bundle` builds every target), unpacked, installed by its install.sh inside a network
namespace (`unshare -n`, as root) or, where namespaces are not allowed, with pip's --no-index and no other
source, then checked: `kaohe check`, migrate on a fresh SQLite file, the login page and a front-end asset
served from the installed package, `kaohe audit verify`.

Marked `bundle`: it runs once, in the SQLite pass (`make test-postgres` leaves it out).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.bundle

SMOKE = """
from django.test import Client
import kaohe
client = Client(HTTP_HOST="localhost")
assert "/site-packages/kaohe/" in kaohe.__file__, kaohe.__file__
login = client.get("/login/")
assert login.status_code == 200, login.status_code
asset = client.get("/static/vendor/htmx/htmx.min.js")
assert asset.status_code == 200, asset.status_code
print("smoke ok", kaohe.__file__)
"""


def offline_prefix() -> list[str]:
    """`unshare -n` where this process may make a network namespace; nothing where it may not."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True, check=False).returncode == 0:  # noqa: S603
        return [unshare, "-n"]
    return []


def offline_env(tmp: Path) -> dict[str, str]:
    # No pip configuration, find-links or index from this machine: the bundle alone.
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "DJANGO_", "DATABASE_URL", "KAOHE_"))
    }
    return {
        **env,
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PYTHON": sys._base_executable,
        "DATABASE_URL": f"sqlite:///{tmp / 'kaohe.sqlite3'}",
        "KAOHE_VAR_DIR": str(tmp / "var"),
        "KAOHE_DEV": "1",  # checked as a development instance: its demo secret, its key file made under var/
        "HOME": str(tmp),
    }


def test_the_bundle_installs_and_runs_with_the_network_off(tmp_path):
    built = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "deploy" / "bundle.py"), "--host-only", "--out", str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (archive,) = (tmp_path / "dist").glob("kaohe-bundle-*.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    (bundle,) = (tmp_path / "unpacked").iterdir()
    assert (bundle / "README.md").read_text().startswith("# Kaohe (考核) offline bundle")

    offline, env, target = offline_prefix(), offline_env(tmp_path), tmp_path / "srv"
    if os.environ.get("CI") == "true" and os.geteuid() == 0:
        assert offline, "CI runs as root: the install must be tried inside a network namespace"

    def run(*args: str) -> str:
        done = subprocess.run(  # noqa: S603
            [*offline, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False
        )
        assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
        return done.stdout

    run("sh", str(bundle / "install.sh"), str(target))
    kaohe = str(target / ".venv" / "bin" / "kaohe")
    assert "System check identified no issues" in run(kaohe, "check")
    run(kaohe, "migrate", "--no-input")
    assert "smoke ok" in run(kaohe, "shell", "-c", SMOKE)
    assert "审计链完整" in run(kaohe, "audit", "verify")
