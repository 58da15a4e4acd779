import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from alur.audit.models import AppendOnlyError, AuditChain, AuditEvent
from alur.audit.services import record
from alur.audit.tests.tampering import without_guard as _without_guard


def _verify() -> str:
    try:
        call_command("verify_audit", stdout=open("/dev/null", "w"))  # noqa: SIM115
    except CommandError:
        return "failed"
    return "ok"


@pytest.mark.django_db
def test_events_chain_per_office(events) -> None:
    first, second, third = events
    assert second.seq == first.seq + 1 and third.seq == second.seq + 1
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    chain = AuditChain.objects.get(key="18.72")
    assert (chain.last_seq, chain.last_hash) == (third.seq, third.hash)
    assert _verify() == "ok"


def test_record_refuses_to_run_outside_a_transaction(demo_transactional) -> None:
    from alur.org.models import Office

    metro = Office.objects.get(code="18.72")
    count = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        record(actor=None, office=metro, action="x")
    assert AuditEvent.objects.count() == count


@pytest.mark.django_db
def test_the_orm_cannot_change_or_delete_an_event(events) -> None:
    event = events[0]
    event.reason = "diubah"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db
def test_the_database_refuses_an_update(events) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [events[0].pk])


@pytest.mark.django_db
def test_an_edited_event_is_named(events, capsys) -> None:
    _without_guard(
        "UPDATE audit_auditevent SET reason = 'dipalsukan' WHERE id = %s", [events[1].pk]
    )
    with pytest.raises(CommandError):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"event {events[1].pk} " in err and "edited" in err


@pytest.mark.django_db
def test_a_deleted_event_is_named(events, capsys) -> None:
    _without_guard("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"event {events[2].pk} " in err and "missing" in err


@pytest.mark.django_db
def test_a_deleted_last_event_is_noticed_at_the_head(events, capsys) -> None:
    _without_guard("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert "18.72: chain head" in capsys.readouterr().err


@pytest.mark.django_db
def test_an_event_inserted_out_of_order_is_named(events, capsys) -> None:
    last = events[2]
    forged = AuditEvent.objects.create(
        chain=last.chain,
        office=last.office,
        seq=last.seq + 1,
        actor=None,
        actor_label="X",
        action="forged",
        created_at=last.created_at,
        prev_hash="0" * 64,
        hash="f" * 64,
    )
    with pytest.raises(CommandError):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"event {forged.pk} " in err and "does not link" in err
