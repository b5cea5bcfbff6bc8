"""On-disk knowledge index: layout, manifest, atomic swap and load-time checks.

Layout of an index folder (``models/knowledge/`` for the bot)::

    models/knowledge/
      current                 # name of the active build folder (replaced atomically)
      build-<time>-<id>/
        manifest.json         # format version, embedding model, dimension, file and document hashes
        passages.jsonl        # one passage per line: doc_id, passage_id, title, heading, text
        vectors.npy           # float32 (n_passages, dimension), normalized: reused by incremental builds
        index.faiss           # FAISS IndexFlatIP, or IndexHNSWFlat above HNSW_THRESHOLD passages

A build is written into ``.tmp-build-*`` next to the others, renamed, and only
then made active by replacing ``current`` (``os.replace``, atomic on POSIX); a
failure at any point leaves the previous build active and loadable. Older
builds are removed after a successful swap.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from bot import paths
from bot.knowledge.documents import Passage

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

logger = logging.getLogger(__name__)
# faiss logs at INFO which instruction set it loads; not useful to our users
logging.getLogger("faiss.loader").setLevel(logging.WARNING)

DEFAULT_INDEX_DIR = paths.MODELS_DIR / "knowledge"

FORMAT_VERSION = 1
CURRENT_FILE = "current"
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"
VECTORS = "vectors.npy"
FAISS_INDEX = "index.faiss"
TMP_PREFIX = ".tmp-build-"
BUILD_PREFIX = "build-"

HNSW_THRESHOLD = 20_000
"""At or above this many passages the dense index is HNSW (approximate), below it exact flat."""
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64

REBUILD_HINT = "run `python -m bot index` (or `make index`) to rebuild it"


class KnowledgeIndexError(RuntimeError):
    """The knowledge index cannot be used as it is."""


class IndexMissingError(KnowledgeIndexError):
    """No index has been built yet in the given folder."""


class IndexMismatchError(KnowledgeIndexError):
    """The index was built with another format, embedding model or dimension, or is damaged."""


class StaleIndexError(KnowledgeIndexError):
    """The knowledge files changed since the index was built."""


@dataclass
class Manifest:
    """What a build contains and how it was made."""

    embedding_model: str
    dimension: int
    files: dict[str, str]
    """Source file (relative name) -> SHA-256 of its bytes."""
    documents: dict[str, dict[str, Any]]
    """doc_id -> {"hash": content hash, "passages": count, "source": file}."""
    n_passages: int
    index_type: str
    splitter: dict[str, int]
    source: str = ""
    created_at: str = ""
    format_version: int = FORMAT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=1, sort_keys=True)

    @classmethod
    def read(cls, path: Path) -> "Manifest":
        """Read a manifest; raises IndexMismatchError when it is unreadable or from another format."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexMismatchError(f"Knowledge index manifest {path} is unreadable ({exc}); {REBUILD_HINT}") from exc
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise IndexMismatchError(
                f"Knowledge index {path.parent} has format version {version!r}, this code reads "
                f"{FORMAT_VERSION}; {REBUILD_HINT}"
            )
        try:
            return cls(**data)
        except TypeError as exc:
            raise IndexMismatchError(f"Knowledge index manifest {path} has unexpected keys ({exc}); {REBUILD_HINT}") from exc


@dataclass
class StoredIndex:
    """A loaded build: manifest, passages, their vectors and the FAISS index."""

    path: Path
    manifest: Manifest
    passages: list[Passage]
    vectors: "np.ndarray"
    index: Any


def active_build(root: Path) -> Optional[Path]:
    """The folder of the active build of index folder ``root``, or None if there is none."""
    pointer = root / CURRENT_FILE
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    build = root / name
    return build if name and build.is_dir() else None


def read_active_manifest(root: Path) -> Optional[Manifest]:
    """The manifest of the active build, or None when there is no build (cheap: no vectors read)."""
    build = active_build(root)
    return Manifest.read(build / MANIFEST) if build else None


def check_compatible(manifest: Manifest, embedding_model: str, dimension: int, where: Path) -> None:
    """Raise IndexMismatchError unless the index was built with this model and dimension."""
    if manifest.embedding_model != embedding_model or manifest.dimension != dimension:
        raise IndexMismatchError(
            f"Knowledge index {where} was built with {manifest.embedding_model} "
            f"(dimension {manifest.dimension}), but the bot uses {embedding_model} "
            f"(dimension {dimension}); {REBUILD_HINT}"
        )


def describe_changes(old: dict[str, str], new: dict[str, str], limit: int = 5) -> str:
    """Human-readable summary of the differences between two file fingerprints."""
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    changed = sorted(k for k in set(old) & set(new) if old[k] != new[k])
    parts = []
    for label, names in (("changed", changed), ("added", added), ("removed", removed)):
        if names:
            shown = ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")
            parts.append(f"{label}: {shown}")
    return "; ".join(parts)


def load_index(root: Path, fingerprint: Optional[dict[str, str]] = None,
               embedding_model: Optional[str] = None, dimension: Optional[int] = None) -> StoredIndex:
    """Load the active build of ``root`` and check it.

    Args:
        root: the index folder (``models/knowledge``).
        fingerprint: the current source files (see ``documents.source_fingerprint``); when
            given, an index built from other file contents raises StaleIndexError.
        embedding_model, dimension: when given, an index built otherwise raises IndexMismatchError.

    Raises:
        IndexMissingError, IndexMismatchError, StaleIndexError: with the fix in the message.
    """
    import faiss
    import numpy as np

    build = active_build(root)
    if build is None:
        raise IndexMissingError(f"No knowledge index in {root}; {REBUILD_HINT.replace('rebuild', 'build')}")
    manifest = Manifest.read(build / MANIFEST)
    if embedding_model is not None and dimension is not None:
        check_compatible(manifest, embedding_model, dimension, root)
    if fingerprint is not None and fingerprint != manifest.files:
        raise StaleIndexError(
            f"Knowledge index {root} is stale: the knowledge files changed since it was built "
            f"({describe_changes(manifest.files, fingerprint)}); {REBUILD_HINT}"
        )
    try:
        passages = [Passage(**json.loads(line)) for line in (build / PASSAGES).read_text(encoding="utf-8").splitlines() if line]
        vectors = np.load(build / VECTORS)
        index = faiss.read_index(str(build / FAISS_INDEX))
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        raise IndexMismatchError(f"Knowledge index {build} is damaged ({exc}); {REBUILD_HINT}") from exc
    if not (len(passages) == vectors.shape[0] == index.ntotal == manifest.n_passages) or vectors.shape[1] != manifest.dimension:
        raise IndexMismatchError(
            f"Knowledge index {build} is inconsistent ({len(passages)} passages, {vectors.shape} vectors, "
            f"{index.ntotal} in FAISS, manifest says {manifest.n_passages}); {REBUILD_HINT}"
        )
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return StoredIndex(build, manifest, passages, vectors, index)


def build_faiss_index(vectors: "np.ndarray", hnsw_threshold: int = HNSW_THRESHOLD) -> tuple[Any, str]:
    """Exact inner-product index for small collections, HNSW for large ones; returns (index, type)."""
    import faiss

    dimension = vectors.shape[1]
    if vectors.shape[0] >= hnsw_threshold:
        index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
        kind = "hnsw"
    else:
        index = faiss.IndexFlatIP(dimension)
        kind = "flat"
    if vectors.shape[0]:
        index.add(vectors)
    return index, kind


def write_build(root: Path, manifest: Manifest, passages: list[Passage], vectors: "np.ndarray", index: Any) -> Path:
    """Write a build aside and make it the active one atomically; returns its folder.

    Any exception leaves the previously active build untouched (the partial
    folder is removed).
    """
    import faiss
    import numpy as np

    root.mkdir(parents=True, exist_ok=True)
    name = f"{BUILD_PREFIX}{manifest.created_at.replace(':', '').replace('-', '')}-{os.getpid()}-{os.urandom(3).hex()}"
    tmp = root / f"{TMP_PREFIX}{name}"
    final = root / name
    try:
        tmp.mkdir()
        with open(tmp / PASSAGES, "w", encoding="utf-8") as handle:
            for passage in passages:
                handle.write(json.dumps(passage.__dict__, ensure_ascii=False) + "\n")
        np.save(tmp / VECTORS, vectors)
        faiss.write_index(index, str(tmp / FAISS_INDEX))
        # the manifest goes last: a folder without it is never a complete build
        (tmp / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        os.rename(tmp, final)
        pointer_tmp = root / f"{CURRENT_FILE}.tmp-{os.getpid()}"
        pointer_tmp.write_text(name + "\n", encoding="utf-8")
        os.replace(pointer_tmp, root / CURRENT_FILE)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if final.exists() and active_build(root) != final:
            shutil.rmtree(final, ignore_errors=True)
        raise
    remove_stale_builds(root, keep=name)
    return final


def remove_stale_builds(root: Path, keep: str) -> None:
    """Delete inactive builds and leftovers of interrupted builds."""
    for child in root.iterdir():
        if child.is_dir() and child.name != keep and (
            child.name.startswith(BUILD_PREFIX) or child.name.startswith(TMP_PREFIX)
        ):
            shutil.rmtree(child, ignore_errors=True)
        elif child.is_file() and child.name.startswith(f"{CURRENT_FILE}.tmp-"):
            child.unlink(missing_ok=True)
