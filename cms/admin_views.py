"""Operators' report: each periodic task's last run and failure, and what waits on workers."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import user_passes_test
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from membership_forms.conf import get_setting
from membership_forms.models import Submission, SubmissionStatus

from .models import TaskRun


@user_passes_test(lambda user: user.is_active and user.is_superuser)
def task_report(request):
    runs = {run.name: run for run in TaskRun.objects.all()}
    rows = []
    for label, entry in sorted(settings.CELERY_BEAT_SCHEDULE.items()):
        rows.append({"label": label, "task": entry["task"], "run": runs.get(entry["task"])})
    cutoff = timezone.now() - timedelta(seconds=get_setting("REQUEUE_AFTER"))
    return TemplateResponse(
        request,
        "cms/admin/task_report.html",
        {
            "rows": rows,
            "stalled": Submission.objects.filter(
                status=SubmissionStatus.RECEIVED, submitted_at__lte=cutoff
            ).count(),
            "failed": Submission.objects.filter(status=SubmissionStatus.FAILED).count(),
            "header_title": _("Background tasks"),
        },
    )
