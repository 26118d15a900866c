"""A GIN index for the duplicate lookup (`screening -> 'keys' @> {"email": ...}`).

Built concurrently, so applying it does not lock the submissions table against intake.
"""

from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("membership_forms", "0007_merge_donations")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS mf_submission_duplicate_keys "
            "ON membership_forms_submission USING gin ((screening -> 'keys') jsonb_path_ops)",
            "DROP INDEX CONCURRENTLY IF EXISTS mf_submission_duplicate_keys",
        )
    ]
