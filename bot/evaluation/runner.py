"""Drive evaluation conversations through real servers and write the results.

  python -m bot eval-conversations [--set FILE] [--split dev|test|all] [--out FILE] [--url URL ...]

Without ``--url`` it starts the action server and the Rasa server itself (free ports, a fresh
runtime folder, the REST channel and the HTTP API behind random tokens), like ``make run`` but
private to the run. Each conversation is a new REST conversation; its messages carry the metadata
``{"evaluation": true, "client_key": ...}`` (evaluation traffic is never counted in KPIs nor
collected for training, and each conversation is its own client for the order-lookup lockout).
Progress is printed per conversation. The JSON has ``pass_rate`` with its Wilson 95 % interval,
the rate per category, ``latency_ms_p50``/``p95`` of one REST call, and every failure with the
bot's reply and why it failed.
"""

from __future__ import annotations

import argparse
import json
import math
import secrets
import shlex
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot import paths
from bot.evaluation.judge import judge_turn, turn_facts
from bot.evaluation.sets import SPLITS, EvalConversation, EvalSet, EvalSetError, load_set

DEFAULT_SET = paths.ROOT / "benchmarks" / "data" / "conversations" / "conversations.jsonl"
DEFAULT_OUT = paths.ROOT / "benchmarks" / "results" / "conversations.json"
GOAL_PASS_RATE = 0.95


def wilson(passed: int, total: int, z: float = 1.96) -> List[float]:
    """Wilson score interval of a proportion (95 % by default)."""
    if total == 0:
        return [0.0, 0.0]
    p = passed / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)]


def percentile(values: List[float], share: float) -> Optional[float]:
    """Nearest-rank percentile, or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))], 1)


@dataclass
class Server:
    """Where the bot runs and how to reach it."""

    url: str
    rest_token: str
    api_token: str
    database_url: Optional[str] = None
    processes: List[Any] = field(default_factory=list)

    def call(self, method: str, path: str, payload: Any = None, timeout: float = 300.0) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.rest_token}"}
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # nosec B310
            return json.loads(reply.read().decode("utf-8"))

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()


def start_servers(workdir: Path) -> Server:
    """The action server and the Rasa server on free ports, with the current model (trained if missing)."""
    from bot import launcher
    from bot.rasa_model import ensure_trained

    model = ensure_trained()
    rest_token, api_token = secrets.token_hex(16), secrets.token_hex(16)
    rasa_port, action_port = launcher.free_port(), launcher.free_port()
    from bot.security.crypto import shared_key_environment

    # the handoff store the judge reads is encrypted under this process's data key
    env = {"SWITCHBOARD_VAR_DIR": str(workdir), "SWITCHBOARD_REST_TOKEN": rest_token, **shared_key_environment()}
    endpoints = launcher.write_endpoints(workdir / "endpoints.yml", f"http://127.0.0.1:{action_port}/webhook",
                                         workdir / "tracker.db")
    action = launcher.action_server(action_port, workdir / "log", env=env)
    rasa = launcher.rasa_server(rasa_port, model, workdir / "log", endpoints=endpoints, auth_token=api_token, env=env)
    server = Server(f"http://127.0.0.1:{rasa_port}", rest_token, api_token, f"sqlite:///{workdir / 'switchboard.db'}",
                    [action, rasa])
    try:
        for process in (action, rasa):
            process.start()
            process.wait_healthy()
    except RuntimeError:
        server.stop()
        raise
    return server


def _tracker(server: Server, conversation_id: str) -> Dict[str, Any]:
    path = f"/conversations/{urllib.parse.quote(conversation_id, safe=':')}/tracker?token={server.api_token}"
    return server.call("GET", path)


def _handoff_reason(server: Server, conversation_id: str) -> Optional[str]:
    if not server.database_url:
        return None
    from bot.handoff.store import HandoffStore

    handoffs = HandoffStore(server.database_url).for_conversation(conversation_id)
    return handoffs[-1].reason if handoffs else None


def run_conversation(server: Server, conversation: EvalConversation, run_id: str) -> Dict[str, Any]:
    """Play one conversation; returns its verdicts, replies and latencies."""
    sender = f"eval-{run_id}-{conversation.id}"
    conversation_id = f"rest:{sender}"
    metadata = {"evaluation": True, "client_key": f"eval:{run_id}:{conversation.id}"}
    turns: List[Dict[str, Any]] = []
    latencies: List[float] = []
    for index, turn in enumerate(conversation.turns):
        started = time.perf_counter()
        try:
            replies = server.call("POST", "/webhooks/rest/webhook",
                                  {"sender": sender, "message": turn.user, "metadata": metadata})
        except (urllib.error.URLError, OSError) as error:
            turns.append({"turn": index, "user": turn.user, "passed": False, "judged": True, "reply": "",
                          "reasons": [f"the server did not answer: {error}"]})
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        tracker = _tracker(server, conversation_id)
        events = tracker.get("events") or []
        last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
        after = events[last_user + 1:]
        facts = turn_facts(after, tracker.get("slots") or {}, (tracker.get("active_loop") or {}).get("name"),
                           _handoff_reason(server, conversation_id) if any(
                               e.get("event") == "action" and e.get("name") == "action_handoff" for e in after) else None)
        reply = "\n".join(str(m.get("text") or "") for m in replies if isinstance(m, dict) and m.get("text"))
        facts = type(facts)(reply or facts.reply, facts.actions, facts.slots, facts.active_loop,
                            facts.knowledge_abstained, facts.handoff_reason)
        verdict = judge_turn(turn.expect, facts)
        turns.append({"turn": index, "user": turn.user, "passed": verdict.passed, "judged": verdict.judged,
                      "reply": reply, "reasons": verdict.reasons, "actions": list(facts.actions)})
    return {"id": conversation.id, "category": conversation.category,
            "passed": all(t["passed"] for t in turns), "turns": turns, "latencies": latencies}


def summarise(results: List[Dict[str, Any]], evaluation_set: EvalSet, split: str, command: str,
              goal_key: str = "pass_rate") -> Dict[str, Any]:
    """The JSON report of a run."""
    total = len(results)
    passed = sum(r["passed"] for r in results)
    judged_turns = [t for r in results for t in r["turns"] if t["judged"]]
    latencies = [ms for r in results for ms in r["latencies"]]
    categories: Dict[str, Dict[str, Any]] = {}
    for result in results:
        entry = categories.setdefault(result["category"], {"n": 0, "passed": 0})
        entry["n"] += 1
        entry["passed"] += int(result["passed"])
    for entry in categories.values():
        entry["pass_rate"] = round(entry["passed"] / entry["n"], 4)
        entry["failure_rate"] = round(1 - entry["pass_rate"], 4)
    failures = [{"id": r["id"], "category": r["category"], "turn": t["turn"], "user": t["user"], "reply": t["reply"],
                 "reasons": t["reasons"], "actions": t.get("actions", [])}
                for r in results for t in r["turns"] if not t["passed"]]
    return {
        "set": str(evaluation_set.path.relative_to(paths.ROOT)) if evaluation_set.path.is_relative_to(paths.ROOT)
        else str(evaluation_set.path),
        "split": split,
        **evaluation_set.hashes(),
        "date": time.strftime("%Y-%m-%d"),
        "code": _code_version(),
        "command": command,
        "conversations": total,
        "passed": passed,
        "pass_rate": round(passed / total, 4) if total else None,
        "pass_rate_ci95": wilson(passed, total),
        "failure_rate": round(1 - passed / total, 4) if total else None,
        "turn_pass_rate": round(sum(t["passed"] for t in judged_turns) / len(judged_turns), 4) if judged_turns else None,
        "per_category": dict(sorted(categories.items())),
        "latency_ms_p50": percentile(latencies, 0.5),
        "latency_ms_p95": percentile(latencies, 0.95),
        "failures": failures,
    }


def _code_version() -> str:
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=paths.ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def add_arguments(parser: argparse.ArgumentParser, default_set: Path = DEFAULT_SET,
                  default_out: Path = DEFAULT_OUT, default_split: str = "test") -> None:
    """Options shared by ``eval-conversations`` and ``eval-redteam``."""
    parser.add_argument("--set", type=Path, default=default_set, help="a conversation set (JSONL; default %(default)s)")
    parser.add_argument("--split", choices=SPLITS, default=default_split,
                        help="which part of the set: dev (tune on it), test (report it), all "
                             "(default %(default)s; a set without split.json needs all)")
    parser.add_argument("--out", type=Path, default=default_out, help="result JSON (default %(default)s)")
    parser.add_argument("--limit", type=int, help="only the first N conversations (a quick look, never a result)")
    parser.add_argument("--url", help="a running Rasa server instead of starting one (needs --rest-token and --api-token)")
    parser.add_argument("--rest-token", help="its SWITCHBOARD_REST_TOKEN")
    parser.add_argument("--api-token", help="its HTTP API --auth-token (to read trackers)")
    parser.add_argument("--database-url", help="its product database (to read handoff reasons)")


def run(args: argparse.Namespace, goal: Dict[str, Any] = {"pass_rate": GOAL_PASS_RATE}) -> int:  # noqa: B006
    """Entry point of ``python -m bot eval-conversations``."""
    try:
        evaluation_set = load_set(args.set)
    except EvalSetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.split != "all" and not evaluation_set.split:
        print(f"error: {args.set} has no split.json next to it: use --split all", file=sys.stderr)
        return 2
    conversations = evaluation_set.select(args.split)[: args.limit or None]
    if not conversations:
        print(f"error: the {args.split} split of {args.set} is empty", file=sys.stderr)
        return 2
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.with_suffix(".tmp").write_text("", encoding="utf-8")
        args.out.with_suffix(".tmp").unlink()
    except OSError as error:
        print(f"error: cannot write {args.out}: {error}", file=sys.stderr)
        return 2
    if args.url and not (args.rest_token and args.api_token):
        print("error: --url needs --rest-token and --api-token", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="switchboard-eval-"))
    if args.url:
        server = Server(args.url.rstrip("/"), args.rest_token, args.api_token, args.database_url)
    else:
        print("Starting the action server and the Rasa server ...", file=sys.stderr, flush=True)
        try:
            server = start_servers(workdir)
        except RuntimeError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    run_id = secrets.token_hex(4)
    results = []
    try:
        server.call("POST", "/webhooks/rest/webhook",  # warm-up: loads the index and the generator
                    {"sender": f"eval-{run_id}-warm-up", "message": "how long do refunds take?",
                     "metadata": {"evaluation": True}})
        for number, conversation in enumerate(conversations, start=1):
            result = run_conversation(server, conversation, run_id)
            results.append(result)
            passed = sum(r["passed"] for r in results)
            print(f"[{number}/{len(conversations)}] {conversation.id} {conversation.category}: "
                  f"{'pass' if result['passed'] else 'FAIL'} ({passed}/{number} so far)", file=sys.stderr, flush=True)
    finally:
        server.stop()
    command = shlex.join(["python", "-m", "bot", *sys.argv[2:]]) if len(sys.argv) > 1 else "python -m bot"
    report = {"goal": goal, **summarise(results, evaluation_set, args.split, command)}
    if args.limit:
        report["note"] = f"--limit {args.limit}: a partial run, not a result"
    from bot.data.storage import write_json

    write_json(args.out, report)
    print(f"pass rate {report['pass_rate']} (95% CI {report['pass_rate_ci95'][0]}-{report['pass_rate_ci95'][1]}) "
          f"on {report['conversations']} conversations; latency p50 {report['latency_ms_p50']} ms, "
          f"p95 {report['latency_ms_p95']} ms -> {args.out}", flush=True)
    return 0
