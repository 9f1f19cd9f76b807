"""Build the offline bundle: every wheel Kaohe needs, for Linux x86_64 and aarch64 and each supported
Python, with the front-end assets and fonts inside Kaohe's own wheel, and a README that installs and starts
it on a machine with no network (`make bundle`; docs/operations.md, 离线安装).

    python deploy/bundle.py [--out dist] [--host-only]

--host-only builds for this machine's platform and Python only (the test of the bundle does that).
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13")
ARCHES = ("x86_64", "aarch64")
# Kylin V10 and UOS 20 ship glibc 2.28: nothing may need a newer one. pip does not widen a --platform to
# the older glibc tags a wheel may carry, so each is named.
GLIBC_MINOR = 28
LEGACY = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}


def run(*args: str) -> None:
    print("+", " ".join(args), flush=True)  # noqa: T201
    subprocess.run(args, check=True)  # noqa: S603


def project() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]


def build_kaohe_wheel(wheels: Path) -> Path:
    vendor = ROOT / "kaohe" / "static" / "vendor"
    if not (vendor / ".stamp").exists():
        sys.exit("front-end assets are missing: run `make assets` first")
    for stale in ("build", "kaohe.egg-info"):
        shutil.rmtree(ROOT / stale, ignore_errors=True)
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(ROOT))
    wheel = next(wheels.glob("kaohe-*.whl"))
    check_static(wheel)
    return wheel


def check_static(wheel: Path) -> None:
    """Every asset, font and translation in the tree is inside the wheel (nothing fetched at run time)."""
    with zipfile.ZipFile(wheel) as archive:
        inside = set(archive.namelist())
    wanted = [
        path.relative_to(ROOT).as_posix()
        for folder in ("kaohe/static", "kaohe/locale")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and path.name != ".stamp"
    ]
    missing = [name for name in wanted if name not in inside]
    if missing:
        sys.exit(f"the wheel lacks {len(missing)} files, e.g. {missing[:3]}")
    print(f"kaohe wheel holds {len(wanted)} static, font and locale files")  # noqa: T201


def platforms(arch: str) -> list[str]:
    tags = []
    for minor in range(GLIBC_MINOR, 4, -1):
        tags += ["--platform", f"manylinux_2_{minor}_{arch}"]
        if minor in LEGACY:
            tags += ["--platform", f"{LEGACY[minor]}_{arch}"]
    return tags


def download(wheels: Path, requirements: Path, arch: str, python: str) -> None:
    version = python.replace(".", "")
    run(
        sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:",
        *platforms(arch), "--python-version", python,
        "--implementation", "cp", "--abi", f"cp{version}", "--abi", "abi3", "--abi", "none",
        "-d", str(wheels), "-r", str(requirements),
    )  # fmt: skip


def write_sums(folder: Path) -> None:
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(folder).as_posix()}"
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "SHA256SUMS"
    ]
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--host-only", action="store_true")
    options = parser.parse_args()

    meta = project()
    name = f"kaohe-bundle-{meta['version']}"
    folder = options.out / name
    shutil.rmtree(folder, ignore_errors=True)
    wheels = folder / "wheels"
    wheels.mkdir(parents=True)
    build_kaohe_wheel(wheels)
    requirements = folder / "requirements.txt"
    requirements.write_text("\n".join(meta["dependencies"]) + "\n")
    if options.host_only:
        targets = [(platform.machine(), f"{sys.version_info.major}.{sys.version_info.minor}")]
    else:
        targets = [(arch, python) for arch in ARCHES for python in PYTHONS]
    for arch, python in targets:
        download(wheels, requirements, arch, python)
    shutil.copy(ROOT / "deploy" / "bundle-README.md", folder / "README.md")
    for extra in ("install.sh", "kaohe.env.example"):
        shutil.copy(ROOT / "deploy" / extra, folder / extra)
    (folder / "install.sh").chmod(0o755)
    (folder / "TARGETS").write_text("".join(f"linux {arch} python {python}\n" for arch, python in targets))
    write_sums(folder)
    archive = options.out / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=name)
    count = len(list(wheels.glob("*.whl")))
    size = archive.stat().st_size / 1048576
    print(f"{archive}: {count} wheels for {len(targets)} targets, {size:.1f} MB")  # noqa: T201


if __name__ == "__main__":
    main()
