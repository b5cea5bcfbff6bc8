"""The international name list: ~89,000 given names and surnames from 105 countries, with their English-word frequency.

``names.tsv.gz`` next to this file is reduced at build time from the ``names-dataset`` 3.3.1
package (see :func:`build_names_file`), each name with its frequency as an ordinary English word
(``wordfreq`` 3.1.1), so that the recognisers can tell "Zeynep" (a name anywhere) from "Hope" or
"Will" (names only in name context). Loaded lazily on first use (:func:`international_names`,
~0.2 s, ~20 MB); the two build-time packages are not needed at run time.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, Optional


NAMES_FILE = Path(__file__).with_name("names.tsv.gz")
"""The reduced international name list (see :func:`build_names_file`)."""

_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "D", "ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O",
                             "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ð": "d", "þ": "th",
                             "’": "'", "`": "'"})


def fold(token: str) -> str:
    """Lower case without accents, the key of the name lists ("Trần" -> "tran", "Yılmaz" -> "yilmaz")."""
    decomposed = unicodedata.normalize("NFKD", token.translate(_FOLD_TABLE))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class NameLexicon:
    """Given names and surnames from many countries, keyed by :func:`fold`.

    Attributes:
        given: folded given names.
        surnames: folded surnames.
        english: names ranked in the top 500 of the US, UK, Canada, Australia, Ireland or New
            Zealand ("oliver", "bennett"): common there as names, whatever their word frequency.
        word_zipf: how common each name is as an English word, on the Zipf scale (log10 of
            occurrences per billion words; "the" 7.7, "hope" 5.4, "zeynep" 2.2); missing: < 1.
    """

    given: frozenset
    surnames: frozenset
    english: frozenset
    word_zipf: Dict[str, float]

    def is_name(self, folded: str) -> bool:
        return folded in self.given or folded in self.surnames

    def zipf(self, folded: str) -> float:
        return self.word_zipf.get(folded, 0.0)


@lru_cache(maxsize=1)
def international_names(path: Optional[Path] = None) -> NameLexicon:
    """Load ``names.tsv.gz`` once.

    Lines: folded name; ``g`` (given), ``s`` (surname), ``e`` (common name in English-speaking
    countries), combined; its English-word Zipf frequency x 10 (0 when below 1).

    Raises:
        FileNotFoundError: the shipped file is missing (rebuild it with :func:`build_names_file`).
    """
    given, surnames, english, zipf = set(), set(), set(), {}
    with gzip.open(path or NAMES_FILE, "rt", encoding="utf-8") as handle:
        for line in handle:
            name, kinds, word = line.rstrip("\n").split("\t")
            if "g" in kinds:
                given.add(name)
            if "s" in kinds:
                surnames.add(name)
            if "e" in kinds:
                english.add(name)
            if word != "0":
                zipf[name] = int(word) / 10
    return NameLexicon(frozenset(given), frozenset(surnames), frozenset(english), zipf)


_LATIN_NAME_RE = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


ENGLISH_SPEAKING = ("US", "GB", "CA", "AU", "IE", "NZ")


def reduce_names(first: Dict[str, dict], last: Dict[str, dict], max_rank: int, english_rank: int = 500) -> Dict[str, str]:
    """Folded name -> kinds (``g``, ``s``, ``e``) for single-word Latin-script names ranked <= max_rank in some country.

    ``first``/``last``: names-dataset's dictionaries (name -> {"rank": {country: rank}, ...});
    ``e`` marks names ranked <= english_rank in one of :data:`ENGLISH_SPEAKING`.
    """
    kinds: Dict[str, str] = {}
    for data, kind in ((first, "g"), (last, "s")):
        for name, info in data.items():
            ranks = info.get("rank") or {}
            if not ranks or min(ranks.values()) > max_rank or not _LATIN_NAME_RE.fullmatch(name):
                continue
            folded = fold(name)
            if len(folded) < 2 or not folded.isascii() or not re.fullmatch(r"[a-z'-]+", folded):
                continue  # not a Latin-script name (folding leaves other scripts as they are)
            new = kind + ("e" if min((ranks.get(c, max_rank + 1) for c in ENGLISH_SPEAKING)) <= english_rank else "")
            kinds[folded] = "".join(sorted(set(kinds.get(folded, "") + new)))
    return kinds


def write_names_file(kinds: Dict[str, str], zipf_of: Callable[[str], float], out: Path = NAMES_FILE) -> int:
    """Write the sorted TSV (gzip without a timestamp, so a rebuild gives the same bytes); returns lines."""
    lines = []
    for name in sorted(kinds):
        word = max(0, round(zipf_of(name) * 10))
        lines.append(f"{name}\t{kinds[name]}\t{word if word >= 10 else 0}\n")
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write("".join(lines).encode("utf-8"))
    return len(lines)


def build_names_file(out: Path = NAMES_FILE, max_rank: int = 1000) -> int:
    """Rebuild ``names.tsv.gz`` from ``names-dataset`` and ``wordfreq`` (build time only).

    Needs about 3.5 GB of memory and a scratch environment with the two packages, for example::

        python3.11 -m venv /tmp/lexbuild
        /tmp/lexbuild/bin/pip install names-dataset==3.3.1 wordfreq==3.1.1
        PYTHONPATH=. /tmp/lexbuild/bin/python -m bot.privacy.lexicon.international

    Returns the number of names written.
    """
    from names_dataset import NameDataset  # build-time only: 55 MB wheel, 3.2 GB loaded
    from wordfreq import zipf_frequency

    dataset = NameDataset()
    kinds = reduce_names(dataset.first_names, dataset.last_names, max_rank)
    return write_names_file(kinds, lambda name: zipf_frequency(name, "en"), out)


if __name__ == "__main__":
    print(f"wrote {build_names_file()} names to {NAMES_FILE}")
