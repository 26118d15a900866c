"""A GIN index for the duplicate lookup (`screening -> 'keys' @> {"email": ...}`).

PostgreSQL only (other databases do the same lookup without it). Built concurrently, so
applying it does not lock the submissions table against intake.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS mf_submission_duplicate_keys "
    "ON membership_forms_submission USING gin ((screening -> 'keys') jsonb_path_ops)"
)
DROP = "DROP INDEX CONCURRENTLY IF EXISTS mf_submission_duplicate_keys"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("membership_forms", "0007_merge_donations")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
