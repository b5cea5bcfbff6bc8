"""Open questions: answer from the knowledge base (retrieval + grounded generation).

Thin adapter around :func:`bot.generation.answer.answer`. Nothing heavy is imported when
rasa-sdk imports this module: the first call loads the knowledge index and the generator
(about a second with llama.cpp); set ``SWITCHBOARD_WARM_UP=1`` to load them in a background
thread when the action server starts instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

logger = logging.getLogger(__name__)

# Before anything in this process loads torch/OpenMP: see bot/generation/__init__.py.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

HISTORY_TURNS = 4
UNAVAILABLE_TEXT = "Sorry, I can't look that up right now. Our care team can help: 1-800-555-0142 or support@harborandpine.example."
"""Used only when guidelines.yml itself cannot be loaded (its error is logged)."""


def recent_turns(events: List[Dict[Text, Any]], limit: int = HISTORY_TURNS) -> List[Any]:
    """The last ``limit`` user/bot text turns before the latest user message, oldest first."""
    from bot.generation.prompt import Turn

    turns: List[Any] = []
    seen_latest_user = False
    for event in reversed(events):
        kind = event.get("event")
        text = event.get("text")
        if kind not in ("user", "bot") or not text:
            continue
        if kind == "user" and not seen_latest_user:
            seen_latest_user = True  # the question itself
            continue
        turns.append(Turn("customer" if kind == "user" else "assistant", str(text)))
        if len(turns) >= limit:
            break
    turns.reverse()
    return turns


class ActionAnswerQuestion(Action):
    """Answers questions no flow covers; records abstention in the ``knowledge_abstained`` slot."""

    def name(self) -> Text:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        # Retrieval and generation block for up to a few seconds: run them in a worker thread
        # so the action server keeps serving other actions (answers are serialised inside
        # bot.generation by the generator's lock).
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.answer, dispatcher, tracker)

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        """Answer the latest user message; returns the slot event (the blocking part of run).

        Inside a form (a question asked instead of the form's answer) an abstention does not offer a
        person: the form asks its own question next, and two questions at once would confuse.
        """
        question = (tracker.latest_message or {}).get("text") or ""
        channel: Optional[str] = tracker.get_latest_input_channel()
        try:
            from bot.generation.answer import answer
            from bot.guidelines import GuidelinesError

            try:
                result = answer(question, recent_turns(tracker.events), channel)
            except GuidelinesError as exc:
                logger.error("Cannot answer knowledge questions: %s", exc)
                dispatcher.utter_message(text=UNAVAILABLE_TEXT)
                return [SlotSet("knowledge_abstained", True)]
        except Exception:  # the action must answer whatever breaks below it
            logger.exception("Knowledge answer failed")
            dispatcher.utter_message(text=UNAVAILABLE_TEXT)
            return [SlotSet("knowledge_abstained", True)]

        logger.info(
            "Knowledge answer: reason=%s mode=%s confidence=%.3f tokens=%d total=%.2fs",
            result.reason,
            result.mode,
            result.confidence,
            result.n_tokens,
            result.timings.get("total", 0.0),
        )
        dispatcher.utter_message(text=result.text)
        in_form = bool((tracker.active_loop or {}).get("name"))
        if result.abstained and result.reason != "index_unavailable" and not in_form:
            dispatcher.utter_message(response="utter_offer_human")
        return [SlotSet("knowledge_abstained", result.abstained)]


async def answer_aside(dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
    """Answer the latest message from the knowledge base from inside a form's validation.

    For a question typed where the form expected an answer that the NLU did not recognise as a
    question (those are answered by the rules before the form runs). Returns the slot values to
    merge into the validation result.
    """
    loop = asyncio.get_running_loop()
    events = await loop.run_in_executor(None, ActionAnswerQuestion().answer, dispatcher, tracker)
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def _warm_up() -> None:
    try:
        from bot.generation.answer import answer

        answer("How long does standard shipping take?")
        logger.info("Knowledge answering warmed up")
    except Exception:
        logger.exception("Knowledge warm-up failed; the first question will retry loading")


if os.environ.get("SWITCHBOARD_WARM_UP") == "1":
    threading.Thread(target=_warm_up, name="knowledge-warm-up", daemon=True).start()
