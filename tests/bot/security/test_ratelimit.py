"""Token buckets and the client-address rule (bot/security/ratelimit.py)."""

from __future__ import annotations

from bot.security.ratelimit import RateLimiter, client_address


def test_a_bucket_allows_its_burst_then_refuses_with_the_wait() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=6, clock=lambda: now[0])
    assert all(limiter.check("s1").allowed for _ in range(6))
    refused = limiter.check("s1")
    assert (refused.allowed, refused.retry_after_seconds) == (False, 10)  # one token per 10 s
    assert limiter.check("s2").allowed  # other keys have their own bucket
    now[0] = 10.0
    assert limiter.check("s1").allowed and not limiter.check("s1").allowed


def test_buckets_are_bounded() -> None:
    limiter = RateLimiter(per_minute=1, max_keys=100)
    for key in range(1000):
        limiter.check(key)
    assert len(limiter._buckets) == 100


def test_forwarded_for_is_trusted_only_for_the_configured_proxy_hops() -> None:
    assert client_address("10.0.0.5", "6.6.6.6", 0) == "10.0.0.5"  # no proxy: the header is anyone's
    assert client_address("10.0.0.5", "6.6.6.6, 203.0.113.9", 1) == "203.0.113.9"  # added by our proxy
    assert client_address("10.0.0.5", "6.6.6.6, 203.0.113.9, 10.0.0.4", 2) == "203.0.113.9"
    assert client_address("10.0.0.5", "203.0.113.9", 2) == "10.0.0.5"  # too few entries: not via our proxies
    assert client_address("10.0.0.5", "not-an-ip", 1) == "10.0.0.5"
