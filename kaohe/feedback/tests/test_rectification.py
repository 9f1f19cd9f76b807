"""Rectification to closure: the unit answers, the group verifies and closes or reopens; who may do what."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.audit.models import AuditEntry
from kaohe.feedback import actions
from kaohe.feedback.models import Letter, Rectification, RectificationUpdate
from kaohe.feedback.selectors import open_rectifications, overdue_rectifications

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 evidence"


@pytest.fixture
def items(accepted, world, cast, principal):
    """Unit A's team letter and 李明's letter sent: two items each."""
    actions.letters_prepare(actor=cast["organiser"], cycle=world, kind="team")
    actions.letters_prepare(actor=cast["organiser"], cycle=world, kind="cadre")
    for letter in Letter.objects.filter(unit__code="DW01"):
        actions.letter_send(actor=cast["organiser"], letter=letter)
    return Rectification.objects.filter(letter__kind="team", unit__code="DW01").order_by("number")


def answer(client, item, **extra):
    data = {
        "owner": "办公室主任",
        "measures": "建立调研制度",
        "deadline": "2026-06-30",
        "progress": "",
        **extra,
    }
    return client.post(f"/feedback/rectifications/{item.pk}/update/", data)


def test_the_liaison_answers_its_own_units_items_only(items, cast, client_for):
    item = items[0]
    response = answer(client_for("liaison"), item, progress="已召开专题会")
    assert response.status_code == 302
    item.refresh_from_db()
    assert (
        item.owner == "办公室主任" and item.deadline == datetime.date(2026, 6, 30) and item.status == "open"
    )
    assert RectificationUpdate.objects.get(item=item).text == "已召开专题会"
    assert AuditEntry.objects.filter(action="rectification.update", object_id=str(item.pk)).exists()
    assert answer(client_for("outsider"), item).status_code == 404
    assert answer(client_for("cadre"), item).status_code == 404  # 李明 answers his own letter's items
    assert answer(client_for("assessor"), item).status_code == 403
    assert client_for("outsider").get(f"/feedback/rectifications/{item.pk}/").status_code == 404


def test_a_cadre_answers_the_items_of_their_own_letter(items, cast, client_for):
    own = Rectification.objects.filter(letter__cadre__code="GB002").first()
    assert answer(client_for("cadre"), own).status_code == 302
    own.refresh_from_db()
    assert own.owner == "办公室主任"
    assert answer(client_for("liaison"), own).status_code == 404


def test_life_cycle_submit_close_and_reopen(items, cast, other_assessor, client_for, client):
    item = items[0]
    with pytest.raises(ValidationError, match="尚未申请销号"):
        actions.rectification_close(actor=cast["organiser"], item=item)
    with pytest.raises(ValidationError, match="申请销号：请写明"):
        actions.rectification_update(
            actor=cast["liaison"],
            item=item,
            owner="甲",
            measures="乙",
            deadline=datetime.date(2026, 6, 1),
            done=True,
        )
    answer(client_for("liaison"), item, progress="制度已印发", done="1")
    item.refresh_from_db()
    assert item.status == "submitted"
    client.force_login(other_assessor)  # another group's assessor cannot close
    assert (
        client.post(f"/feedback/rectifications/{item.pk}/verify/", {"decision": "close"}).status_code == 404
    )
    assert (
        client_for("liaison")
        .post(f"/feedback/rectifications/{item.pk}/verify/", {"decision": "close"})
        .status_code
        == 403
    )
    item.refresh_from_db()
    assert item.status == "submitted"
    client_for("assessor").post(f"/feedback/rectifications/{item.pk}/verify/", {"decision": "close"})
    item.refresh_from_db()
    assert item.status == "closed" and item.closed_by == cast["assessor"]
    assert answer(client_for("liaison"), item, progress="再补充").status_code == 403  # closed: no edits
    client_for("organiser").post(
        f"/feedback/rectifications/{item.pk}/verify/", {"decision": "reopen", "reason": ""}
    )
    item.refresh_from_db()
    assert item.status == "closed"  # a reopening needs its reason
    client_for("organiser").post(
        f"/feedback/rectifications/{item.pk}/verify/", {"decision": "reopen", "reason": "佐证材料不足"}
    )
    item.refresh_from_db()
    assert item.status == "open" and item.reopen_reason == "佐证材料不足" and item.closed_at is None
    assert item.updates.filter(text__contains="佐证材料不足").exists()
    actions_done = list(
        AuditEntry.objects.filter(object_id=str(item.pk), object_type="feedback.rectification")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions_done == ["rectification.submit", "rectification.close", "rectification.reopen"]


def test_evidence_is_checked_and_nothing_is_saved_on_a_refusal(items, cast, client_for):
    item = items[0]
    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf")
    answer(client_for("liaison"), item, progress="附件", file=fake)
    item.refresh_from_db()
    assert item.owner == "" and not item.updates.exists()
    good = SimpleUploadedFile("证明.pdf", PDF)
    answer(client_for("liaison"), item, progress="附件", file=good)
    update = item.updates.get()
    assert update.file_name == "证明.pdf"
    download = client_for("assessor").get(f"/feedback/rectifications/{item.pk}/files/{update.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert (
        client_for("outsider").get(f"/feedback/rectifications/{item.pk}/files/{update.pk}/").status_code
        == 404
    )


def test_overdue_items_are_on_the_to_do_of_the_organiser_and_the_unit(items, cast, client_for):
    item = items[0]
    actions.rectification_update(
        actor=cast["liaison"], item=item, owner="甲", measures="乙", deadline=datetime.date(2026, 1, 31)
    )
    today = datetime.date(2026, 2, 1)
    assert list(overdue_rectifications(cast["liaison"], today)) == [item]
    assert list(overdue_rectifications(cast["organiser"], today)) == [item]
    assert list(overdue_rectifications(cast["outsider"], today)) == []
    for name in ("liaison", "organiser"):
        home = client_for(name).get("/").content.decode()
        assert "逾期未完成的整改事项" in home and f"/feedback/rectifications/{item.pk}/" in home
    assert "逾期未完成的整改事项" not in client_for("outsider").get("/").content.decode()


def test_open_items_carry_into_the_next_year(items, cast, roster):
    unit = roster["units"]["a"]
    first = items[0]
    assert set(open_rectifications(unit, 2026)) == set(Rectification.objects.filter(unit=unit))
    assert list(open_rectifications(unit, 2024)) == []
    actions.rectification_update(
        actor=cast["liaison"],
        item=first,
        owner="甲",
        measures="乙",
        deadline=datetime.date(2026, 3, 1),
        progress="完成",
        done=True,
    )
    actions.rectification_close(actor=cast["organiser"], item=first)
    assert first not in set(open_rectifications(unit, 2026))


def test_export_writes_user_text_as_text(items, cast, client_for):
    item = items[0]
    actions.rectification_update(
        actor=cast["liaison"],
        item=item,
        owner='=HYPERLINK("http://x")',
        measures="+1+1",
        deadline=datetime.date(2026, 3, 1),
    )
    response = client_for("organiser").get("/feedback/rectifications/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][4] == "问题" and len(rows) == 1 + 6  # unit A: its team's letter and its two cadres'
    row = next(r for r in rows if r[5] and r[5].startswith("="))
    assert row[5] == '=HYPERLINK("http://x")' and row[6] == "+1+1"
    cell = next(c for c in sheet[rows.index(row) + 1] if c.column == 6)
    assert cell.data_type == "s"
    liaison_rows = openpyxl.load_workbook(
        io.BytesIO(client_for("liaison").get("/feedback/rectifications/?format=xlsx").content)
    ).active.max_row
    assert liaison_rows == 1 + 2  # the unit's own team items only
    assert client_for("clerk").get("/feedback/rectifications/?format=xlsx").status_code == 403


def test_api_has_the_same_checks(items, cast, other_assessor, client_for, client):
    item = items[0]
    url = f"/api/feedback/rectifications/{item.pk}"
    data = {"owner": "甲", "measures": "乙", "deadline": "2026-05-01", "progress": "完成", "done": "true"}
    assert client_for("outsider").post(url, data).status_code == 404
    response = client_for("liaison").post(url, data)
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    client.force_login(other_assessor)
    assert client.post(url + "/verify", {"close": True}, content_type="application/json").status_code == 404
    response = client_for("assessor").post(url + "/verify", {"close": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    response = client_for("assessor").post(
        url + "/verify", {"close": False, "reason": ""}, content_type="application/json"
    )
    assert response.status_code == 422 and "退回理由" in response.json()["errors"]["reason"][0]
    assert [i["id"] for i in client_for("liaison").get("/api/feedback/rectifications").json()] == [
        i.pk for i in items
    ]


def test_the_list_and_its_export_take_as_many_queries_for_many_items(items, cast, client_for, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("organiser")

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = (count("/feedback/rectifications/"), count("/feedback/rectifications/?format=xlsx"))
    for letter in Letter.objects.filter(cycle=world, status="draft"):
        actions.letter_send(actor=cast["organiser"], letter=letter)
    assert Rectification.objects.count() > 2 * items.count()
    assert (count("/feedback/rectifications/"), count("/feedback/rectifications/?format=xlsx")) == few
