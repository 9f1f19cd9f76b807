"""Secrecy by construction: nothing in a ballot's rows can lead back to a code, a time or an order, and
the codes stay out of the logs."""

import logging
import uuid

import pytest
from django.db import connection, models

from kaohe.ballots import actions, envelope
from kaohe.ballots.logfilter import MaskBallotCodes, mask
from kaohe.ballots.models import Ballot, BallotEnvelope, BallotItemAnswer, BallotToken, Mark
from kaohe.ballots.tests.conftest import filled

BALLOT_MODELS = (Ballot, Mark, BallotItemAnswer)


@pytest.mark.parametrize("model", BALLOT_MODELS)
def test_no_ballot_row_refers_to_a_code_or_a_time_and_its_id_is_random(model):
    fields = model._meta.get_fields()
    for field in fields:
        related = getattr(field, "related_model", None)
        assert related is not BallotToken, f"{model.__name__}.{field.name} refers to BallotToken"
        assert not isinstance(field, models.DateField | models.TimeField | models.DurationField), field.name
        assert not isinstance(field, models.AutoField | models.BigAutoField), field.name
    pk = model._meta.pk
    assert isinstance(pk, models.UUIDField) and pk.default is uuid.uuid4


def test_a_code_refers_to_no_ballot():
    for field in BallotToken._meta.get_fields():
        assert getattr(field, "related_model", None) not in BALLOT_MODELS, field.name
    assert {f.name for f in BallotToken._meta.concrete_fields} == {
        "id",
        "session",
        "hash",
        "rater_group",
        "used",
        "batch",
        "rehearsal",
    }


@pytest.mark.django_db
def test_no_ballot_table_column_or_index_can_join_to_the_codes_table():
    tokens = BallotToken._meta.db_table
    with connection.cursor() as cursor:
        for model in BALLOT_MODELS:
            table = model._meta.db_table
            columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            assert not any(
                "token" in c or "hash" in c or "code" in c or c.endswith("_at") for c in columns
            ), columns
            for name, constraint in connection.introspection.get_constraints(cursor, table).items():
                target = constraint.get("foreign_key")
                assert not target or target[0] != tokens, (table, name)
    assert {c.name for c in Ballot._meta.concrete_fields} == {"id", "session", "number", "rater_group"}
    assert {c.name for c in Mark._meta.concrete_fields} == {"id", "ballot", "unit", "cadre", "choice"}


@pytest.mark.django_db
def test_the_receipt_is_random_and_unrelated_to_the_code(world):
    code = world["codes"]["下级"][0]
    receipt = actions.ballot_submit(code=code, data=filled(world["session"]))
    assert receipt not in code and code not in receipt
    actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )
    ballot = Ballot.objects.get()
    assert ballot.number == receipt and ballot.id.version == 4


def test_codes_in_paths_and_parameters_are_masked():
    assert mask('"GET /b/K7QM2XHP9RTA4B5C/ HTTP/1.1" 200') == '"GET /b/… HTTP/1.1" 200'
    assert mask("POST /b/?c=K7QM2XHP9RTA4B5C&x=1") == "POST /b/?c=…&x=1"
    assert mask("GET /cycles/2025/sessions/") == "GET /cycles/2025/sessions/"


@pytest.mark.parametrize("name", ["django.request", "gunicorn.error"])
def test_the_loggers_never_write_a_code(name, caplog):
    assert any(isinstance(f, MaskBallotCodes) for f in logging.getLogger(name).filters)
    with caplog.at_level(logging.INFO, logger=name):
        logging.getLogger(name).warning('"%s" %s %s', "GET /b/K7QM2XHP9RTA4B5C/ HTTP/1.1", 200, 512)
        logging.getLogger(name).info("%(r)s %(s)s", {"r": "GET /b/?c=K7QM2XHP9RTA4B5C HTTP/1.1", "s": 200})
    assert "K7QM" not in caplog.text
    assert "/b/…" in caplog.text


@pytest.mark.parametrize("name", ["django.server", "gunicorn.access"])
def test_the_access_logs_keep_no_line_of_the_ballot_pages(name, caplog):
    """Not even masked: its time, address and user agent would say who was at the ballot page when."""
    assert any(isinstance(f, MaskBallotCodes) for f in logging.getLogger(name).filters)
    with caplog.at_level(logging.INFO, logger=name):
        logging.getLogger(name).info('"%s" %s %s', "POST /b/ HTTP/1.1", 200, 512)
        logging.getLogger(name).info('"%s" %s %s', "GET /b/K7QM2XHP9RTA4B5C/ HTTP/1.1", 200, 512)
        logging.getLogger(name).info(
            '%(h)s "%(r)s" %(s)s "%(a)s"',
            {"h": "10.1.2.3", "r": "POST /b/receipt/ HTTP/1.1", "s": 200, "a": "UA"},
        )
        logging.getLogger(name).info('"%s" %s %s', "GET /cycles/2025/sessions/ HTTP/1.1", 200, 512)
    assert "/b/" not in caplog.text and "10.1.2.3" not in caplog.text
    assert "GET /cycles/2025/sessions/" in caplog.text


@pytest.mark.django_db
def test_in_guomi_mode_ballots_are_sealed_with_sm4_and_a_session_sealed_across_a_switch_opens_whole(
    world, settings
):
    codes = world["codes"]["下级"]
    actions.ballot_submit(code=codes[0], data=filled(world["session"]))
    settings.CRYPTO_MODE = "guomi"
    actions.ballot_submit(code=codes[1], data=filled(world["session"]))
    firsts = sorted(bytes(sealed)[:1] for sealed in BallotEnvelope.objects.values_list("sealed", flat=True))
    assert firsts == [envelope.VERSION, envelope.VERSION_SM]
    actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )
    assert Ballot.objects.count() == 2 and not BallotEnvelope.objects.exists()
