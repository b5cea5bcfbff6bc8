"""Human handoff end to end: real Rasa and action servers, fake Telegram, Twilio and Slack APIs."""

from __future__ import annotations

import json
import secrets
import subprocess
import threading
import time
from pathlib import Path

import pytest

from bot import paths
from bot.handoff.slack_ui import ACTION_CLAIM, ACTION_RESOLVE
from bot.security.crypto import shared_key_environment
from tests.rasa_env.handoff.conftest import CARE_CHANNEL, PAT, SAM, STRANGER, Desk, wait_until, write_policy
from tests.support.live import http

pytestmark = pytest.mark.slow

LIVE = "I'm passing you to a colleague"
BACK = "I'm back!"


def bot_events(tracker: dict) -> list:
    return [e for e in tracker["events"] if e.get("event") == "bot"]


def slot_value(tracker: dict, name: str):
    return tracker["slots"].get(name)


def test_telegram_customer_handed_to_an_agent_and_back(desk: Desk) -> None:
    chat = 700123456
    conversation = desk.telegram_conversation(chat)
    desk.telegram_says(chat, "hi")
    assert desk.wait_telegram(chat, 1)[0].startswith("Hi, I'm Pip")
    desk.telegram_says(chat, "I want to talk to a real person")
    told = desk.wait_telegram(chat, 2)[-1]
    assert told.startswith(LIVE) and "number 1 in line" in told

    handoff = desk.handoff(conversation)
    assert (handoff.state, handoff.reason, handoff.channel) == ("waiting_agent", "customer_request", "telegram")
    [root] = [r for r in desk.roots() if "\u20223456" in r.params["text"]]
    blocks = json.dumps(root.params["blocks"])
    assert "telegram customer \\u2022\\u2022\\u2022\\u2022\\u20223456" in blocks  # id masked
    assert "700123456" not in blocks
    assert "customer_request" in blocks and "Summary" in blocks and ACTION_CLAIM in blocks
    assert "I want to talk to a real person" in blocks  # last messages

    # The customer writes twice: both messages reach the thread; the bot stays silent.
    desk.telegram_says(chat, "my order HP-482913 never arrived")
    desk.telegram_says(chat, "hello? anyone there?")
    posts = desk.wait_thread(handoff.thread_ts, 2)
    assert posts == ["*Customer:* my order HP-482913 never arrived", "*Customer:* hello? anyone there?"]

    # The agent answers in the thread: it reaches the customer on Telegram and is recorded.
    assert desk.agent_writes(PAT, "Hi, I'm Pat from the care team. Let me check HP-482913.", handoff.thread_ts).status == 200
    texts = desk.wait_telegram(chat, 3)
    assert texts == texts[:2] + ["Hi, I'm Pat from the care team. Let me check HP-482913."]  # nothing in between
    claimed = desk.store().get(handoff.id)
    assert (claimed.state, claimed.owner) == ("agent", PAT)
    desk.slack.wait_for(lambda calls: any(c.method == "chat.update" for c in calls))

    # Internal note: stored, never sent to the customer.
    assert desk.agent_writes(PAT, "note: customer sounds upset, offer express reship", handoff.thread_ts).status == 200
    desk.slack.wait_delivered("chat.postEphemeral", 1, user=PAT)
    assert [m.text for m in desk.store().messages_of(handoff.id, kinds=("note",))] == [
        "customer sounds upset, offer express reship"]

    # Resolve: the customer hears the bot is back, and the bot answers the next message again.
    assert desk.agent_clicks(PAT, ACTION_RESOLVE, handoff.id, handoff.thread_ts).status == 200
    assert desk.wait_telegram(chat, 4)[-1].startswith(BACK)
    assert desk.store().open_for(conversation) is None
    desk.telegram_says(chat, "how much is shipping")
    assert "Standard shipping takes 3-5 business days" in desk.wait_telegram(chat, 5)[4]
    assert "customer sounds upset" not in " ".join(desk.telegram_texts(chat))

    tracker = desk.tracker(conversation)
    agent_turns = [e for e in bot_events(tracker) if (e.get("metadata") or {}).get("handoff_agent") == PAT]
    assert [e["text"] for e in agent_turns] == ["Hi, I'm Pat from the care team. Let me check HP-482913."]
    user_texts = [e["text"] for e in tracker["events"] if e.get("event") == "user"]
    assert "hello? anyone there?" in user_texts  # relayed messages stay in the tracker
    assert slot_value(tracker, "handoff_active") is False


def test_sms_customer_handed_to_an_agent_and_back(desk: Desk) -> None:
    number = "+15551230077"
    desk.sms_says(number, "can I speak to a human please")
    assert desk.wait_sms(number, 1)[0].startswith(LIVE)
    conversation = desk.sms_conversation(number)
    handoff = desk.handoff(conversation)
    assert handoff.channel == "twilio_sms" and handoff.recipient_id == conversation
    assert "555" not in conversation  # the phone number stays out of ids, Slack posts and trackers
    assert not any(number in json.dumps(r.params) or "1230077" in json.dumps(r.params) for r in desk.roots())
    desk.sms_says(number, "it's about a refund")
    desk.sms_says(number, "for order HP-519004")
    assert desk.wait_thread(handoff.thread_ts, 2) == ["*Customer:* it's about a refund",
                                                      "*Customer:* for order HP-519004"]
    assert desk.agent_writes(SAM, "Hello, Sam here. The refund for *HP-519004* is on its way.",
                             handoff.thread_ts).status == 200
    texts = desk.wait_sms(number, 2)
    assert texts[1] == "Hello, Sam here. The refund for HP-519004 is on its way."  # SMS: plain text
    assert desk.agent_clicks(SAM, ACTION_RESOLVE, handoff.id, handoff.thread_ts).status == 200
    assert desk.wait_sms(number, 3)[2].startswith(BACK)
    desk.sms_says(number, "how do I reset my password")
    assert "Forgot password?" in desk.wait_sms(number, 4)[3]


def test_web_chat_customer_handed_to_an_agent_and_back(desk: Desk) -> None:
    sender = "web-" + secrets.token_hex(16)
    assert desk.webchat_says(sender, "hi")[0].startswith("Hi, I'm Pip")
    told = desk.webchat_says(sender, "I want to talk to a real person")
    assert told[-1].startswith(LIVE) and "number 1 in line" in told[-1]  # answered inside the POST
    conversation = desk.bot.conversation_id(sender)
    session_id = conversation.split(":", 1)[1]
    handoff = desk.handoff(conversation)
    assert (handoff.state, handoff.reason, handoff.channel, handoff.recipient_id) == (
        "waiting_agent", "customer_request", "webchat", conversation)
    [root] = [r for r in desk.roots() if "webchat customer" in json.dumps(r.params["blocks"])
              and session_id[-4:] in json.dumps(r.params["blocks"])]
    assert session_id not in json.dumps(root.params["blocks"])  # masked

    # The customer writes twice: both reach the thread, the bot answers nothing, nothing waits in the inbox.
    assert desk.webchat_says(sender, "my order HP-482913 never arrived") == []
    assert desk.webchat_says(sender, "hello? anyone there?") == []
    assert desk.wait_thread(handoff.thread_ts, 2) == ["*Customer:* my order HP-482913 never arrived",
                                                      "*Customer:* hello? anyone there?"]
    assert desk.inbox(sender) == {"messages": [], "after": 0}

    # The agent answers in the thread; the page fetches it from the inbox, as plain text, marked as a person's.
    reply = "Hi, I'm Pat. Your *parcel* is on its way: <https://track.example/HP-482913|tracking>"
    assert desk.agent_writes(PAT, reply, handoff.thread_ts).status == 200
    [message] = desk.wait_inbox(sender, 1)
    assert message["from"] == "agent"
    assert message["text"] == "Hi, I'm Pat. Your parcel is on its way: tracking (https://track.example/HP-482913)"
    assert desk.inbox(sender)["messages"] == [message]  # not acknowledged yet: delivered again
    assert desk.store().get(handoff.id).state == "agent"

    # A second reply waits in the outbox across a restart of the Rasa server.
    def agent_turns() -> list:
        return [e["text"] for e in bot_events(desk.tracker(sender))
                if (e.get("metadata") or {}).get("handoff_agent") == PAT]

    desk.agent_writes(PAT, "One more thing: it should arrive tomorrow.", handoff.thread_ts)
    wait_until(lambda: len(agent_turns()) == 2, what="the second agent reply recorded (queued for the page)")
    desk.restart_rasa()
    after_restart = desk.inbox(sender, after=message["id"])  # acknowledges the first reply
    assert [(m["text"], m["from"]) for m in after_restart["messages"]] == [
        ("One more thing: it should arrive tomorrow.", "agent")]
    assert after_restart["after"] == after_restart["messages"][0]["id"] > message["id"]
    assert desk.inbox(sender, after=after_restart["after"]) == {"messages": [], "after": after_restart["after"]}

    # Resolve: "I'm back" reaches the page through the inbox, and the bot answers the next message again.
    assert desk.agent_clicks(PAT, ACTION_RESOLVE, handoff.id, handoff.thread_ts).status == 200
    [back] = desk.wait_inbox(sender, 1)
    assert back["from"] == "bot" and back["text"].startswith(BACK)
    assert desk.store().open_for(conversation) is None
    assert any("Standard shipping takes 3-5 business days" in t for t in desk.webchat_says(sender, "how much is shipping"))
    assert desk.inbox(sender, after=back["id"]) == {"messages": [], "after": back["id"]}

    tracker = desk.tracker(sender)
    # the tracker keeps the agent's words channel-neutral; each channel shapes them (web chat: plain text)
    assert agent_turns() == ["Hi, I'm Pat. Your *parcel* is on its way: tracking (https://track.example/HP-482913)",
                             "One more thing: it should arrive tomorrow."]
    assert "hello? anyone there?" in [e["text"] for e in tracker["events"] if e.get("event") == "user"]
    assert slot_value(tracker, "handoff_active") is False
    assert not any("Not delivered" in text for text in desk.thread_posts(handoff.thread_ts))


def test_web_chat_inbox_refuses_bad_polls(desk: Desk) -> None:
    assert http("GET", desk.url("/webhooks/webchat/inbox")).status == 401  # no session
    for query, status in (("sender=../etc", 400), ("after=-1", 400), ("after=abc", 400), ("after=1&after=2", 400),
                          ("after=" + "9" * 30, 400), ("x=" + "a" * 2000, 414)):
        reply = desk.bot.webchat("bad-polls", f"inbox?{query}", method="GET")
        assert reply.status == status, (query, reply.status, reply.body)
        assert "error" in reply.body
    assert http("GET", desk.url("/webhooks/webchat/health")).body["status"] == "ok"


def test_two_agents_racing_to_claim(desk: Desk) -> None:
    chat = 700200001
    desk.telegram_says(chat, "talk to a person")
    desk.wait_telegram(chat, 1)
    handoff = desk.handoff(desk.telegram_conversation(chat))
    barrier = threading.Barrier(2)
    statuses = {}

    def click(agent: str) -> None:
        barrier.wait()
        statuses[agent] = desk.agent_clicks(agent, ACTION_CLAIM, handoff.id, handoff.thread_ts).status

    threads = [threading.Thread(target=click, args=(agent,)) for agent in (PAT, SAM)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == {PAT: 200, SAM: 200}
    # The loser is told privately; the thread shows exactly one claim.
    # Both clicks are done once the loser was told and the winner's claim is in the thread (in either order).
    desk.slack.wait_for(lambda calls: any(c.method == "chat.postEphemeral" and "not claimed" in c.params["text"]
                                          for c in calls)
                        and any(c.method == "chat.postMessage" and c.params.get("thread_ts") == handoff.thread_ts
                                and "claimed this conversation" in c.params["text"] for c in calls))
    claims = [t for t in desk.thread_posts(handoff.thread_ts) if "claimed this conversation" in t]
    owner = desk.store().get(handoff.id).owner
    assert claims == [f"<@{owner}> claimed this conversation."]
    loser = SAM if owner == PAT else PAT
    assert any(c.params["user"] == loser for c in desk.slack.delivered("chat.postEphemeral"))
    # The loser's reply is not sent to the customer.
    desk.agent_writes(loser, "I can help too", handoff.thread_ts)
    desk.slack.wait_for(lambda calls: any(c.method == "chat.postEphemeral" and "Not sent" in c.params["text"]
                                          for c in calls))
    assert "I can help too" not in desk.telegram_texts(chat)
    desk.agent_clicks(owner, ACTION_RESOLVE, handoff.id, handoff.thread_ts)
    desk.wait_telegram(chat, 2)


def test_slack_retries_and_unknown_threads(desk: Desk) -> None:
    chat = 700300001
    desk.telegram_says(chat, "I need a human")
    desk.wait_telegram(chat, 1)
    handoff = desk.handoff(desk.telegram_conversation(chat))
    first = desk.agent_writes(PAT, "Hello from Pat", handoff.thread_ts, event_id="EvRetry1")
    retry = desk.agent_writes(PAT, "Hello from Pat", handoff.thread_ts, event_id="EvRetry1", retry=1)
    assert (first.status, retry.status) == (200, 200)  # the retry is refused by the inbox: done once
    desk.wait_telegram(chat, 2)
    # An event in a thread that is no handoff: 200, nothing sent, logged.
    before = len(desk.telegram.calls)
    ignored_before = desk.counters().get("ignored: unknown thread", 0)
    assert desk.agent_writes(PAT, "unrelated chatter", "1111111111.000001").status == 200
    # events of different threads are processed concurrently: wait until the desk has dropped it
    deadline = time.monotonic() + 60
    while desk.counters().get("ignored: unknown thread", 0) < ignored_before + 1:
        assert time.monotonic() < deadline, "the event for an unknown thread was never processed"
        time.sleep(0.1)
    desk.agent_writes(PAT, "Anything else?", handoff.thread_ts)
    assert desk.wait_telegram(chat, 3)[1:] == ["Hello from Pat", "Anything else?"]
    assert len(desk.telegram.calls) == before + 1
    # Unsigned requests are refused before anything else.
    unsigned = desk.signed("events", b'{"type": "event_callback"}', "application/json", sign=False)
    assert unsigned.status == 401
    desk.agent_clicks(PAT, ACTION_RESOLVE, handoff.id, handoff.thread_ts)
    desk.wait_telegram(chat, 4)
    counters = desk.counters()
    assert counters["ignored: unknown thread"] == ignored_before + 1
    assert desk.telegram_texts(chat).count("Hello from Pat") == 1  # the retried event did nothing


def test_escalation_rules_in_the_running_bot(desk: Desk) -> None:
    cases = [(700400001, "I will sue you if my money is not back this week", "legal_threat"),
             (700400002, "someone hacked my account and ordered stuff", "account_security")]
    for chat, text, reason in cases:
        desk.telegram_says(chat, text)
        assert desk.wait_telegram(chat, 1)[0].startswith(LIVE)
        assert desk.handoff(desk.telegram_conversation(chat)).reason == reason
    # Two knowledge questions in a row: handed off after the second exactly when both abstained.
    chat = 700400003
    def knowledge_runs() -> list:
        return [e for e in desk.tracker(desk.telegram_conversation(chat))["events"]
                if e.get("event") == "action" and e.get("name") in ("action_answer_question", "utter_out_of_scope",
                                                                     "action_handle_fallback", "action_listen")]

    for number, question in enumerate(("do you rent out wedding dresses?", "can I pay with bitcoin?"), start=1):
        desk.telegram_says(chat, question)
        # the turn is over when the bot listens again (action_listen after the question's user event)
        wait_until(lambda: sum(1 for e in knowledge_runs() if e["name"] == "action_listen") >= number + 1,
                   what=f"turn {number} finished")
    tracker = desk.tracker(desk.telegram_conversation(chat))
    abstentions = [e["value"] for e in tracker["events"]
                   if e.get("event") == "slot" and e.get("name") == "knowledge_abstained"]
    if abstentions[-2:] == [True, True]:
        desk.wait_telegram_until(chat, lambda texts: any(t.startswith(LIVE) for t in texts))
        assert desk.handoff(desk.telegram_conversation(chat)).reason == "knowledge_abstained"
    else:
        assert desk.store().for_conversation(desk.telegram_conversation(chat)) == [], abstentions
    # An ordinary question does not escalate.
    chat = 700400004
    desk.telegram_says(chat, "how much is shipping")
    assert "Standard shipping" in desk.wait_telegram(chat, 1)[0]
    assert desk.store().for_conversation(desk.telegram_conversation(chat)) == []


def test_restart_during_a_handoff(desk: Desk) -> None:
    chat = 700500001
    desk.telegram_says(chat, "talk to a person please")
    desk.wait_telegram(chat, 1)
    handoff = desk.handoff(desk.telegram_conversation(chat))
    desk.agent_writes(PAT, "Pat here, one moment", handoff.thread_ts)
    desk.wait_telegram(chat, 2)

    desk.bot.action.stop()
    desk.restart_rasa()
    desk.bot.action.start()
    desk.bot.action.wait_healthy()

    desk.telegram_says(chat, "still there?")
    assert desk.wait_thread(handoff.thread_ts, 2)[-1] == "*Customer:* still there?"
    desk.agent_writes(PAT, "Yes, still here", handoff.thread_ts)
    assert desk.wait_telegram(chat, 3)[-1] == "Yes, still here"
    desk.agent_clicks(PAT, ACTION_RESOLVE, handoff.id, handoff.thread_ts)
    assert desk.wait_telegram(chat, 4)[-1].startswith(BACK)


def test_correction_ends_up_in_the_exported_training_data(desk: Desk, tmp_path: Path) -> None:
    chat = 700600001
    desk.telegram_says(chat, "how much is shipping")
    desk.wait_telegram(chat, 2)
    desk.telegram_says(chat, "I want a person")
    texts = desk.wait_telegram_until(chat, lambda texts: any(t.startswith(LIVE) for t in texts))
    handoff = desk.handoff(desk.telegram_conversation(chat))
    right = "Standard shipping is free from $50; below that it costs $4.95."
    reply = desk.slash(PAT, f"correct {handoff.ref} {right}")
    assert reply.status == 200 and reply.body["text"] == f"{handoff.ref}: corrected."
    desk.agent_clicks(PAT, ACTION_RESOLVE, handoff.id, handoff.thread_ts)
    desk.wait_telegram(chat, len(texts) + 1)

    def exported() -> list:
        out = tmp_path / "corrections.jsonl"
        result = subprocess.run(
            [str(paths.ml_python()), "-m", "bot", "handoff", "export-corrections", "--out", str(out),
             "--kind", "corrections"],
            cwd=paths.ROOT, capture_output=True, text=True, timeout=120,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(paths.ROOT), "SWITCHBOARD_VAR_DIR": str(desk.bot.workdir),
                 **shared_key_environment()})
        assert result.returncode == 0, result.stderr
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        return [c for c in lines if c["metadata"]["handoff_id"] == handoff.id]

    # Nothing goes into training before a reviewer approved it, and nobody approves their own correction.
    assert exported() == []
    [correction] = [c for c in desk.store().all_corrections() if c.handoff_id == handoff.id]
    assert (correction.status, correction.agent) == ("pending", PAT)
    assert "yours" in desk.slash(PAT, f"approve C{correction.id}").body["text"] or \
        "Only reviewers" in desk.slash(PAT, f"approve C{correction.id}").body["text"]
    assert f"C{correction.id}" in desk.slash(SAM, "review").body["text"]
    assert desk.slash(SAM, f"approve C{correction.id}").body["text"].startswith(f"C{correction.id} approved")
    assert desk.store().correction(correction.id).reviewer == SAM
    mine = exported()
    assert len(mine) == 1
    turns = mine[0]["turns"]
    assert turns[-1] == {"role": "agent", "text": right, "timestamp": None, "intent": None,
                         "intent_confidence": None, "metadata": {"handoff_agent": PAT,
                                                                 "corrects": mine[0]["metadata"]["wrong_answer"]}}
    assert turns[-2]["role"] == "customer" and turns[-2]["text"] == "how much is shipping"
    assert mine[0]["metadata"]["wrong_answer"] == texts[0]


def test_outside_business_hours_a_ticket_is_queued(desk: Desk) -> None:
    write_policy(desk.policy_file, open_now=False)
    try:
        chat = 700700001
        desk.telegram_says(chat, "talk to a person")
        told = desk.wait_telegram(chat, 1)[0]
        assert told.startswith("Our care team is offline right now")
        assert "by tomorrow at" in told or "by today at" in told
        handoff = desk.handoff(desk.telegram_conversation(chat))
        assert handoff.state == "queued"
        # The bot keeps answering in the meantime.
        desk.telegram_says(chat, "how much is shipping")
        assert "Standard shipping" in desk.wait_telegram(chat, 3)[1]
        # The next morning an agent takes the ticket; from then on messages go to them.
        assert desk.agent_clicks(PAT, ACTION_CLAIM, handoff.id, handoff.thread_ts).status == 200
        desk.slack.wait_for(lambda calls: any(f"<@{PAT}> claimed" in str(c.params.get("text"))
                                              and c.params.get("thread_ts") == handoff.thread_ts for c in calls))
        desk.agent_writes(PAT, "Good morning, Pat here about your request.", handoff.thread_ts)
        assert desk.wait_telegram(chat, 4)[3] == "Good morning, Pat here about your request."
        desk.telegram_says(chat, "thanks Pat")
        assert desk.wait_thread(handoff.thread_ts, 2)[-1] == "*Customer:* thanks Pat"
    finally:
        write_policy(desk.policy_file, open_now=True)
    assert CARE_CHANNEL


def test_someone_who_is_not_an_agent_can_do_nothing_and_every_action_is_audited(desk: Desk) -> None:
    chat = 700800001
    conversation = desk.telegram_conversation(chat)
    desk.telegram_says(chat, "how much is shipping")
    desk.wait_telegram(chat, 1)
    desk.telegram_says(chat, "I want to talk to a person")
    told = len(desk.wait_telegram_until(chat, lambda texts: any(t.startswith(LIVE) for t in texts)))
    handoff = desk.handoff(conversation)

    # A workspace member who is not an agent: claim, reply, correct, resolve are all refused, privately.
    assert desk.agent_clicks(STRANGER, ACTION_CLAIM, handoff.id, handoff.thread_ts).status == 200
    assert desk.agent_writes(STRANGER, "hi, I'm not really an agent", handoff.thread_ts).status == 200
    reply = desk.slash(STRANGER, f"correct {handoff.ref} anything")
    assert reply.status == 200 and "Only agents" in reply.body["text"]
    assert "Only agents" in desk.slash(STRANGER, f"resolve {handoff.ref}").body["text"]
    desk.slack.wait_for(lambda calls: len([c for c in calls if c.method == "chat.postEphemeral"
                                           and c.params.get("user") == STRANGER]) >= 2)
    assert desk.store().get(handoff.id).state == "waiting_agent"
    assert len(desk.telegram_texts(chat)) == told  # nothing reached the customer
    assert [c for c in desk.store().all_corrections() if c.handoff_id == handoff.id] == []

    # A real agent's whole handoff: claim, note, reply, correct, transfer, resolve, each in the audit log.
    desk.agent_clicks(PAT, ACTION_CLAIM, handoff.id, handoff.thread_ts)
    wait_until(lambda: desk.store().get(handoff.id).owner == PAT, what="the claim")
    desk.agent_writes(PAT, "note: checking the order", handoff.thread_ts)
    desk.agent_writes(PAT, "Hello, Pat here.", handoff.thread_ts)
    desk.wait_telegram(chat, told + 1)
    assert desk.slash(PAT, f"correct {handoff.ref} The right answer.").body["text"] == f"{handoff.ref}: corrected."
    assert desk.slash(PAT, f"transfer {handoff.ref} <@{STRANGER}>").body["text"].endswith("not an agent.")
    assert desk.slash(PAT, f"transfer {handoff.ref} <@{SAM}>").body["text"] == f"{handoff.ref}: transferred."
    assert desk.slash(SAM, f"resolve {handoff.ref}").body["text"] == f"{handoff.ref}: resolved."
    desk.wait_telegram(chat, told + 2)

    log = desk.store().audit_log(handoff_id=handoff.id)
    actions = [(entry.actor, entry.action) for entry in log]
    for expected in [(STRANGER, "refused"), (PAT, "claim"), (PAT, "note"), (PAT, "reply"), (PAT, "correct"),
                     (PAT, "transfer"), (SAM, "resolve")]:
        assert expected in actions, (expected, actions)
    assert all(entry.conversation_id == conversation for entry in log)
    assert not any("Hello, Pat here" in entry.detail or "right answer" in entry.detail for entry in log)  # no text


def test_identity_is_bound_to_the_channel(desk: Desk) -> None:
    chat = 700900001
    conversation = desk.telegram_conversation(chat)
    desk.telegram_says(chat, "talk to a person please")
    desk.wait_telegram(chat, 1)
    handoff = desk.handoff(conversation)
    desk.agent_writes(PAT, "Pat here on Telegram.", handoff.thread_ts)
    desk.wait_telegram(chat, 2)
    before = [e for e in desk.tracker(conversation)["events"] if e.get("event") == "user"]

    # Web chat and REST messages naming the Telegram chat (or something like it) land elsewhere.
    assert http("POST", desk.url("/webhooks/webchat/message"),
                {"sender": str(chat), "message": "I am the customer, send replies here"}).status == 401
    desk.webchat_says(f"similar-{chat}", "I am the customer, send replies here")
    for sender in (str(chat), conversation):
        reply = desk.bot.rest(sender.replace(":", "-"), "I am the customer too")
        assert reply.status == 200
    assert http("POST", desk.url("/webhooks/rest/webhook"), {"sender": str(chat), "message": "no token"}).status == 401
    after = [e for e in desk.tracker(conversation)["events"] if e.get("event") == "user"]
    assert after == before  # nothing changed in the Telegram customer's conversation
    assert len(desk.thread_posts(handoff.thread_ts)) == 0 or all(
        "I am the customer" not in text for text in desk.thread_posts(handoff.thread_ts))

    # The agent's next reply still goes to Telegram, and nothing to a web chat inbox.
    desk.agent_writes(PAT, "Still on Telegram.", handoff.thread_ts)
    assert desk.wait_telegram(chat, 3)[-1] == "Still on Telegram."
    assert desk.inbox(f"similar-{chat}")["messages"] == []
    desk.agent_clicks(PAT, ACTION_RESOLVE, handoff.id, handoff.thread_ts)
    desk.wait_telegram(chat, 4)
