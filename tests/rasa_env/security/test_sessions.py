"""Web chat session tokens (bot/security/sessions.py): issued by the server, signed, sliding expiry."""

from __future__ import annotations

import jwt
import pytest

from bot.security.sessions import InvalidSession, SessionIssuer

KEY = b"s" * 32


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_token_verifies_to_its_session_until_it_expires() -> None:
    clock = Clock()
    issuer = SessionIssuer(KEY, ttl_seconds=3600, renew_after_seconds=600, clock=clock)
    session, token = issuer.issue()
    assert issuer.verify(token) == session and len(session.session_id) >= 32
    clock.now += 599
    assert not issuer.needs_renewal(session)
    clock.now += 1
    assert issuer.needs_renewal(session)
    renewed, new_token = issuer.issue(session.session_id)  # sliding: same conversation, later expiry
    assert renewed.session_id == session.session_id and renewed.expires_at > session.expires_at
    clock.now += 3599  # the first token has expired, the renewed one has a second left
    with pytest.raises(InvalidSession, match="expired"):
        issuer.verify(token)
    assert issuer.verify(new_token).session_id == session.session_id


@pytest.mark.parametrize("forge", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),                      # tampered signature
    lambda t: jwt.encode({**jwt.decode(t, options={"verify_signature": False}), "sub": "victim"},
                         b"x" * 32, algorithm="HS256"),                                 # signed with another key
    lambda t: jwt.encode({**jwt.decode(t, options={"verify_signature": False}), "sub": "victim"},
                         None, algorithm="none"),                                        # no signature at all
    lambda t: jwt.encode({"sub": "victim", "iat": 1, "exp": 4_000_000_000}, KEY, algorithm="HS256"),  # no type
    lambda t: "",
    lambda t: "x" * 5000,
])
def test_forged_or_foreign_tokens_are_refused(forge) -> None:
    issuer = SessionIssuer(KEY)
    _, token = issuer.issue()
    with pytest.raises(InvalidSession):
        issuer.verify(forge(token))
