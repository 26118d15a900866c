"""An index for a review queue's listing: its items in the order they were received.

The listing opens on a queue's open items, oldest first, 50 at a time; with this index
PostgreSQL reads the first page in order and stops after it instead of sorting the whole
queue (100,000 items: 140 ms to a few). The id ends it as it ends the listing's ordering.
PostgreSQL only (SQLite reads the same without it), built concurrently so that applying
it does not lock the reviews table.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS mf_review_queue_received "
    "ON membership_forms_review (queue, submitted_at, id)"
)
DROP = "DROP INDEX CONCURRENTLY IF EXISTS mf_review_queue_received"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("membership_forms", "0024_integrity_permission")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
