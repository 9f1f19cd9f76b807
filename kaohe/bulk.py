"""Bulk writes at province scale, below every app: rows in without model instances, rows updated by primary
key, random ids made in one go, the roster lock, and the collector and cache settings for big batches.

Names come from the models and values go as parameters, so the SQL built here takes no user text.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models

# The key of the PostgreSQL advisory lock that serialises roster imports (any fixed 64-bit number).
ROSTER_LOCK = 0x6B616F6865_0001
MARK_BATCH = 20_000
UPDATE_BATCH = 5000
SQLITE_CACHE_KIB = -262_144  # 256 MB, as SQLite counts a negative cache_size


def random_ids(count: int) -> list[str]:
    """``count`` random version-4 UUIDs as 32 hex digits, the form both databases take: building
    ``uuid.UUID`` objects one by one would cost seconds for a province's marks."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = bytes(b & 0x0F | 0x40 for b in raw[6::16])
    raw[8::16] = bytes(b & 0x3F | 0x80 for b in raw[8::16])
    digits = raw.hex()
    return [digits[i : i + 32] for i in range(0, 32 * count, 32)]


def insert_rows(model: type[models.Model], names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain tuples (UUIDs as 32 hex digits) without building model instances: COPY on
    PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    table, columns = quote(meta.db_table), ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 — names from the model
    with connection.cursor() as cursor:
        for first in range(0, len(rows), MARK_BATCH):
            cursor.executemany(sql, rows[first : first + MARK_BATCH])


def update_rows(model: type[models.Model], fields: list[str], objects: list[Any]) -> None:
    """Save ``fields`` of each object by primary key with one executemany.

    Django's bulk_update builds a CASE expression per field over the whole batch: 50,000 changed cadres
    took minutes and 600 MB that way, against a few seconds here.
    """
    if not objects:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 — names from the model, values as parameters
    with connection.cursor() as cursor:
        for first in range(0, len(objects), UPDATE_BATCH):
            cursor.executemany(
                sql,
                [
                    [column.get_db_prep_save(getattr(obj, column.attname), connection) for column in columns]
                    + [obj.pk]
                    for obj in objects[first : first + UPDATE_BATCH]
                ],
            )


def lock_roster() -> None:
    """Wait for any other import that writes the roster (roster or cycle workbook) to commit, so that this one
    checks and writes against its result.

    Two imports that both read the roster before either wrote would both create the same new category or
    unit (an IntegrityError) or both move a cadre (two current positions, or one change lost). On SQLite
    every transaction begins IMMEDIATE (settings.py), which takes the write lock first and so serialises
    them already.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROSTER_LOCK])


@contextmanager
def large_sqlite_cache() -> Iterator[None]:
    """On SQLite, a page cache large enough for the mark indexes while a province's marks go in (the
    default 2 MB makes every random key a page write)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while millions of objects are made that form no cycles (a province's
    marks): each growth of the heap would start a full collection over all of them, a third of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
