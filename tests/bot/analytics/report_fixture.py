"""A small history for the report tests, every number of which is worked out by hand in test_report.py.

Seventeen counted conversations over three days (and one of evaluation traffic), their handoffs
and their ratings (with comments in three themes), written into real stores in a temporary product database; a two-document
knowledge base.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.analytics.events import from_rasa
from bot.analytics.store import AnalyticsStore
from bot.handoff.policy import BusinessHours

DAY = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc).timestamp()  # a Tuesday
H = 3600.0
NOW = DAY + 3 * 24 * H  # Friday 00:00 UTC: every conversation is over
SINCE = 7 * 24 * H  # the window: 2026-11-27 .. 2026-12-03, seven days
HOURS = BusinessHours("UTC", {d: (dt.time(9), dt.time(17)) for d in range(5)}, frozenset())


def user(t: float, intent: str, text: str, evaluation: bool = False) -> dict:
    return {"event": "user", "timestamp": DAY + t, "text": text, "parse_data": {"intent": {"name": intent}},
            "metadata": {"evaluation": True} if evaluation else {}}


def bot(t: float, text: str = "...", buttons: int = 0, handoff: bool = False) -> dict:
    return {"event": "bot", "timestamp": DAY + t, "text": text, "data": {"buttons": [{}] * buttons},
            "metadata": {"handoff_state": "waiting_agent"} if handoff else {}}


def action(t: float, name: str) -> dict:
    return {"event": "action", "timestamp": DAY + t, "name": name}


def slot(t: float, name: str, value) -> dict:
    return {"event": "slot", "timestamp": DAY + t, "name": name, "value": value}


def start(t: float) -> list:
    return [action(t, "action_session_start"), {"event": "session_started", "timestamp": DAY + t + 0.001}]


def abstain(t: float) -> list:
    return [action(t, "action_answer_question"), slot(t, "knowledge_abstained", True)]


SCRIPT = "<script>alert('x')</script> dogs?"
HISTORY = {
    # 1. Dec 1: the knowledge answer abstains on gift cards; the customer thanks: contained, involved, confirmed
    "telegram:1": start(10 * H) + [user(10 * H + 1, "greet", "hi"), bot(10 * H + 1.5),
                                   user(10 * H + 10, "ask_question", "Do you sell gift cards?"),
                                   *abstain(10 * H + 10.5), bot(10 * H + 11),
                                   user(10 * H + 20, "thanks", "thanks"), bot(10 * H + 20.2)],
    # 2. Dec 1: a fallback on gift cards: contained, involved
    "telegram:2": start(11 * H) + [user(11 * H + 1, "nlu_fallback", "can i buy a gift card"),
                                   action(11 * H + 1.2, "action_default_fallback"), bot(11 * H + 1.4)],
    # 3. Dec 2: asks for a person at once: handed off (customer_request), not involved
    "sms:abc": start(33 * H) + [user(33 * H + 1, "request_human", "I want to talk to a person"),
                                action(33 * H + 1.1, "action_handoff"), bot(33 * H + 1.3, handoff=True)],
    # 4. Dec 2: a fallback that offers a person (buttons), never answered: abandoned, involved
    "webchat:s1": start(36 * H) + [user(36 * H + 1, "nlu_fallback", "do you have gift cards for sale?"),
                                   action(36 * H + 1.2, "action_handle_fallback"), bot(36 * H + 1.6, buttons=2)],
    # 5. Dec 3: abstains on dogs, then the customer asks for a person: handed off (knowledge_abstained), involved
    "webchat:s2": start(63 * H) + [user(63 * H + 1, "ask_question", "Can I bring my dog into your shop?"),
                                   *abstain(63 * H + 2), bot(63 * H + 2.5),
                                   user(63 * H + 10, "request_human", "let me speak to a human"),
                                   action(63 * H + 10.1, "action_handoff"), bot(63 * H + 10.2, handoff=True)],
    # 6. Dec 3: a fallback on gift cards, then the button for a person (a payload, not shown): handed off, involved
    "telegram:3": start(64 * H) + [user(64 * H + 1, "nlu_fallback", "Do you sell gift cards?"),
                                   action(64 * H + 1.1, "action_default_fallback"), bot(64 * H + 1.3),
                                   user(64 * H + 5, "request_human", "/request_human"),
                                   action(64 * H + 5.1, "action_handoff"), bot(64 * H + 5.2, handoff=True)],
    # 7. Dec 2: evaluation traffic: never counted, never shown
    "rest:eval-1": start(40 * H) + [user(40 * H + 1, "nlu_fallback", "EVALSECRET gift cards", evaluation=True),
                                    action(40 * H + 1.1, "action_default_fallback"), bot(40 * H + 1.2)],
    # 8. Dec 3: two fallbacks about dogs (one with markup): contained, involved; over 24 h? no (7 h before NOW)
    "telegram:4": start(65 * H) + [user(65 * H + 1, "nlu_fallback", "Are dogs allowed in the store?"),
                                   action(65 * H + 1.1, "action_default_fallback"), bot(65 * H + 1.3),
                                   user(65 * H + 10, "nlu_fallback", SCRIPT),
                                   action(65 * H + 10.1, "action_default_fallback"), bot(65 * H + 10.4)],
    # 9. Dec 1: asks for someone real: handed off (customer_request), not involved
    "telegram:5": start(13 * H) + [user(13 * H + 1, "request_human", "can I talk to someone real"),
                                   action(13 * H + 1.1, "action_handoff"), bot(13 * H + 1.35, handoff=True)],
}
FEEDBACK_CHATS = {  # 10-18. Dec 2, from 14:00: the customer leaves feedback; contained, involved
    f"telegram:f{n}": start(38 * H + 600 * n) + [
        user(38 * H + 600 * n + 1, "give_feedback", "I want to leave feedback"),
        bot(38 * H + 600 * n + 1.3, "How would you rate us?", buttons=5),
        user(38 * H + 600 * n + 10, "inform", "4"), bot(38 * H + 600 * n + 10.2, "Thank you!")]
    for n in range(1, 10)}
HISTORY.update(FEEDBACK_CHATS)
HANDOFFS = [("sms:abc", "twilio_sms", 33 * H + 1.1, "customer_request"),
            ("webchat:s2", "webchat", 63 * H + 10.1, "knowledge_abstained"),
            ("telegram:3", "telegram", 64 * H + 5.1, "customer_request"),
            ("telegram:5", "telegram", 13 * H + 1.1, "customer_request"),
            ("rest:eval-1", "rest", 40 * H + 2, "keyword")]
RATINGS = [("telegram:1", "telegram", 10 * H + 60, 5, "Quick and helpful, thank you!"),
           ("telegram:2", "telegram", 11 * H + 60, 2, "The bot did not understand my question about gift cards"),
           ("sms:abc", "twilio_sms", 33 * H + 60, 3, ""),
           ("webchat:s1", "webchat", 36 * H + 60, 1, "the bot did not understand me at all, useless"),
           ("webchat:s2", "webchat", 63 * H + 60, 1, "terrible, nobody could answer my question about dogs"),
           ("telegram:3", "telegram", 64 * H + 60, 2, "it never understood what I asked"),
           ("telegram:4", "telegram", 65 * H + 60, 4, "good, quick answers"),
           ("telegram:5", "telegram", 13 * H + 60, 5, "really helpful, thank you"),
           ("telegram:f1", "telegram", 38 * H + 660, 2, "the bot doesn't understand simple questions"),
           ("telegram:f2", "telegram", 38 * H + 1260, 1, "it did not understand anything I said"),
           ("telegram:f3", "telegram", 38 * H + 1860, 5, "fast and helpful, thanks"),
           ("telegram:f4", "telegram", 38 * H + 2460, 5, "very helpful, thank you so much"),
           ("telegram:f5", "telegram", 38 * H + 3060, 1, "my parcel arrived two weeks late"),
           ("telegram:f6", "telegram", 38 * H + 3660, 2, "delivery was late again"),
           ("telegram:f7", "telegram", 38 * H + 4260, 2, "the delivery took far too long"),
           ("telegram:f8", "telegram", 38 * H + 4860, 3, ""),
           ("telegram:f9", "telegram", 38 * H + 5460, 4, "   "),
           ("rest:eval-1", "rest", 40 * H + 60, 1, "EVALSECRET comment")]
DOCUMENTS = {
    "gift-cards.md": "# Gift cards\n\nYou can buy Harbor & Pine gift cards online, from $10 to $500. A gift card is "
                     "sent by email within minutes and never expires. Gift cards can be used online and in our "
                     "stores, and cannot be exchanged for cash.\n",
    "returns.md": "# Returns\n\nYou can return an item within 30 days of delivery for a full refund. Start a return "
                  "from your account, print the free label and drop the parcel at any post office.\n",
}


def fill(database_url: str) -> None:
    """Write the history, the handoffs and the ratings (with their times) into the product database."""
    import sqlalchemy as sa

    from bot.feedback import FeedbackStore
    from bot.handoff.store import WAITING, HandoffStore

    store = AnalyticsStore(database_url)
    for conversation_id, events in HISTORY.items():
        store.add([e for e in (from_rasa(conversation_id, event) for event in events) if e is not None])
    handoffs = HandoffStore(database_url)
    for conversation_id, channel, t, reason in HANDOFFS:
        _, created = handoffs.open(conversation_id, channel, conversation_id.split(":")[-1], WAITING, reason,
                                         now=dt.datetime.fromtimestamp(DAY + t, dt.timezone.utc))
        assert created  # left open: no agent timings, so every timing KPI reads "no data"
    feedback = FeedbackStore(database_url)
    engine = sa.create_engine(database_url)
    table = sa.Table("feedback", sa.MetaData(), autoload_with=engine)
    for conversation_id, channel, t, rating, comment in RATINGS:
        feedback.add(conversation_id, channel, rating, comment)
        with engine.begin() as connection:  # the store stamps "now"; the fixture needs its own times
            connection.execute(table.update().where(table.c.conversation_id == conversation_id)
                               .values(created_at=dt.datetime.fromtimestamp(DAY + t, dt.timezone.utc)))
    engine.dispose()


def knowledge_base(folder: Path) -> Path:
    """The two documents in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCUMENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
