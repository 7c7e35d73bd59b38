"""On PostgreSQL, the audit table refuses UPDATE, and DELETE of rows younger than the
legal minimum (183 days), even from raw SQL by the application's own role. (TRUNCATE is a table owner's right:
docs/SECURITY.md has the application run as a role that does not own the tables.)"""

from django.db import migrations

TABLE = "core_auditevent"

CREATE = f"""
CREATE OR REPLACE FUNCTION fazhi_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit log is append-only: UPDATE refused';
  END IF;
  IF TG_OP = 'DELETE' AND OLD.at > now() - interval '183 days' THEN
    RAISE EXCEPTION 'audit log rows are kept at least 183 days: DELETE refused';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS fazhi_audit_append_only ON {TABLE};
CREATE TRIGGER fazhi_audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION fazhi_audit_append_only();
"""

DROP = f"""
DROP TRIGGER IF EXISTS fazhi_audit_append_only ON {TABLE};
DROP FUNCTION IF EXISTS fazhi_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_alter_auditevent_event")]
    operations = [migrations.RunPython(forwards, backwards)]
