# ruff: noqa: S105, S608 (SQL text of fixed table names; the hash is a parameter)
"""The floor of bench/ballot_load.py: a bare WSGI app doing the ballot page's SQL and nothing else.

    .venv/bin/python bench/ballot_load.py --app floor

Served by the same server to the same load as the app: GET /b/<code>/ reads the token (with its session,
cycle and plan) and the session's targets, as ``selectors`` does, and answers a page of radio buttons;
POST /b/ reads them again, checks that every question has a valid choice, then in one transaction takes a
key share on the session, consumes the code (``UPDATE … WHERE used = false``) and inserts the ballot, its
marks and its answers, one statement a table, as ``actions.ballot_submit`` does. No Django request
handling, no templates, no translation, no security headers: what the app costs above this is the price of
its framework. psycopg directly, one connection a process, prepared statements (psycopg's default).
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from html import escape
from urllib.parse import parse_qsl

import psycopg
from django.utils.crypto import salted_hmac

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
OVERALL = {"team": ("优秀", "良好", "一般", "较差"), "cadre": ("优秀", "称职", "基本称职", "不称职")}

TOKEN_SQL = """
SELECT t.id, t.rater_group, t.used, s.id, s.status, s.cycle_id,
       (SELECT CAST(p.settings AS TEXT) FROM plans_assessmentplan p WHERE p.cycle_id = s.cycle_id)
FROM ballots_ballottoken t JOIN ballots_evaluationsession s ON s.id = t.session_id
JOIN plans_assessmentcycle c ON c.id = s.cycle_id WHERE t.hash = %s
"""
LAYOUT_SQL = """
SELECT st.id, st.unit_id, st.cadre_id, tp.id, tp.kind, CAST(tp.items AS TEXT), u.name, cd.name, ac.post
FROM ballots_sessiontarget st JOIN ballots_ballottemplate tp ON tp.id = st.template_id
LEFT JOIN org_unit u ON u.id = st.unit_id LEFT JOIN org_cadre cd ON cd.id = st.cadre_id
LEFT JOIN plans_assessedcadre ac ON ac.cadre_id = st.cadre_id AND ac.cycle_id = %s
WHERE st.session_id = %s ORDER BY st."order", st.id
"""
_conn: psycopg.Connection | None = None


def _db() -> psycopg.Connection:
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    return _conn


def _token(code: str):
    key = salted_hmac("kaohe.ballots.token", code, secret=os.environ["SECRET_KEY"], algorithm="sha256")
    conn = _db()
    row = conn.execute(TOKEN_SQL, [key.hexdigest()]).fetchone()
    if row is None:
        return None, []
    return row, conn.execute(LAYOUT_SQL, [row[5], row[3]]).fetchall()


def _questions(targets) -> list[tuple[str, tuple[str, ...], tuple]]:
    """(field, choices, what to store) for every question of the ballot."""
    asked = []
    for target_id, unit_id, cadre_id, template_id, kind, items, *_ in targets:
        for n, item in enumerate(json.loads(items or "[]")):
            asked.append(
                (
                    f"t{target_id}_{n}",
                    tuple(item["choices"]),
                    ("a", unit_id, cadre_id, template_id, item["name"]),
                )
            )
        if kind in OVERALL:
            asked.append((f"t{target_id}", OVERALL[kind], ("m", unit_id, cadre_id)))
    return asked


def _page(status: str, body: str, start_response):
    data = f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body>{body}</body></html>'.encode()
    start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]


def _form(code: str, targets) -> str:
    radios = "".join(
        f'<input type="radio" name="{field}" value="{escape(value)}">'
        for field, choices, _ in _questions(targets)
        for value in choices
    )
    return f'<form method="post" action="/b/"><input type="hidden" name="code" value="{escape(code)}">{radios}</form>'


def _store(row, targets, data: dict[str, str]) -> str | None:
    marks, answers = [], []
    ballot = uuid.uuid4()
    for field, choices, what in _questions(targets):
        if data.get(field) not in choices:
            return None
        if what[0] == "m":
            marks.append((uuid.uuid4(), ballot, what[1], what[2], data[field]))
        else:
            answers.append((uuid.uuid4(), ballot, *what[1:], data[field], ""))
    receipt = "".join(secrets.choice(ALPHABET) for _ in range(12))
    conn = _db()
    with conn.transaction():
        conn.execute("SELECT id FROM ballots_evaluationsession WHERE id = %s FOR KEY SHARE", [row[3]])
        if (
            conn.execute(
                "UPDATE ballots_ballottoken SET used = true WHERE id = %s AND NOT used", [row[0]]
            ).rowcount
            != 1
        ):
            return None
        conn.execute(
            "INSERT INTO ballots_ballot (id, session_id, number, rater_group) VALUES (%s, %s, %s, %s)",
            [ballot, row[3], receipt, row[1]],
        )
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(marks))
        conn.execute(
            f"INSERT INTO ballots_mark (id, ballot_id, unit_id, cadre_id, choice) VALUES {values}",
            [v for m in marks for v in m],
        )
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(answers))
        conn.execute(
            "INSERT INTO ballots_ballotitemanswer (id, ballot_id, unit_id, cadre_id, template_id, item, choice, reason)"
            f" VALUES {values}",
            [v for a in answers for v in a],
        )
    return receipt


def application(environ, start_response):
    path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
    if method == "GET" and path.startswith("/b/") and path.endswith("/") and len(path) > 4:
        code = path[3:-1]
        row, targets = _token(code)
        if row is None or row[2] or row[4] != "open":
            return _page("200 OK", "<p>refused</p>", start_response)
        return _page("200 OK", _form(code, targets), start_response)
    if method == "POST" and path == "/b/":
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        data = dict(parse_qsl(body.decode(), keep_blank_values=True))
        row, targets = _token(data.get("code", ""))
        receipt = None if row is None or row[2] or row[4] != "open" else _store(row, targets, data)
        if receipt is None:
            return _page("200 OK", "<p>refused</p>", start_response)
        shown = "-".join(receipt[i : i + 4] for i in range(0, 12, 4))
        return _page("200 OK", f'<p id="receipt">{shown}</p>', start_response)
    if method == "GET" and path == "/b/":
        return _page("200 OK", "<p>type a code</p>", start_response)
    return _page("404 Not Found", "", start_response)
