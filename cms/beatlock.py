"""One beat, however many hosts: a PostgreSQL advisory lock the running beat holds.

Every host may run `celery beat`; the one holding the lock sends the periodic tasks, the
others wait and try again every few seconds. The lock is a session lock on a connection
of its own (not Django's, which beat closes and reopens), so it lasts exactly as long as
that connection: a beat that exits or is killed releases it at once; a host that vanishes
releases it when PostgreSQL finds the connection dead (TCP keepalives, below). With
SQLite, which no second host can share, there is no lock to take.
docs/operations.md, "One beat".
"""

import contextlib
import logging

import psycopg
from django.db import connections

logger = logging.getLogger(__name__)

# pg_try_advisory_lock's key: "beat" in ASCII. Locks are per database, so two sites on
# one PostgreSQL server (with different databases) each keep their own beat.
BEAT_LOCK_KEY = 0x62656174

# How PostgreSQL finds a vanished host's connection dead: idle 10 s, then 3 probes 5 s
# apart, so a standby takes over within about 25 s plus its retry interval.
KEEPALIVES: dict[str, object] = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 25000,
}


class BeatLock:
    """`held()` says, at each beat tick, whether this process is the one beat."""

    def __init__(self, key: int = BEAT_LOCK_KEY, alias: str = "default") -> None:
        self.key = key
        self.alias = alias
        self.conn: psycopg.Connection | None = None
        self.holding = False

    def _connect(self) -> psycopg.Connection:
        db = connections[self.alias].settings_dict
        return psycopg.connect(
            dbname=db["NAME"],
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            connect_timeout=2,
            application_name="celery beat lock",
            autocommit=True,
            **KEEPALIVES,  # type: ignore[arg-type]
        )

    def held(self) -> bool:
        if connections[self.alias].vendor != "postgresql":
            return True  # SQLite (`make run`'s default) lives on one host: one beat anyway
        try:
            if self.conn is None or self.conn.closed:
                self.holding = False
                self.conn = self._connect()
            if self.holding:
                self.conn.execute("SELECT 1")  # the lock lives as long as this connection
            else:
                row = self.conn.execute("SELECT pg_try_advisory_lock(%s)", [self.key]).fetchone()
                self.holding = bool(row and row[0])
                if self.holding:
                    logger.info("beat holds the lock: it sends the periodic tasks")
        except psycopg.Error:
            if self.holding:
                logger.warning("beat lost its lock (database connection)", exc_info=True)
            self.release()
        return self.holding

    def release(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(psycopg.Error):
                if self.holding:
                    # At once: closing alone frees it only when the server's backend exits.
                    self.conn.execute("SELECT pg_advisory_unlock(%s)", [self.key])
            with contextlib.suppress(psycopg.Error):
                self.conn.close()  # ends the session: PostgreSQL releases the lock
            self.conn = None
        self.holding = False
