"""Building, updating and loading the knowledge index (real MiniLM model and FAISS)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge import store
from bot.knowledge.documents import KnowledgeSourceError
from bot.knowledge.indexer import build_index
from bot.knowledge.retriever import load_retriever

from .conftest import copy_index, write_knowledge


def _load(index: Path, docs: Path) -> store.StoredIndex:
    from bot.knowledge.documents import source_fingerprint
    from bot.knowledge.embedder import retrieval_model

    return store.load_index(index, source_fingerprint(docs), *retrieval_model())


def test_build_writes_index_passages_and_manifest(built_index: tuple[Path, Path]) -> None:
    docs, index = built_index
    stored = _load(index, docs)
    manifest = stored.manifest
    assert manifest.embedding_model == "sentence-transformers/all-mpnet-base-v2"  # the retrieval encoder
    assert manifest.dimension == 768 and manifest.format_version == store.FORMAT_VERSION
    assert set(manifest.files) == {"policies/returns.md", "shipping.txt", "care.html", "faq.csv"}
    assert manifest.documents["policies/returns.md"]["passages"] == 3
    assert manifest.n_passages == len(stored.passages) == stored.index.ntotal == stored.vectors.shape[0]
    assert manifest.index_type == "flat"
    norms = (stored.vectors**2).sum(axis=1)
    assert norms.min() > 0.99 and norms.max() < 1.01


def test_rebuild_embeds_only_new_and_changed_documents(tmp_path: Path) -> None:
    docs = write_knowledge(tmp_path / "kb")
    index = tmp_path / "index"
    first = build_index(docs, index, progress=False)
    assert not first.up_to_date and first.n_embedded == first.n_passages and first.n_reused == 0

    again = build_index(docs, index, progress=False)
    assert again.up_to_date and again.n_embedded == 0

    (docs / "shipping.txt").write_text("SHIPPING\n\nExpress\nExpress shipping costs $12.95.\n", encoding="utf-8")
    (docs / "new.md").write_text("# New\n\nA brand new article about gift cards.\n", encoding="utf-8")
    (docs / "care.html").unlink()
    third = build_index(docs, index, progress=False)
    assert sorted(third.changed_documents) == ["new.md", "shipping.txt"]
    assert third.removed_documents == ["care.html"]
    assert third.n_embedded == 2  # one passage each
    assert third.n_reused == third.n_passages - 2 == 5
    stored = _load(index, docs)
    # reused vectors are the stored ones, changed ones are fresh
    returns_rows = [i for i, p in enumerate(stored.passages) if p.doc_id == "policies/returns.md"]
    assert len(returns_rows) == 3
    express = next(p for p in stored.passages if p.doc_id == "shipping.txt")
    assert "12.95" in express.text
    assert len(list(index.glob("build-*"))) == 1  # old builds are cleaned up


def test_stale_index_is_detected_at_load(tmp_path: Path, built_index: tuple[Path, Path]) -> None:
    docs = write_knowledge(tmp_path / "kb")
    index = copy_index(built_index[1], tmp_path / "index")
    load_retriever(index, docs)  # up to date: loads
    (docs / "faq.csv").write_text("id,text\npw,Changed answer.\n", encoding="utf-8")
    (docs / "extra.md").write_text("# Extra\n\nMore.", encoding="utf-8")
    with pytest.raises(store.StaleIndexError) as info:
        load_retriever(index, docs)
    message = str(info.value)
    assert "changed: faq.csv" in message and "added: extra.md" in message
    assert "python -m bot index" in message


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("embedding_model", "sentence-transformers/all-MiniLM-L6-v2", "built with sentence-transformers/all-MiniLM-L6-v2"),
        ("dimension", 384, "(dimension 384)"),
        ("format_version", 99, "format version 99"),
    ],
)
def test_mismatched_manifest_is_rejected(tmp_path: Path, built_index: tuple[Path, Path], key: str, value: object, expected: str) -> None:
    docs, shared = built_index
    index = copy_index(shared, tmp_path / "index")
    manifest_path = store.active_build(index) / store.MANIFEST
    data = json.loads(manifest_path.read_text())
    data[key] = value
    manifest_path.write_text(json.dumps(data))
    with pytest.raises(store.IndexMismatchError) as info:
        load_retriever(index, docs)
    assert expected in str(info.value) and "python -m bot index" in str(info.value)


def test_missing_index_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(store.IndexMissingError, match="python -m bot index"):
        load_retriever(tmp_path / "none", None)


def test_bad_files_fail_the_build_and_keep_the_previous_index(tmp_path: Path, built_index: tuple[Path, Path]) -> None:
    docs = write_knowledge(tmp_path / "kb")
    index = copy_index(built_index[1], tmp_path / "index")
    before = (index / store.CURRENT_FILE).read_text()
    (docs / "empty.md").write_text("", encoding="utf-8")
    (docs / "huge.txt").write_text("x " * 3000, encoding="utf-8")
    (docs / "broken.csv").write_text("id,text\n1,\"unterminated\n", encoding="utf-8")
    with pytest.raises(KnowledgeSourceError) as info:
        build_index(docs, index, progress=False, max_bytes=4000)
    problems = "\n".join(info.value.problems)
    assert "empty.md: file is empty" in problems
    assert "huge.txt: file is too large" in problems
    assert "broken.csv" in problems
    assert (index / store.CURRENT_FILE).read_text() == before
    assert sorted(p.name for p in index.iterdir()) == sorted(p.name for p in built_index[1].iterdir())
    assert store.load_index(index).manifest.n_passages > 0


def test_bad_files_on_first_build_write_nothing(tmp_path: Path) -> None:
    docs = tmp_path / "kb"
    docs.mkdir()
    (docs / "empty.md").write_text("", encoding="utf-8")
    with pytest.raises(KnowledgeSourceError):
        build_index(docs, tmp_path / "index", progress=False)
    assert not (tmp_path / "index").exists()


def test_failed_write_leaves_previous_index_loadable(tmp_path: Path, built_index: tuple[Path, Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import faiss

    docs = write_knowledge(tmp_path / "kb")
    index = copy_index(built_index[1], tmp_path / "index")
    before = (index / store.CURRENT_FILE).read_text()
    (docs / "new.md").write_text("# New\n\nSomething new to index.", encoding="utf-8")

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(faiss, "write_index", disk_full)
    with pytest.raises(OSError, match="No space left"):
        build_index(docs, index, progress=False)
    monkeypatch.undo()
    assert (index / store.CURRENT_FILE).read_text() == before
    assert not [p for p in index.iterdir() if p.name.startswith(store.TMP_PREFIX)]
    stored = store.load_index(index)
    assert "new.md" not in stored.manifest.documents
    # and the next build succeeds
    assert build_index(docs, index, progress=False).n_embedded == 1


def test_index_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = write_knowledge(tmp_path / "kb")
    assert main(["index", "--docs", str(docs), "--out", str(tmp_path / "index"), "--no-progress"]) == 0
    assert main(["index", "--docs", str(docs), "--out", str(tmp_path / "index"), "--no-progress"]) == 0
    (docs / "empty.md").write_text("", encoding="utf-8")
    assert main(["index", "--docs", str(docs), "--out", str(tmp_path / "index"), "--no-progress"]) == 1
