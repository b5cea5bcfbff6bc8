"""SMS text: GSM-7 vs UCS-2 segment counting, plain-text shaping, numbered options for buttons.

A single SMS holds 160 GSM-7 septets or 70 UCS-2 code units; a concatenated message loses
room to its header (153 septets / 67 units per segment). One character outside GSM-7 (an
emoji, a curly quote) switches the whole message to UCS-2, so :func:`to_sms_text` replaces
typographic punctuation with plain equivalents first. Twilio refuses bodies over 1600 characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

from connectors.text import markdown_to_plain, split_text

MAX_BODY_CHARS = 1600
GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67

# GSM 03.38 default alphabet (without ESC) and the extension table reached through ESC.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

_TYPOGRAPHY = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2022": "-", "\u00b7": "-",
}
_CHOICE = re.compile(r"^\s*#?(\d{1,2})\s*[.)]?\s*$")


@dataclass(frozen=True)
class SegmentInfo:
    """How an SMS body is encoded and billed."""

    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def is_gsm7(text: str) -> bool:
    """True when every character of ``text`` exists in the GSM-7 alphabet (basic or extension)."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def count_segments(text: str) -> SegmentInfo:
    """Count the SMS segments of ``text`` the way carriers do.

    GSM-7: extension characters take two septets and are never split across segments.
    UCS-2: characters outside the BMP (most emoji) take two code units and are never split.
    An empty text is 0 segments.
    """
    if is_gsm7(text):
        widths = [2 if ch in GSM7_EXTENDED else 1 for ch in text]
        return SegmentInfo("GSM-7", sum(widths), _pack(widths, GSM7_SINGLE, GSM7_MULTI))
    widths = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return SegmentInfo("UCS-2", sum(widths), _pack(widths, UCS2_SINGLE, UCS2_MULTI))


def _pack(widths: Sequence[int], single: int, multi: int) -> int:
    total = sum(widths)
    if total == 0:
        return 0
    if total <= single:
        return 1
    segments, used = 1, 0
    for width in widths:
        if used + width > multi:
            segments, used = segments + 1, 0
        used += width
    return segments


def to_sms_text(text: str) -> str:
    """Plain text for SMS: markdown removed, typographic punctuation replaced by GSM-7 equivalents."""
    plain = markdown_to_plain(text)
    return "".join(_TYPOGRAPHY.get(ch, ch) for ch in plain).strip()


def with_numbered_options(text: str, buttons: Sequence[Dict[str, Any]]) -> str:
    """``text`` followed by the buttons as ``1. title`` lines and how to answer."""
    lines = [f"{index}. {to_sms_text(str(button.get('title', '')))}" for index, button in enumerate(buttons, 1)]
    return f"{to_sms_text(text)}\n\nReply with a number:\n" + "\n".join(lines)


def sms_bodies(text: str, limit: int = MAX_BODY_CHARS) -> List[str]:
    """Split a (shaped) text into Twilio bodies of at most ``limit`` characters."""
    return split_text(text, limit)


def sms_bodies_with_options(text: str, buttons: Sequence[Dict[str, Any]], limit: int = MAX_BODY_CHARS) -> List[str]:
    """Bodies for a message with buttons; the numbered options always stay together in the last body."""
    options = with_numbered_options("", buttons).strip()
    if len(options) + 2 > limit:
        raise ValueError(f"{len(buttons)} options need {len(options)} characters, more than one SMS body ({limit})")
    bodies = split_text(to_sms_text(text), limit)
    if bodies and len(bodies[-1]) + 2 + len(options) <= limit:
        bodies[-1] = f"{bodies[-1]}\n\n{options}"
    else:
        bodies.append(options)
    return bodies


def parse_choice(body: str, option_count: int) -> Optional[int]:
    """The 0-based option index a reply like ``2`` or ``2.`` picks, or None when it is no valid choice."""
    match = _CHOICE.match(body)
    if not match:
        return None
    number = int(match.group(1))
    return number - 1 if 1 <= number <= option_count else None
