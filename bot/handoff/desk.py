"""The agents' side of a handoff: what happens when agents act in Slack.

Framework-free and async. ``connectors/slack_agents.py`` authenticates Slack's requests,
parses them once into the dicts handled here, acknowledges at once and runs these handlers
in the background. Blocking work (database, Slack Web API) runs in worker threads.

Two boundaries are passed in, so the desk runs the same inside the Rasa server and in tests:

- :class:`CustomerGateway`: sends a text to a customer on their own channel (Telegram, SMS,
  Slack, web chat) with that channel's formatting, outside a user turn.
- :class:`TrackerWriter`: appends events to a Rasa conversation (the agent's reply as a
  ``bot`` event with ``metadata.handoff_agent``; the ``handoff_active`` slot).

Only the agents ``handoff.yml`` names (``agents.allowed``, or members of
``agents.allowed_usergroup``) may act; anyone else gets a refusal only they see, and the attempt
is audited. Every action is written to the store's audit log. Deduplication of Slack's deliveries
is the durable inbox's (:mod:`bot.intake`); the handlers are safe to run again after a failure
(claims and resolves are conditional updates, a delivered reply is recorded and not sent twice).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import time
from typing import Any, Mapping, Optional, Protocol, Sequence

from bot.handoff.escalation import HANDOFF_SLOT
from bot.handoff.policy import HandoffPolicy
from bot.handoff.service import time_out
from bot.handoff.slack_api import SlackApi, SlackUnavailable
from bot.handoff.slack_ui import (
    ACTION_CLAIM, ACTION_RESOLVE, ACTION_SEND_SUGGESTION, ACTION_TRANSFER, SHORTCUT_MARK_WRONG, VIEW_CORRECTION,
    correction_view, queue_listing, thread_root,
)
from bot.handoff.store import (
    AGENT, AGENT_REPLY, NOTE, OPEN_STATES, PENDING_REVIEW, QUEUED, SYSTEM, WAITING, Handoff, HandoffStore, utcnow,
)
from bot.handoff.summary import last_bot_answer

logger = logging.getLogger(__name__)

NOTE_PREFIX = re.compile(r"^\s*(note|internal)\s*:\s*", re.IGNORECASE)
CORRECT_PREFIX = re.compile(r"^\s*correct(ion)?\s*:\s*", re.IGNORECASE)
REF_PATTERN = re.compile(r"^[Hh]?(\d{1,12})$")
USER_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")
CORRECTION_REF = re.compile(r"^[Cc]?(\d{1,12})$")
HELP = ("Usage: `/handoff queue` \u00b7 `/handoff claim H12` \u00b7 `/handoff transfer H12 @agent` \u00b7 "
        "`/handoff note H12 text` \u00b7 `/handoff correct H12 right answer` \u00b7 `/handoff resolve H12` \u00b7 "
        "`/handoff review` \u00b7 `/handoff approve C3` \u00b7 `/handoff reject C3`. "
        "In a thread: a reply goes to the customer; `note: ...` stays internal; `correct: ...` fixes the "
        "bot's last answer (a reviewer approves it before it becomes training data).")
REFUSAL = "Only agents of the care team can do this. Ask an admin to add you to agents.allowed in handoff.yml."
USERGROUP_CACHE_SECONDS = 300.0


class CustomerGateway(Protocol):
    """Sends to a customer on the channel their conversation id names, outside a user turn."""

    async def send(self, conversation_id: str, text: str, from_agent: bool = False) -> bool:
        """True when the channel accepted the message; ``from_agent``: a person wrote it (not the bot)."""


class TrackerWriter(Protocol):
    """Appends events (Rasa event dicts) to a conversation's tracker."""

    async def append(self, conversation_id: str, events: Sequence[Mapping[str, Any]]) -> None:
        """Raises on failure."""


def slack_to_plain(text: str) -> str:
    """Slack mrkdwn of an agent's message as plain text for the customer's channel."""
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    text = re.sub(r"<mailto:([^|>]+)\|([^>]+)>", r"\2", text)
    text = re.sub(r"<[@#!][^>]*>", "", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


class Desk:
    """Handles agents' Slack events, button clicks, shortcuts and slash commands."""

    def __init__(self, store: HandoffStore, policy: HandoffPolicy, slack: SlackApi, customers: CustomerGateway,
                 trackers: TrackerWriter, bot_user_id: Optional[str] = None) -> None:
        self.store = store
        self.policy = policy
        self.slack = slack
        self.customers = customers
        self.trackers = trackers
        self.bot_user_id = bot_user_id
        self.counters: dict[str, int] = {}
        """What the desk did, by outcome (``sent``, ``refused``, ``ignored: unknown thread``...)."""
        self._group: tuple[float, frozenset[str]] = (0.0, frozenset())

    def count(self, outcome: str) -> str:
        """Count an outcome (shown on the channel's health route) and return it."""
        self.counters[outcome] = self.counters.get(outcome, 0) + 1
        return outcome

    async def _run(self, function: Any, *args: Any) -> Any:
        return await asyncio.to_thread(function, *args)

    async def may_act(self, user: str) -> bool:
        """True when ``user`` is an agent: listed in ``agents.allowed`` or a member of ``agents.allowed_usergroup``."""
        if user in self.policy.allowed_agents():
            return True
        group = self.policy.allowed_usergroup
        if not group or not user:
            return False
        fetched_at, members = self._group
        if time.monotonic() - fetched_at > USERGROUP_CACHE_SECONDS:
            try:
                members = frozenset(await self._run(self.slack.usergroup_members, group))
                self._group = (time.monotonic(), members)
            except SlackUnavailable as error:  # fail closed: nobody outside the list may act
                logger.error("agents' user group not readable (%s); only agents.allowed may act", error)
                return False
        return user in members

    async def _refuse(self, user: str, action: str, channel: Optional[str], handoff: Optional[Handoff] = None,
                      thread_ts: Optional[str] = None) -> str:
        """Tell a non-agent they may not act, and audit the attempt."""
        await self._audit(user, "refused", handoff, action)
        await self._tell(channel, user, REFUSAL, thread_ts)
        logger.warning("a Slack user who is not an agent tried to %s; refused", action)
        return "refused: not an agent"

    async def _audit(self, actor: str, action: str, handoff: Optional[Handoff], detail: str = "") -> None:
        await self._run(lambda: self.store.log_action(actor, action, handoff.conversation_id if handoff else None,
                                                      handoff.id if handoff else None, detail))

    async def _post(self, handoff: Handoff, text: str) -> None:
        if not handoff.thread_ts or not handoff.slack_channel:
            return
        try:
            await self._run(lambda: self.slack.post(handoff.slack_channel, text, thread_ts=handoff.thread_ts))
        except SlackUnavailable as error:
            logger.error("handoff %s: thread notice not posted: %s", handoff.ref, error)

    async def _tell(self, channel: Optional[str], user: str, text: str, thread_ts: Optional[str] = None) -> None:
        if not channel:
            return
        try:
            await self._run(lambda: self.slack.ephemeral(channel, user, text, thread_ts))
        except SlackUnavailable as error:
            logger.error("ephemeral message not posted: %s", error)

    async def _refresh_root(self, handoff_id: int) -> None:
        handoff = await self._run(self.store.get, handoff_id)
        if handoff is None or not handoff.thread_ts or not handoff.slack_channel:
            return
        text, blocks = thread_root(handoff, self.policy.mask_customer_ids, self.policy.label(handoff.reason))
        try:
            await self._run(lambda: self.slack.update(handoff.slack_channel, handoff.thread_ts, text, blocks))
        except SlackUnavailable as error:
            logger.error("handoff %s: first post not updated: %s", handoff.ref, error)

    # ------------------------------------------------------------------ Events API

    async def handle_event(self, envelope: Mapping[str, Any]) -> str:
        """Handle one Events API envelope; returns what was done (also counted in :attr:`counters`)."""
        return self.count(await self._handle_event(envelope))

    async def _handle_event(self, envelope: Mapping[str, Any]) -> str:
        event_id = str(envelope.get("event_id") or "")
        event = envelope.get("event") or {}
        if event.get("type") != "message":
            return "ignored: not a message"
        if event.get("bot_id") or event.get("subtype") or (self.bot_user_id and event.get("user") == self.bot_user_id):
            return "ignored: bot or edited message"
        thread_ts, channel, user = event.get("thread_ts"), event.get("channel"), event.get("user")
        text = str(event.get("text") or "")
        if not thread_ts or not channel or not user or not text.strip():
            return "ignored: not a threaded user message"
        handoff = await self._run(self.store.by_thread, channel, thread_ts)
        if handoff is None:
            logger.warning("Slack message in a thread that is no handoff: ignored")
            return "ignored: unknown thread"
        if not await self.may_act(user):
            return await self._refuse(user, "write in a handoff thread", channel, handoff, thread_ts)
        if NOTE_PREFIX.match(text):
            return await self.note(handoff, user, NOTE_PREFIX.sub("", text))
        if CORRECT_PREFIX.match(text):
            return await self.correct(handoff, user, CORRECT_PREFIX.sub("", text))
        key = f"slack-message:{channel}:{event.get('ts') or event_id}"
        return await self.reply(handoff, user, slack_to_plain(text), delivery_key=key)

    # ------------------------------------------------------------------ operations

    async def claim(self, handoff: Handoff, agent: str) -> str:
        """Give the conversation to ``agent`` unless someone else has it."""
        won = await self._run(self.store.claim, handoff.id, agent)
        if not won:
            current = await self._run(self.store.get, handoff.id)
            owner = f"<@{current.owner}>" if current and current.owner else "nobody"
            state = current.state if current else "unknown"
            await self._tell(handoff.slack_channel, agent,
                             f"{handoff.ref} is already {state} ({owner}); not claimed.", handoff.thread_ts)
            return "claim lost"
        if handoff.state == QUEUED:  # a ticket taken later: the bot steps back from now on
            await self.trackers.append(handoff.conversation_id, [{"event": "slot", "name": HANDOFF_SLOT,
                                                                  "value": True}])
        await self._run(self.store.add_message, handoff.id, SYSTEM, agent, f"claimed by {agent}")
        await self._audit(agent, "claim", handoff)
        await self._post(handoff, f"<@{agent}> claimed this conversation.")
        await self._refresh_root(handoff.id)
        logger.info("handoff %s claimed", handoff.ref)
        return "claimed"

    async def reply(self, handoff: Handoff, agent: str, text: str, delivery_key: Optional[str] = None) -> str:
        """Send an agent's reply to the customer (claiming an unclaimed conversation first).

        With a ``delivery_key`` (the Slack message), a reply already delivered is not sent again
        when the handling is retried after a later step failed.
        """
        if handoff.state in (WAITING, QUEUED):
            if await self.claim(handoff, agent) != "claimed":
                return "not sent: claimed by someone else"
            handoff = await self._run(self.store.get, handoff.id) or handoff
        if handoff.state != AGENT:
            await self._tell(handoff.slack_channel, agent,
                             f"Not sent: {handoff.ref} is back with the bot. Use `/handoff queue` to find open ones.",
                             handoff.thread_ts)
            return "not sent: resolved"
        if handoff.owner != agent:
            await self._tell(handoff.slack_channel, agent,
                             f"Not sent: <@{handoff.owner}> owns {handoff.ref}. Ask them to transfer it to you.",
                             handoff.thread_ts)
            return "not sent: owned by another agent"
        sent_key = f"agent-reply-sent:{delivery_key}" if delivery_key else None
        if sent_key is None or not await self._run(self.store.recorded, sent_key):
            delivered = await self.customers.send(handoff.conversation_id, text, from_agent=True)
            if not delivered:
                await self._audit(agent, "reply_failed", handoff, f"not delivered on {handoff.channel}")
                await self._post(handoff, f":warning: Not delivered to the customer on {handoff.channel}; "
                                          "please try again or use another channel.")
                return "not delivered"
            if sent_key is not None:
                await self._run(self.store.first_time, sent_key)
        await self._audit(agent, "reply", handoff)
        context = await self._run(self._reply_context, handoff)
        await self._run(self.store.add_message, handoff.id, AGENT_REPLY, agent, text, context)
        await self.trackers.append(handoff.conversation_id, [{
            "event": "bot", "text": text, "timestamp": utcnow().timestamp(),
            "metadata": {"handoff_agent": agent, "handoff_id": handoff.id}}])
        return "sent"

    def _reply_context(self, handoff: Handoff) -> list[dict[str, Any]]:
        """The conversation up to an agent reply: the handoff's last messages plus what came since."""
        context = list(handoff.context)
        for message in self.store.messages_of(handoff.id, kinds=("customer", AGENT_REPLY)):
            context.append({"role": "customer" if message.kind == "customer" else "agent", "text": message.text})
        return context[-12:]

    async def note(self, handoff: Handoff, agent: str, text: str) -> str:
        """Store an internal note (never sent to the customer)."""
        if not text.strip():
            return "ignored: empty note"
        await self._run(self.store.add_message, handoff.id, NOTE, agent, text.strip())
        await self._audit(agent, "note", handoff)
        await self._tell(handoff.slack_channel, agent, f"Internal note saved on {handoff.ref} (not sent to the customer).",
                         handoff.thread_ts)
        return "noted"

    async def correct(self, handoff: Handoff, agent: str, right_answer: str,
                      wrong_answer: Optional[str] = None, question: Optional[str] = None) -> str:
        """Store the right answer to the bot's last answer (or to ``wrong_answer``)."""
        if not right_answer.strip():
            return "ignored: empty correction"
        pair = last_bot_answer(handoff.context)
        if wrong_answer is None:
            if pair is None and not handoff.suggested_reply:
                await self._tell(handoff.slack_channel, agent, f"{handoff.ref} has no bot answer to correct.",
                                 handoff.thread_ts)
                return "ignored: nothing to correct"
            question, wrong_answer = pair if pair is not None else ("", handoff.suggested_reply or "")
        if not question:
            question = next((t["text"] for t in reversed(handoff.context) if t.get("role") == "customer"), "")
        correction_id = await self._run(lambda: self.store.add_correction(
            conversation_id=handoff.conversation_id, channel=handoff.channel, question=question or "",
            wrong_answer=wrong_answer or "", right_answer=right_answer, agent=agent, handoff_id=handoff.id,
            context=handoff.context))
        await self._audit(agent, "correct", handoff, f"correction C{correction_id}")
        await self._tell(handoff.slack_channel, agent, f"Correction C{correction_id} saved on {handoff.ref}; it goes "
                                                       "into training once a reviewer approves it.", handoff.thread_ts)
        logger.info("handoff %s: correction stored", handoff.ref)
        return "corrected"

    async def transfer(self, handoff: Handoff, agent: str, to_agent: str) -> str:
        """Move a claimed conversation from its owner to another agent."""
        if to_agent == agent:
            return "ignored: same agent"
        if not await self.may_act(to_agent):
            await self._tell(handoff.slack_channel, agent, f"<@{to_agent}> is not an agent of the care team; "
                                                           f"{handoff.ref} stays with you.", handoff.thread_ts)
            return "transfer refused: not an agent"
        if not await self._run(self.store.transfer, handoff.id, agent, to_agent):
            await self._tell(handoff.slack_channel, agent,
                             f"Only the agent who owns {handoff.ref} can transfer it.", handoff.thread_ts)
            return "transfer refused"
        await self._run(self.store.add_message, handoff.id, SYSTEM, agent, f"transferred to {to_agent}")
        await self._audit(agent, "transfer", handoff, f"to {to_agent}")
        await self._post(handoff, f"<@{agent}> transferred this conversation to <@{to_agent}>.")
        await self._refresh_root(handoff.id)
        return "transferred"

    async def resolve(self, handoff: Handoff, agent: str) -> str:
        """Close the handoff and give the conversation back to the bot, which says so."""
        was_live = handoff.state in OPEN_STATES
        back = self.policy.message("back", agent=await self._display_name(agent))
        if not await self._run(self.store.resolve, handoff.id, agent):
            return "already resolved"
        # The tracker first: once the customer reads "I'm back", their next message must reach the bot.
        events: list[dict[str, Any]] = [{"event": "slot", "name": HANDOFF_SLOT, "value": False}]
        if was_live:
            events.append({"event": "bot", "text": back, "timestamp": utcnow().timestamp(),
                           "metadata": {"handoff_resolved": handoff.id}})
        await self.trackers.append(handoff.conversation_id, events)
        await self._audit(agent, "resolve", handoff)
        if was_live and not await self.customers.send(handoff.conversation_id, back):
            await self._post(handoff, f":warning: The customer was not told on {handoff.channel} that the bot is back.")
        await self._run(self.store.add_message, handoff.id, SYSTEM, agent, "resolved")
        await self._post(handoff, f"<@{agent}> resolved this conversation; the bot has it again.")
        await self._refresh_root(handoff.id)
        logger.info("handoff %s resolved", handoff.ref)
        return "resolved"

    async def _display_name(self, agent: str) -> str:
        try:
            info = await self._run(lambda: self.slack.client.users_info(user=agent))
            profile = (info.get("user") or {}).get("profile") or {}
            name = profile.get("first_name") or profile.get("display_name") or (info.get("user") or {}).get("name")
            if name:
                return str(name).split()[0]
        except Exception as error:  # a missing name must not block the hand-back; the fallback says "A colleague"
            logger.info("agent name not available (%s); using a generic one", type(error).__name__)
        return "A colleague"

    async def send_suggestion(self, handoff: Handoff, agent: str) -> str:
        """Send the bot's suggested reply on the agent's behalf."""
        if not handoff.suggested_reply:
            return "ignored: no suggestion"
        return await self.reply(handoff, agent, handoff.suggested_reply)

    # ------------------------------------------------------------------ interactivity

    async def handle_interaction(self, payload: Mapping[str, Any]) -> str:
        """Handle a block action, a message shortcut or a modal submission (counted in :attr:`counters`)."""
        return self.count(await self._handle_interaction(payload))

    async def _handle_interaction(self, payload: Mapping[str, Any]) -> str:
        kind = payload.get("type")
        user = str((payload.get("user") or {}).get("id") or "")
        if not user:
            return "ignored: no user"
        if not await self.may_act(user):
            channel = (payload.get("channel") or {}).get("id") or (payload.get("container") or {}).get("channel_id")
            return await self._refuse(user, f"use {kind}", channel)
        if kind == "block_actions":
            results = []
            for action in payload.get("actions") or []:
                results.append(await self._block_action(payload, user, action))
            return ", ".join(results) or "ignored: no action"
        if kind == "message_action" and payload.get("callback_id") == SHORTCUT_MARK_WRONG:
            return await self._mark_wrong(payload, user)
        if kind == "view_submission" and (payload.get("view") or {}).get("callback_id") == VIEW_CORRECTION:
            return await self._save_correction_view(payload, user)
        return f"ignored: {kind}"

    async def _block_action(self, payload: Mapping[str, Any], user: str, action: Mapping[str, Any]) -> str:
        action_id = action.get("action_id")
        handoff = await self._handoff_of_action(payload, action)
        if handoff is None:
            logger.info("Slack action %s for no known handoff: ignored", action_id)
            return "ignored: unknown handoff"
        if action_id == ACTION_CLAIM:
            return await self.claim(handoff, user)
        if action_id == ACTION_RESOLVE:
            return await self.resolve(handoff, user)
        if action_id == ACTION_SEND_SUGGESTION:
            return await self.send_suggestion(handoff, user)
        if action_id == ACTION_TRANSFER:
            target = action.get("selected_user")
            return await self.transfer(handoff, user, str(target)) if target else "ignored: no user selected"
        return f"ignored: action {action_id}"

    async def _handoff_of_action(self, payload: Mapping[str, Any], action: Mapping[str, Any]) -> Optional[Handoff]:
        value = str(action.get("value") or "")
        if not value:
            block_id = str(action.get("block_id") or "")
            value = block_id[len("handoff_"):] if block_id.startswith("handoff_") else ""
        if value.isdigit():
            return await self._run(self.store.get, int(value))
        container = payload.get("container") or {}
        channel = container.get("channel_id") or (payload.get("channel") or {}).get("id")
        ts = container.get("thread_ts") or container.get("message_ts")
        return await self._run(self.store.by_thread, channel, ts) if channel and ts else None

    async def _mark_wrong(self, payload: Mapping[str, Any], user: str) -> str:
        message = payload.get("message") or {}
        channel = (payload.get("channel") or {}).get("id")
        thread_ts = message.get("thread_ts") or message.get("ts")
        handoff = await self._run(self.store.by_thread, channel, thread_ts) if channel and thread_ts else None
        wrong = str(message.get("text") or "")
        if handoff is not None and message.get("ts") == handoff.thread_ts:
            wrong = handoff.suggested_reply or (last_bot_answer(handoff.context) or ("", ""))[1]
        wrong = re.sub(r"^\*(Bot|Customer):\*\s*", "", wrong)
        question = next((t["text"] for t in reversed(handoff.context) if t.get("role") == "customer"), "") \
            if handoff else ""
        view = correction_view(handoff.id if handoff else None, slack_to_plain(wrong), question)
        try:
            await self._run(lambda: self.slack.open_view(str(payload.get("trigger_id")), view))
        except SlackUnavailable as error:
            logger.error("correction form not opened: %s", error)
            return "view failed"
        return "view opened"

    async def _save_correction_view(self, payload: Mapping[str, Any], user: str) -> str:
        import json

        view = payload.get("view") or {}
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
            right = view["state"]["values"]["right_answer"]["value"]["value"]
        except (KeyError, TypeError, ValueError):
            logger.warning("correction form submission without the expected fields: ignored")
            return "ignored: malformed submission"
        handoff_id = meta.get("handoff_id")
        handoff = await self._run(self.store.get, int(handoff_id)) if handoff_id else None
        if handoff is None:
            correction_id = await self._run(lambda: self.store.add_correction(
                conversation_id="slack", channel="slack", question=meta.get("question", ""),
                wrong_answer=meta.get("wrong", ""), right_answer=str(right or ""), agent=user))
            await self._audit(user, "correct", None, f"correction C{correction_id}")
            return "corrected"
        return await self.correct(handoff, user, str(right or ""), wrong_answer=meta.get("wrong", ""),
                                  question=meta.get("question") or None)

    # ------------------------------------------------------------------ slash command

    async def handle_command(self, form: Mapping[str, str]) -> str:
        """Handle ``/handoff ...``; returns the text shown only to the agent who typed it."""
        user = str(form.get("user_id") or "")
        words = str(form.get("text") or "").strip().split(maxsplit=2)
        if not user or not words or words[0].lower() in ("help", "?"):
            return HELP
        if not await self.may_act(user):
            await self._audit(user, "refused", None, f"/handoff {words[0][:20]}")
            self.count("refused: not an agent")
            return REFUSAL
        command = words[0].lower()
        if command == "queue":
            open_ones = await self._run(self.store.in_state, *OPEN_STATES)
            return queue_listing(open_ones, self.policy.mask_customer_ids)
        if command in ("review", "approve", "reject"):
            return await self._review_command(user, command, words[1:])
        if len(words) < 2 or not REF_PATTERN.match(words[1]):
            return f"Which conversation? Give its reference, e.g. `/handoff {command} H12`.\n{HELP}"
        handoff = await self._run(self.store.get, int(REF_PATTERN.match(words[1]).group(1)))
        if handoff is None:
            return f"There is no handoff {words[1]}."
        rest = words[2] if len(words) > 2 else ""
        if command == "claim":
            result = await self.claim(handoff, user)
        elif command == "resolve":
            result = await self.resolve(handoff, user)
        elif command == "note":
            result = await self.note(handoff, user, rest)
        elif command in ("correct", "correction"):
            result = await self.correct(handoff, user, rest)
        elif command == "transfer":
            match = USER_MENTION.match(rest.strip())
            if not match:
                return "Whom to? `/handoff transfer H12 @agent`"
            result = await self.transfer(handoff, user, match.group(1))
        else:
            return HELP
        return f"{handoff.ref}: {result}."

    async def _review_command(self, user: str, command: str, args: Sequence[str]) -> str:
        """``/handoff review`` lists pending corrections; ``approve``/``reject C3`` decides one (reviewers only)."""
        if user not in self.policy.correction_reviewers():
            await self._audit(user, "refused", None, f"/handoff {command}")
            return "Only reviewers (agents.reviewers in handoff.yml) can review corrections."
        if command == "review":
            pending = await self._run(lambda: self.store.all_corrections(status=PENDING_REVIEW))
            if not pending:
                return "No corrections wait for review."
            lines = [f"*C{c.id}* by <@{c.agent}>: _{_clip(c.question)}_ \u2192 {_clip(c.right_answer)}"
                     for c in pending[:20]]
            return "\n".join(lines + ["`/handoff approve C3` or `/handoff reject C3`"])
        match = CORRECTION_REF.match(args[0].strip()) if args else None
        if match is None:
            return f"Which correction? `/handoff {command} C3` (see `/handoff review`)."
        correction_id = int(match.group(1))
        correction = await self._run(self.store.correction, correction_id)
        if correction is None:
            return f"There is no correction C{correction_id}."
        if correction.agent == user:
            return f"C{correction_id} is yours; another reviewer must decide it."
        if not await self._run(self.store.review_correction, correction_id, user, command == "approve"):
            return f"C{correction_id} was already {correction.status}."
        handoff = await self._run(self.store.get, correction.handoff_id) if correction.handoff_id else None
        await self._audit(user, command, handoff, f"correction C{correction_id}")
        verdict = "approved: it goes into the next training export" if command == "approve" else "rejected"
        return f"C{correction_id} {verdict}."

    # ------------------------------------------------------------------ timeouts

    async def sweep(self, now: Optional[dt.datetime] = None) -> int:
        """Queue the handoffs nobody claimed in time and tell their customers; returns how many."""
        now = now or utcnow()
        expired = await self._run(self.store.expired_waiting, self.policy.claim_timeout, now)
        count = 0
        for handoff in expired:
            outcome = await self._run(time_out, self.store, self.policy, self.slack, handoff, now)
            if outcome is None:
                continue
            count += 1
            text = outcome.customer_text or ""
            # The tracker first, so that the customer's next message reaches the bot again.
            await self.trackers.append(handoff.conversation_id, [
                {"event": "slot", "name": HANDOFF_SLOT, "value": False},
                {"event": "bot", "text": text, "timestamp": utcnow().timestamp(),
                 "metadata": {"handoff_timeout": handoff.id}}])
            if not await self.customers.send(handoff.conversation_id, text):
                logger.error("handoff %s: the customer was not told about the timeout", handoff.ref)
            await self._refresh_root(handoff.id)
        return count


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
