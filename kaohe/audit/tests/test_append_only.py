"""The audit log only grows: the model, its QuerySet and (on PostgreSQL) a trigger refuse changes."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from kaohe.accounts.actors import SystemActor
from kaohe.accounts.models import Role, User
from kaohe.audit.actions import audit_record, audit_verify
from kaohe.audit.models import AuditEntry, AuditHead
from kaohe.audit.tests.chain import make_chain

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_raises():
    with pytest.raises(RuntimeError, match="inside a transaction"):
        audit_record(actor=SystemActor("system"), action="unit.update", object_type="org.unit", object_id="1")
    assert not AuditEntry.objects.exists()
    assert not AuditHead.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_no_audit_entry():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor=SystemActor("system"), action="unit.update", object_type="org.unit", object_id="1")
        1 / 0  # noqa: B018
    assert not AuditEntry.objects.exists()
    with transaction.atomic():
        audit_record(actor=SystemActor("system"), action="unit.update", object_type="org.unit", object_id="1")
    assert AuditEntry.objects.get().seq == 1
    assert audit_verify() is None


def test_saving_an_existing_entry_raises(cast):
    make_chain(cast["organiser"], count=1)
    entry = AuditEntry.objects.get()
    entry.actor_name = "someone-else"
    with pytest.raises(ValueError, match="只能追加"):
        entry.save()
    assert AuditEntry.objects.get().actor_name == "organiser"


def test_deleting_an_entry_raises(cast):
    make_chain(cast["organiser"], count=1)
    with pytest.raises(ValueError, match="只能追加"):
        AuditEntry.objects.get().delete()
    assert AuditEntry.objects.count() == 1


def test_bulk_update_and_delete_raise(cast):
    make_chain(cast["organiser"], count=2)
    with pytest.raises(ValueError):
        AuditEntry.objects.filter(seq=1).update(actor_name="x")
    with pytest.raises(ValueError):
        AuditEntry.objects.all().delete()
    assert audit_verify() is None


def test_an_account_named_in_the_audit_cannot_be_deleted(cast):
    make_chain(cast["organiser"], count=1)
    with pytest.raises(ProtectedError):
        cast["organiser"].delete()


def test_an_account_not_named_in_the_audit_can_still_be_deleted(db):
    User.objects.create_user(username="typo", role=Role.LEADER).delete()


@postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET actor_name = 'x' WHERE seq = 1",
        "DELETE FROM audit_auditentry WHERE seq = 1",
    ],
)
def test_postgresql_refuses_update_and_delete_even_in_raw_sql(cast, statement):
    make_chain(cast["organiser"], count=2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert audit_verify() is None


@postgres_only
def test_postgresql_still_lets_entries_be_appended(cast):
    make_chain(cast["organiser"], count=3)
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3]
