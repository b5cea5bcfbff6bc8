"""Prompt-injection defences around the generator.

Three layers, all on by default:

1. :func:`detect_injection` flags customer text that tries to change the assistant's
   instructions or role, or to make it reveal them ("ignore your instructions", "you are now
   DAN", "print your system prompt", instructions hidden in a pasted text). Flagged messages are
   not sent to the model; the customer gets the fixed ``replies.injection`` text.
2. The prompt keeps passages and customer text inside delimiters as data (see
   :mod:`bot.generation.prompt`), with chat-template tokens neutralised.
3. :func:`leaks_system_prompt` checks every generated answer for runs of the system prompt's
   words that appear in none of the passages; a leaking answer is never sent.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

__all__ = ["detect_injection", "leaks_system_prompt", "INJECTION_PATTERNS"]

_I = re.IGNORECASE

# (name, pattern). Names go into logs and results, never the matched customer text.
INJECTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "override_instructions",
        re.compile(
            r"\b(ignore|disregard|forget|override|bypass)\b[\w\s,'-]{0,40}?"
            r"\b(instructions?|rules?|guidelines?|prompts?|directives?|programming|restrictions?|everything (above|before))\b",
            _I,
        ),
    ),
    (
        "reveal_prompt",
        re.compile(
            r"\b(print|show|reveal|repeat|display|output|tell me|give me|share|list|write out|what (are|is|were))\b"
            r"[\w\s,'-]{0,40}?\b(system\s*prompt|your\s+(initial\s+|original\s+|hidden\s+|secret\s+)?"
            r"(instructions?|rules|guidelines|prompt|configuration|directives)|"
            r"the\s+(initial|original|hidden|secret)\s+(instructions?|rules|prompt))\b",
            _I,
        ),
    ),
    ("system_prompt_mention", re.compile(r"\bsystem\s*(prompt|message|instructions?)\b", _I)),
    (
        "role_change",
        re.compile(
            r"\b(you are now|from now on,? you|act as (an?|my)\b|pretend (to be|you are)|roleplay as|"
            r"you('re| are) no longer|new persona|switch (to|into) .{0,20}mode)",
            _I,
        ),
    ),
    ("jailbreak_name", re.compile(r"\b(DAN|do anything now|jailbreak|developer mode|god mode)\b")),
    (
        "forged_turn",
        re.compile(
            r"<\|im_(start|end)\|>|\b(system|assistant)\s*:\s|\[/?(INST|SYS)\]|<</?SYS>>|###\s*(instruction|system)",
            _I | re.MULTILINE,
        ),
    ),
    (
        "hidden_instruction",
        re.compile(
            r"\b(assistant|bot|ai|pip|chatbot|model)\b[\s,:]{1,5}(you\s+)?(must|should|will|now)(\s+now)?\s+(say|reply|respond|answer|tell|write|output)\b|"
            r"\b(say|reply|respond|answer|output)\s+(only\s+)?(with\s+)?[\"'“][^\"'”]{1,60}[\"'”]\s*(and nothing else|instead|only)",
            _I,
        ),
    ),
)


def detect_injection(text: str) -> Optional[str]:
    """Return the name of the first injection pattern ``text`` matches, or None.

    The patterns aim at the obvious attacks; the prompt's delimiters and the output leakage
    check cover what they miss.
    """
    for name, pattern in INJECTION_PATTERNS:
        if pattern.search(text):
            return name
    return None


_WORD_RE = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())


def leaks_system_prompt(
    answer: str, system_prompt: str, allowed: Sequence[str] = (), n: int = 6
) -> bool:
    """Whether ``answer`` repeats ``n`` or more consecutive words of ``system_prompt``.

    Runs of words that also occur in one of the ``allowed`` texts (the passages, the question)
    do not count, so an answer quoting a passage that shares wording with the rules is fine.
    """
    prompt_words = _words(system_prompt)
    grams = {tuple(prompt_words[i : i + n]) for i in range(len(prompt_words) - n + 1)}
    if not grams:
        return False
    allowed_grams: set[tuple[str, ...]] = set()
    for text in allowed:
        words = _words(text)
        allowed_grams.update(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    answer_words = _words(answer)
    for i in range(len(answer_words) - n + 1):
        gram = tuple(answer_words[i : i + n])
        if gram in grams and gram not in allowed_grams:
            return True
    return False
