"""Rate limits: token buckets per key, and which client address to trust behind proxies.

In memory, one process (the embedded profile). Each bucket holds ``per_minute`` tokens and
refills continuously; a request takes one token or is refused with the seconds until the next
token. Buckets are bounded (least recently used dropped first), so a flood of new keys cannot
exhaust memory.
"""

from __future__ import annotations

import collections
import ipaddress
import math
import threading
import time
from dataclasses import dataclass
from typing import Callable, Hashable, Optional

DEFAULT_MAX_KEYS = 100_000


@dataclass(frozen=True)
class Decision:
    """The outcome of one request: allowed, or refused with the wait in whole seconds."""

    allowed: bool
    retry_after_seconds: int = 0


class RateLimiter:
    """A token bucket per key: ``per_minute`` requests per minute with bursts of up to ``burst``."""

    def __init__(self, per_minute: float, burst: Optional[int] = None, max_keys: int = DEFAULT_MAX_KEYS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute <= 0:
            raise ValueError(f"per_minute must be > 0, got {per_minute}")
        self.per_minute = float(per_minute)
        self.burst = float(burst if burst is not None else max(1, math.ceil(per_minute)))
        if self.burst < 1:
            raise ValueError(f"burst must be >= 1, got {burst}")
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: "collections.OrderedDict[Hashable, tuple[float, float]]" = collections.OrderedDict()
        self._lock = threading.Lock()

    def check(self, key: Hashable) -> Decision:
        """Take a token of ``key``'s bucket if one is left."""
        rate = self.per_minute / 60.0
        now = self._clock()
        with self._lock:
            tokens, updated = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - updated) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                decision = Decision(True)
            else:
                self._buckets[key] = (tokens, now)
                decision = Decision(False, max(1, math.ceil((1.0 - tokens) / rate)))
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return decision


def client_address(peer: str, forwarded_for: Optional[str], trusted_proxy_hops: int) -> str:
    """The client's address under the documented proxy rule.

    With ``trusted_proxy_hops`` = 0 the TCP peer is the client and ``X-Forwarded-For`` is ignored
    (anyone can write that header). With N trusted proxies in front of the server, each appends
    the address it saw, so the client is the N-th entry from the right; a request that carries
    fewer entries did not come through all the proxies and is keyed by its TCP peer.
    """
    if trusted_proxy_hops <= 0 or not forwarded_for:
        return peer
    entries = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
    if len(entries) < trusted_proxy_hops:
        return peer
    candidate = entries[-trusted_proxy_hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer
