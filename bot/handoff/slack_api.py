"""The few Slack Web API calls the handoff makes, through the official SDK (``slack_sdk``).

Environment (secrets never in files):

- ``SLACK_AGENTS_BOT_TOKEN``: bot token of the agents' Slack app. A separate app from the
  customers' Slack channel (``SLACK_BOT_TOKEN``): a Slack app has one Events request URL, and
  agents' thread replies must never reach the customer channel as customer messages.
- ``SLACK_AGENTS_API_BASE_URL``: Web API root (falls back to ``SLACK_API_BASE_URL``, then
  ``https://slack.com/api/``); tests point it at the fake Slack server.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Optional, Sequence

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://slack.com/api/"


class SlackUnavailable(RuntimeError):
    """A Slack call failed after the SDK's retries; the message names the method and Slack's error."""


class SlackApi:
    """Synchronous Slack Web API client (call it from a worker thread inside async code)."""

    def __init__(self, token: str, base_url: str = DEFAULT_BASE_URL, timeout: float = 10.0) -> None:
        from slack_sdk import WebClient
        from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

        if not token:
            raise ValueError("the agents' Slack app needs a bot token: set SLACK_AGENTS_BOT_TOKEN")
        base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.client = WebClient(token=token, base_url=base_url, timeout=int(timeout), retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2), RateLimitErrorRetryHandler(max_retry_count=2)])

    @classmethod
    def from_env(cls) -> Optional["SlackApi"]:
        """A client from the environment, or None (logged) when no token is set."""
        token = os.environ.get("SLACK_AGENTS_BOT_TOKEN")
        if not token:
            logger.warning("handoff: no Slack bot token (SLACK_AGENTS_BOT_TOKEN): handoffs are queued as tickets")
            return None
        base_url = (os.environ.get("SLACK_AGENTS_API_BASE_URL") or os.environ.get("SLACK_API_BASE_URL")
                    or DEFAULT_BASE_URL)
        return cls(token, base_url)

    def _call(self, method: str, **arguments: Any) -> Any:
        from slack_sdk.errors import SlackApiError, SlackClientError

        try:
            return self.client.api_call(method, json={k: v for k, v in arguments.items() if v is not None})
        except SlackApiError as error:
            raise SlackUnavailable(f"Slack {method} failed: {error.response.get('error', 'unknown error')}") from error
        except (SlackClientError, OSError) as error:
            raise SlackUnavailable(f"Slack {method} failed: {type(error).__name__}: {error}") from error

    def post(self, channel: str, text: str, blocks: Optional[Sequence[dict[str, Any]]] = None,
             thread_ts: Optional[str] = None) -> str:
        """Post a message (in a thread when ``thread_ts`` is given); returns its ``ts``."""
        reply = self._call("chat.postMessage", channel=channel, text=text,
                           blocks=list(blocks) if blocks else None, thread_ts=thread_ts,
                           unfurl_links=False, unfurl_media=False)
        return str(reply["ts"])

    def update(self, channel: str, ts: str, text: str, blocks: Optional[Sequence[dict[str, Any]]] = None) -> None:
        """Replace a message's text and blocks."""
        self._call("chat.update", channel=channel, ts=ts, text=text, blocks=list(blocks) if blocks else None)

    def ephemeral(self, channel: str, user: str, text: str, thread_ts: Optional[str] = None) -> None:
        """A message only ``user`` sees."""
        self._call("chat.postEphemeral", channel=channel, user=user, text=text, thread_ts=thread_ts)

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        """Open a modal."""
        self._call("views.open", trigger_id=trigger_id, view=view)

    def usergroup_members(self, usergroup: str) -> list[str]:
        """The user ids in a Slack user group (``usergroups.users.list``)."""
        reply = self._call("usergroups.users.list", usergroup=usergroup)
        return [str(user) for user in reply.get("users") or []]
