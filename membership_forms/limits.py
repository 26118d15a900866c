"""Abuse limits kept in the cache (Redis): submissions per client, confirmations per address.

Fixed windows: cheap, and precise enough to stop a flood. When the cache is down the
limits fail open and say so in the log, so an outage of Redis never refuses a visitor.
"""

from __future__ import annotations

import hashlib
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


def client_address(request) -> str:
    header = get_setting("CLIENT_IP_HEADER")
    if header and (forwarded := request.META.get(header)):
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def _hit(key: str, period: int) -> int | None:
    """Count one hit in the window: INCR and EXPIRE NX in one round trip on Redis."""
    return _hits([key], period)[0]


def _hits(keys: list[str], period: int) -> list[int | None]:
    """Count one hit on each key (one round trip on Redis); None for each when the cache
    is down, so the limits fail open."""
    try:
        client = getattr(cache, "_cache", None)
        if client is not None and hasattr(client, "get_client"):
            pipe = client.get_client(write=True).pipeline(transaction=False)
            for key in keys:
                full_key = cache.make_and_validate_key(key)
                pipe.incr(full_key)
                pipe.expire(full_key, period + 1, nx=True)
            return [int(count) for count in pipe.execute()[::2]]
        return [_hit_other_backend(key, period) for key in keys]
    except Exception:  # the cache is down: fail open, loudly
        logger.exception("Rate-limit cache unavailable; not limiting")
        return [None] * len(keys)


def _hit_other_backend(key: str, period: int) -> int:
    try:
        cache.add(key, 0, timeout=period + 1)
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        return 1


def check_submission_rate(client_hash: str) -> None:
    """Count one submission from this client; RateLimited when over the configured rate."""
    limit, period = parse_rate(get_setting("SUBMISSION_RATE_LIMIT"))
    now = time.time()
    window = int(now // period)
    count = _hit(f"mf:rate:{client_hash}:{period}:{window}", period)
    if count is not None and count > limit:
        raise RateLimited(retry_after=max(1, int((window + 1) * period - now) + 1))


def allow_confirmation(address: str) -> bool:
    """Whether this address may get one more confirmation email today."""
    return allow_confirmations([address])[0]


def allow_confirmations(addresses: list[str]) -> list[bool]:
    """For each address in turn, whether it may get one more confirmation email today;
    counted in one round trip. An empty address gets none."""
    day = int(time.time() // 86400)
    wanted = [address for address in addresses if address]
    counts = iter(_hits([f"mf:confirm:{digest(a.casefold())}:{day}" for a in wanted], 86400))
    limit = get_setting("CONFIRMATIONS_PER_ADDRESS")
    allowed = []
    for address in addresses:
        count = next(counts) if address else 0
        allowed.append(bool(address) and (count is None or count <= limit))
    return allowed
