from datetime import timedelta

import pytest
from celery import Celery
from django.utils import timezone

from cms.models import Heartbeat
from cms.operations import BEAT_SOURCE, HeartbeatScheduler, record_heartbeat
from tasks import celery_app

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_ok_with_database_broker_worker_and_beat(client, celery_worker):
    record_heartbeat(BEAT_SOURCE)  # what beat writes at each tick
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "workers": "ok", "beat": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_names_beat_when_its_heartbeat_is_old(client, celery_worker, settings):
    record_heartbeat(BEAT_SOURCE)
    late = timezone.now() - timedelta(seconds=settings.BEAT_HEARTBEAT_MAX_AGE + 30)
    Heartbeat.objects.filter(source=BEAT_SOURCE).update(beat_at=late)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["beat"].startswith("no heartbeat for 9")  # seconds, from the default 60 + 30
    assert body["failing"] == ["beat"]
    assert (body["database"], body["broker"], body["workers"]) == ("ok", "ok", "ok")


def test_healthz_names_beat_that_never_ran(client, celery_worker):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["beat"] == "no heartbeat yet"
    assert response.json()["failing"] == ["beat"]


def test_beat_records_its_heartbeat_as_it_ticks(tmp_path):
    """The scheduler beat runs (CELERY_BEAT_SCHEDULER) writes the heartbeat /healthz reads."""
    app = Celery(set_as_current=False)  # no periodic task: this tick sends nothing
    scheduler = HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "schedule"))
    before = timezone.now()
    scheduler.tick()
    heartbeat = Heartbeat.objects.get(source=BEAT_SOURCE)
    assert before <= heartbeat.beat_at <= timezone.now()  # written by this tick
    scheduler.tick()  # again at once: the heartbeat is written every few seconds, not more
    assert Heartbeat.objects.get(source=BEAT_SOURCE).beat_at == heartbeat.beat_at
    scheduler.close()  # releases beat's lock (cms.beatlock)


def test_a_second_beat_waits_while_the_first_holds_the_lock(tmp_path):
    """Another beat (another host) sends nothing and writes no heartbeat while one runs;
    it takes over, heartbeat included, once the first stops."""
    app = Celery(set_as_current=False)
    first = HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "first"))
    second = HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "second"))
    try:
        first.tick()
        Heartbeat.objects.filter(source=BEAT_SOURCE).delete()
        assert second.tick() <= HeartbeatScheduler.lock_retry  # it tries again soon
        assert not Heartbeat.objects.filter(source=BEAT_SOURCE).exists()
        first.close()
        second.tick()
        assert Heartbeat.objects.filter(source=BEAT_SOURCE).exists()
    finally:
        first.close()
        second.close()


def test_healthz_names_the_broker_when_redis_is_unreachable(client, monkeypatch):
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    record_heartbeat(BEAT_SOURCE)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("unreachable")
    assert body["failing"] == ["broker", "workers"]


def test_healthz_rejects_other_methods(client):
    assert client.post("/healthz").status_code == 405


def test_readiness_asks_the_database_cache_and_broker_only(client):
    """A load balancer keeps a web process that can serve, with no worker or beat to ask
    (they are shared: their absence would take every web process out at once)."""
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_names_an_unreachable_cache(client, settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["cache"].startswith("unreachable")
    assert (body["database"], body["broker"], body["failing"]) == ("ok", "ok", ["cache"])


def test_readiness_names_an_unreachable_broker(client, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_liveness_answers_without_asking_any_shared_service(
    client, settings, monkeypatch, django_assert_num_queries
):
    """An outage of Redis or the broker must not get every web process restarted."""
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    }
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client.post("/healthz/live").status_code == 405
