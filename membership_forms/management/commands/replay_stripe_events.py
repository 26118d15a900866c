"""Process stored Stripe events again: the failed ones, or the ones named."""

from django.core.management.base import BaseCommand, CommandError

from membership_forms.services.stripe_events import events_to_replay, process_event


class Command(BaseCommand):
    help = "Replay stored Stripe events (--failed, or event ids such as evt_123)."

    def add_arguments(self, parser):
        parser.add_argument("event_ids", nargs="*", help="Stripe event ids to process again")
        parser.add_argument("--failed", action="store_true", help="every event marked failed")

    def handle(self, *args, event_ids, failed, **options):
        if not event_ids and not failed:
            raise CommandError("Name event ids or pass --failed.")
        pks = events_to_replay(event_ids, failed=failed)
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
