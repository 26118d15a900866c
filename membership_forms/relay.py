"""Publishing off the request's path: a thread per process that sends queued ids in batches.

The web process hands each committed submission's id to the relay and answers the
visitor at once. The relay's thread waits `linger` seconds after the first id for more
to arrive, then publishes them as one message (up to `batch` ids): under load one broker
round trip and one message build serve many submissions, and a slow or dead broker
never holds up a request. A quiet site pays the linger (50 ms) once per submission; a
backlog goes out batch after batch without it.

Nothing here needs to be durable: the submission table is the outbox. Ids still in
memory when a process is killed are found by the sweep (`requeue_stalled_submissions`);
a process that exits normally publishes what it holds first (atexit).
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Relay:
    def __init__(
        self, publish: Callable[[list[int]], None], batch: Callable[[], int], linger: float = 0.05
    ):
        self._publish = publish
        self._batch = batch
        self._linger = linger
        self._pending: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._idle = threading.Condition()
        self._in_flight = 0
        self._pid: int | None = None
        self._start_lock = threading.Lock()

    def put(self, item: int) -> None:
        self._ensure_thread()
        with self._idle:
            self._in_flight += 1
        self._pending.put(item)

    def flush(self, timeout: float = 10) -> bool:
        """Wait until everything put so far was handed to the broker (or failed)."""
        if self._pid != os.getpid():  # nothing was put in this process
            return True
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout)

    def _ensure_thread(self) -> None:
        # After a fork (gunicorn --preload, Celery's prefork pool) the parent's thread is
        # gone: each process starts its own on first use.
        if self._pid == os.getpid():
            return
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._pending = queue.SimpleQueue()
            self._idle = threading.Condition()  # a lock copied by fork may be held
            self._in_flight = 0
            thread = threading.Thread(target=self._run, name="submission-relay", daemon=True)
            thread.start()
            atexit.register(self._drain_at_exit)
            self._pid = os.getpid()

    def _run(self) -> None:
        while True:
            items = [self._pending.get()]
            try:
                limit = max(1, self._batch())
            except Exception:  # the thread must outlive a bad setting
                logger.exception("Could not read the batch size; sending one at a time")
                limit = 1
            # Linger for more, unless a full batch is waiting already (a flood, or what
            # piled up during the last publish): a backlog goes out batch after batch, so
            # the relay keeps up with any rate rather than one batch per linger. Sleep
            # rather than wait on the queue: a thread woken for every id would cost the
            # request threads a switch each.
            if self._pending.qsize() < limit - 1:
                time.sleep(self._linger)
            while len(items) < limit:
                try:
                    items.append(self._pending.get_nowait())
                except queue.Empty:
                    break
            self._send(items)

    def _send(self, items: list[int]) -> None:
        try:
            self._publish(items)
        except Exception:
            logger.exception("Could not queue submissions %s; the sweep will", items)
        finally:
            with self._idle:
                self._in_flight -= len(items)
                self._idle.notify_all()

    def _drain_at_exit(self) -> None:
        if self._pid != os.getpid():
            return
        if not self.flush(timeout=5):
            logger.warning("Exiting with submissions not yet queued; the sweep will queue them")
