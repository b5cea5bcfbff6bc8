"""Web chat sessions: the server issues them, signed tokens with a sliding expiry.

A session is a random id (the conversation is ``webchat:<id>``) in a JWT signed with HS256
(PyJWT, Rasa environment) under the session key (:data:`bot.security.keys.SESSION_KEY`). The page
never chooses its id. Tokens live 24 hours from their last renewal; a request made with a token
older than ``renew_after_seconds`` gets a fresh one for the same session (sliding expiry), so an
active customer keeps their conversation and an idle one loses it a day later.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Callable

TOKEN_TYPE = "switchboard-webchat"
ALGORITHM = "HS256"
DEFAULT_TTL_SECONDS = 24 * 3600
DEFAULT_RENEW_AFTER_SECONDS = 10 * 60


class InvalidSession(ValueError):
    """A token that is missing, malformed, forged or expired; the message says which (no token content)."""


@dataclass(frozen=True)
class Session:
    """A verified web chat session."""

    session_id: str
    issued_at: int
    expires_at: int


class SessionIssuer:
    """Issues, renews and verifies session tokens (``clock`` injectable for tests)."""

    def __init__(self, key: bytes, ttl_seconds: int = DEFAULT_TTL_SECONDS,
                 renew_after_seconds: int = DEFAULT_RENEW_AFTER_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        if len(key) < 32:
            raise ValueError("the session key must be at least 32 bytes")
        if ttl_seconds <= 0 or not 0 <= renew_after_seconds < ttl_seconds:
            raise ValueError("need ttl_seconds > 0 and 0 <= renew_after_seconds < ttl_seconds")
        self._key = key
        self.ttl_seconds = ttl_seconds
        self.renew_after_seconds = renew_after_seconds
        self._clock = clock

    def issue(self, session_id: str = "") -> tuple[Session, str]:
        """A new session (or a renewed token for ``session_id``) and its token."""
        import jwt

        now = int(self._clock())
        session = Session(session_id or secrets.token_urlsafe(24), now, now + self.ttl_seconds)
        token = jwt.encode({"typ": TOKEN_TYPE, "sub": session.session_id, "iat": session.issued_at,
                            "exp": session.expires_at}, self._key, algorithm=ALGORITHM)
        return session, token

    def verify(self, token: str) -> Session:
        """The session of a valid token.

        Raises:
            InvalidSession: malformed, wrong signature or algorithm, wrong type, expired.
        """
        import jwt

        if not token or len(token) > 1024:
            raise InvalidSession("no session token")
        try:  # times are checked below against the injected clock
            claims = jwt.decode(token, self._key, algorithms=[ALGORITHM], options={
                "require": ["exp", "iat", "sub"], "verify_exp": False, "verify_iat": False, "verify_nbf": False})
        except jwt.InvalidTokenError:
            raise InvalidSession("the session token is not valid") from None
        session_id = claims.get("sub")
        if claims.get("typ") != TOKEN_TYPE or not isinstance(session_id, str) or not session_id:
            raise InvalidSession("the session token is not valid")
        try:
            issued_at, expires_at = int(claims["iat"]), int(claims["exp"])
        except (TypeError, ValueError):
            raise InvalidSession("the session token is not valid") from None
        if expires_at <= int(self._clock()):
            raise InvalidSession("the session expired")
        return Session(session_id, issued_at, expires_at)

    def needs_renewal(self, session: Session) -> bool:
        """True when the token is old enough to be replaced by a fresh one (sliding expiry)."""
        return self._clock() - session.issued_at >= self.renew_after_seconds
