"""bench/pipeline.py's floor for a submission's emails: a Celery task that sends two small
emails (an acknowledgement to the applicant, an alert to the staff) over one SMTP
connection through Django's backend, with no database, template or translation at all.

Registered in a worker under `cms.settings.bench` (this app is installed there and the
Celery app autodiscovers each installed app's `tasks` module); not routed to a duty, so
it runs from the default queue.
"""

from celery import shared_task
from django.core.mail import EmailMessage, get_connection

STAFF = "staff@example.org"


@shared_task(name="bench.two_emails", ignore_result=True)
def two_emails(number: int) -> int:
    """The two emails of would-be submission `number`: how many the server accepted."""
    connection = get_connection()
    applicant = f"bench{number}@org{number}.example.org"
    messages = [
        EmailMessage(
            f"We received your application (BENCH-{number})",
            "Thank you for applying. We will write to you once it has been reviewed.\n",
            to=[applicant],
            connection=connection,
        ),
        EmailMessage(
            f"New application BENCH-{number}: Bench Org {number}",
            f"Bench Org {number} ({applicant}) applied for membership.\n",
            to=[STAFF],
            connection=connection,
        ),
    ]
    return connection.send_messages(messages)
