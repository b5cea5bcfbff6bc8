"""SMS webhook through the real Rasa and action servers; replies captured by the fake Twilio API."""

from __future__ import annotations

import itertools
import threading
import urllib.parse
from typing import List

import pytest

from tests.rasa_env.connectors.conftest import TWILIO_FROM, Channels, sms_params

pytestmark = pytest.mark.slow

TRACKING = "1Z999AA10123456784"
_sids = itertools.count(1)


def bodies(channels: Channels, number: str) -> List[str]:
    return [c.params["Body"] for c in channels.twilio.delivered("Messages.create", To=number)]


def text(channels: Channels, number: str, body: str, expect_total: int) -> List[str]:
    reply = channels.twilio_post(sms_params(next(_sids), number, body))
    assert reply.status == 200, reply.body
    channels.twilio.wait_delivered("Messages.create", expect_total, To=number)
    return bodies(channels, number)


def test_webhook_answers_empty_twiml_and_replies_go_through_the_api(channels: Channels) -> None:
    reply = channels.twilio_post(sms_params(next(_sids), "+15550101001", "where is my order"))
    assert reply.status == 200
    assert reply.body == '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
    [call] = channels.twilio.wait_delivered("Messages.create", 1, To="+15550101001")
    assert call.params["From"] == TWILIO_FROM
    assert "order number" in call.params["Body"]
    texts = text(channels, "+15550101001", "HP-482913", 2)
    assert "email address or the postcode" in texts[1] and TRACKING not in texts[1]
    texts = text(channels, "+15550101001", "02139", 4)
    assert TRACKING in texts[2]


def test_unsigned_forged_and_proxy_mismatched_requests_are_refused(channels: Channels) -> None:
    before = channels.health("twilio_sms")["counters"]
    params = sms_params(next(_sids), "+15550101002", "SECRET-SMS-CONTENT")
    assert channels.twilio_post(params, sign=False).status == 401
    forged = dict(params, Body="changed after signing")
    signature_for_original = channels.twilio_post  # signs `params`; send `forged` with that signature:
    from tests.rasa_env.connectors.conftest import twilio_signature, PUBLIC_BASE_URL
    from tests.support.live import http
    path = "/webhooks/twilio_sms/webhook"
    reply = http("POST", channels.url(path), raw=urllib.parse.urlencode(forged).encode(), headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilio_signature(PUBLIC_BASE_URL + path, params)})
    assert reply.status == 403
    # Signed for the URL the server sees instead of its public URL (TWILIO_PUBLIC_BASE_URL): refused.
    assert signature_for_original(params, signed_url=channels.url(path)).status == 403
    after = channels.health("twilio_sms")["counters"]
    assert (after["rejected"] - before["rejected"], after["received"] - before["received"]) == (3, 0)
    assert "SECRET-SMS-CONTENT" not in channels.bot.rasa.log_path.read_text(errors="replace")


def test_a_replayed_message_is_processed_once(channels: Channels) -> None:
    params = sms_params(next(_sids), "+15550101003", "hi")
    assert channels.twilio_post(params).status == 200
    assert channels.twilio_post(params).status == 200  # Twilio retry / replay: same MessageSid
    texts = text(channels, "+15550101003", "thanks", 2)
    assert texts[0].startswith("Hi, I'm Pip") and texts[1].startswith("You're welcome")


def test_buttons_become_numbered_options_and_a_number_picks_one(channels: Channels) -> None:
    texts = text(channels, "+15550101004", "I want to return something", 2)
    assert texts[1].endswith("Reply with a number:\n1. Yes, please\n2. No, thanks")
    texts = text(channels, "+15550101004", "1", 4)
    assert "harborandpine.example/returns" in texts[2]


def test_stop_then_nothing_is_sent_until_start(channels: Channels) -> None:
    number = "+15550101005"
    for body in ("STOP", "hi", "where is my order"):
        assert channels.twilio_post(sms_params(next(_sids), number, body)).status == 200
    texts = text(channels, number, "START", 1)  # ordered worker: replies to "hi" would have come first
    assert texts == ["You're subscribed again to Harbor & Pine support messages. Reply HELP for help, STOP to "
                     "unsubscribe."]
    assert text(channels, number, "hi", 2)[1].startswith("Hi, I'm Pip")
    assert channels.health("twilio_sms")["counters"]["suppressed"] >= 2


def test_help_answers_the_help_text(channels: Channels) -> None:
    [help_text] = text(channels, "+15550101006", "HELP", 1)
    assert "1-800-555-0142" in help_text and "STOP" in help_text


def test_order_is_kept_per_number_under_concurrent_messages(channels: Channels) -> None:
    numbers = [f"+1555010{2000 + i}" for i in range(6)]
    script = ["hi", "how much is shipping", "thanks"]

    def conversation(number: str) -> None:
        for body in script:
            assert channels.twilio_post(sms_params(next(_sids), number, body)).status == 200

    threads = [threading.Thread(target=conversation, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = ["Hi, I'm Pip", "Standard shipping", "Is there anything else", "You're welcome"]
    for number in numbers:
        channels.twilio.wait_delivered("Messages.create", 4, timeout=120, To=number)
        assert [b[:len(s)] for b, s in zip(bodies(channels, number), expected)] == expected


@pytest.mark.parametrize("change, status", [
    ({"MessageSid": "", "SmsSid": ""}, 400),
    ({"MessageSid": "not-a-sid"}, 400),
    ({"From": ""}, 400),
    ({"AccountSid": "AC" + "9" * 32}, 400),
    ({"Body": "x" * 1601}, 400),
])
def test_malformed_signed_messages_get_400(channels: Channels, change: dict, status: int) -> None:
    params = dict(sms_params(next(_sids), "+15550101007", "hi"), **change)
    assert channels.twilio_post(params).status == status
    assert channels.health("twilio_sms")["status"] == "ok"


def test_a_1mb_body_gets_413_and_the_server_stays_healthy(channels: Channels) -> None:
    assert channels.twilio_post({}, raw=b"Body=" + b"a" * (1024 * 1024), sign=False).status == 413
    assert text(channels, "+15550101008", "hi", 1)[0].startswith("Hi, I'm Pip")
