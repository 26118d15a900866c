"""The relay that publishes submissions off the request's path, in batches."""

import os
import threading

from membership_forms.relay import Relay


class Broker:
    """Records what the relay publishes; can be told to fail or to hold a publish."""

    def __init__(self, fail: bool = False):
        self.batches: list[list[int]] = []
        self.fail = fail
        self.release = threading.Event()
        self.release.set()

    def publish(self, ids: list[int]) -> None:
        self.release.wait(10)
        if self.fail:
            raise ConnectionError("broker down")
        self.batches.append(list(ids))


def test_ids_put_together_go_out_as_one_message():
    broker = Broker()
    relay = Relay(broker.publish, batch=lambda: 20, linger=0.2)
    for submission_id in range(1, 6):
        relay.put(submission_id)
    assert relay.flush(timeout=5)
    assert broker.batches == [[1, 2, 3, 4, 5]]


def test_a_batch_holds_at_most_the_batch_size_and_nothing_is_lost():
    broker = Broker()
    broker.release.clear()  # the first publish waits, so the rest pile up behind it
    relay = Relay(broker.publish, batch=lambda: 3, linger=0)
    for submission_id in range(1, 9):
        relay.put(submission_id)
    broker.release.set()
    assert relay.flush(timeout=5)
    assert all(len(batch) <= 3 for batch in broker.batches)
    assert sorted(i for batch in broker.batches for i in batch) == list(range(1, 9))


def test_a_backlog_goes_out_without_waiting_a_linger_per_batch():
    """A flood faster than one batch per linger: the ids already waiting are published
    batch after batch, so the relay keeps up (here 50 batches in far less than 50
    lingers of 1 s) and a process that exits has nothing left behind."""
    broker = Broker()
    broker.release.clear()  # the flood arrives during the first publish
    relay = Relay(broker.publish, batch=lambda: 20, linger=1.0)
    relay.put(0)
    for submission_id in range(1, 1001):
        relay.put(submission_id)
    broker.release.set()
    assert relay.flush(timeout=10)
    assert sorted(i for batch in broker.batches for i in batch) == list(range(1001))
    assert all(len(batch) <= 20 for batch in broker.batches)


def test_a_failed_publish_is_logged_and_the_relay_goes_on(caplog):
    broker = Broker(fail=True)
    relay = Relay(broker.publish, batch=lambda: 20, linger=0)
    relay.put(7)
    assert relay.flush(timeout=5)
    assert "Could not queue submissions [7]; the sweep will" in caplog.text
    broker.fail = False
    relay.put(8)
    assert relay.flush(timeout=5)
    assert broker.batches == [[8]]


def test_a_forked_process_starts_its_own_thread():
    """gunicorn --preload and Celery's prefork pool fork after import: the parent's thread
    does not exist in the child, which must start its own and publish."""
    read_end, write_end = os.pipe()
    relay = Relay(lambda ids: os.write(write_end, f"{ids};".encode()), batch=lambda: 20, linger=0)
    relay.put(1)
    assert relay.flush(timeout=5)
    pid = os.fork()
    if pid == 0:  # the child: publish one id, report whether it went out
        code = 1
        try:
            relay.put(2)
            code = 0 if relay.flush(timeout=5) else 1
        finally:
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    os.close(write_end)
    published = b""
    while chunk := os.read(read_end, 1024):
        published += chunk
    os.close(read_end)
    assert os.waitstatus_to_exitcode(status) == 0
    assert published.decode().split(";")[:2] == ["[1]", "[2]"]
