import pytest

from tasks import celery_app

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_ok_with_database_broker_and_worker(client, celery_worker):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "workers": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_names_the_broker_when_redis_is_unreachable(client, monkeypatch):
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("unreachable")
    assert body["failing"] == ["broker", "workers"]


def test_healthz_rejects_other_methods(client):
    assert client.post("/healthz").status_code == 405
