"""The kept connections: PostgreSQL's health check without a round trip, one Redis client."""

import select

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection, transaction

pytestmark = pytest.mark.django_db(transaction=True)


def _other_connection() -> psycopg.Connection:
    """A second connection to the test database, outside Django."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def _server_side(pid: int) -> tuple[str, str] | None:
    """What PostgreSQL last saw from backend `pid`."""
    with _other_connection() as other:
        return other.execute(
            "SELECT state, query FROM pg_stat_activity WHERE pid = %s", [pid]
        ).fetchone()


def _terminate(pid: int) -> None:
    with _other_connection() as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)


@pytest.fixture
def health_checks():
    """A kept connection with CONN_HEALTH_CHECKS, as the web processes run."""
    connection.ensure_connection()
    connection.health_check_enabled = True
    yield
    connection.close()


def test_an_idle_connection_passes_the_check_without_a_query(health_checks):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last query'")
        pid = connection.connection.info.backend_pid
    assert connection.is_usable()
    # The server saw nothing after the last query: no SELECT 1 was sent.
    assert _server_side(pid) == ("idle", "SELECT 'the last query'")


def test_a_connection_the_server_ended_is_replaced_before_the_next_query(health_checks):
    old_pid = connection.connection.info.backend_pid
    _terminate(old_pid)
    # The server says why and closes the socket; wait for that, not for a fixed time.
    poller = select.poll()
    poller.register(connection.connection.pgconn.socket, select.POLLIN)
    assert poller.poll(5000), "the server never closed the connection"
    assert not connection.is_usable()

    connection.health_check_done = False  # what the start of a request does
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (new_pid,) = cursor.fetchone()
    assert new_pid != old_pid


def test_inside_a_transaction_the_check_asks_the_server(health_checks):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 'in a transaction'")  # BEGIN goes with the first query
        pid = connection.connection.info.backend_pid
        assert connection.is_usable()
        assert _server_side(pid) == ("idle in transaction", "SELECT 1")


def test_the_cache_keeps_one_redis_client():
    backend = cache._cache
    assert backend.get_client() is backend.get_client(write=True)
    cache.set("connections-test", {"a": 1}, 30)
    assert cache.get("connections-test") == {"a": 1}
