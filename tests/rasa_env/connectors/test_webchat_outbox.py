"""The web chat outbox (real SQLite files) and the output channel that writes into it."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from connectors.webchat import WebChatOutput
from connectors.webchat_outbox import MAX_TEXT_CHARS, OutboxFull, WebChatOutbox
from tests.support.raw_files import contains, sqlite_bytes


@pytest.fixture()
def path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "webchat.db"


def texts(messages) -> list:
    return [m.text for m in messages]


def test_a_restart_keeps_undelivered_messages(path: Path) -> None:
    outbox = WebChatOutbox(path)
    first = outbox.put("web-a", "Hi, Pat here.", author="agent")
    outbox.put("web-a", "I'm back!")
    outbox.put("web-b", "for someone else")
    outbox.close()

    reopened = WebChatOutbox(path)  # a server restart: a new process opens the same file
    messages = reopened.fetch("web-a")
    assert [(m.id, m.text, m.author) for m in messages] == [(first, "Hi, Pat here.", "agent"),
                                                            (first + 1, "I'm back!", "bot")]
    assert texts(reopened.fetch("web-b")) == ["for someone else"]


def test_fetching_without_acknowledging_delivers_again(path: Path) -> None:
    outbox = WebChatOutbox(path)
    outbox.put("web-a", "one")
    assert texts(outbox.fetch("web-a")) == ["one"]
    assert texts(outbox.fetch("web-a")) == ["one"]  # the answer may have been lost: sent again


def test_acknowledged_messages_are_not_delivered_twice_also_after_a_restart(path: Path) -> None:
    outbox = WebChatOutbox(path)
    ids = [outbox.put("web-a", text) for text in ("one", "two", "three")]
    other = outbox.put("web-b", "not acknowledged by web-a")
    assert texts(outbox.fetch("web-a", after=ids[1])) == ["three"]  # acknowledges one and two
    assert texts(outbox.fetch("web-a")) == ["three"]
    outbox.close()
    reopened = WebChatOutbox(path)
    assert texts(reopened.fetch("web-a")) == ["three"]
    assert reopened.fetch("web-a", after=ids[2]) == []
    assert reopened.fetch("web-a") == []
    # a cursor of one sender never acknowledges another sender's messages
    assert [m.id for m in reopened.fetch("web-b")] == [other]
    assert reopened.pending() == 1


def test_ids_are_never_reused_after_everything_was_acknowledged(path: Path) -> None:
    # Without AUTOINCREMENT SQLite reuses the highest id after a delete, and the page's cursor
    # would acknowledge the new message unseen.
    outbox = WebChatOutbox(path)
    last = outbox.put("web-a", "one")
    assert outbox.fetch("web-a", after=last) == []
    outbox.close()
    reopened = WebChatOutbox(path)
    new = reopened.put("web-a", "two")
    assert new > last
    assert texts(reopened.fetch("web-a", after=last)) == ["two"]


def test_fetch_returns_a_bounded_batch_in_order(path: Path) -> None:
    outbox = WebChatOutbox(path)
    for number in range(5):
        outbox.put("web-a", f"m{number}")
    batch = outbox.fetch("web-a", limit=2)
    assert texts(batch) == ["m0", "m1"]
    assert texts(outbox.fetch("web-a", after=batch[-1].id, limit=10)) == ["m2", "m3", "m4"]


@pytest.mark.parametrize("sender", ["", "../etc", "a b", "x" * 129, None, 42, "web-\u00e9", "web-a\n"])
def test_bad_senders_are_rejected(path: Path, sender) -> None:
    outbox = WebChatOutbox(path)
    with pytest.raises(ValueError, match="'sender'"):
        outbox.put(sender, "hello")
    with pytest.raises(ValueError, match="'sender'"):
        outbox.fetch(sender)
    assert outbox.pending() == 0


@pytest.mark.parametrize("after", [-1, 2**63, "5", 1.5, True])
def test_bad_cursors_are_rejected(path: Path, after) -> None:
    with pytest.raises(ValueError, match="after"):
        WebChatOutbox(path).fetch("web-a", after=after)


def test_bad_messages_are_rejected(path: Path) -> None:
    outbox = WebChatOutbox(path)
    for text in ("", "   ", "x" * (MAX_TEXT_CHARS + 1)):
        with pytest.raises(ValueError):
            outbox.put("web-a", text)
    with pytest.raises(ValueError, match="author"):
        outbox.put("web-a", "hello", author="admin")
    assert outbox.pending() == 0


def test_the_outbox_is_bounded_per_sender_and_in_all(path: Path) -> None:
    outbox = WebChatOutbox(path, max_per_sender=2, max_total=3)
    outbox.put("web-a", "1")
    outbox.put("web-a", "2")
    with pytest.raises(OutboxFull):
        outbox.put("web-a", "3")
    outbox.put("web-b", "1")
    with pytest.raises(OutboxFull):
        outbox.put("web-c", "1")
    # acknowledging makes room again
    first, second = outbox.fetch("web-a")
    outbox.fetch("web-a", after=second.id)
    outbox.put("web-a", "3")
    assert outbox.pending() == 2


def test_messages_nobody_fetched_expire(path: Path) -> None:
    outbox = WebChatOutbox(path, retention_hours=1)
    outbox.put("web-a", "old", now=1_000.0)
    outbox.put("web-a", "new", now=1_000.0 + 3000)
    assert texts(outbox.fetch("web-a", now=1_000.0 + 3700)) == ["new"]
    with pytest.raises(ValueError, match="retention_hours"):
        WebChatOutbox(path, retention_hours=0)


def test_concurrent_writers_lose_nothing(path: Path) -> None:
    outbox = WebChatOutbox(path, max_per_sender=10_000)
    second = WebChatOutbox(path, max_per_sender=10_000)  # another connection to the same file

    def write(box: WebChatOutbox, prefix: str) -> None:
        for number in range(50):
            box.put("web-a", f"{prefix}{number}")

    threads = [threading.Thread(target=write, args=(box, prefix)) for box, prefix in ((outbox, "a"), (second, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    got = texts(outbox.fetch("web-a", limit=1000))
    assert sorted(got) == sorted([f"a{n}" for n in range(50)] + [f"b{n}" for n in range(50)])


def test_the_file_is_plain_sqlite_with_texts_and_buttons_encrypted(path: Path) -> None:
    outbox = WebChatOutbox(path)
    outbox.put("web-a", "Pat here: your parcel went to 12 Elm Street", author="agent",
               buttons=[{"title": "Thanks Pat", "payload": "/thanks"}])
    with sqlite3.connect(str(path)) as db:
        [(sender, author, text, buttons)] = db.execute("SELECT sender, author, text, buttons FROM outbox").fetchall()
    assert (sender, author) == ("web-a", "agent")
    assert text.startswith("enc:v1:") and buttons.startswith("enc:v1:")
    assert sqlite_bytes(path) and not contains(path, "Elm Street") and not contains(path, "Thanks Pat")
    [message] = outbox.fetch("web-a")
    assert (message.text, message.buttons) == ("Pat here: your parcel went to 12 Elm Street",
                                               [{"title": "Thanks Pat", "payload": "/thanks"}])


# --- the output channel --------------------------------------------------------------------

def test_send_to_queues_plain_text_marked_as_from_a_person(path: Path) -> None:
    outbox = WebChatOutbox(path)
    output = WebChatOutput(outbox)
    assert asyncio.run(output.send_to("webchat:web-a", "Hi, Pat here. See *this* [page](https://example.com/x)",
                                      from_agent=True))
    assert asyncio.run(output.send_to("webchat:web-a", "I'm back!"))
    [agent, bot] = outbox.fetch("web-a")
    assert (agent.text, agent.author) == ("Hi, Pat here. See this page (https://example.com/x)", "agent")
    assert (bot.text, bot.author) == ("I'm back!", "bot")


def test_send_to_splits_long_texts_and_keeps_buttons_on_the_last_part(path: Path) -> None:
    outbox = WebChatOutbox(path)
    text = ("A sentence of some length. " * 800).strip()  # about 21,600 characters
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    assert asyncio.run(WebChatOutput(outbox).send_to("webchat:web-a", text, buttons=buttons))
    parts = outbox.fetch("web-a")
    assert len(parts) >= 2 and all(len(p.text) <= 10_000 for p in parts)
    assert " ".join(p.text for p in parts) == text
    assert [p.buttons for p in parts] == [[]] * (len(parts) - 1) + [buttons]


def test_send_to_answers_false_when_it_cannot_queue(path: Path) -> None:
    outbox = WebChatOutbox(path, max_per_sender=1)
    output = WebChatOutput(outbox)
    assert asyncio.run(output.send_to("webchat:web-a", "one"))
    assert not asyncio.run(output.send_to("webchat:web-a", "two"))  # full
    assert not asyncio.run(output.send_to("../etc", "hello"))  # bad recipient
    assert not asyncio.run(output.send_to("telegram:42", "hello"))  # another channel's conversation
    assert not asyncio.run(output.send_to("webchat:web-b", "   "))  # nothing to say
    assert texts(outbox.fetch("web-a")) == ["one"]


def test_in_turn_methods_queue_too(path: Path) -> None:
    outbox = WebChatOutbox(path)
    output = WebChatOutput(outbox)
    asyncio.run(output.send_text_message("webchat:web-a", "hello"))
    asyncio.run(output.send_text_with_buttons("webchat:web-a", "pick", [{"title": "A", "payload": "/a"}]))
    asyncio.run(output.send_image_url("webchat:web-a", "https://example.com/i.png"))
    assert [(m.text, m.buttons) for m in outbox.fetch("web-a")] == [
        ("hello", []), ("pick", [{"title": "A", "payload": "/a"}]), ("https://example.com/i.png", [])]
