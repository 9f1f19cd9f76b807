"""What an attacker holding the database files does, as helpers for the attack tests.

``sqlite_wal_commits`` splits a SQLite write-ahead log into its commits, as the file stores them (stale
frames of an older generation included: they are in the file too). ``first_commit`` finds, for each
secret, the first commit whose pages hold it: if a code's use and a readable ballot are one commit, that
commit links them.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from pathlib import Path

WAL_HEADER = 32
FRAME_HEADER = 24


def sqlite_wal_commits(path: Path) -> list[bytes]:
    """The pages written by each commit, in the order of the log."""
    data = path.read_bytes() if path.exists() else b""
    if len(data) < WAL_HEADER:
        return []
    (page_size,) = struct.unpack(">I", data[8:12])
    commits: list[bytes] = []
    pages: list[bytes] = []
    offset = WAL_HEADER
    while offset + FRAME_HEADER + page_size <= len(data):
        _page, size_after_commit = struct.unpack(">II", data[offset : offset + 8])
        pages.append(data[offset + FRAME_HEADER : offset + FRAME_HEADER + page_size])
        offset += FRAME_HEADER + page_size
        if size_after_commit:
            commits.append(b"".join(pages))
            pages = []
    if pages:
        commits.append(b"".join(pages))
    return commits


def first_commit(commits: list[bytes], secrets: Iterable[str]) -> dict[str, int | None]:
    found: dict[str, int | None] = {}
    for secret in secrets:
        needle = secret.encode()
        found[secret] = next((i for i, pages in enumerate(commits) if needle in pages), None)
    return found


def order_in(data: bytes, secrets: Iterable[str]) -> list[str]:
    """The secrets found in ``data``, in the order of their first place in it."""
    places = [(data.find(s.encode()), s) for s in secrets]
    return [s for place, s in sorted(places) if place >= 0]
