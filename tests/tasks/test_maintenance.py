import pytest

from cms.models import Heartbeat
from tasks.maintenance import record_heartbeat
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_task_sent_through_redis_runs_on_the_worker(celery_worker):
    record_heartbeat.delay("ci-check")

    def heartbeat_recorded():
        """the worker recorded the heartbeat"""
        return Heartbeat.objects.filter(source="ci-check").first()

    first = wait_for(heartbeat_recorded)
    record_heartbeat.delay("ci-check")
    wait_for(lambda: Heartbeat.objects.get(source="ci-check").beat_at > first.beat_at)
    # Running it twice updates the one row: a rerun is harmless.
    assert Heartbeat.objects.filter(source="ci-check").count() == 1
