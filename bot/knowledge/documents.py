"""Read knowledge documents and split them into passages that keep their headings.

Supported inputs (pure Python, no ML imports here):

- Markdown (``.md``, ``.markdown``): ATX headings (``#`` .. ``######``) give the
  heading path; an optional YAML-style front matter may set ``title:``.
- Plain text (``.txt``): the first line is the title; a short line without final
  punctuation standing alone between blank lines is read as a heading.
- HTML (``.html``, ``.htm``): ``<h1>``-``<h6>`` give the heading path; text of
  ``script``, ``style``, ``nav``, ``header``, ``footer`` and the like is dropped.
- CSV FAQ (``.csv``): columns ``id`` and ``text`` (required) and ``title``
  (optional); every row is one document.

Document ids: inside a folder, a file's id is its path relative to the folder
(``returns/gift-returns.md``); a CSV row inside a folder is ``<path>#<id>``
(``help/faq.csv#faq-003``); when the knowledge source is a single CSV file the id
is the row's ``id``.

Validation: every file is checked before anything is embedded. Empty files,
files over the size limit, undecodable (non UTF-8 or binary) files, HTML or
Markdown without any text, and CSV files with missing columns, empty cells or
duplicate ids are *problems*; :func:`load_documents` raises one
:class:`KnowledgeSourceError` listing all of them, so one bad file fails the
whole build and nothing is written. Files with other extensions and hidden
files are ignored (logged at debug level).
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
"""Files larger than this are rejected (``--max-bytes`` changes it)."""

TARGET_WORDS = 160
"""Passages are filled up to about this many words..."""
MAX_WORDS = 220
"""...and never exceed this many (a longer paragraph is split at sentence ends)."""
MIN_WORDS = 40
"""A passage shorter than this is merged with the following one of the same section."""

MARKDOWN_SUFFIXES = (".md", ".markdown")
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
CSV_SUFFIXES = (".csv",)
SUPPORTED_SUFFIXES = MARKDOWN_SUFFIXES + TEXT_SUFFIXES + HTML_SUFFIXES + CSV_SUFFIXES

HEADING_SEPARATOR = " > "


class KnowledgeSourceError(ValueError):
    """One or more knowledge files are unusable; ``problems`` holds one line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"{len(self.problems)} problem(s) in the knowledge files; nothing was written:\n{lines}"
        )


@dataclass(frozen=True)
class Block:
    """A paragraph, list or table of a document, under a heading path."""

    headings: tuple[str, ...]
    text: str


@dataclass
class Document:
    """One knowledge document, parsed into blocks."""

    doc_id: str
    title: str
    source: str
    """The file it came from, relative to the knowledge folder (or the CSV's name)."""
    blocks: list[Block] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        """SHA-256 over title and blocks: changes exactly when the passages would change."""
        digest = hashlib.sha256()
        digest.update(self.title.encode())
        for block in self.blocks:
            digest.update(b"\x00" + HEADING_SEPARATOR.join(block.headings).encode())
            digest.update(b"\x01" + block.text.encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class Passage:
    """A retrievable piece of a document with its heading path as context."""

    doc_id: str
    passage_id: str
    title: str
    heading: str
    """Heading path including the title, e.g. ``Returns policy > Gifts``."""
    text: str

    @property
    def indexed_text(self) -> str:
        """The text that is embedded and indexed: heading path, then the passage."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


# --------------------------------------------------------------------------- files


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def list_source_files(source: Path) -> list[Path]:
    """The supported files of a knowledge folder (sorted), or ``[source]`` for a single file."""
    if source.is_file():
        return [source]
    files = []
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            logger.debug("Ignoring %s (unsupported extension)", rel.as_posix())
            continue
        files.append(path)
    return files


def source_fingerprint(source: Path) -> dict[str, str]:
    """Map of relative file name -> SHA-256 for every supported file of ``source``."""
    base = source.parent if source.is_file() else source
    return {p.relative_to(base).as_posix(): file_hash(p) for p in list_source_files(source)}


def load_documents(source: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """Read every knowledge document of a folder or a single file.

    Args:
        source: a knowledge folder, or one file (a CSV FAQ, a markdown file, ...).
        max_bytes: files larger than this are rejected.

    Returns:
        The documents in a stable order (file name, then row).

    Raises:
        FileNotFoundError: when ``source`` does not exist.
        KnowledgeSourceError: listing every problem found in any file, or saying that
            the source holds no supported file at all.
    """
    if not source.exists():
        raise FileNotFoundError(f"Knowledge source {source} does not exist")
    single = source.is_file()
    base = source.parent if single else source
    files = list_source_files(source)
    if not files:
        raise KnowledgeSourceError(
            [f"{source}: no supported files ({', '.join(SUPPORTED_SUFFIXES)})"]
        )
    documents: list[Document] = []
    problems: list[str] = []
    seen_ids: dict[str, str] = {}
    for path in files:
        rel = path.relative_to(base).as_posix()
        try:
            docs = _read_file(path, rel, max_bytes, csv_ids_bare=single)
        except _FileProblem as problem:
            problems.extend(problem.messages)
            continue
        for doc in docs:
            if doc.doc_id in seen_ids:
                problems.append(f"{rel}: document id {doc.doc_id!r} also used by {seen_ids[doc.doc_id]}")
                continue
            seen_ids[doc.doc_id] = rel
            documents.append(doc)
    if problems:
        raise KnowledgeSourceError(problems)
    return documents


class _FileProblem(Exception):
    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def _read_file(path: Path, rel: str, max_bytes: int, csv_ids_bare: bool) -> list[Document]:
    size = path.stat().st_size
    if size > max_bytes:
        raise _FileProblem(
            f"{rel}: file is too large ({size:,} bytes, limit {max_bytes:,}); split it or raise --max-bytes"
        )
    raw = path.read_bytes()
    if not raw.strip():
        raise _FileProblem(f"{rel}: file is empty")
    if b"\x00" in raw:
        raise _FileProblem(f"{rel}: file looks binary (contains NUL bytes); expected UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _FileProblem(f"{rel}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _read_csv(text, rel, bare_ids=csv_ids_bare)
    if suffix in HTML_SUFFIXES:
        title, blocks = _parse_html(text)
    elif suffix in TEXT_SUFFIXES:
        title, blocks = _parse_text(text)
    else:
        title, blocks = _parse_markdown(text, rel)
    if not blocks:
        raise _FileProblem(f"{rel}: no text found (only headings or markup)")
    title = title or _title_from_name(path)
    return [Document(doc_id=rel, title=title, source=rel, blocks=blocks)]


def _title_from_name(path: Path) -> str:
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize()


# --------------------------------------------------------------------------- markdown

_ATX_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^(```|~~~)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def _clean_inline(text: str) -> str:
    """Drop markdown link targets and emphasis markers, keep the words."""
    return _EMPHASIS.sub("", _LINK.sub(r"\1", text)).strip()


def _parse_markdown(text: str, rel: str) -> tuple[str, list[Block]]:
    title = ""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
        except StopIteration:
            raise _FileProblem(f"{rel}: front matter opened with '---' on line 1 is never closed") from None
        for line in lines[1:end]:
            key, _, value = line.partition(":")
            if key.strip().lower() == "title" and value.strip():
                title = value.strip().strip("'\"")
        lines = lines[end + 1 :]
    blocks: list[Block] = []
    stack: list[tuple[int, str]] = []
    paragraph: list[str] = []
    in_fence = False

    def flush() -> None:
        body = "\n".join(paragraph).strip()
        paragraph.clear()
        if body:
            blocks.append(Block(tuple(h for _, h in stack), body))

    for line in lines:
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
            continue
        match = None if in_fence else _ATX_HEADING.match(line)
        if match:
            flush()
            level, heading = len(match.group(1)), _clean_inline(match.group(2))
            if level == 1 and not title:
                title = heading
                stack.clear()
                continue
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, heading))
        elif not line.strip():
            flush()
        else:
            paragraph.append(_clean_markdown_line(line))
    flush()
    return title, _merge_list_items(blocks)


def _clean_markdown_line(line: str) -> str:
    stripped = line.strip()
    if re.fullmatch(r"\|?[\s:|-]+\|?", stripped) and "-" in stripped:
        return ""  # table separator row
    if stripped.startswith("|"):
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        return _clean_inline(" | ".join(cells))
    return _clean_inline(stripped)


def _merge_list_items(blocks: list[Block]) -> list[Block]:
    # Blank-line separated text is already one block per paragraph/list/table.
    return [Block(b.headings, "\n".join(l for l in b.text.split("\n") if l)) for b in blocks if b.text]


# --------------------------------------------------------------------------- plain text


def _parse_text(text: str) -> tuple[str, list[Block]]:
    chunks = [c.strip() for c in re.split(r"\n\s*\n", text) if c.strip()]
    if not chunks:
        return "", []
    title = ""
    first_lines = chunks[0].split("\n")
    if len(first_lines) == 1 and _looks_like_heading(first_lines[0]):
        title = first_lines[0].strip()
        chunks = chunks[1:]
    elif len(first_lines) > 1 and _looks_like_heading(first_lines[0]):
        title = first_lines[0].strip()
        chunks[0] = "\n".join(first_lines[1:])
    if title.isupper():
        title = title.title()
    blocks: list[Block] = []
    heading: tuple[str, ...] = ()
    for chunk in chunks:
        lines = chunk.split("\n")
        if len(lines) == 1 and _looks_like_heading(lines[0]):
            heading = (lines[0].strip(),)
            continue
        if len(lines) > 1 and _looks_like_heading(lines[0]):
            heading = (lines[0].strip(),)
            lines = lines[1:]
        blocks.append(Block(heading, "\n".join(l.strip() for l in lines)))
    return title, blocks


def _looks_like_heading(line: str) -> bool:
    line = line.strip()
    return 0 < len(line.split()) <= 10 and not line.endswith((".", ",", ";", ":", "!", "?"))


# --------------------------------------------------------------------------- HTML

_SKIP_TAGS = {"script", "style", "noscript", "template", "nav", "header", "footer", "svg", "head"}
_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "table", "tr", "section", "article", "main", "br",
    "blockquote", "pre", "dd", "dt", "dl", "form", "body", "td", "th",
}
_HEADING_TAGS = {f"h{i}": i for i in range(1, 7)}


class _HTMLBlocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.page_title = ""
        self.blocks: list[Block] = []
        self._stack: list[tuple[int, str]] = []
        self._skip_depth = 0
        self._in_title = False
        self._heading_level = 0
        self._buffer: list[str] = []
        self._line: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth += 1
        if tag == "title":
            self._in_title = True
        elif tag in _HEADING_TAGS:
            self._end_line()
            self._flush()
            self._heading_level = _HEADING_TAGS[tag]
        elif tag in _BLOCK_TAGS:
            self._end_line()
            if tag in ("li", "tr"):
                self._line.append("- " if tag == "li" else "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip_depth:
            self._skip_depth -= 1
        if tag == "title":
            self._in_title = False
        elif tag in _HEADING_TAGS and self._heading_level:
            heading = " ".join("".join(self._line).split())
            self._line.clear()
            level = self._heading_level
            self._heading_level = 0
            if not heading:
                return
            if level == 1 and not self.title:
                # the first <h1> names the document; text before it has no heading
                self.title = heading
                self._stack.clear()
                return
            while self._stack and self._stack[-1][0] >= level:
                self._stack.pop()
            self._stack.append((level, heading))
        elif tag in ("p", "div", "table", "ul", "ol", "section", "article", "blockquote", "pre", "dl"):
            self._end_line()
            self._flush()
        elif tag in ("li", "tr", "dd", "dt"):
            self._end_line()
        elif tag in ("td", "th"):
            self._line.append(" | ")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page_title = self.page_title or " ".join(data.split())
            return
        if self._skip_depth:
            return
        self._line.append(data)

    def _end_line(self) -> None:
        line = " ".join("".join(self._line).split()).strip(" |")
        self._line.clear()
        if line and line != "-":
            self._buffer.append(line)

    def _flush(self) -> None:
        text = "\n".join(self._buffer).strip()
        self._buffer.clear()
        if text:
            self.blocks.append(Block(tuple(h for _, h in self._stack), text))

    def finish(self) -> None:
        self.close()
        self._end_line()
        self._flush()


def _parse_html(text: str) -> tuple[str, list[Block]]:
    parser = _HTMLBlocks()
    parser.feed(text)
    parser.finish()
    return parser.title or parser.page_title, parser.blocks


# --------------------------------------------------------------------------- CSV


def _read_csv(text: str, rel: str, bare_ids: bool) -> list[Document]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        fieldnames = [f.strip().lower() for f in (reader.fieldnames or [])]
        missing = [c for c in ("id", "text") if c not in fieldnames]
        if missing:
            raise _FileProblem(
                f"{rel}: CSV header must have columns id,text[,title]; missing {', '.join(missing)} "
                f"(found: {', '.join(fieldnames) or 'nothing'})"
            )
        reader.fieldnames = fieldnames
        problems: list[str] = []
        documents: list[Document] = []
        seen: set[str] = set()
        for row in reader:
            line = reader.line_num
            if None in row:
                problems.append(f"{rel} line {line}: more cells than header columns")
                continue
            row_id = (row.get("id") or "").strip()
            body = (row.get("text") or "").strip()
            title = (row.get("title") or "").strip()
            if not row_id:
                problems.append(f"{rel} line {line}: empty id")
                continue
            if not body:
                problems.append(f"{rel} line {line}: empty text for id {row_id!r}")
                continue
            if row_id in seen:
                problems.append(f"{rel} line {line}: duplicate id {row_id!r}")
                continue
            seen.add(row_id)
            doc_id = row_id if bare_ids else f"{rel}#{row_id}"
            documents.append(Document(doc_id, title, rel, [Block((), body)]))
    except csv.Error as exc:
        raise _FileProblem(f"{rel}: malformed CSV: {exc}") from None
    if problems:
        raise _FileProblem(*problems)
    if not documents:
        raise _FileProblem(f"{rel}: CSV has a header but no rows")
    return documents


# --------------------------------------------------------------------------- splitting

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def _words(text: str) -> int:
    return len(text.split())


def _split_long(text: str) -> Iterator[str]:
    """Split a block longer than MAX_WORDS at sentence ends (or, failing that, at words)."""
    sentences = [s for s in _SENTENCE_END.split(text.replace("\n", " \n ")) if s.strip()]
    current: list[str] = []
    count = 0
    for sentence in sentences:
        n = _words(sentence)
        if n > MAX_WORDS:
            words = sentence.split()
            for start in range(0, len(words), TARGET_WORDS):
                if current:
                    yield " ".join(current)
                    current, count = [], 0
                yield " ".join(words[start : start + TARGET_WORDS])
            continue
        if current and count + n > TARGET_WORDS:
            yield " ".join(current)
            current, count = [], 0
        current.append(sentence.strip())
        count += n
    if current:
        yield " ".join(current)


def split_document(doc: Document) -> list[Passage]:
    """Split a document into passages of about TARGET_WORDS words.

    Blocks of the same heading path are packed together up to TARGET_WORDS (a
    passage still under MIN_WORDS takes the next block up to MAX_WORDS); a new
    heading path always starts a new passage, so every passage has exactly one
    heading path. Each passage's ``heading`` is the title plus the heading path.
    """
    groups: list[tuple[tuple[str, ...], list[str]]] = []
    for block in doc.blocks:
        pieces = [block.text] if _words(block.text) <= MAX_WORDS else list(_split_long(block.text))
        for piece in pieces:
            if groups and groups[-1][0] == block.headings:
                current = groups[-1][1]
                if _words(" ".join(current)) + _words(piece) <= TARGET_WORDS or _words(" ".join(current)) < MIN_WORDS:
                    if _words(" ".join(current)) + _words(piece) <= MAX_WORDS:
                        current.append(piece)
                        continue
            groups.append((block.headings, [piece]))
    passages: list[Passage] = []
    for index, (headings, pieces) in enumerate(groups):
        heading = HEADING_SEPARATOR.join(([doc.title] if doc.title else []) + list(headings))
        passages.append(
            Passage(
                doc_id=doc.doc_id,
                passage_id=f"{doc.doc_id}::{index}",
                title=doc.title,
                heading=heading,
                text="\n".join(pieces),
            )
        )
    return passages


def split_documents(documents: Iterable[Document]) -> list[Passage]:
    """All passages of ``documents``, in document order."""
    return [p for doc in documents for p in split_document(doc)]
