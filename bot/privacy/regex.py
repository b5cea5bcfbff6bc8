"""Regular-expression building blocks that several recognisers share.

Word lists of hundreds of entries are compiled as character tries (:func:`trie_re`), since Python's
``re`` tries an alternation's branches one by one; that alone took the name cues from ~100 to ~25 µs
a turn.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, Iterable, List


def _char_class(predicate: Callable[[str], bool]) -> str:
    """A regex character class of the Latin, Greek and Cyrillic letters for which predicate holds."""
    ranges: List[tuple] = []
    for code in (*range(0x41, 0x250), *range(0x370, 0x530), *range(0x1E00, 0x1F00)):
        if predicate(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "[" + "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]"


UPPER = "(?-i:%s)" % _char_class(lambda c: c.isupper())
"""One upper-case letter in any Latin, Greek or Cyrillic script ("Ş", "İ", "Đ", "Ấ"), whatever the flags."""


def trie_re(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, factored as a character trie ("ab|ac" -> "a(?:b|c)").

    Python's ``re`` tries the branches of an alternation one by one at every position; a trie
    makes a list of hundreds of words cost about as much as one. A space in a word matches any
    whitespace.
    """
    trie: Dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: Dict[str, Any]) -> str:
        branches = [(r"\s+" if char == " " else re.escape(char)) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:%s)" % "|".join(branches)
        if "" in node:
            return "(?:%s)?" % body
        return body

    return "(?:%s)" % emit(trie)


def words_re(words: Iterable[str], capitalised_only: bool = False, lower_too: Iterable[str] = ()) -> str:
    """Regex of a word list, longest match first; spaces match any whitespace, a final dot is optional.

    ``capitalised_only``: match only the capitalised (or upper-case) spelling, except for the
    words in ``lower_too``, which may also be written in lower case ("ul.", "calle").
    """
    lower_too = set(lower_too)
    forms = set()
    for word in set(words):
        spellings = {word[:1].upper() + word[1:], word.upper()} | ({word} if word in lower_too else set()) if capitalised_only else {word}
        for spelling in spellings:
            forms.add(spelling)
            if spelling.endswith(".") and len(spelling) > 2:
                forms.add(spelling[:-1])
    return "(?-i:%s)" % trie_re(forms) if capitalised_only else trie_re(forms)


WORD_NOT_CJK = r"(?:(?![\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])\w)"
"""A word character other than Han, kana and Hangul: those scripts write no space before or after a
number or an e-mail address ("電話番号は090-1234-5678です"), so they do not glue a value to a word."""
WORD_NOT_CJK_RE = re.compile(WORD_NOT_CJK)

DATE_LIKE_RE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
"""Three digit groups joined by dots, slashes or dashes ("2024-11-30", "30.11.24"): a date, no phone or id."""

CJK_OR_HANGUL_RE = re.compile(r"[\u4e00-\u9fff\uac00-\ud7a3]")
"""Han or Hangul: the native-script address and name patterns run only on texts holding one."""
