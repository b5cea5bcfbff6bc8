"""Reading and splitting knowledge documents (bot.knowledge.documents); no model needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.documents import (
    MAX_WORDS,
    KnowledgeSourceError,
    load_documents,
    split_document,
    split_documents,
)


def _by_id(folder: Path) -> dict:
    return {d.doc_id: d for d in load_documents(folder)}


def test_folder_ids_are_relative_paths_and_csv_rows_get_a_suffix(knowledge_dir: Path) -> None:
    ids = sorted(_by_id(knowledge_dir))
    assert ids == ["care.html", "faq.csv#points", "faq.csv#pw", "policies/returns.md", "shipping.txt"]


def test_markdown_passages_keep_the_heading_path(knowledge_dir: Path) -> None:
    passages = split_document(_by_id(knowledge_dir)["policies/returns.md"])
    headings = [p.heading for p in passages]
    assert headings == ["Returns", "Returns > Gifts", "Returns > Refunds"]
    gifts = passages[1]
    assert "gift receipt" in gifts.text and gifts.title == "Returns"
    assert gifts.indexed_text.startswith("Returns > Gifts\n")
    assert gifts.passage_id == "policies/returns.md::1"


def test_html_reader_drops_scripts_navigation_and_footer(knowledge_dir: Path) -> None:
    doc = _by_id(knowledge_dir)["care.html"]
    assert doc.title == "Caring for wool"
    passages = split_document(doc)
    text = " ".join(p.text for p in passages)
    assert "hand washed in cold water" in text
    assert "Dry knitwear flat." in text
    for dropped in ("do not index me", "color: red", "Home | Shop", "Copyright"):
        assert dropped not in text
    assert [p.heading for p in passages] == ["Caring for wool", "Caring for wool > Drying"]


def test_text_reader_finds_title_and_headings(knowledge_dir: Path) -> None:
    passages = split_document(_by_id(knowledge_dir)["shipping.txt"])
    assert [p.heading for p in passages] == ["Shipping > Standard shipping", "Shipping > Canada"]
    assert "Canada Post" in passages[1].text


def test_csv_reader_uses_title_and_text(knowledge_dir: Path) -> None:
    doc = _by_id(knowledge_dir)["faq.csv#pw"]
    [passage] = split_document(doc)
    assert passage.heading == "Password reset"
    assert passage.text.startswith("Choose Forgot password?")


def test_single_csv_file_uses_bare_ids(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_text("id,text\n1,First answer.\n2,Second answer.\n", encoding="utf-8")
    docs = load_documents(path)
    assert [d.doc_id for d in docs] == ["1", "2"]
    assert [p.heading for p in split_documents(docs)] == ["", ""]


def test_long_documents_are_split_into_bounded_passages(tmp_path: Path) -> None:
    sentence = "Refunds go back to the original payment method after the warehouse receives the parcel. "
    (tmp_path / "long.md").write_text("# Long\n\n## Part\n\n" + sentence * 120, encoding="utf-8")
    passages = split_documents(load_documents(tmp_path))
    assert len(passages) >= 5
    assert all(len(p.text.split()) <= MAX_WORDS for p in passages)
    assert all(p.heading == "Long > Part" for p in passages)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.md", b"", "empty.md: file is empty"),
        ("blank.txt", b"  \n\n ", "blank.txt: file is empty"),
        ("latin1.md", "# Caf\xe9\n\ncr\xe8me".encode("latin-1"), "latin1.md: not valid UTF-8"),
        ("binary.txt", b"abc\x00def", "binary.txt: file looks binary"),
        ("headings.md", b"# Only\n## Headings\n", "headings.md: no text found"),
        ("front.md", b"---\ntitle: x\n# Body\n\ntext", "front.md: front matter"),
        ("nocols.csv", b"question,answer\nq,a\n", "nocols.csv: CSV header must have columns id,text"),
        ("dup.csv", b"id,text\n1,a\n1,b\n", "dup.csv line 3: duplicate id '1'"),
        ("emptytext.csv", b"id,text\n1,\n", "emptytext.csv line 2: empty text for id '1'"),
        ("header.csv", b"id,text\n", "header.csv: CSV has a header but no rows"),
    ],
)
def test_bad_files_are_rejected_with_the_file_name(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    (tmp_path / "good.md").write_text("# Good\n\nFine text.", encoding="utf-8")
    (tmp_path / name).write_bytes(content)
    with pytest.raises(KnowledgeSourceError) as info:
        load_documents(tmp_path)
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith(expected)


def test_huge_files_are_rejected_and_all_problems_are_listed(tmp_path: Path) -> None:
    (tmp_path / "huge.md").write_text("# Huge\n\n" + "word " * 1000, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    with pytest.raises(KnowledgeSourceError) as info:
        load_documents(tmp_path, max_bytes=1000)
    problems = info.value.problems
    assert [p.split(":")[0] for p in problems] == ["empty.txt", "huge.md"]
    assert "too large" in problems[1] and "--max-bytes" in problems[1]
    assert "nothing was written" in str(info.value)


def test_missing_source_and_folder_without_supported_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_documents(tmp_path / "nope")
    (tmp_path / "data.json").write_text("{}", encoding="utf-8")
    with pytest.raises(KnowledgeSourceError, match="no supported files"):
        load_documents(tmp_path)


def test_the_shipped_knowledge_base_loads() -> None:
    from bot import paths

    docs = load_documents(paths.KNOWLEDGE_DIR)
    files = {d.source for d in docs}
    assert len(files) >= 30
    assert {".md", ".txt", ".html", ".csv"} <= {Path(f).suffix for f in files}
    assert all(split_document(d) for d in docs)
