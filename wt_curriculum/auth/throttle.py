"""Throttling of logins and reset requests that cannot be turned against a user.

Limits are counted per (account, address) and per address, never per account alone: someone who types
wrong passwords for your account from their address slows down only themselves, not you at school. The
limits are tiers (`5/minute;10/15 minutes;20/hour`), so the wait grows with the number of tries.

Counting is atomic: an attempt takes its place in every window *before* the password is checked (the
`limits` library, by the Flask-Limiter authors: a lock in memory, a Lua script in Redis), so a burst of
simultaneous attempts gets exactly as many evaluations as the limit allows. The storage is Redis when
REDIS_URL (or THROTTLE_STORAGE_URL) is set, shared by every process and machine; else the process's memory.
"""
import hashlib
import math
import threading
import time

from flask import current_app
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

_creating = threading.Lock()


def _limiter() -> MovingWindowRateLimiter:
    limiter = current_app.extensions.get("wt_throttle")
    if limiter is not None:
        return limiter
    with _creating:  # one storage per app, also when the first requests come at once
        limiter = current_app.extensions.get("wt_throttle")
        if limiter is not None:
            return limiter
        config = current_app.config
        uri = config.get("THROTTLE_STORAGE_URL") or config.get("REDIS_URL") or "memory://"
        options = {"key_prefix": config["THROTTLE_KEY_PREFIX"]} if uri.startswith(("redis", "rediss")) else {}
        limiter = MovingWindowRateLimiter(storage_from_string(uri, **options))
        current_app.extensions["wt_throttle"] = limiter
    return limiter


def _key(value: str) -> str:
    """Addresses and e-mail addresses are not stored as they are."""
    return hashlib.sha256((value or "").encode()).hexdigest()[:32]


def attempt(scope: str, checks: list[tuple[str, tuple[str, ...]]]) -> int:
    """Count one attempt against every (setting name, identifiers) check; 0 when all allow it, else how
    many seconds to wait before the next attempt can succeed."""
    limiter = _limiter()
    wait = 0
    for setting, identifiers in checks:
        keys = [_key(value) for value in identifiers]
        for item in parse_many(current_app.config[setting]):
            if not limiter.hit(item, scope, setting, *keys):
                reset = limiter.get_window_stats(item, scope, setting, *keys).reset_time
                wait = max(wait, math.ceil(reset - time.time()), 1)
                break  # a refused attempt takes no place in the longer windows
    return wait


def clear(scope: str, setting: str, identifiers: tuple[str, ...]) -> None:
    """Forget the attempts of one check (a successful login forgets its account and address)."""
    limiter = _limiter()
    keys = [_key(value) for value in identifiers]
    for item in parse_many(current_app.config[setting]):
        limiter.clear(item, scope, setting, *keys)
