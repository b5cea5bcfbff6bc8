"""Load test of the Telegram and SMS webhooks against the real Rasa and action servers.

Run with the Rasa environment (``make bench-connectors``)::

    PYTHONPATH=. .venv/rasa/bin/python benchmarks/connectors_load.py [--conversations 200] [--messages 5]

For each channel in turn, ``--conversations`` simulated customers talk at the same time; each sends
``--messages`` rule-based messages (greet, shipping, password, thanks, bye), waiting for the bot's
replies to one message before sending the next, like a person. Replies are captured by the local
fake Bot API / Twilio API. About 5 % of the webhooks are delivered twice (same ``update_id`` /
``MessageSid``) to check that retries are processed once.

Measured: webhook acknowledgement time (HTTP round trip of the POST), end-to-end reply time
(webhook posted -> the fake API received the first reply of that turn), messages lost (a turn
whose replies did not all arrive within ``--reply-timeout``) and duplicated (replies beyond the
expected number once every queue is empty). Results: ``benchmarks/results/connectors.json``, with
the machine's load average before and after each channel (the build machine is shared: timings
are only comparable at similar load). ``--baseline other.json`` embeds the results of another run,
e.g. the previous code measured in the same sitting, under ``"baseline"``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402  (Rasa environment)

from tests.fakes.base import ApiCall, FakeApi  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram, text_update  # noqa: E402
from tests.fakes.twilio_api import FakeTwilio  # noqa: E402
from tests.support.live import LiveBot, http  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "connectors.json"
SCRIPT: List[Tuple[str, int]] = [  # message, number of bot messages its rule sends
    ("hi", 1), ("how much is shipping", 2), ("I forgot my password", 2), ("thanks", 1), ("bye", 1),
]
TELEGRAM_TOKEN = "7000003:AAbench-token"
TELEGRAM_SECRET = "bench-telegram-secret"
TWILIO_SID = "AC" + "b" * 32
TWILIO_TOKEN = "bench-twilio-token"
PUBLIC_BASE_URL = "https://bench.example.test"
DUPLICATE_SHARE = 0.05


def load_average() -> List[float]:
    """The 1, 5 and 15 minute load averages, rounded."""
    return [round(value, 2) for value in os.getloadavg()]


def code_version() -> str:
    """The commit measured (``git describe``), marked ``-dirty`` when the tree has changes."""
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def percentile(values: List[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(share * len(ordered) + 0.5)) - 1))]


class ReplyWatcher:
    """Counts the fake API's successful sends per recipient and wakes the waiting conversation."""

    def __init__(self, loop: asyncio.AbstractEventLoop, method: str, recipient: Callable[[ApiCall], str]) -> None:
        self.loop = loop
        self.method = method
        self.recipient = recipient
        self.times: Dict[str, List[float]] = defaultdict(list)
        self.events: Dict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self.lock = threading.Lock()

    def __call__(self, call: ApiCall) -> None:  # in the fake server's thread
        if call.method != self.method or call.status >= 300:
            return
        key = self.recipient(call)
        with self.lock:
            self.times[key].append(call.received_at)
        self.loop.call_soon_threadsafe(self._wake, key)

    def _wake(self, key: str) -> None:
        self.events[key].set()

    def count(self, key: str) -> int:
        with self.lock:
            return len(self.times[key])

    def time_of(self, key: str, index: int) -> float:
        with self.lock:
            return self.times[key][index]

    async def wait_count(self, key: str, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        event = self.events[key]
        while self.count(key) < count:
            event.clear()
            if self.count(key) >= count:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except asyncio.TimeoutError:
                return self.count(key) >= count
        return True


class ChannelLoad:
    """How to post one channel's webhook and recognise its replies."""

    name = ""
    method = ""

    def recipient(self, call: ApiCall) -> str:
        raise NotImplementedError

    def key(self, conversation: int) -> str:
        raise NotImplementedError

    def request(self, conversation: int, turn: int, text: str) -> Tuple[str, bytes, Dict[str, str]]:
        raise NotImplementedError


class TelegramLoad(ChannelLoad):
    name, method = "telegram", "sendMessage"

    def __init__(self, base_url: str) -> None:
        self.url = f"{base_url}/webhooks/telegram/webhook"

    def recipient(self, call: ApiCall) -> str:
        return str(call.params.get("chat_id"))

    def key(self, conversation: int) -> str:
        return str(500_000 + conversation)

    def request(self, conversation: int, turn: int, text: str) -> Tuple[str, bytes, Dict[str, str]]:
        update = text_update(conversation * 100 + turn, int(self.key(conversation)), text)
        return self.url, json.dumps(update).encode(), {
            "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}


class SmsLoad(ChannelLoad):
    name, method = "twilio_sms", "Messages.create"

    def __init__(self, base_url: str) -> None:
        from twilio.request_validator import RequestValidator

        self.url = f"{base_url}/webhooks/twilio_sms/webhook"
        self.public_url = f"{PUBLIC_BASE_URL}/webhooks/twilio_sms/webhook"
        self.validator = RequestValidator(TWILIO_TOKEN)

    def recipient(self, call: ApiCall) -> str:
        return str(call.params.get("To"))

    def key(self, conversation: int) -> str:
        return f"+1555{conversation:07d}"

    def request(self, conversation: int, turn: int, text: str) -> Tuple[str, bytes, Dict[str, str]]:
        sid = f"SM{conversation * 100 + turn:032x}"
        params = {"MessageSid": sid, "AccountSid": TWILIO_SID, "From": self.key(conversation),
                  "To": "+15550009999", "Body": text, "NumMedia": "0"}
        return self.url, urllib.parse.urlencode(params).encode(), {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": self.validator.compute_signature(self.public_url, params)}


async def run_channel(load: ChannelLoad, fake: FakeApi, base_url: str, conversations: int, messages: int,
                      reply_timeout: float, seed: int) -> Dict[str, Any]:
    """Drive ``conversations`` concurrent conversations through one channel; return its metrics."""
    load_at_start = load_average()
    loop = asyncio.get_running_loop()
    watcher = ReplyWatcher(loop, load.method, load.recipient)
    fake.subscribe(watcher)
    rng = random.Random(seed)
    script = [SCRIPT[i % len(SCRIPT)] for i in range(messages)]
    acks: List[float] = []
    replies: List[float] = []
    lost = 0
    bad_acks = 0
    injected = 0

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async def post(url: str, body: bytes, headers: Dict[str, str]) -> Tuple[int, float]:
            started = time.monotonic()
            async with session.post(url, data=body, headers=headers) as reply:
                await reply.read()
                return reply.status, (time.monotonic() - started) * 1000

        async def conversation(index: int) -> None:
            nonlocal lost, bad_acks, injected
            key = load.key(index)
            expected = 0
            await asyncio.sleep(rng.uniform(0, 1.0))  # customers do not all start in the same millisecond
            for turn, (text, reply_count) in enumerate(script):
                url, body, headers = load.request(index, turn, text)
                sent_at = time.monotonic()
                status, ack_ms = await post(url, body, headers)
                acks.append(ack_ms)
                if status != 200:
                    bad_acks += 1
                if rng.random() < DUPLICATE_SHARE:  # the platform re-delivers the same webhook
                    injected += 1
                    await post(url, body, headers)
                first_index = expected
                expected += reply_count
                if await watcher.wait_count(key, expected, reply_timeout):
                    replies.append((watcher.time_of(key, first_index) - sent_at) * 1000)
                else:
                    lost += 1
                    expected = watcher.count(key)  # carry on from what actually arrived

        started = time.monotonic()
        await asyncio.gather(*(conversation(i) for i in range(conversations)))
        elapsed = time.monotonic() - started

    # Every queue empty: no reply can still be on its way, so extra replies are duplicates.
    while True:
        health = await asyncio.to_thread(http, "GET", f"{base_url}/webhooks/{load.name}/health")
        if health.body.get("intake", {}).get("pending", 1) == 0 and health.body["intake"].get("running") == 0:
            break
        await asyncio.sleep(0.2)
    expected_total = conversations * sum(count for _, count in script)
    received_total = sum(watcher.count(load.key(i)) for i in range(conversations))
    duplicated = sum(max(0, watcher.count(load.key(i)) - sum(c for _, c in script)) for i in range(conversations))
    return {
        "conversations": conversations,
        "messages_sent": len(acks),
        "duplicate_deliveries_injected": injected,
        "non_200_acks": bad_acks,
        "ack_ms_p50": round(statistics.median(acks), 1),
        "ack_ms_p95": round(percentile(acks, 0.95), 1),
        "ack_ms_max": round(max(acks), 1),
        "reply_ms_p50": round(statistics.median(replies), 1) if replies else None,
        "reply_ms_p95": round(percentile(replies, 0.95), 1) if replies else None,
        "replies_expected": expected_total,
        "replies_received": received_total,
        "lost": lost,
        "duplicated": duplicated,
        "wall_seconds": round(elapsed, 1),
        "messages_per_second": round(len(acks) / elapsed, 1),
        "load_average_at_start": load_at_start,
        "load_average_at_end": load_average(),
        "server_counters": health.body.get("counters", {}),
        "_acks": acks,
        "_replies": replies,
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--reply-timeout", type=float, default=120.0, help="seconds before a turn counts as lost")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--baseline", type=Path, help="results of another run to embed under 'baseline'")
    parser.add_argument("--baseline-label", default="", help="what the baseline measured (code, when)")
    args = parser.parse_args(argv)
    baseline = json.loads(args.baseline.read_text(encoding="utf-8")) if args.baseline else None
    load_at_start = load_average()

    telegram = FakeTelegram(TELEGRAM_TOKEN).start()
    twilio = FakeTwilio(TWILIO_SID, TWILIO_TOKEN).start()
    workdir = Path(tempfile.mkdtemp(prefix="connectors-bench-"))
    bot = LiveBot(workdir=workdir, extra_env={
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_WEBHOOK_URL": f"{PUBLIC_BASE_URL}/webhooks/telegram/webhook",
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_FROM_NUMBER": "+15550009999",
        "TWILIO_PUBLIC_BASE_URL": PUBLIC_BASE_URL, "TWILIO_API_BASE_URL": twilio.base_url,
        "SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": "",
    })
    try:
        print("Starting the action server and the Rasa server ...", flush=True)
        bot.start()
        per_channel: Dict[str, Dict[str, Any]] = {}
        for load, fake, seed in ((TelegramLoad(bot.base_url), telegram, 1), (SmsLoad(bot.base_url), twilio, 2)):
            print(f"{load.name}: {args.conversations} conversations x {args.messages} messages ...", flush=True)
            per_channel[load.name] = asyncio.run(run_channel(
                load, fake, bot.base_url, args.conversations, args.messages, args.reply_timeout, seed))
    finally:
        bot.stop()
        telegram.stop()
        twilio.stop()

    acks = [v for m in per_channel.values() for v in m.pop("_acks")]
    replies = [v for m in per_channel.values() for v in m.pop("_replies")]
    result = {
        "benchmark": "connectors_load",
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, shared 2-core build machine",
        "command": shlex.join(["benchmarks/connectors_load.py", *(argv if argv is not None else sys.argv[1:])]),
        "code": code_version(),
        # other work on the shared machine skews timings: 1/5/15-minute load averages
        "load_average_at_start": load_at_start,
        "load_average_at_end": load_average(),
        "conversations_per_channel": args.conversations,
        "messages_per_conversation": args.messages,
        "script": [text for text, _ in SCRIPT][:args.messages],
        "goal": {"ack_ms_p95_below": 100, "lost": 0, "duplicated": 0},
        "ack_ms_p95": round(percentile(acks, 0.95), 1),
        "reply_ms_p50": round(statistics.median(replies), 1) if replies else None,
        "reply_ms_p95": round(percentile(replies, 0.95), 1) if replies else None,
        "messages_sent": sum(m["messages_sent"] for m in per_channel.values()),
        "lost": sum(m["lost"] for m in per_channel.values()),
        "duplicated": sum(m["duplicated"] for m in per_channel.values()),
        "channels": per_channel,
    }
    if baseline is not None:
        result["baseline"] = {"label": args.baseline_label, **baseline}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k not in ("channels", "baseline")}, indent=2))
    print(f"written: {args.out}")
    return 0 if result["lost"] == 0 and result["duplicated"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
