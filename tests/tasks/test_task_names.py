"""Work queued before a release must still run after it: task names are a wire format."""

from django.conf import settings

from tasks import celery_app

# Names that messages in Redis, the outbox sweep and beat schedules already carry.
QUEUED_NAMES = {
    "tasks.submissions.process_submission",
    "tasks.submissions.process_submissions",
    "tasks.submissions.rescreen_submission",
    "tasks.submissions.requeue_stalled_submissions",
    "tasks.submissions.purge_unconfirmed_newsletter",
    "tasks.notifications.send_notifications",
    "tasks.notifications.send_notification",
    "tasks.notifications.send_staff_digests",
    "tasks.reviews.close_expired_ballots",
    "tasks.reviews.send_review_reminders",
    "tasks.reviews.flag_closed_terms",
    "tasks.reviews.purge_expired_applicants",
    "tasks.exports.build_export",
    "tasks.exports.purge_old_exports",
    "tasks.donations.create_checkout_session",
    "tasks.donations.process_stripe_event",
    "tasks.donations.reconcile_donations",
    "tasks.donations.send_yearly_summaries",
    "tasks.donations.purge_expired_donations",
    "tasks.maintenance.record_heartbeat",
    "tasks.members.sync_organisation_groups",
    "tasks.members.sync_member_groups",
    "tasks.members.run_renewals",
    "tasks.maintenance.purge_sign_in_records",
    "tasks.mail.send_email",
}


def test_a_worker_knows_every_queued_and_scheduled_task_name():
    celery_app.loader.import_default_modules()  # what a worker does as it starts
    known = set(celery_app.tasks)
    assert sorted(QUEUED_NAMES - known) == []
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert sorted(scheduled - known) == []
    # The plugin's tasks come from the plugin, found by autodiscovery.
    assert celery_app.tasks["tasks.submissions.process_submission"].__module__ == (
        "membership_forms.tasks"
    )
