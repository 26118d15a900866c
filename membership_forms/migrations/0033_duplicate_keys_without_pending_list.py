"""The duplicate lookup's GIN index without a pending list (`fastupdate = off`).

With GIN's default, new entries wait in a pending list that every lookup reads through
until a vacuum merges it: screening looks up duplicates for every submission, and under
a flood each lookup read thousands of pending entries (milliseconds each, and the
planner turned to scanning the whole table). Without it an insert updates the index at
once, a few keys per submission, and a lookup takes tens of microseconds. The search
indexes (trigrams, migration 0026) keep their pending list: submissions write them
often and only staff's searches read them.
"""

from django.db import migrations

# Each statement in its own transaction (the migration is not atomic): the ALTER's
# exclusive lock on the index lasts a moment, not while the pending list is merged.
ALTER = [
    "ALTER INDEX IF EXISTS mf_submission_duplicate_keys SET (fastupdate = off)",
    "SELECT gin_clean_pending_list(to_regclass('mf_submission_duplicate_keys')) "
    "WHERE to_regclass('mf_submission_duplicate_keys') IS NOT NULL",
]
RESET = ["ALTER INDEX IF EXISTS mf_submission_duplicate_keys RESET (fastupdate)"]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("membership_forms", "0032_erasure_request_kind")]

    operations = [migrations.RunPython(_on_postgresql(ALTER), _on_postgresql(RESET))]
