"""Small knowledge fixtures shared by the knowledge tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

RETURNS_MD = """# Returns

Items can be returned within 30 days of delivery, unworn with tags attached.

## Gifts

A gift can be returned with the gift receipt or the order number. The recipient
gets store credit on a gift card. Without a receipt we give store credit at the
lowest price of the last 90 days.

## Refunds

Refunds go to the original payment method within 5-7 business days after the
warehouse receives the return.
"""

SHIPPING_TXT = """SHIPPING

Standard shipping
Standard shipping takes 3-5 business days and costs $4.95, free from $50.

Canada
Parcels to Canada travel with Canada Post, take 7-10 business days and cost $9.95 with duties included.
"""

CARE_HTML = """<!DOCTYPE html><html><head><title>Care guide</title>
<script>var tracking = "do not index me";</script><style>p {color: red}</style></head>
<body><nav>Home | Shop | Help</nav>
<h1>Caring for wool</h1>
<p>Wool and cashmere should be <b>hand washed</b> in cold water or dry cleaned.</p>
<h2>Drying</h2>
<ul><li>Dry knitwear flat.</li><li>Keep it away from heaters.</li></ul>
<footer>Copyright Harbor &amp; Pine</footer>
</body></html>
"""

FAQ_CSV = """id,text,title
pw,"Choose Forgot password? on the sign-in page; the link is valid for 30 minutes.",Password reset
points,"You earn 1 Pine Point per dollar; 100 points give $5 off.",Pine Points
"""


def write_knowledge(folder: Path) -> Path:
    """Write the four fixture documents (md, txt, html, csv) into ``folder``."""
    (folder / "policies").mkdir(parents=True, exist_ok=True)
    (folder / "policies" / "returns.md").write_text(RETURNS_MD, encoding="utf-8")
    (folder / "shipping.txt").write_text(SHIPPING_TXT, encoding="utf-8")
    (folder / "care.html").write_text(CARE_HTML, encoding="utf-8")
    (folder / "faq.csv").write_text(FAQ_CSV, encoding="utf-8")
    (folder / "notes.json").write_text("{}", encoding="utf-8")  # unsupported: ignored
    return folder


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    """A fresh copy of the fixture knowledge folder."""
    return write_knowledge(tmp_path / "knowledge")


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(knowledge folder, index folder) built once per test session with the real model."""
    from bot.knowledge.indexer import build_index

    base = tmp_path_factory.mktemp("kb")
    docs = write_knowledge(base / "knowledge")
    build_index(docs, base / "index", progress=False)
    return docs, base / "index"


def copy_index(src: Path, dst: Path) -> Path:
    """Copy an index folder (to modify it without touching the shared one)."""
    shutil.copytree(src, dst)
    return dst
