"""Text shaping shared by the channels: splitting long messages, markdown to plain text or Slack mrkdwn."""

from __future__ import annotations

import re
from typing import Callable, List

_LINK = re.compile(r"\[([^\]\n]+)\]\((\S+?)\)")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.DOTALL)
_ITALIC_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")
_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_SENTENCE_END = re.compile(r"[.!?…](?:[\"')\]]*)\s")


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units (how Telegram and UCS-2 SMS count characters)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> List[str]:
    """Split ``text`` into chunks of at most ``limit`` (by ``measure``) at the best boundary.

    Boundaries in order of preference: blank line, line break, end of sentence, space; a
    word longer than the limit is cut hard. Only whitespace is dropped at the cuts.

    Raises:
        ValueError: ``limit`` is smaller than 2.
    """
    if limit < 2:
        raise ValueError(f"limit must be at least 2, got {limit}")
    rest = text.strip()
    chunks: List[str] = []
    while rest and measure(rest) > limit:
        fits = _longest_prefix(rest, limit, measure)
        cut = _boundary(rest[:fits]) or fits
        chunk = rest[:cut].rstrip()
        if not chunk:  # only whitespace before the boundary: cut hard instead
            chunk, cut = rest[:fits], fits
        chunks.append(chunk)
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def _longest_prefix(text: str, limit: int, measure: Callable[[str], int]) -> int:
    low, high = 1, len(text)
    while low < high:  # largest n with measure(text[:n]) <= limit
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _boundary(window: str) -> int:
    """The end of the best chunk inside ``window`` (0 if there is no boundary in its second half)."""
    minimum = len(window) // 2
    for separator in ("\n\n", "\n"):
        position = window.rfind(separator)
        if position >= minimum:
            return position + len(separator)
    sentence_ends = [match.end() for match in _SENTENCE_END.finditer(window)]
    if sentence_ends and sentence_ends[-1] >= minimum:
        return sentence_ends[-1]
    position = max(window.rfind(" "), window.rfind("\t"))
    return position + 1 if position >= minimum else 0


def markdown_to_plain(text: str) -> str:
    """Remove the markdown our responses may use: bold/italic markers, code ticks, headings.

    Links ``[title](url)`` become ``title (url)`` (just ``url`` when both are the same).
    """
    text = _LINK.sub(lambda m: m.group(2) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", text)
    text = _BOLD.sub(r"\2", text)
    text = _ITALIC_STAR.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    return _HEADING.sub("", text)


def slack_escape(text: str) -> str:
    """Escape the three characters Slack mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown_to_slack(text: str) -> str:
    """Convert our markdown to Slack mrkdwn: ``**b**`` -> ``*b*``, ``*i*`` -> ``_i_``, ``[t](u)`` -> ``<u|t>``.

    ``&``, ``<`` and ``>`` are escaped, so text can never form a Slack mention or link by accident.
    """
    links: List[str] = []

    def keep_link(match: "re.Match[str]") -> str:
        title, url = match.group(1), match.group(2)
        url = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
        links.append(f"<{url}|{slack_escape(title)}>")
        return f"\x00{len(links) - 1}\x00"

    text = _LINK.sub(keep_link, text)
    text = slack_escape(text)
    text = _ITALIC_STAR.sub(r"_\1_", text)
    text = _BOLD.sub(r"*\2*", text)
    text = _HEADING.sub("", text)
    return re.sub("\x00(\\d+)\x00", lambda m: links[int(m.group(1))], text)
