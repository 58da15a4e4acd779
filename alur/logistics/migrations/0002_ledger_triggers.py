"""Make the blank ledger hold in the database, not only in the ORM.

Each new line must follow its stock's previous line: the next sequence number, and a balance that
is the previous balance plus the line's quantity (so the sum of the lines is the balance). Posted
lines are never changed: PostgreSQL refuses UPDATE and DELETE (TRUNCATE, used by test flushes and
restores, stays possible for the table owner); SQLite refuses UPDATE, and DELETE stays possible
there because Django flushes SQLite test databases with DELETE (as for the audit trail).
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION logistics_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'posted ledger lines are append-only (% refused)', TG_OP;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER logistics_ledger_append_only BEFORE UPDATE OR DELETE ON logistics_ledgerline
    FOR EACH ROW EXECUTE FUNCTION logistics_ledger_append_only();

CREATE OR REPLACE FUNCTION logistics_ledger_follows() RETURNS trigger AS $$
DECLARE
    prev_seq bigint;
    prev_balance integer;
BEGIN
    SELECT seq, balance INTO prev_seq, prev_balance FROM logistics_ledgerline
        WHERE stock_id = NEW.stock_id ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND THEN
        prev_seq := 0;
        prev_balance := 0;
    END IF;
    IF NEW.seq <> prev_seq + 1 OR NEW.balance <> prev_balance + NEW.quantity THEN
        RAISE EXCEPTION 'ledger line % of stock % does not follow line % (balance %)',
            NEW.seq, NEW.stock_id, prev_seq, prev_balance;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER logistics_ledger_follows BEFORE INSERT ON logistics_ledgerline
    FOR EACH ROW EXECUTE FUNCTION logistics_ledger_follows();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS logistics_ledger_follows ON logistics_ledgerline;
DROP FUNCTION IF EXISTS logistics_ledger_follows();
DROP TRIGGER IF EXISTS logistics_ledger_append_only ON logistics_ledgerline;
DROP FUNCTION IF EXISTS logistics_ledger_append_only();
"""
SQLITE_FORWARD = [
    """
CREATE TRIGGER logistics_ledger_append_only BEFORE UPDATE ON logistics_ledgerline
BEGIN SELECT RAISE(ABORT, 'posted ledger lines are append-only (UPDATE refused)'); END;
""",
    """
CREATE TRIGGER logistics_ledger_follows BEFORE INSERT ON logistics_ledgerline
WHEN NEW.seq <> COALESCE(
        (SELECT MAX(seq) FROM logistics_ledgerline WHERE stock_id = NEW.stock_id), 0) + 1
    OR NEW.balance <> COALESCE(
        (SELECT balance FROM logistics_ledgerline WHERE stock_id = NEW.stock_id
         ORDER BY seq DESC LIMIT 1), 0) + NEW.quantity
BEGIN SELECT RAISE(ABORT, 'ledger line does not follow the previous line of its stock'); END;
""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS logistics_ledger_follows;",
    "DROP TRIGGER IF EXISTS logistics_ledger_append_only;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("logistics", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
