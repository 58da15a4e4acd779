"""The audit tables refuse, in the database, what would rewrite the trail quietly.

audit_auditevent: UPDATE is refused except the one shape redaction writes (a version-2 event's
personal values blanked and `redacted_at` set, every hashed column unchanged); DELETE is refused.
audit_auditchain: DELETE is refused, and so is an UPDATE that moves a head back or changes its
key or office. On PostgreSQL TRUNCATE of either table is refused unless the session variable
`alur.allow_flush` is on, which only the `flush` command sets and only where AUDIT_ALLOW_FLUSH
is on (tests; never production). On SQLite the DELETE triggers ask the function
`alur_audit_flush_allowed()` that alur.audit.guard registers on Django's connections, since
SQLite flushes with DELETE.

A database owner can still disable triggers: the signed checkpoints (alur.audit.checkpoints)
are what catch a rewrite made that way.
"""

from django.db import migrations

from alur.audit.guard import register_sqlite_function

KEPT = (
    "id",
    "chain_id",
    "office_id",
    "seq",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "created_at",
    "prev_hash",
    "hash",
    "version",
    "payload_digest",
)

PG_REDACTION = " AND ".join(
    [
        "OLD.redacted_at IS NULL",
        "NEW.redacted_at IS NOT NULL",
        "OLD.version = 2",
        'NEW."before" IS NULL',
        'NEW."after" IS NULL',
        "NEW.reason = ''",
        "NEW.object_label = ''",
        "NEW.payload_salt = ''",
        *(f'NEW."{column}" IS NOT DISTINCT FROM OLD."{column}"' for column in KEPT),
    ]
)

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND {PG_REDACTION} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('alur.allow_flush', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail cannot be truncated (% refused)', TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_auditchain
    FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();

CREATE OR REPLACE FUNCTION audit_chain_forward_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit chain heads only move forward (% refused)', TG_OP;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_auditchain
    FOR EACH ROW EXECUTE FUNCTION audit_chain_forward_only();
CREATE TRIGGER audit_chain_forward_only BEFORE UPDATE ON audit_auditchain
    FOR EACH ROW WHEN (
        NEW.last_seq < OLD.last_seq
        OR NEW.key IS DISTINCT FROM OLD.key
        OR NEW.office_id IS DISTINCT FROM OLD.office_id
    )
    EXECUTE FUNCTION audit_chain_forward_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS audit_chain_forward_only ON audit_auditchain;
DROP TRIGGER IF EXISTS audit_chain_no_delete ON audit_auditchain;
DROP FUNCTION IF EXISTS audit_chain_forward_only();
DROP TRIGGER IF EXISTS audit_chain_no_truncate ON audit_auditchain;
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_no_truncate();
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END
$$ LANGUAGE plpgsql;
"""

SQLITE_REDACTION = " AND ".join(
    [
        "OLD.redacted_at IS NULL",
        "NEW.redacted_at IS NOT NULL",
        "OLD.version = 2",
        'NEW."before" IS NULL',
        'NEW."after" IS NULL',
        "NEW.reason = ''",
        "NEW.object_label = ''",
        "NEW.payload_salt = ''",
        *(f'NEW."{column}" IS OLD."{column}"' for column in KEPT),
    ]
)
SQLITE_FORWARD = [
    # Adding columns rebuilt the table on SQLite, which dropped 0003's trigger.
    "DROP TRIGGER IF EXISTS audit_event_append_only",
    f"""CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_auditevent
    WHEN NOT ({SQLITE_REDACTION})
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
    WHEN NOT alur_audit_flush_allowed()
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END""",
    """CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_auditchain
    WHEN NOT alur_audit_flush_allowed()
    BEGIN SELECT RAISE(ABORT, 'audit chain heads only move forward (DELETE refused)'); END""",
    """CREATE TRIGGER audit_chain_forward_only BEFORE UPDATE ON audit_auditchain
    WHEN NEW.last_seq < OLD.last_seq OR NEW.key IS NOT OLD.key
        OR NEW.office_id IS NOT OLD.office_id
    BEGIN SELECT RAISE(ABORT, 'audit chain heads only move forward (UPDATE refused)'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_chain_forward_only",
    "DROP TRIGGER IF EXISTS audit_chain_no_delete",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_event_append_only",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END""",
]


def _run(schema_editor, postgresql: str, sqlite: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgresql, params=None)
    elif vendor == "sqlite":
        register_sqlite_function(schema_editor.connection)
        for statement in sqlite:
            schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, PG_FORWARD, SQLITE_FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, PG_BACKWARD, SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_event_hash_version")]
    operations = [migrations.RunPython(forward, backward)]
