"""Channel-bound conversation ids (bot/identity.py)."""

from __future__ import annotations

import pytest

from bot import identity

KEY = b"k" * 32


def test_ids_name_their_channel_and_parse_back() -> None:
    assert identity.conversation_id("telegram", "12345") == "telegram:12345"
    assert identity.conversation_id("slack", "T0001", "U0CUST") == "slack:T0001:U0CUST"
    ref = identity.parse("slack:T0001:U0CUST")
    assert (ref.channel, ref.parts, ref.address) == ("slack", ("T0001", "U0CUST"), "U0CUST")
    assert identity.channel_of("webchat:abc_-1") == "webchat"
    assert identity.channel_of("sms:" + "0" * 32) == "twilio_sms"


@pytest.mark.parametrize("bad", ["12345", "+15551230077", "U0CUST", "web-abc", "telegram:", "telegram:1:2",
                                 "slack:U0CUST", "mail:x", "telegram:a b", "rest:" + "x" * 129, ""])
def test_bare_or_malformed_ids_belong_to_no_channel(bad: str) -> None:
    assert identity.channel_of(bad) is None
    with pytest.raises(identity.InvalidConversationId):
        identity.parse(bad)


def test_an_address_is_only_given_out_on_its_own_channel() -> None:
    assert identity.address_on("telegram", "telegram:42") == "42"
    with pytest.raises(identity.InvalidConversationId, match="cannot be reached on webchat"):
        identity.address_on("webchat", "telegram:42")
    with pytest.raises(identity.InvalidConversationId):
        identity.address_on("telegram", "42")


def test_sms_pseudonyms_hide_the_number_and_are_stable_under_formatting() -> None:
    one = identity.sms_pseudonym("+15551230077", KEY)
    assert one.startswith("sms:") and "5551230077" not in one
    assert identity.sms_pseudonym("+1 (555) 123-0077", KEY) == one
    assert identity.sms_pseudonym("+15551230078", KEY) != one
    assert identity.sms_pseudonym("+15551230077", b"o" * 32) != one  # keyed: not a plain hash
    assert identity.channel_of(one) == "twilio_sms"
