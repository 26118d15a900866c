"""Trigram indexes for the review queues' search (PostgreSQL's pg_trgm).

A queue's search box looks for its words anywhere in the reference, the applicant's
name and email and the organisation's name (`icontains`: `UPPER(...) LIKE '%WORDS%'`),
the names and emails read from the submission's answers under each kind's own keys.
Without an index every search reads every submission (100,000: 120 ms for the count
alone); with one per searched expression PostgreSQL reads only the matching ones.

PostgreSQL only. pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may
create it. Where it cannot be created the search works as before, without the indexes.
Built concurrently, so applying it does not lock the submissions table against intake.
"""

from django.db import DatabaseError, migrations

# The review queues' kinds' contact keys (kinds/*.py contact_fields) and organisation_name.
ANSWER_KEYS = (
    "contact_name",
    "contact_email",
    "organisation_name",
    "full_name",
    "email",
    "donor_name",
    "donor_email",
)
EXPRESSIONS = {
    "mf_submission_reference_trgm": "upper((reference)::text)",
    **{f"mf_submission_{key}_trgm": f"upper((payload ->> '{key}'))" for key in ANSWER_KEYS},
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return  # not allowed here: the search stays unindexed, as before
    for name, expression in EXPRESSIONS.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
            f"ON membership_forms_submission USING gin ({expression} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in EXPRESSIONS:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("membership_forms", "0025_review_queue_listing_index")]

    operations = [migrations.RunPython(create, drop)]
