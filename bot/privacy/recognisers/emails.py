"""``EMAIL``: e-mail addresses, also spelled out ("jane dot doe at gmail dot com").

A regular expression; the local part may hold RFC 5322 atext inside it ("o'connor@...", "a&b@..."),
but starts and ends with a letter, digit or ``_%+-``, so quotes around an address stay outside.
Han, kana and Hangul next to an address do not glue it to a word ("メールはhanako@docomo.ne.jp").
"""

from __future__ import annotations

import re
from typing import List

from bot.privacy import lexicon as lex
from bot.privacy.detection import Detection
from bot.privacy.regex import WORD_NOT_CJK


_EMAIL_RE = re.compile(
    rf"(?<![.+-])(?<!{WORD_NOT_CJK})[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+!#$&'*/=?^`{{|}}~-]*[A-Za-z0-9_%+-])?"
    rf"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{{2,}}(?!{WORD_NOT_CJK})")
"""An e-mail address; the local part may hold RFC 5322 atext inside it ("o'connor.siobhan@...", "a&b@..."),
but starts and ends with a letter, digit or ``_%+-`` so that quotes and brackets around it stay outside."""


_DOT = r"\s*(?:\.|\(dot\)|\[dot\]|\bdot\b)\s*"
_SPELLED_EMAIL_RE = re.compile(
    rf"\b(?P<local>[A-Za-z0-9_+-]+(?:{_DOT}[A-Za-z0-9_+-]+)*)\s*(?:\(at\)|\[at\]|\bat\b)\s*"
    rf"[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}(?:com|net|org|edu|gov|io|co|ca|uk|de|fr|us|info|me|biz)\b",
    re.I,
)


def find_emails(text: str) -> List[Detection]:
    """E-mail addresses, also spelled out ("jane dot doe at gmail dot com")."""
    found = [Detection(m.start(), m.end(), "EMAIL", m.group().lower(), True, "email") for m in _EMAIL_RE.finditer(text)]
    for m in _SPELLED_EMAIL_RE.finditer(text):
        if m.group("local").lower() in lex.COMMON_WORDS:
            continue  # "look at gmail dot com"
        key = re.sub(r"\s*(?:\(dot\)|\[dot\]|\bdot\b)\s*", ".", m.group().lower())
        key = re.sub(r"\s*(?:\(at\)|\[at\]|\bat\b)\s*", "@", key).replace(" ", "")
        found.append(Detection(m.start(), m.end(), "EMAIL", key, True, "email-spelled"))
    return found
