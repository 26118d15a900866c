"""Process stored Stripe events again: the failed ones, the stalled ones, or the ones named."""

from django.core.management.base import BaseCommand, CommandError

from membership_forms.services.stripe_events import (
    STALLED_AFTER,
    events_to_replay,
    process_event,
)


class Command(BaseCommand):
    help = (
        "Replay stored Stripe events (--failed, --stalled, or event ids such as evt_123). "
        "An event Stripe delivers again is processed again by itself when it is stored as "
        "failed, or still received and no worker holds it; a processed or ignored one is "
        "only counted. This command covers the rest: failed events Stripe will not send "
        "again (it stops after three days, and never resends an event it got a 200 for "
        "unless someone presses Resend in its dashboard), events whose task the broker "
        "lost, and chosen events to apply again after a fix (harmless on done ones)."
    )

    def add_arguments(self, parser):
        parser.add_argument("event_ids", nargs="*", help="Stripe event ids to process again")
        parser.add_argument("--failed", action="store_true", help="every event marked failed")
        parser.add_argument(
            "--stalled",
            action="store_true",
            help=(
                f"every event still received {STALLED_AFTER.seconds // 60} minutes after "
                "it arrived (its task was lost)"
            ),
        )

    def handle(self, *args, event_ids, failed, stalled, **options):
        if not event_ids and not failed and not stalled:
            raise CommandError("Name event ids or pass --failed or --stalled.")
        pks = events_to_replay(event_ids, failed=failed, stalled=stalled)
        errors = 0
        for pk in pks:
            try:
                process_event(pk, force=True)
            except Exception as error:  # recorded on the event; carry on with the rest
                errors += 1
                self.stderr.write(f"Event {pk} failed again: {error}")
        self.stdout.write(f"Replayed {len(pks) - errors} of {len(pks)} events.")
        if errors:
            raise CommandError(f"{errors} events failed; see their last_error.")
