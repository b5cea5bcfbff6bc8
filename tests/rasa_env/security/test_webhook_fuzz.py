"""Property-based fuzzing of every webhook on a real server (hypothesis).

Random bodies, headers and encodings, **signed with the test secrets** (or sent with a valid
session or bearer token) so that the parsers behind the signature check are exercised, must never
get a 5xx and never stop the server; the same random requests unsigned must always get 401 or
403. The channels run on a real Sanic server with a stand-in dialogue (no model), their platform
APIs on local fakes. ``FUZZ_EXAMPLES`` (default 500) sets the examples per webhook.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import urllib.parse
from typing import Any, Callable, Dict, Iterator, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio
from tests.rasa_env.connectors.conftest import (
    PUBLIC_BASE_URL, SLACK_SECRET, SLACK_TOKEN, TELEGRAM_SECRET, TELEGRAM_TOKEN, TWILIO_FROM, TWILIO_SID,
    TWILIO_TOKEN, twilio_signature,
)
from tests.support.channel_server import ChannelServer
from tests.support.live import HttpReply, http

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "500"))
REST_TOKEN = "rest-token-for-fuzzing-0123456789"
AGENTS_TOKEN = "xoxb-agents-fuzz"
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
UNSIGNED = settings(FUZZ, max_examples=max(50, EXAMPLES // 5))

CREDENTIALS = """
connectors.rest.RestInput:
connectors.webchat.WebChatInput:
  rate_limits:
    messages_per_minute_per_session: 100000
    messages_per_minute_per_client: 100000
    polls_per_minute_per_session: 100000
    sessions_per_minute_per_client: 100000
connectors.telegram.TelegramInput:
connectors.twilio_sms.TwilioSmsInput:
connectors.slack.SlackInput:
connectors.slack_agents.SlackAgentsInput:
"""

# --- strategies ---------------------------------------------------------------------------------

text = st.text(max_size=300)
scalars = st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | \
    st.floats(allow_nan=False) | text
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5) |
                           st.dictionaries(text, inner, max_size=5), max_leaves=25)
ids = st.integers(min_value=-2**63, max_value=2**63) | text | st.none() | st.booleans()
header_names = st.sampled_from(["Content-Type", "X-Forwarded-For", "X-Slack-Retry-Num", "Accept", "X-Anything",
                                "Content-Encoding", "Origin", "Cookie"])
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
extra_headers = st.dictionaries(header_names, header_values, max_size=3)
raw_bodies = st.binary(max_size=2000) | text.map(lambda t: t.encode("utf-8")) | \
    text.map(lambda t: t.encode("utf-16")) | json_values.map(lambda v: json.dumps(v).encode())


def telegram_updates() -> st.SearchStrategy[Any]:
    chat = st.fixed_dictionaries({"id": ids}, optional={"type": text})
    message = st.fixed_dictionaries({}, optional={"chat": chat | json_values, "text": text | scalars,
                                                  "message_id": ids})
    query = st.fixed_dictionaries({}, optional={"id": ids, "data": text | scalars,
                                                "message": st.fixed_dictionaries({"chat": chat}) | json_values})
    update = st.fixed_dictionaries({"update_id": ids}, optional={"message": message | json_values,
                                                                 "callback_query": query | json_values,
                                                                 "edited_message": message})
    return update | json_values


def sms_forms() -> st.SearchStrategy[Dict[str, str]]:
    sid = st.sampled_from(["SM" + "a" * 32, "SM" + "0" * 31 + "1", "MM" + "f" * 32]) | text
    fields = {"MessageSid": sid, "AccountSid": st.sampled_from([TWILIO_SID]) | text,
              "From": st.sampled_from(["+15550100001", "+447700900123"]) | text,
              "To": st.just(TWILIO_FROM), "Body": text}
    return st.fixed_dictionaries({}, optional=fields).flatmap(
        lambda known: st.dictionaries(text, text, max_size=3).map(lambda extra: {**extra, **known}))


def slack_events() -> st.SearchStrategy[Any]:
    event = st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(["message", "app_mention"]) | text, "user": ids, "channel": ids, "text": text | scalars,
        "ts": ids, "thread_ts": ids, "channel_type": st.sampled_from(["im", "channel"]) | text,
        "subtype": text, "bot_id": text})
    envelope = st.fixed_dictionaries({"type": st.sampled_from(["event_callback", "url_verification"]) | text}, optional={
        "event_id": ids, "team_id": ids, "event": event | json_values, "challenge": text | scalars})
    return envelope | json_values


def slack_payloads() -> st.SearchStrategy[Any]:
    action = st.fixed_dictionaries({}, optional={"action_id": text, "value": text | scalars, "action_ts": ids,
                                                 "block_id": text, "selected_user": text})
    payload = st.fixed_dictionaries({"type": st.sampled_from(["block_actions", "message_action", "view_submission",
                                                               "shortcut"]) | text}, optional={
        "user": st.fixed_dictionaries({"id": ids}, optional={"team_id": ids}) | json_values,
        "team": st.fixed_dictionaries({"id": ids}) | json_values, "channel": st.fixed_dictionaries({"id": ids}),
        "actions": st.lists(action | json_values, max_size=3) | json_values, "callback_id": text,
        "trigger_id": text, "view": json_values, "container": json_values, "message": json_values})
    return payload | json_values


def slack_command_forms() -> st.SearchStrategy[Dict[str, str]]:
    return st.fixed_dictionaries({"command": st.sampled_from(["/handoff"]) | text}, optional={
        "text": text, "user_id": st.sampled_from(["U0AGENTPAT", "U0STRANGER"]) | text, "channel_id": text,
        "team_id": text, "trigger_id": text})


# --- the server ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChannelServer]:
    fakes = [FakeTelegram(TELEGRAM_TOKEN).start(), FakeTwilio(TWILIO_SID, TWILIO_TOKEN).start(),
             FakeSlack(SLACK_TOKEN).start(), FakeSlack(AGENTS_TOKEN).start()]
    telegram, twilio, slack, agents = fakes
    running = ChannelServer(tmp_path_factory.mktemp("fuzz"), CREDENTIALS, env={
        "SWITCHBOARD_REST_TOKEN": REST_TOKEN,
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_WEBHOOK_URL": f"{PUBLIC_BASE_URL}/webhooks/telegram/webhook", "TELEGRAM_API_BASE_URL": telegram.base_url,
        "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_FROM_NUMBER": TWILIO_FROM,
        "TWILIO_PUBLIC_BASE_URL": PUBLIC_BASE_URL, "TWILIO_API_BASE_URL": twilio.base_url,
        "SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SECRET, "SLACK_API_BASE_URL": slack.api_url,
        "SLACK_AGENTS_BOT_TOKEN": AGENTS_TOKEN, "SLACK_AGENTS_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_AGENTS_API_BASE_URL": agents.api_url, "SWITCHBOARD_HANDOFF_AGENTS": "U0AGENTPAT",
        "SWITCHBOARD_HANDOFF_ON_SHIFT": "U0AGENTPAT",
    }).start(health_path="/webhooks/slack_agents/health")
    try:
        deadline = time.monotonic() + 60
        while http("GET", f"{running.base_url}/webhooks/slack_agents/health").body.get("status") != "ok":
            assert time.monotonic() < deadline, running.log_tail()
            time.sleep(0.2)
        yield running
    finally:
        running.stop()
        for fake in fakes:
            fake.stop()


def _post(server: ChannelServer, path: str, body: bytes, headers: Dict[str, str]) -> HttpReply:
    return http("POST", f"{server.base_url}{path}", raw=body, headers=headers, timeout=30)


def _no_5xx(reply: HttpReply, what: str) -> None:
    assert reply.status < 500, f"{what} answered {reply.status}: {reply.body!r}"


def _alive(server: ChannelServer) -> None:
    assert server.alive(), server.log_tail()
    assert http("GET", f"{server.base_url}/webhooks/webchat/health").status == 200


def _slack_headers(body: bytes, content_type: str, extra: Dict[str, str]) -> Dict[str, str]:
    """Slack's v0 signature over the raw bytes (slack_sdk's helper only signs UTF-8 bodies)."""
    stamp = str(int(time.time()))
    digest = hmac.new(SLACK_SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {**extra, "Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def _form(fields: Dict[str, str]) -> bytes:
    return urllib.parse.urlencode(fields).encode()


# --- signed: parsers exercised, never a 5xx -------------------------------------------------------


def test_telegram_webhook(server: ChannelServer) -> None:
    @FUZZ
    @given(update=telegram_updates(), raw=st.none() | raw_bodies, extra=extra_headers)
    def check(update: Any, raw: Optional[bytes], extra: Dict[str, str]) -> None:
        body = raw if raw is not None else json.dumps(update).encode()
        headers = {**extra, "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        _no_5xx(_post(server, "/webhooks/telegram/webhook", body, headers), "telegram")

    check()
    _alive(server)


def test_twilio_webhook(server: ChannelServer) -> None:
    path = "/webhooks/twilio_sms/webhook"

    @FUZZ
    @given(fields=sms_forms(), raw=st.none() | raw_bodies, extra=extra_headers)
    def check(fields: Dict[str, str], raw: Optional[bytes], extra: Dict[str, str]) -> None:
        body = raw if raw is not None else _form(fields)
        params = fields if raw is None else dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace"),
                                                                          keep_blank_values=True))
        headers = {**extra, "Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": twilio_signature(PUBLIC_BASE_URL + path, params)}
        _no_5xx(_post(server, path, body, headers), "twilio")

    check()
    _alive(server)


@pytest.mark.parametrize("prefix", ["/webhooks/slack", "/webhooks/slack_agents"])
def test_slack_events_and_interactivity(server: ChannelServer, prefix: str) -> None:
    @FUZZ
    @given(event=slack_events(), payload=slack_payloads(), raw=st.none() | raw_bodies, extra=extra_headers,
           interactive=st.booleans())
    def check(event: Any, payload: Any, raw: Optional[bytes], extra: Dict[str, str], interactive: bool) -> None:
        if interactive:
            body = raw if raw is not None else _form({"payload": json.dumps(payload)})
            reply = _post(server, f"{prefix}/interactive", body,
                          _slack_headers(body, "application/x-www-form-urlencoded", extra))
        else:
            body = raw if raw is not None else json.dumps(event).encode()
            reply = _post(server, f"{prefix}/events", body, _slack_headers(body, "application/json", extra))
        _no_5xx(reply, prefix)

    check()
    _alive(server)


def test_slack_agents_command(server: ChannelServer) -> None:
    @FUZZ
    @given(fields=slack_command_forms(), raw=st.none() | raw_bodies, extra=extra_headers)
    def check(fields: Dict[str, str], raw: Optional[bytes], extra: Dict[str, str]) -> None:
        body = raw if raw is not None else _form(fields)
        headers = _slack_headers(body, "application/x-www-form-urlencoded", extra)
        _no_5xx(_post(server, "/webhooks/slack_agents/command", body, headers), "slack_agents command")

    check()
    _alive(server)


def test_webchat_and_rest(server: ChannelServer) -> None:
    token = http("POST", f"{server.base_url}/webhooks/webchat/session").body["token"]

    @FUZZ
    @given(payload=json_values, raw=st.none() | raw_bodies, extra=extra_headers, query=text,
           which=st.sampled_from(["message", "inbox", "session", "rest"]))
    def check(payload: Any, raw: Optional[bytes], extra: Dict[str, str], query: str, which: str) -> None:
        body = raw if raw is not None else json.dumps(payload).encode()
        if which == "rest":
            reply = _post(server, "/webhooks/rest/webhook", body, {**extra, "Authorization": f"Bearer {REST_TOKEN}"})
        elif which == "inbox":
            url = f"{server.base_url}/webhooks/webchat/inbox?{urllib.parse.quote(query, safe='=&')}"
            reply = http("GET", url, headers={**extra, "Authorization": f"Bearer {token}"}, timeout=30)
        else:
            reply = _post(server, f"/webhooks/webchat/{which}", body, {**extra, "Authorization": f"Bearer {token}"})
        _no_5xx(reply, f"webchat {which}")

    check()
    _alive(server)


# --- unsigned: always refused -----------------------------------------------------------------------

UNSIGNED_ROUTES: Dict[str, Callable[[bytes], Dict[str, str]]] = {
    "/webhooks/telegram/webhook": lambda body: {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret"},
    "/webhooks/twilio_sms/webhook": lambda body: {"X-Twilio-Signature": "d3Jvbmc="},
    "/webhooks/slack/events": lambda body: {"X-Slack-Request-Timestamp": str(int(time.time())),
                                            "X-Slack-Signature": "v0=" + "0" * 64},
    "/webhooks/slack/interactive": lambda body: {},
    "/webhooks/slack_agents/events": lambda body: {"X-Slack-Request-Timestamp": str(int(time.time())),
                                                   "X-Slack-Signature": "v0=" + "0" * 64},
    "/webhooks/slack_agents/interactive": lambda body: {},
    "/webhooks/slack_agents/command": lambda body: {"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=1"},
    "/webhooks/webchat/message": lambda body: {},
    "/webhooks/webchat/inbox": lambda body: {"Authorization": "Bearer forged.token.value"},
    "/webhooks/rest/webhook": lambda body: {"Authorization": "Bearer not-the-token"},
}


@pytest.mark.parametrize("path", sorted(UNSIGNED_ROUTES))
def test_unsigned_requests_are_always_refused(server: ChannelServer, path: str) -> None:
    before = len(server.messages())

    @UNSIGNED
    @given(body=raw_bodies | json_values.map(lambda v: json.dumps(v).encode()), extra=extra_headers)
    def check(body: bytes, extra: Dict[str, str]) -> None:
        extra = {k: v for k, v in extra.items() if k not in ("Cookie",)}
        headers = {**extra, **UNSIGNED_ROUTES[path](body)}
        method = "GET" if path.endswith("/inbox") else "POST"
        reply = http(method, f"{server.base_url}{path}", raw=None if method == "GET" else body, headers=headers,
                     timeout=30)
        assert reply.status in (401, 403), f"{path} answered {reply.status} to an unsigned request: {reply.body!r}"

    check()
    assert len(server.messages()) == before  # nothing unsigned reached the dialogue
    _alive(server)
