"""Build the knowledge index: ``python -m bot index [--docs DIR] [--out DIR]``.

Reads the knowledge files (markdown, plain text, HTML, CSV FAQ), splits them
into passages that keep their heading path, embeds the passages with
all-MiniLM-L6-v2 and writes a FAISS index, the passages and a manifest (see
``bot.knowledge.store``).

- Fast no-op: when the manifest's file hashes, embedding model and format match,
  nothing is loaded or written (no model, no torch import).
- Incremental: documents whose content hash is unchanged reuse the vectors
  stored by the previous build; only new or changed documents are embedded.
- All-or-nothing: every file is validated first; one bad file (empty, too
  large, not UTF-8, malformed CSV, no text) fails the build with a list of all
  problems, and the previous index stays active.
"""

from __future__ import annotations

import argparse
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from bot import paths
from bot.knowledge import documents as docs_mod
from bot.knowledge import store

logger = logging.getLogger(__name__)

DEFAULT_INDEX_DIR = store.DEFAULT_INDEX_DIR
SPLITTER = {
    "target_words": docs_mod.TARGET_WORDS,
    "max_words": docs_mod.MAX_WORDS,
    "min_words": docs_mod.MIN_WORDS,
    "version": 1,
}


@dataclass
class BuildReport:
    """What a build did."""

    index_dir: Path
    up_to_date: bool
    n_documents: int
    n_passages: int
    n_embedded: int
    """Passages embedded in this build."""
    n_reused: int
    """Passages whose vectors were reused from the previous build."""
    changed_documents: list[str]
    removed_documents: list[str]
    index_type: str
    seconds: float

    def summary(self) -> str:
        if self.up_to_date:
            return f"Knowledge index is up to date ({self.n_documents} documents, {self.n_passages} passages)"
        return (
            f"Indexed {self.n_documents} documents into {self.n_passages} passages "
            f"({self.n_embedded} embedded, {self.n_reused} reused; "
            f"{len(self.changed_documents)} new or changed, {len(self.removed_documents)} removed; "
            f"{self.index_type} index) in {self.seconds:.1f} s -> {self.index_dir}"
        )


def build_index(
    docs: Path,
    out: Path = DEFAULT_INDEX_DIR,
    *,
    max_bytes: int = docs_mod.DEFAULT_MAX_BYTES,
    force: bool = False,
    progress: bool = True,
    hnsw_threshold: int = store.HNSW_THRESHOLD,
) -> BuildReport:
    """Build (or update) the knowledge index of ``docs`` in ``out``.

    Args:
        docs: knowledge folder, or a single file (e.g. a CSV FAQ with columns id,text[,title]).
        out: index folder; the new build is written aside and swapped in atomically.
        max_bytes: size limit per file.
        force: re-embed every passage even if nothing changed.
        progress: show a tqdm progress bar while embedding.
        hnsw_threshold: passage count from which the dense index is HNSW instead of flat.

    Returns:
        A BuildReport; ``n_embedded`` counts the passages embedded by this call.

    Raises:
        FileNotFoundError: ``docs`` does not exist.
        KnowledgeSourceError: one or more files are unusable (nothing is written).
    """
    import numpy as np

    from bot.knowledge.embedder import retrieval_model

    MODEL_NAME, DIMENSION = retrieval_model()  # noqa: N806 (as recorded in the manifest)
    started = time.monotonic()
    docs = Path(docs)
    out = Path(out)
    if not docs.exists():
        raise FileNotFoundError(f"Knowledge source {docs} does not exist")
    fingerprint = docs_mod.source_fingerprint(docs)
    previous: Optional[store.StoredIndex] = None
    try:
        manifest = store.read_active_manifest(out)
    except store.IndexMismatchError as exc:
        logger.warning("Ignoring the existing index, it cannot be reused: %s", exc)
        manifest = None
    compatible = (
        manifest is not None
        and manifest.embedding_model == MODEL_NAME
        and manifest.dimension == DIMENSION
        and manifest.splitter == SPLITTER
    )
    if compatible and not force and manifest is not None and manifest.files == fingerprint:
        return BuildReport(out, True, len(manifest.documents), manifest.n_passages, 0,
                           manifest.n_passages, [], [], manifest.index_type, time.monotonic() - started)

    documents = docs_mod.load_documents(docs, max_bytes=max_bytes)
    if compatible and not force:
        try:
            previous = store.load_index(out)
        except store.KnowledgeIndexError as exc:
            logger.warning("Previous index cannot be reused, embedding everything: %s", exc)

    old_rows: dict[str, list[int]] = {}
    if previous is not None:
        for row, passage in enumerate(previous.passages):
            old_rows.setdefault(passage.doc_id, []).append(row)
    old_docs = previous.manifest.documents if previous is not None else {}

    passages: list[docs_mod.Passage] = []
    reuse: list[tuple[int, int]] = []  # (new row, old row)
    to_embed: list[int] = []
    changed: list[str] = []
    doc_entries: dict[str, dict[str, object]] = {}
    for doc in documents:
        doc_passages = docs_mod.split_document(doc)
        content_hash = doc.content_hash
        old = old_docs.get(doc.doc_id)
        rows = old_rows.get(doc.doc_id, [])
        unchanged = old is not None and old.get("hash") == content_hash and len(rows) == len(doc_passages)
        for offset, passage in enumerate(doc_passages):
            new_row = len(passages)
            passages.append(passage)
            if unchanged:
                reuse.append((new_row, rows[offset]))
            else:
                to_embed.append(new_row)
        if not unchanged:
            changed.append(doc.doc_id)
        doc_entries[doc.doc_id] = {"hash": content_hash, "passages": len(doc_passages), "source": doc.source}
    removed = sorted(set(old_docs) - set(doc_entries))

    vectors = np.zeros((len(passages), DIMENSION), dtype="float32")
    if previous is not None:
        for new_row, old_row in reuse:
            vectors[new_row] = previous.vectors[old_row]
    if to_embed:
        from bot.knowledge.embedder import get_retrieval_embedder

        embedder = get_retrieval_embedder()
        logger.info("Embedding %d passages of %d new or changed documents", len(to_embed), len(changed))
        vectors[to_embed] = embedder.encode([passages[i].indexed_text for i in to_embed], progress=progress)

    index, index_type = store.build_faiss_index(vectors, hnsw_threshold=hnsw_threshold)
    new_manifest = store.Manifest(
        embedding_model=MODEL_NAME,
        dimension=DIMENSION,
        files=fingerprint,
        documents=doc_entries,
        n_passages=len(passages),
        index_type=index_type,
        splitter=dict(SPLITTER),
        source=_display_path(docs),
        created_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    store.write_build(out, new_manifest, passages, vectors, index)
    return BuildReport(out, False, len(documents), len(passages), len(to_embed), len(reuse),
                       changed, removed, index_type, time.monotonic() - started)


def _display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(paths.ROOT).as_posix()
    except ValueError:
        return str(path)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m bot index``."""
    parser.add_argument("--docs", type=Path, default=paths.KNOWLEDGE_DIR,
                        help="knowledge folder or CSV file (id,text[,title]) (default: data/knowledge)")
    parser.add_argument("--out", type=Path, default=DEFAULT_INDEX_DIR,
                        help="index folder (default: models/knowledge)")
    parser.add_argument("--max-bytes", type=int, default=docs_mod.DEFAULT_MAX_BYTES,
                        help=f"reject files larger than this (default: {docs_mod.DEFAULT_MAX_BYTES})")
    parser.add_argument("--force", action="store_true", help="re-embed everything even if nothing changed")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    """Build the index; exit code 0 on success, 1 when a knowledge file is unusable."""
    try:
        report = build_index(args.docs, args.out, max_bytes=args.max_bytes, force=args.force,
                             progress=not args.no_progress)
    except (FileNotFoundError, docs_mod.KnowledgeSourceError) as exc:
        logger.error("%s", exc)
        return 1
    logger.info("%s", report.summary())
    return 0
