"""Abuse limits kept in the cache (Redis): submissions per client, confirmations per address.

Fixed windows: cheap, and precise enough to stop a flood. When the cache is down the
limits fail open and say so in the log, so an outage of Redis never refuses a visitor.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .conf import get_setting

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class RateLimited(Exception):
    retry_after: int


def parse_rate(rate: str) -> tuple[int, int]:
    count, _sep, unit = rate.partition("/")
    return int(count), PERIODS[unit]


def digest(value: str) -> str:
    """A keyed hash, so stored client addresses and cache keys reveal no address."""
    return hashlib.blake2b(
        value.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16
    ).hexdigest()


def meta_key(header: str) -> str:
    """Django's request.META key for a header name: X-Forwarded-For -> HTTP_X_FORWARDED_FOR."""
    key = header.upper().replace("-", "_")
    return key if key.startswith("HTTP_") or key == "REMOTE_ADDR" else f"HTTP_{key}"


def client_address(request) -> str:
    """The visitor's address, for rate limits, card testing and sign-in lockouts.

    Behind proxies it is the TRUSTED_PROXY_COUNT-th entry from the right of
    CLIENT_IP_HEADER: each trusted proxy appends the address it saw, so only the entries
    on the left can be forged, and they are never read. A header too short for the
    proxies, or an entry that is not an address, means the request did not come the
    expected way: the peer's address (REMOTE_ADDR) is used then.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    header = get_setting("CLIENT_IP_HEADER")
    if not header:
        return remote
    count = get_setting("TRUSTED_PROXY_COUNT")
    value = request.META.get(meta_key(header), "")
    entries = [entry.strip() for entry in value.split(",") if entry.strip()]
    if len(entries) < count:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:
        return remote


def _redis():
    """The Redis client behind Django's cache, or None with any other cache backend."""
    client = getattr(cache, "_cache", None)
    return client.get_client(write=True) if hasattr(client, "get_client") else None


def _hit(key: str, period: int) -> int | None:
    """Count one hit in the window: INCR and EXPIRE NX in one round trip on Redis."""
    try:
        redis = _redis()
        if redis is not None:
            full_key = cache.make_and_validate_key(key)
            pipe = redis.pipeline(transaction=False)
            pipe.incr(full_key)
            pipe.expire(full_key, period + 1, nx=True)
            count, _expiry = pipe.execute()
            return int(count)
        cache.add(key, 0, timeout=period + 1)  # any other cache backend
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        return 1
    except Exception:  # the cache is down: fail open, loudly
        logger.exception("Rate-limit cache unavailable; not limiting")
        return None


def check_submission_rate(client_hash: str) -> None:
    """Count one submission from this client; RateLimited when over the configured rate."""
    limit, period = parse_rate(get_setting("SUBMISSION_RATE_LIMIT"))
    now = time.time()
    window = int(now // period)
    count = _hit(f"mf:rate:{client_hash}:{period}:{window}", period)
    if count is not None and count > limit:
        raise RateLimited(retry_after=max(1, int((window + 1) * period - now) + 1))


def allow_confirmations(requests: list[tuple[str, int]]) -> list[bool]:
    """For each (address, submission id): whether that submission may send the address a
    confirmation email today; one round trip for them all. An empty address gets none.

    Each address keeps the day's submissions in a sorted set, in the order they were
    first asked about: a submission's answer is its place there, so asking again (a
    retried or redelivered task) gives the same answer instead of counting it twice.
    When the cache is down the limit lets the email through and says so in the log.
    """
    day = int(time.time() // 86400)
    limit = get_setting("CONFIRMATIONS_PER_ADDRESS")
    wanted = [(f"mf:confirm:{digest(a.casefold())}:{day}", pk) for a, pk in requests if a]
    try:
        places = iter(_places(wanted, 86400))
    except Exception:
        logger.exception("Confirmation-limit cache unavailable; not limiting")
        places = iter([None] * len(wanted))
    allowed = []
    for address, _pk in requests:
        place = next(places) if address else None
        allowed.append(bool(address) and (place is None or place < limit))
    return allowed


# A submission's place among the address's submissions of the day, given on first ask
# and kept: one script, so two workers asking at once cannot take the same place. (By id,
# a lower id asked about after higher ones took a place under the limit again.)
_PLACE = """
local place = redis.call('ZSCORE', KEYS[1], ARGV[1])
if place then return tonumber(place) end
place = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], place, ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2], 'NX')
return place
"""


def _places(entries: list[tuple[str, int]], period: int) -> list[int | None]:
    """Add each id to its key's set (once) and return its place there, from 0."""
    redis = _redis()
    if redis is None:  # any other cache backend (not atomic: a single-process demo)
        places: list[int | None] = []
        for key, pk in entries:
            ids = list(cache.get(key) or [])
            if pk not in ids:
                ids.append(pk)
            cache.set(key, ids, timeout=period + 1)
            places.append(ids.index(pk))
        return places
    place = redis.register_script(_PLACE)
    pipe = redis.pipeline(transaction=False)
    for key, pk in entries:
        place(keys=[cache.make_and_validate_key(key)], args=[str(pk), period + 1], client=pipe)
    return [int(value) for value in pipe.execute()]
