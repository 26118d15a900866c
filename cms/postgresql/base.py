"""Django's PostgreSQL backend, with a connection health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first query of every request
on a kept connection: one more round trip on each submission. Here an idle connection is
judged from the client's side instead. libpq must see it open and outside a transaction,
and its socket must have nothing to read: a server that shuts down, restarts or ends the
backend sends its reason and closes the socket, which makes it readable, while an idle
connection otherwise receives nothing (the site uses no LISTEN). A readable socket closes
the connection and the request opens a new one, as after a failed `SELECT 1`. A
connection in any other state still gets Django's `SELECT 1`.

A server that vanishes without closing the socket (a cut network) is not caught this way;
it is not caught by `SELECT 1` either before the socket's timeout.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        if connection.pgconn.status != pq.ConnStatus.OK:
            return False
        poller = select.poll()
        poller.register(connection.pgconn.socket, select.POLLIN)
        return not poller.poll(0)  # POLLIN, or POLLHUP/POLLERR: the server spoke or left
