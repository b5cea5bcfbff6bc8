"""Turns run on the dialogue thread: webhooks are acknowledged while a turn computes.

A real Sanic server serves the real Telegram and SMS channels (registered the way Rasa registers
them) in front of a stand-in agent whose turn blocks its thread, the way Rasa's NLU and policy
prediction do, until the test releases it: deterministic, no timing assertions. Replies go to the
fake Bot API and Twilio API. Also: the loop thread and per-loop clients on their own, and what
happens to messages still waiting in the durable inbox at shutdown.
"""

from __future__ import annotations

import asyncio
import threading
import urllib.parse
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, List, Optional, Sequence, Tuple

import pytest
from rasa.core.channels.channel import InputChannel, UserMessage, register
from rasa.core.lock_store import InMemoryLockStore
from sanic import Sanic

from bot.launcher import free_port
from connectors.channel_support import DIALOGUE_THREAD_NAME
from connectors.delivery import DeliveryStats, LoopThread, PerLoop
from connectors.sms_state import SmsStateStore
from connectors.telegram import TelegramInput
from connectors.twilio_sms import TwilioSender, TwilioSmsInput
from tests.fakes.telegram_api import FakeTelegram, text_update
from tests.fakes.twilio_api import FakeTwilio
from tests.rasa_env.connectors.conftest import (
    PUBLIC_BASE_URL, TELEGRAM_SECRET, TELEGRAM_TOKEN, TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, sms_params,
    twilio_signature,
)
from tests.support.live import HttpReply, http

RELEASE_TIMEOUT = 60.0  # only reached when a test fails: nothing waits this long otherwise
ACK_TIMEOUT = 20.0  # an acknowledgement that takes this long means the loop was blocked


class BlockingProcessor:
    """Stands in for Rasa's ``MessageProcessor`` (the steps ``connectors.channel_support.run_turn``
    calls): a message ``slow`` computes (blocks its thread) until :attr:`gate` is set; every message
    is answered ``echo <text>`` through its output channel."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.slow_started = threading.Event()
        self.events: List[Tuple[str, str, str, str]] = []  # (start|end, sender, text, thread name)
        self._lock = threading.Lock()

    def _log(self, what: str, message: UserMessage) -> None:
        with self._lock:
            self.events.append((what, message.sender_id, message.text or "", threading.current_thread().name))

    async def log_message(self, message: UserMessage, should_save_tracker: bool = True) -> UserMessage:
        return message  # stands in for the tracker: the next steps get it back

    async def run_action_extract_slots(self, _output: Any, tracker: UserMessage) -> UserMessage:
        return tracker

    async def _run_prediction_loop(self, output: Any, message: UserMessage) -> None:
        self._log("start", message)
        if message.text == "slow":
            self.slow_started.set()
            if not self.gate.wait(RELEASE_TIMEOUT):  # a synchronous wait, like a long computation
                raise RuntimeError("the test never released the slow turn")
        await output.send_text_message(message.sender_id, f"echo {message.text}")
        self._log("end", message)

    async def run_anonymization_pipeline(self, _tracker: Any) -> None:
        return None

    async def save_tracker(self, _tracker: Any) -> None:
        return None

    def texts(self, sender: str) -> List[str]:
        with self._lock:
            return [text for what, who, text, _ in self.events if what == "start" and who == sender]


class NoTrackers:
    """A tracker store that has never seen a conversation."""

    async def retrieve(self, _sender_id: str) -> None:
        return None


class StandInAgent:
    """What the channels use of ``rasa.core.agent.Agent``: readiness, lock and tracker stores, the processor."""

    def __init__(self, processor: BlockingProcessor) -> None:
        self.processor = processor
        self.lock_store = InMemoryLockStore()
        self.tracker_store = NoTrackers()

    def is_ready(self) -> bool:
        return True


class Server:
    """A Sanic app with channels registered as ``rasa run`` registers them, served on a thread."""

    def __init__(self, channels: Sequence[InputChannel], agent: StandInAgent) -> None:
        self.app = Sanic(f"dialogue-thread-test-{uuid.uuid4().hex[:8]}")
        self.app.ctx.agent = agent
        register(list(channels), self.app, route="/webhooks/")
        self.port = free_port()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._stopped = threading.Event()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        ready = threading.Event()
        errors: List[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                server = loop.run_until_complete(self.app.create_server(
                    host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False))
                assert server is not None
                loop.run_until_complete(server.startup())
                loop.run_until_complete(server.before_start())
                loop.run_until_complete(server.after_start())
            except BaseException as error:  # reported to start()'s caller
                errors.append(error)
                ready.set()
                return
            ready.set()
            loop.run_forever()  # until stop(): then shut down the way Sanic does
            loop.run_until_complete(server.before_stop())
            server.close()
            loop.run_until_complete(server.wait_closed())
            loop.run_until_complete(server.after_stop())
            loop.close()
            self._stopped.set()

        self._thread = threading.Thread(target=serve, name="sanic-test-server", daemon=True)
        self._thread.start()
        ready.wait(30)
        if errors:
            raise errors[0]
        return self

    def begin_stop(self) -> None:
        """Start the shutdown (listeners run on the server thread); :meth:`wait_stopped` joins it."""
        if self._loop is not None and not self._stopped.is_set():
            self._loop.call_soon_threadsafe(self._loop.stop)

    def wait_stopped(self, timeout: float = 60.0) -> None:
        assert self._thread is not None
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the server did not stop"


@pytest.fixture(autouse=True, scope="module")
def sanic_test_mode() -> Iterator[None]:
    """Several Sanic apps in one process: Sanic's test mode keeps its start-up code rewrite repeatable."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Sanic, "test_mode", True)
        yield


@pytest.fixture()
def telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram(TELEGRAM_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture()
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio(TWILIO_SID, TWILIO_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(autouse=True)
def own_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's inbox (and seen delivery ids) in a database of its own."""
    monkeypatch.setenv("SWITCHBOARD_DATABASE_URL", f"sqlite:///{tmp_path / 'switchboard.db'}")


@contextmanager
def running(telegram: FakeTelegram, twilio: FakeTwilio, tmp_path: Path,
            processor: BlockingProcessor) -> Iterator[Server]:
    telegram_channel = TelegramInput(TELEGRAM_TOKEN, telegram.base_url, f"{PUBLIC_BASE_URL}/webhooks/telegram/webhook",
                                     TELEGRAM_SECRET)
    sender = TwilioSender(TWILIO_SID, TWILIO_TOKEN, SmsStateStore(tmp_path / "sms.db"), from_number=TWILIO_FROM,
                          api_base_url=twilio.base_url, stats=DeliveryStats())
    sms_channel = TwilioSmsInput(sender, TWILIO_TOKEN, TWILIO_SID, public_base_url=PUBLIC_BASE_URL)
    server = Server([telegram_channel, sms_channel], StandInAgent(processor)).start()
    try:
        yield server
    finally:
        processor.gate.set()
        server.begin_stop()
        server.wait_stopped()


def post_telegram(server: Server, update_id: int, chat: int, text: str) -> HttpReply:
    return http("POST", f"{server.base_url}/webhooks/telegram/webhook", text_update(update_id, chat, text),
                headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}, timeout=ACK_TIMEOUT)


def post_sms(server: Server, sid: int, sender: str, body: str) -> HttpReply:
    params = sms_params(sid, sender, body)
    signature = twilio_signature(f"{PUBLIC_BASE_URL}/webhooks/twilio_sms/webhook", params)
    return http("POST", f"{server.base_url}/webhooks/twilio_sms/webhook", raw=urllib.parse.urlencode(params).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
                timeout=ACK_TIMEOUT)


def test_webhooks_are_acknowledged_while_a_turn_computes(telegram: FakeTelegram, twilio: FakeTwilio,
                                                         tmp_path: Path) -> None:
    processor = BlockingProcessor()
    with running(telegram, twilio, tmp_path, processor) as server:
        assert post_telegram(server, 1, 700, "slow").status == 200
        assert processor.slow_started.wait(RELEASE_TIMEOUT), "the slow turn never started"

        # The slow turn holds its thread now. Before the dialogue thread, it held the server's
        # event loop, and these requests were answered only after it ended (here: never).
        try:
            acks = [post_telegram(server, 2, 700, "after slow"), post_telegram(server, 3, 701, "other chat"),
                    post_sms(server, 4, "+15550100001", "an sms")]
            health = http("GET", f"{server.base_url}/webhooks/telegram/health", timeout=ACK_TIMEOUT)
        except OSError as error:  # timeout: the webhook waited for the turn
            pytest.fail(f"a webhook was not acknowledged while a turn was computing: {error!r}")
        assert not processor.gate.is_set()  # all of that happened while the turn was still computing
        assert [ack.status for ack in acks] == [200, 200, 200]
        assert [ack.body["outcome"] for ack in acks[:2]] == ["queued", "queued"]
        assert "<Response></Response>" in acks[2].body
        assert health.status == 200 and health.body["intake"]["running"] >= 1

        processor.gate.set()
        telegram.wait_delivered("sendMessage", 2, chat_id="700")
        telegram.wait_delivered("sendMessage", 1, chat_id="701")
        twilio.wait_delivered("Messages.create", 1, To="+15550100001")

    assert [c.params["text"] for c in telegram.delivered("sendMessage", chat_id="700")] == ["echo slow",
                                                                                          "echo after slow"]
    # Turns ran on the dialogue thread, one conversation strictly in order.
    assert {thread for *_, thread in processor.events} == {DIALOGUE_THREAD_NAME}
    chat = [(what, text) for what, sender, text, _ in processor.events if sender == "telegram:700"]
    assert chat == [("start", "slow"), ("end", "slow"), ("start", "after slow"), ("end", "after slow")]


def test_messages_waiting_at_shutdown_stay_in_the_inbox_and_run_after_the_restart(
        telegram: FakeTelegram, twilio: FakeTwilio, tmp_path: Path) -> None:
    processor = BlockingProcessor()
    with running(telegram, twilio, tmp_path, processor) as server:
        assert post_telegram(server, 10, 800, "slow").status == 200
        assert processor.slow_started.wait(RELEASE_TIMEOUT)
        for update_id, chat in ((11, 800), (12, 801), (13, 802)):
            assert post_telegram(server, update_id, chat, f"queued {update_id}").status == 200
        assert post_sms(server, 14, "+15550100002", "queued sms").status == 200
        server.begin_stop()  # before_server_stop: the running turn may finish, nothing new starts
        processor.gate.set()
        server.wait_stopped()

    answered_before = {c.params["chat_id"] for c in telegram.delivered("sendMessage")}
    assert "800" in answered_before  # the running turn finished

    restarted = BlockingProcessor()
    restarted.gate.set()
    with running(telegram, twilio, tmp_path, restarted):
        telegram.wait_for(lambda calls: len([c for c in telegram.delivered("sendMessage")
                                             if c.params["text"].startswith("echo queued")]) == 3)
        twilio.wait_delivered("Messages.create", 1, To="+15550100002")
    sent = {c.params["chat_id"]: c.params["text"] for c in telegram.delivered("sendMessage")
            if c.params["text"].startswith("echo queued")}
    assert sent == {"800": "echo queued 11", "801": "echo queued 12", "802": "echo queued 13"}
    assert [c.params["Body"] for c in twilio.delivered("Messages.create", To="+15550100002")] == ["echo queued sms"]
    assert [text for what, _, text, _ in restarted.events if what == "start"].count("slow") == 0  # never twice


def test_the_dialogue_thread_is_stopped_with_the_server(telegram: FakeTelegram, twilio: FakeTwilio,
                                                        tmp_path: Path) -> None:
    processor = BlockingProcessor()
    with running(telegram, twilio, tmp_path, processor) as server:
        assert post_telegram(server, 20, 900, "hi").status == 200
        telegram.wait_delivered("sendMessage", 1, chat_id="900")
        app = server.app
    assert app.ctx.switchboard_dialogue_thread is None
    assert DIALOGUE_THREAD_NAME not in {thread.name for thread in threading.enumerate()}


# --- the pieces on their own ------------------------------------------------------------------


def test_loop_thread_returns_results_and_raises_errors_in_the_caller() -> None:
    thread = LoopThread("test-loop").start()

    async def where() -> str:
        await asyncio.sleep(0)
        return threading.current_thread().name

    async def fails() -> None:
        raise ValueError("bad turn")

    async def scenario() -> str:
        name = await thread.run(where())
        with pytest.raises(ValueError, match="bad turn"):
            await thread.run(fails())
        return name

    try:
        assert asyncio.run(scenario()) == "test-loop"
    finally:
        thread.stop()
    with pytest.raises(RuntimeError, match="not running"):
        asyncio.run(thread.run(where()))


def test_a_cancelled_caller_waits_until_the_work_has_ended_on_the_thread() -> None:
    thread = LoopThread("test-loop").start()
    started, unwinding_may_end = threading.Event(), threading.Event()
    ended: List[str] = []

    async def work() -> None:
        started.set()
        try:
            await asyncio.Event().wait()  # until cancelled
        finally:
            unwinding_may_end.wait(RELEASE_TIMEOUT)  # its clean-up takes a while
            ended.append("work")

    async def scenario() -> None:
        caller = asyncio.get_running_loop().create_task(thread.run(work()))
        await asyncio.to_thread(started.wait, RELEASE_TIMEOUT)
        caller.cancel()
        await asyncio.sleep(0.05)
        assert not caller.done()  # still waiting for the work's clean-up
        unwinding_may_end.set()
        with pytest.raises(asyncio.CancelledError):
            await caller
        assert ended == ["work"]

    try:
        asyncio.run(scenario())
    finally:
        thread.stop()


def test_per_loop_instances_are_made_and_closed_in_their_own_loop() -> None:
    made: List[Any] = []
    closed: List[Tuple[Any, Any]] = []

    async def create() -> Any:
        made.append(asyncio.get_running_loop())
        return object()

    async def close(instance: Any) -> None:
        closed.append((instance, asyncio.get_running_loop()))

    clients: PerLoop[Any] = PerLoop(create, close)
    thread = LoopThread("test-loop").start()

    async def scenario() -> None:
        here = await clients.get()
        assert await clients.get() is here
        there = await thread.run(clients.get())
        assert there is not here and len(clients) == 2
        await clients.close()
        assert dict(closed) == {here: asyncio.get_running_loop(), there: thread.loop}

    try:
        asyncio.run(scenario())
    finally:
        thread.stop()
    assert len(made) == 2
