"""Masked ids, summary, last messages, suggested reply."""

from __future__ import annotations

from bot.handoff.summary import briefing, knowledge_suggestion, last_bot_answer, mask_id, summarize, turns
from tests.bot.handoff.events import action, bot, knowledge, slot, turn


def test_mask_id() -> None:
    assert mask_id("+18005550142", "partial") == "+\u2022\u2022\u2022\u2022\u2022\u2022\u20220142"
    assert mask_id("123456789", "partial") == "\u2022\u2022\u2022\u2022\u20226789"
    assert mask_id("123456789", "full") == "\u2022" * 6
    assert mask_id("123456789", "none") == "123456789"
    assert "12" not in mask_id("1234", "partial")


def conversation() -> list:
    return (turn("hi", "greet", action("utter_greet"), bot("Hi, I'm Pip."))
            + turn("where is my order HP-482913", "order_status", action("order_status_form"),
                   bot("It shipped with UPS."))
            + knowledge("can you ship to Mexico?", "I'm not sure about that one.", True)
            + turn("this is ridiculous, talk to a person", "request_human"))


def test_summary_is_extractive_and_short() -> None:
    history = turns(conversation())
    summary = summarize(history, {"order_number": "HP-482913"})
    assert summary.startswith("Customer wrote: \u201cwhere is my order HP-482913\u201d")
    assert "latest: \u201ccan you ship to Mexico?\u201d" in summary
    assert "topics: order status, ask question" in summary
    assert summary.endswith("order HP-482913.")
    assert summarize([]) == "No messages yet."


def test_last_messages_and_roles() -> None:
    events = conversation() + [bot("On my way", handoff_agent="U1")]
    info = briefing(events, {}, last_messages=3)
    assert [t["role"] for t in info.last_messages] == ["bot", "customer", "agent"]
    assert last_bot_answer(turns(conversation())) == ("can you ship to Mexico?", "I'm not sure about that one.")
    offered = [{"role": "customer", "text": "q"}, {"role": "bot", "text": "answer"},
               {"role": "bot", "text": "Would you like a person?"}, {"role": "customer", "text": "yes"}]
    assert last_bot_answer(offered) == ("q", "answer")
    assert last_bot_answer([{"role": "customer", "text": "person please"}]) is None


def test_suggestion_is_what_the_knowledge_action_would_have_said() -> None:
    answered = knowledge("how long do refunds take?", "Refunds take 5-7 business days.", False)
    assert knowledge_suggestion(answered) == "Refunds take 5-7 business days."
    draft = turn("do you ship to Mexico?", "ask_question", action("action_answer_question"),
                 bot("I'm not sure.", abstained=True, draft="We ship to the US and Canada only."),
                 slot("knowledge_abstained", True))
    assert knowledge_suggestion(draft) == "We ship to the US and Canada only."
    abstained = turn("do you ship to Mexico?", "ask_question", action("action_answer_question"),
                     bot("I'm not sure.", abstained=True), slot("knowledge_abstained", True))
    assert knowledge_suggestion(abstained) is None
    plain_abstention = knowledge("do you ship to Mexico?", "I'm not sure about that one.", True)
    assert knowledge_suggestion(answered + plain_abstention) is None
