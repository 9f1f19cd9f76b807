"""A PostgreSQL cluster of a test's own: Debian's binaries, a temporary directory, a free port on 127.0.0.1.

For tests that must do to a database what no test may do to the machine's shared one (port 5432, which
other test runs use at the same time): kill it with SIGKILL and start it again. initdb refuses to run as
root, so as root (CI) every command of the cluster runs as the ``postgres`` account, in a directory it owns.

Missing binaries skip the test on a developer's machine and fail it in CI (CI=true), where Debian's
postgresql package is installed (.ci/run relies on it).
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BINARIES = ("initdb", "postgres", "pg_isready")
OWNER = "postgres"  # the account that runs the cluster when the test runs as root
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    # The ballot guarantee rests on these two (docs/operations.md): a commit returns once its log is on disk.
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    # After a crash the data directory is flushed before recovery: one syncfs() instead of an fsync() per
    # file (Kaohe's schema is a thousand files), the same guarantee.
    "recovery_init_sync_method": "syncfs",
    "max_connections": "40",
    "shared_buffers": "16MB",
    "logging_collector": "off",
}


def _version(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in path.parent.name.split(".") if part.isdigit())


def find_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/N/bin holding every binary the cluster needs."""
    found = [
        path
        for path in Path("/usr/lib/postgresql").glob("*/bin")
        if all((path / name).is_file() for name in BINARIES)
    ]
    return max(found, key=_version) if found else None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI installs Debian's postgresql package (.ci/run)")
    pytest.skip(f"{reason} (apt-get install postgresql)")


def require_bindir() -> Path:
    """The binaries' directory; skips (fails in CI) when they or the account that must run them are missing."""
    bindir = find_bindir()
    if bindir is None:
        _unavailable("PostgreSQL's server binaries are not in /usr/lib/postgresql/*/bin")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OWNER)
        except KeyError:
            _unavailable(f"running as root, the cluster needs the {OWNER!r} account")
        if shutil.which("runuser") is None:
            _unavailable("running as root, the cluster needs runuser (util-linux)")
    assert bindir is not None
    return bindir


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …: comm may hold spaces and parentheses, the last ")" ends it.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@dataclass
class Cluster:
    """One cluster: ``init`` once, then ``start``, ``crash`` and ``start`` again as often as wanted.

    ``describe`` and ``attach`` hand the cluster to another process (a pytest of its own) that crashes and
    restarts it; ``remove`` kills whatever runs and deletes the directory."""

    bindir: Path
    root: Path
    port: int
    server: subprocess.Popen | None = field(default=None, repr=False, compare=False)  # started here

    @classmethod
    def create(cls, bindir: Path) -> Cluster:
        root = Path(tempfile.mkdtemp(prefix="kaohe-pg-"))  # /tmp: the postgres account can reach it
        if os.geteuid() == 0:
            shutil.chown(root, OWNER, OWNER)
        return cls(bindir=bindir, root=root, port=free_port())

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "postgres.log"

    def url(self, name: str = "kaohe") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def describe(self) -> str:
        return json.dumps({"bindir": str(self.bindir), "root": str(self.root), "port": self.port})

    @classmethod
    def attach(cls, described: str) -> Cluster:
        fields = json.loads(described)
        return cls(bindir=Path(fields["bindir"]), root=Path(fields["root"]), port=int(fields["port"]))

    def _command(self, *argv: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", OWNER, "--", *argv]
        return list(argv)

    def init(self) -> None:
        # --no-sync: initdb's own files need not reach the disk before it returns (nothing here survives a
        # power cut anyway); the server below runs with fsync on.
        done = subprocess.run(  # noqa: S603
            self._command(
                str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
            ),
            cwd=self.root, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, f"initdb failed: {done.stdout[-2000:]}{done.stderr[-2000:]}"

    def start(self, timeout: float = 30) -> None:
        """Start the server (crash recovery first, after a crash) and wait until it takes connections."""
        options = [arg for name, value in SETTINGS.items() for arg in ("-c", f"{name}={value}")]
        with self.log.open("ab") as log:
            server = subprocess.Popen(  # noqa: S603
                self._command(
                    str(self.bindir / "postgres"), "-D", str(self.data), "-p", str(self.port),
                    "-k", str(self.root), *options,
                ),
                cwd=self.root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.server = server
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if server.poll() is not None:
                break
            ready = subprocess.run(  # noqa: S603
                [str(self.bindir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"],
                capture_output=True, timeout=10,
            )  # fmt: skip
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        self.crash()
        raise AssertionError(f"PostgreSQL did not start:\n{self.log.read_text(errors='replace')[-3000:]}")

    def postmaster(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def crash(self) -> float:
        """Kill the postmaster and every backend with SIGKILL, as a crash would; the seconds it took.

        The postmaster is stopped first so that it forks nothing more; its children (each a session leader
        of its own) are found by their parent and killed with it. A postmaster started by this object is
        reaped (by runuser, then here): a zombie's pid in postmaster.pid would stop the next start."""
        began = time.monotonic()
        pid = self.postmaster()
        if pid is None or not _alive(pid):
            if self.server is not None:
                if self.server.poll() is None:
                    self.server.kill()
                self.server.wait(timeout=10)
                self.server = None
            return 0.0
        os.kill(pid, signal.SIGSTOP)
        victims = [pid, *_children(pid)]
        for victim in victims:
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while any(_alive(victim) for victim in victims):
            assert time.monotonic() < deadline, f"PostgreSQL processes outlived SIGKILL: {victims}"
            time.sleep(0.02)
        if self.server is not None:
            if self.server.pid != pid:
                self.server.send_signal(signal.SIGCONT)  # runuser stops itself when its child is stopped
            self.server.wait(timeout=10)
            self.server = None
        return time.monotonic() - began

    def remove(self) -> None:
        self.crash()
        shutil.rmtree(self.root, ignore_errors=True)
