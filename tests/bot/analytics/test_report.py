"""The report (python -m bot report) on the history of report_fixture.py, every number worked out by hand here.

Hand counts of the fixture (17 counted conversations, all over at NOW; the evaluation one left out):
handed off 4 (sms:abc, webchat:s2, telegram:3, telegram:5), abandoned 1 (webchat:s1), finished by
the bot 12; customer turns 31 of which 5 fallbacks; knowledge answers 2, both abstained; involved
15 (all but sms:abc and telegram:5), confirmed 1 (telegram:1); soft resolution known for 14 of the
involved (telegram:4 ended 7 h before NOW), resolved 11 (telegram:1, telegram:2, the nine feedback
chats); ratings 17 summing to 48, six of them 4 or 5; first replies: twelve of 200 ms, twelve of
300, then 350, 400, 400, 500, 600, 1000, 1500 ms (nearest rank: p50 300, p95 1000).
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

import pytest

from bot.analytics import render
from bot.analytics.clustering import distinctive_words
from bot.analytics.events import from_rasa
from bot.analytics.report import DocumentMatch, collect, conversation_rows, unanswered_messages, write_csv
from bot.handoff.escalation import sentiment
from tests.bot.analytics import report_fixture as fx

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

TILES = {  # the KPI tiles, by hand (see the module docstring)
    "conversations": "17",
    "containment_rate": "70.6%",  # 12 / 17
    "escalation_rate": "23.5%",  # 4 / 17
    "abandonment_rate": "5.9%",  # 1 / 17
    "fallback_rate": "16.1%",  # 5 / 31
    "knowledge_abstain_rate": "100.0%",  # 2 / 2
    "involvement_rate": "88.2%",  # 15 / 17
    "hard_resolution_rate": "6.7%",  # 1 / 15
    "soft_resolution_rate": "78.6%",  # 11 / 14
    "automation_rate": "69.3%",  # 0.8824 x 0.7857
    "csat_mean": "2.82 / 5",  # 48 / 17
    "csat_top2_share": "35.3%",  # 6 / 17
    "csat_response_rate": "no data",  # no survey was sent
    "bot_response_ms_p50": "300 ms",
    "bot_response_ms_p95": "1,000 ms",
    "first_human_reply_business_minutes_p50": "no data",  # no agent replied
    "reopened_within_7_days_rate": "no data",
}
UNANSWERED = {
    ("telegram:1", "Do you sell gift cards?", ("abstained",)),
    ("telegram:2", "can i buy a gift card", ("fallback",)),
    ("sms:abc", "I want to talk to a person", ("handed off",)),
    ("webchat:s1", "do you have gift cards for sale?", ("fallback",)),
    ("webchat:s2", "Can I bring my dog into your shop?", ("abstained",)),
    ("webchat:s2", "let me speak to a human", ("handed off",)),
    ("telegram:3", "Do you sell gift cards?", ("fallback",)),  # its "/request_human" payload is not a question
    ("telegram:4", "Are dogs allowed in the store?", ("fallback",)),
    ("telegram:4", fx.SCRIPT, ("fallback",)),
    ("telegram:5", "can I talk to someone real", ("handed off",)),
}


def events_by_id() -> dict:
    return {cid: [e for e in (from_rasa(cid, event) for event in events) if e is not None]
            for cid, events in fx.HISTORY.items()}


@pytest.fixture()
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'product.db'}"
    fx.fill(url)
    return url


def test_unanswered_messages_are_the_turns_with_a_fallback_an_abstention_or_a_handoff() -> None:
    found = {(u.conversation_id, u.text, u.kinds) for u in unanswered_messages(events_by_id())}
    assert found == UNANSWERED  # the evaluation conversation's fallback is not there


def test_the_reader_gives_the_store_s_events_and_only_the_texts_asked_for(database: str) -> None:
    from bot.analytics.report import EventReader
    from bot.analytics.store import AnalyticsStore

    store = AnalyticsStore(database)
    ids = store.conversation_ids(fx.DAY - 86400, fx.NOW, include_evaluation=True)
    expected, reader = store.events_of(ids), EventReader(store)
    found = reader.events_of(ids)
    assert list(found) == list(expected)
    for cid in ids:
        assert [(e.key, e.type, e.name, e.timestamp, e.evaluation) for e in found[cid]] == [
            (e.key, e.type, e.name, e.timestamp, e.evaluation) for e in expected[cid]]
        assert [e.details for e in found[cid] if e.type in ("slot", "bot")] == [
            e.details for e in expected[cid] if e.type in ("slot", "bot")]
        assert all(e.text is None for e in found[cid])
        assert [reader.text_of(e) for e in found[cid] if e.type == "user"] == [
            e.text for e in expected[cid] if e.type == "user"]
    assert unanswered_messages(found, reader.text_of) == unanswered_messages(expected)


def test_the_report_counts_what_analytics_kpis_counts(database: str) -> None:
    from bot.analytics.cli import gather

    collected = collect(database, fx.SINCE, fx.NOW)
    assert collected.kpis == gather(database, fx.SINCE, fx.NOW)
    assert len(collected.conversations) == 17 and len(collected.handoffs) == 4  # rest:eval-1's handoff is not
    assert sorted(r.rating for r in collected.ratings) == [1] * 4 + [2] * 5 + [3] * 2 + [4] * 2 + [5] * 4
    assert len(collected.comments) == 14  # 17 ratings, three without a comment; the evaluation one left out
    assert "EVALSECRET" not in repr(collected)


def test_the_kpis_by_cell_equal_compute_kpis_on_a_random_month() -> None:
    import datetime as dt
    import random

    from bot.analytics.kpis import Conversation, HandoffTiming, Rating, compute_kpis
    from bot.analytics.report import kpis_by_cell

    rng = random.Random(7)
    conversations, handoffs, ratings = [], [], []
    for n in range(600):
        cid = f"{rng.choice(['telegram', 'webchat', 'sms'])}:{rng.randint(1, 250)}"  # ids come back: several sessions
        started = fx.DAY + rng.uniform(-10, 3) * 86400
        handed_off = rng.random() < 0.2
        conversations.append(Conversation(
            cid, cid.split(":")[0], started, started + rng.uniform(10, 900), customer_turns=rng.randint(1, 6),
            fallback_turns=rng.randint(0, 1), knowledge_answers=rng.randint(0, 2), knowledge_abstained=rng.randint(0, 1),
            handed_off=handed_off, handoff_at=started + 5 if handed_off else None, involved=rng.random() < 0.8,
            confirmed=rng.random() < 0.3, asked_at_end=rng.random() < 0.1, surveys=rng.randint(0, 1),
            response_ms=[rng.uniform(100, 5000) for _ in range(rng.randint(1, 4))], over=rng.random() < 0.95))
        moment = dt.datetime.fromtimestamp(started + 60, dt.timezone.utc)
        if handed_off:
            handoffs.append(HandoffTiming(cid, rng.choice(["customer_request", "keyword"]), moment,
                                          moment + dt.timedelta(minutes=5), moment + dt.timedelta(hours=rng.randint(1, 200)),
                                          moment + dt.timedelta(minutes=rng.randint(1, 90))))
        if rng.random() < 0.3:
            ratings.append(Rating(cid, rng.randint(1, 5), moment + dt.timedelta(minutes=3)))
    ratings.append(Rating("telegram:unknown", 5, dt.datetime.fromtimestamp(fx.DAY, dt.timezone.utc)))  # not counted
    assert kpis_by_cell(conversations, handoffs, ratings, fx.HOURS, fx.NOW) == compute_kpis(
        conversations, handoffs, ratings, fx.HOURS, fx.NOW)


def test_one_row_per_conversation_with_its_reason_and_rating(database: str, tmp_path: Path) -> None:
    collected = collect(database, fx.SINCE, fx.NOW)
    rows = conversation_rows(collected.conversations, collected.handoffs, collected.ratings)
    assert write_csv(rows, tmp_path / "c.csv") == 17
    with open(tmp_path / "c.csv", encoding="utf-8", newline="") as handle:
        table = {row["conversation_id"]: row for row in csv.DictReader(handle)}
    assert table["webchat:s2"] == {
        "conversation_id": "webchat:s2", "channel": "webchat", "day": "2026-12-03",
        "started": "2026-12-03T15:00:01+00:00", "handed_off": "true", "reason": "knowledge_abstained",
        "abandoned": "false", "contained": "false", "involved": "true", "confirmed": "false", "turns": "2",
        "fallbacks": "0", "rating": "1"}
    assert (table["webchat:s1"]["abandoned"], table["webchat:s1"]["contained"]) == ("true", "false")
    assert (table["telegram:1"]["confirmed"], table["telegram:1"]["rating"]) == ("true", "5")
    assert (table["telegram:4"]["fallbacks"], table["telegram:4"]["rating"]) == ("2", "4")
    assert (table["sms:abc"]["reason"], table["sms:abc"]["involved"]) == ("customer_request", "false")
    assert table["telegram:f3"]["reason"] == "" and "rest:eval-1" not in table


def test_groups_are_named_by_their_distinctive_words() -> None:
    texts = ["my card has not arrived", "when will my card arrive", "card still not arrived",
             "how do I reset my password", "forgot my password, reset please", "password reset link broken",
             "card payment declined"]
    names = distinctive_words(texts, [0, 0, 0, 1, 1, 1, -1], words=2)
    # "card": 3 of the group's 9 terms, 4 of all; "arrived": 2 of 9, 2 of all; stop words ("my", "still") never
    assert names == {0: ("card", "arrived"), 1: ("password", "reset")}  # outliers take part but get no name
    texts[6] = "card card card card"  # now "card" is frequent everywhere: it no longer names the group alone,
    # "arrived" does, and the phrase "card arrived" (as distinctive) takes its place
    assert distinctive_words(texts, [0, 0, 0, 1, 1, 1, -1], words=2)[0] == ("card arrived", "arrive")


def test_the_nearest_document_is_scored_in_the_index_s_own_space_and_says_when_none_covers() -> None:
    import numpy as np

    from bot.analytics.report import KnowledgeMatcher

    passages = np.array([[1, 0, 0], [0.8, 0.6, 0], [0, 0, 1]], dtype=np.float32)  # doc a: two passages; doc b: one
    matcher = KnowledgeMatcher(["a", "a", "b"], ["A", "A", "B"], passages, threshold=0.5)
    near_a = np.array([[0.6, 0.8, 0], [1, 0, 0]], dtype=np.float32)  # best cosines to a: 0.96 and 1.0
    assert matcher.nearest(near_a, near_a.mean(axis=0)) == DocumentMatch("a", "A", 0.98, True)  # their median
    far = np.array([[0, 1, 0]], dtype=np.float32)  # 0.6 to a's second passage, 0 to b
    assert matcher.nearest(far, far[0]) == DocumentMatch("a", "A", 0.6, True)
    strict = KnowledgeMatcher(["a", "a", "b"], ["A", "A", "B"], passages, threshold=0.7)
    assert strict.nearest(far, far[0]).covered is False  # "no document covers this"
    # an index built with another encoder: the group's texts are embedded again with it
    own = KnowledgeMatcher(["a", "a", "b"], ["A", "A", "B"], passages, threshold=0.5,
                           encode=lambda texts: np.array([[0, 0, 1]] * len(texts), dtype=np.float32))
    assert own.nearest(near_a, near_a.mean(axis=0), ["x", "y"]) == DocumentMatch("b", "B", 1.0, True)


def test_charts_draw_one_mark_per_value_and_escape_every_label() -> None:
    bars = render.bar_chart("x", "caption <b>", [("<i>a</i>", 3), ("b", 0), ("c", 1)])
    assert bars.count('class="bar"') == 3 and "<i>" not in bars and "&lt;i&gt;a&lt;/i&gt;" in bars
    line = render.line_chart("y", "c", ["d1", "d2", "d3"], {"s<1>": [0.5, None, 0.25]}, percent=True)
    assert line.count('class="point"') == 2 and "s&lt;1&gt;" in line
    assert render.latency_histogram([100, 250, 999, 8000]) == [
        ("< 0.25 s", 1), ("0.25-0.5 s", 1), ("0.5-1 s", 1), ("1-2 s", 0), ("2-4 s", 0), ("4-8 s", 0), ("≥ 8 s", 1)]


def test_the_command_writes_a_page_and_a_csv_on_an_empty_store(tmp_path: Path, monkeypatch, capsys) -> None:
    from bot.cli import main

    monkeypatch.setenv("SWITCHBOARD_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("SWITCHBOARD_DATABASE_URL", raising=False)
    assert main(["report", "--since", "7d", "--out", str(tmp_path / "r.html"), "--quiet"]) == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "No unanswered customer messages" in page and 'data-chart="csat"' in page
    assert (tmp_path / "r-conversations.csv").read_text(encoding="utf-8").strip().startswith("conversation_id,channel")
    assert "0 conversations" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["report", "--since", "a month"])


@pytest.fixture()
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    profile = tempfile.mkdtemp(prefix="report-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.slow
def test_the_page_in_chromium_shows_the_hand_computed_numbers(database: str, tmp_path: Path, browser) -> None:
    from selenium.webdriver.common.by import By

    from bot.analytics.report import make_report
    from bot.knowledge.indexer import build_index

    build_index(fx.knowledge_base(tmp_path / "docs"), tmp_path / "index", progress=False)
    out = tmp_path / "out" / "report.html"
    report = make_report(out, fx.SINCE, fx.NOW, database, index_dir=tmp_path / "index", hours=fx.HOURS)
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; dogs?" in page
    assert "EVALSECRET" not in page and "EVALSECRET" not in (tmp_path / "out" / "report-conversations.csv").read_text()

    browser.get(out.as_uri())
    assert [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"] == []
    assert browser.execute_script("return document.scripts.length") == 0

    def marks(chart: str, kind: str = "rect.bar") -> list:
        return browser.find_elements(By.CSS_SELECTOR, f'[data-chart="{chart}"] svg {kind}')

    def values(chart: str) -> list:
        return [(e.get_attribute("data-label"), float(e.get_attribute("data-value"))) for e in marks(chart)]

    for kpi, shown in TILES.items():
        tile = browser.find_element(By.CSS_SELECTOR, f'.tile[data-kpi="{kpi}"] .value')
        assert tile.text == shown, kpi
    assert "missed" in browser.find_element(By.CSS_SELECTOR, '.tile[data-kpi="escalation_rate"]').get_attribute("class")
    # seven days in the window (Nov 27 - Dec 3), conversations on three of them
    assert [v for _, v in values("conversations-by-day")] == [0, 0, 0, 0, 3, 11, 3]
    assert len(marks("rates-by-day", "circle.point")) == 9  # three lines, three days with data
    assert len(marks("latency-by-day", "circle.point")) == 6
    assert sorted(values("conversations-by-channel")) == [("telegram", 14), ("twilio_sms", 1), ("webchat", 2)]
    assert sorted(values("escalation-reasons")) == [("customer_request", 3), ("knowledge_abstained", 1)]
    assert values("csat") == [("1", 4), ("2", 5), ("3", 2), ("4", 2), ("5", 4)]
    assert [v for _, v in values("latency")] == [12, 15, 2, 2, 0, 0, 0]

    # unanswered questions: ten messages; gift cards (4) first, covered by its document; dogs not covered
    assert browser.find_element(By.CSS_SELECTOR, "[data-unanswered]").get_attribute("data-unanswered") == "10"
    clusters = browser.find_elements(By.CSS_SELECTOR, ".cluster[data-count]")
    counts = [int(c.get_attribute("data-count")) for c in clusters]
    assert counts == sorted(counts, reverse=True) and sum(counts) + len(report.unclustered) == 10
    gift = clusters[0]
    assert counts[0] == 4 and "gift" in gift.find_element(By.TAG_NAME, "h3").text
    assert gift.find_element(By.CSS_SELECTOR, ".doc").get_attribute("data-covered") == "true"
    assert "Gift cards" in gift.find_element(By.CSS_SELECTOR, ".doc").text
    dogs = next(c for c in clusters if "Are dogs allowed in the store?" in c.text)
    assert dogs.find_element(By.CSS_SELECTOR, ".doc").text.startswith("no document covers this")
    assert fx.SCRIPT in browser.find_element(By.ID, "unanswered").text  # shown as text, never run

    # feedback: three themes; each theme's mean rating and sentiment are those of its comments
    ratings = {text: rating for _, _, _, rating, text in fx.RATINGS}
    themes = {t.name: t for t in report.themes}
    assert sorted(t.comments for t in report.themes) == [3, 5, 5] and report.other_comments.comments == 1
    delivery = next(t for t in report.themes if "delivery" in t.words or "late" in t.words)
    assert delivery.mean_rating == round((1 + 2 + 2) / 3, 2)
    understand = next(t for t in report.themes if any("understand" in w for w in t.words))
    assert understand.mean_rating == 1.6 and understand.tone == "negative"  # ratings 2, 1, 2, 2, 1
    helpful = next(t for t in report.themes if "helpful" in t.words)
    assert (helpful.comments, helpful.mean_rating, helpful.tone) == (5, 4.8, "positive")  # ratings 5, 4, 5, 5, 5
    for row in browser.find_elements(By.CSS_SELECTOR, "#feedback tr[data-theme]"):
        theme = themes.get(row.get_attribute("data-theme")) or report.other_comments
        shown = [li.text for li in row.find_elements(By.TAG_NAME, "li")]
        assert set(shown) <= set(ratings)
        assert row.find_element(By.CSS_SELECTOR, "[data-mean-rating]").text == f"{theme.mean_rating:.2f}"
    comments_of = {
        "understand": ["The bot did not understand my question about gift cards", "the bot did not understand me at all, useless",
                       "it never understood what I asked", "the bot doesn't understand simple questions",
                       "it did not understand anything I said"]}
    expected = sum(sentiment(c) for c in comments_of["understand"]) / 5
    assert understand.sentiment == round(expected, 3)
