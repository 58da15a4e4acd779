"""Rewrites of the trail that keep every link consistent are caught by the signed checkpoint;
what the database itself can refuse, it refuses."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from alur.audit import checkpoints
from alur.audit.hashing import event_hash_v2, payload_digest
from alur.audit.models import AuditChain, AuditEvent
from alur.audit.services import REDACT_ACTION, redact
from alur.audit.tests.tampering import without_guard


def _damage(capsys: pytest.CaptureFixture[str]) -> str:
    """What verify_audit says when it refuses; fails the test when it says "intact"."""
    capsys.readouterr()
    with pytest.raises(CommandError):
        call_command("verify_audit")
    return capsys.readouterr().err


def _intact(capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    call_command("verify_audit")
    return capsys.readouterr().out


@pytest.mark.django_db
def test_tail_deletion_with_head_moved_back_is_reported(events, capsys) -> None:
    checkpoints.write()
    kept = events[1]
    without_guard("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    without_guard(
        "UPDATE audit_auditchain SET last_seq = %s, last_hash = %s WHERE id = %s",
        [kept.seq, kept.hash, kept.chain_id],
    )
    err = _damage(capsys)
    assert "18.72: chain head" in err
    assert f"chain ends at seq {kept.seq}" in err and "head moved back" in err


@pytest.mark.django_db
def test_lost_chain_is_reported(events, capsys) -> None:
    checkpoints.write()
    chain_id = events[0].chain_id
    without_guard("DELETE FROM audit_auditevent WHERE chain_id = %s", [chain_id])
    without_guard("DELETE FROM audit_auditchain WHERE id = %s", [chain_id])
    err = _damage(capsys)
    assert "18.72: chain head: chain lost" in err and f"seq {events[2].seq}" in err


@pytest.mark.django_db
def test_truncate_refused_on_postgresql(events) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's; SQLite's DELETE is refused by its own trigger")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for statement in (
        "TRUNCATE audit_auditevent, audit_auditchain",
        "TRUNCATE audit_auditevent, audit_auditchain CASCADE",
    ):
        with (
            pytest.raises(DatabaseError, match="cannot be truncated"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AuditEvent.objects.filter(pk=events[0].pk).exists()


@pytest.mark.django_db
def test_delete_refused_by_the_database(events) -> None:
    for statement, row in (
        ("DELETE FROM audit_auditevent WHERE id = %s", events[2].pk),
        ("DELETE FROM audit_auditchain WHERE id = %s", events[2].chain_id),
        ("UPDATE audit_auditchain SET last_seq = 1 WHERE id = %s", events[2].chain_id),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [row])
    assert AuditEvent.objects.filter(pk=events[2].pk).exists()


@pytest.mark.django_db
def test_truncate_reported_by_checkpoint(events, capsys) -> None:
    checkpoints.write()
    chains = AuditChain.objects.count()
    if connection.vendor == "postgresql":
        without_guard("TRUNCATE audit_auditevent, audit_auditchain", [])
    else:
        without_guard("DELETE FROM audit_auditevent", [])
        without_guard("DELETE FROM audit_auditchain", [])
    assert not AuditEvent.objects.exists()
    err = _damage(capsys)
    assert f"counted {chains} chains, the database holds 0 (tables emptied" in err
    assert "18.72: chain head: chain lost" in err


@pytest.mark.django_db
def test_rehash_with_event_hash_is_reported(events, capsys) -> None:
    """The attack the chain alone cannot see: edit an event, re-hash it and every event after
    it with the public hash functions, move the head. Only the signed checkpoint knows."""
    checkpoints.write()
    chain = AuditChain.objects.get(pk=events[0].chain_id)
    rows = list(AuditEvent.objects.filter(chain=chain, seq__gte=events[0].seq).order_by("seq"))
    prev_hash = rows[0].prev_hash
    for row in rows:
        reason = "dipalsukan" if row.pk == events[0].pk else row.reason
        digest = payload_digest(
            salt=row.payload_salt,
            before=row.before,
            after=row.after,
            reason=reason,
            object_label=row.object_label,
        )
        new_hash = event_hash_v2(
            chain_key=chain.key,
            office_id=row.office_id,
            seq=row.seq,
            actor_id=row.actor_id,
            actor_label=row.actor_label,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            payload_digest=digest,
            created_at=row.created_at,
            prev_hash=prev_hash,
        )
        without_guard(
            "UPDATE audit_auditevent SET reason = %s, payload_digest = %s, prev_hash = %s, "
            "hash = %s WHERE id = %s",
            [reason, digest, prev_hash, new_hash, row.pk],
        )
        prev_hash = new_hash
    without_guard("UPDATE audit_auditchain SET last_hash = %s WHERE id = %s", [prev_hash, chain.pk])
    err = _damage(capsys)
    assert f"18.72: event {events[2].pk} (seq {events[2].seq})" in err
    assert "differs from the signed checkpoint" in err and "re-hashed" in err
    # Every link and every hash holds: without the checkpoint the rewrite would pass.
    checkpoints.path().unlink()
    assert "audit trail intact" in _intact(capsys)


@pytest.mark.django_db
def test_office_id_change_is_reported(events, office, capsys) -> None:
    waykanan = office("18.08")
    without_guard(
        "UPDATE audit_auditevent SET office_id = %s WHERE id = %s", [waykanan.pk, events[1].pk]
    )
    err = _damage(capsys)
    assert f"18.72: event {events[1].pk} " in err and "office changed" in err


@pytest.mark.django_db
def test_office_is_in_the_hash(events) -> None:
    event = AuditEvent.objects.get(pk=events[1].pk)
    fields = {
        "chain_key": "18.72",
        "seq": event.seq,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "payload_digest": event.payload_digest,
        "created_at": event.created_at,
        "prev_hash": event.prev_hash,
    }
    assert event.version == 2
    assert event_hash_v2(office_id=event.office_id, **fields) == event.hash
    assert event_hash_v2(office_id=event.office_id + 1, **fields) != event.hash


@pytest.mark.django_db
def test_forged_checkpoint_is_reported(events, settings, capsys) -> None:
    checkpoints.write()
    # Someone without the key writes a checkpoint of their own (a rewritten chain's heads).
    settings.AUDIT_CHECKPOINT_KEY = "a key the installation does not use"
    checkpoints.write(force=True)
    settings.AUDIT_CHECKPOINT_KEY = ""
    err = _damage(capsys)
    assert "checkpoint: checkpoint line 2" in err and "signature does not match" in err
    # And a line edited by hand (a seq moved back) fails its signature too.
    path = checkpoints.path()
    lines = path.read_text().splitlines()
    first = json.loads(lines[0])
    first["chains"][0]["seq"] = 0
    path.write_text(json.dumps(first) + "\n")
    assert "checkpoint line 1" in _damage(capsys)


@pytest.mark.django_db
def test_checkpoint_only_when_a_head_moved(events) -> None:
    assert checkpoints.write() is not None
    assert checkpoints.write() is None
    reading = checkpoints.read()
    assert reading.lines == 1 and not reading.problems
    assert reading.last.heads["18.72"].seq == events[2].seq


@pytest.mark.django_db
def test_redaction_keeps_chain_intact(events, client, persona, capsys) -> None:
    checkpoints.write()
    done = redact(before=timezone.now() + timedelta(seconds=1))
    assert done["18.72"] >= 3
    blanked = AuditEvent.objects.get(pk=events[1].pk)
    assert blanked.redacted_at is not None
    assert (blanked.before, blanked.after, blanked.reason, blanked.payload_salt) == (
        None,
        None,
        "",
        "",
    )
    assert blanked.hash == events[1].hash and blanked.payload_digest == events[1].payload_digest
    marker = AuditEvent.objects.filter(chain_id=blanked.chain_id, action=REDACT_ACTION).get()
    assert marker.after["through_seq"] >= events[2].seq
    out = _intact(capsys)
    assert "redacted" in out and "signed checkpoint" in out
    client.force_login(persona("metro.kadis"))
    page = client.get("/kantor/18.72/audit/")
    assert page.status_code == 200 and "(disamarkan)" in page.content.decode()


@pytest.mark.django_db
def test_blanking_outside_redaction_is_reported(events, capsys) -> None:
    """The one UPDATE the triggers let through (the shape of a redaction) still shows when no
    redaction event covers it."""
    from django.db.models import QuerySet

    QuerySet.update(
        AuditEvent.objects.filter(pk=events[1].pk),
        before=None,
        after=None,
        reason="",
        object_label="",
        payload_salt="",
        redacted_at=timezone.now(),
    )
    err = _damage(capsys)
    assert "18.72: chain head" in err and "without a redaction event" in err


@pytest.mark.django_db
def test_the_database_refuses_any_other_update(events) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET reason = '', redacted_at = %s, payload_salt = '', "
            "before = NULL, after = NULL, object_label = '', hash = 'x' WHERE id = %s",
            [timezone.now(), events[1].pk],
        )


@pytest.mark.django_db
def test_old_events_verify_by_their_version(office, capsys) -> None:
    """Events written before version 2 keep their hash: they are checked as they were written,
    never re-hashed, and an edit to one is still named."""
    from alur.audit.hashing import event_hash

    bandar = office("18.08")
    chain, _ = AuditChain.objects.get_or_create(key=bandar.code, defaults={"office": bandar})
    prev, seq = chain.last_hash, chain.last_seq
    values = {
        "actor_id": None,
        "actor_label": "Sistem",
        "action": "lama.catat",
        "object_type": "",
        "object_id": "",
        "object_label": "Ani Lestari",
        "before": None,
        "after": {"nik": "1871010101900001"},
        "reason": "sebelum versi 2",
        "created_at": timezone.now() - timedelta(days=4000),
    }
    old = []
    for _ in range(2):
        seq += 1
        digest = event_hash(chain_key=chain.key, seq=seq, prev_hash=prev, **values)
        old.append(
            AuditEvent.objects.create(
                chain=chain, office=bandar, seq=seq, prev_hash=prev, hash=digest, **values
            )
        )
        prev = digest
    without_guard(
        "UPDATE audit_auditchain SET last_seq = %s, last_hash = %s WHERE id = %s",
        [seq, prev, chain.pk],
    )
    assert {event.version for event in old} == {1}
    assert "audit trail intact" in _intact(capsys)
    # Redaction leaves them (their hash covers the values) and the chain stays intact.
    redact(before=timezone.now())
    assert AuditEvent.objects.get(pk=old[0].pk).reason == "sebelum versi 2"
    assert "audit trail intact" in _intact(capsys)
    without_guard("UPDATE audit_auditevent SET reason = 'diubah' WHERE id = %s", [old[0].pk])
    err = _damage(capsys)
    assert f"event {old[0].pk} " in err and "edited" in err


@pytest.mark.django_db
def test_restore_is_checked_against_the_checkpoint_of_its_moment(events, capsys) -> None:
    first = checkpoints.write()
    kept = events[1]
    # Later events and a later checkpoint; then the database goes back to an earlier backup.
    with transaction.atomic():
        from alur.audit.services import record

        record(actor=None, office=events[0].office, action="test.later")
    later = checkpoints.write()
    assert first is not None and later is not None
    without_guard(
        "DELETE FROM audit_auditevent WHERE chain_id = %s AND seq > %s",
        [kept.chain_id, events[2].seq],
    )
    without_guard(
        "UPDATE audit_auditchain SET last_seq = %s, last_hash = %s WHERE id = %s",
        [events[2].seq, events[2].hash, kept.chain_id],
    )
    assert "head moved back" in _damage(capsys)
    capsys.readouterr()
    call_command("verify_audit", checkpoint_until=first.at)
    assert first.at in capsys.readouterr().out
    with pytest.raises(CommandError, match="tidak terbaca"):
        call_command("verify_audit", checkpoint_until="kemarin")


@pytest.mark.django_db
def test_flush_refused_where_not_allowed(events, settings) -> None:
    settings.AUDIT_ALLOW_FLUSH = False
    with pytest.raises(CommandError, match="tidak boleh dikosongkan"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.filter(pk=events[0].pk).exists()


@pytest.mark.django_db
def test_the_periodic_tasks_checkpoint_and_redact(events, settings) -> None:
    from alur.audit.tasks import checkpoint_chains, redact_expired

    checkpoint_chains()
    assert checkpoints.read().last.heads["18.72"].seq == events[2].seq
    settings.AUDIT_RETENTION_DAYS = -1  # everything written so far has outlived its retention
    redact_expired()
    assert AuditEvent.objects.get(pk=events[0].pk).redacted_at is not None
    checkpoint_chains()
    assert checkpoints.read().last.heads["18.72"].seq > events[2].seq  # the redaction event
    # A later run leaves the redaction events as they are: they vouch for the blanks.
    redact_expired()
    assert not AuditEvent.objects.filter(action=REDACT_ACTION, redacted_at__isnull=False)
    call_command("verify_audit")
