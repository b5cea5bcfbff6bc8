"""Generation speed, end-to-end answer latency and the abstention threshold (``make bench-knowledge-generation``).

What is measured (results merged into benchmarks/results/knowledge.json, other keys kept):

- ``naive_tokens_per_second``: the naive path, transformers fp32 ``generate`` (KV cache on,
  greedy) of SmolLM2-135M dequantised from the GGUF, over the prompts of the first
  ``--gen-questions`` questions of benchmarks/data/kb_qa.csv (real retrieval, the bot's
  ``build_prompt``). Tokens generated / seconds of generation (prompt processing included).
- ``tokens_per_second``: the fast path, llama.cpp (llama-cpp-python, Q4_1 as shipped), same
  prompts, same greedy decoding and stops, measured in the same run; ``tokens_per_second_ratio``
  is fast / naive.
- ``answer_seconds_p50`` / ``_p95``: wall time of one REST call (POST /webhooks/rest/webhook)
  to a real Rasa server + action server (tests/support/live.py), over the knowledge questions
  of kb_qa.csv that the dialogue routed to ``action_answer_question`` (counted in
  ``answer_n``), after warm-up requests that load the index and the model.
- with ``--calibrate``: the abstention threshold. Retrieval confidence of in-scope questions
  (kb_qa.csv) and unrelated ones (abstention_unrelated.csv), split in halves (even rows
  calibrate, odd rows test); the threshold maximising balanced accuracy on the calibration
  half (the middle of the range of equally good thresholds) and its rates on the test half.

Run: ``.venv/ml/bin/python benchmarks/knowledge_generation.py [--skip-e2e] [--calibrate]``.
The machine's load average is recorded next to the numbers: on a busy 2-core machine every
number here is slower.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Both paths run with OpenMP threads that wait passively (see bot/generation/model.py); set
# before torch or llama_cpp load their OpenMP runtimes so the comparison is fair.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

RESULTS = ROOT / "benchmarks" / "results" / "knowledge.json"
KB_QA = ROOT / "benchmarks" / "data" / "kb_qa.csv"
UNRELATED = ROOT / "benchmarks" / "data" / "abstention_unrelated.csv"


def _questions(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["question"].strip() for row in csv.DictReader(handle) if row["question"].strip()]


def _percentile(values: list[float], q: float) -> float:
    import numpy as np

    return round(float(np.percentile(np.asarray(values), q)), 3)


def _prompts(questions: list[str]) -> list[str]:
    from bot.generation.prompt import build_prompt
    from bot.guidelines import get_guidelines
    from bot.knowledge.retriever import get_retriever

    retriever = get_retriever()
    guidelines = get_guidelines()
    return [build_prompt(q, retriever.search(q, 5), guidelines).text for q in questions]


def _throughput(generator: Any, prompts: list[str], max_new_tokens: int) -> dict[str, float]:
    generator.generate(prompts[0], max_new_tokens=8)  # warm-up
    tokens, seconds, prompt_tokens = 0, 0.0, 0
    per_answer = []
    for prompt in prompts:
        generation = generator.generate(prompt, max_new_tokens=max_new_tokens)
        tokens += generation.n_tokens
        seconds += generation.seconds
        prompt_tokens += generation.prompt_tokens
        per_answer.append(generation.seconds)
    return {
        "tokens_per_second": round(tokens / seconds, 2) if seconds else 0.0,
        "tokens": tokens,
        "seconds_p50": _percentile(per_answer, 50),
        "mean_prompt_tokens": round(prompt_tokens / len(prompts), 1),
    }


def bench_generation(n_questions: int, max_new_tokens: int) -> dict[str, Any]:
    """Naive vs fast tokens/s on the same prompts."""
    from bot.generation.model import LlamaCppGenerator, TorchGenerator

    prompts = _prompts(_questions(KB_QA)[:n_questions])
    t0 = time.perf_counter()
    fast = LlamaCppGenerator()
    fast_load = time.perf_counter() - t0
    fast_result = _throughput(fast, prompts, max_new_tokens)
    del fast
    t0 = time.perf_counter()
    naive = TorchGenerator()
    naive_load = time.perf_counter() - t0
    naive_result = _throughput(naive, prompts, max_new_tokens)
    ratio = fast_result["tokens_per_second"] / naive_result["tokens_per_second"] if naive_result["tokens_per_second"] else None
    return {
        "naive_tokens_per_second": naive_result["tokens_per_second"],
        "tokens_per_second": fast_result["tokens_per_second"],
        "tokens_per_second_ratio": round(ratio, 2) if ratio else None,
        "naive_generate_seconds_p50": naive_result["seconds_p50"],
        "fast_generate_seconds_p50": fast_result["seconds_p50"],
        "naive_load_seconds": round(naive_load, 2),
        "fast_load_seconds": round(fast_load, 2),
        "generation_mean_prompt_tokens": fast_result["mean_prompt_tokens"],
        "generation_n_prompts": len(prompts),
        "generation_max_new_tokens": max_new_tokens,
    }


class _Servers:
    """Rasa server + action server on free ports: tests/support/live.py's LiveBot when it can be
    imported (it retrains the Rasa model when needed), else the launcher with the newest
    trained model in models/rasa (noted in the results)."""

    def __init__(self, workdir: Path) -> None:
        import secrets

        self.note = ""
        self.rest_token = secrets.token_hex(16)
        try:
            from tests.support.live import LiveBot

            self._bot: Any = LiveBot(workdir=workdir, rest_token=self.rest_token)
            self._services: list[Any] = []
        except Exception as exc:  # their helper is broken or missing: say so in the results
            self._bot = None
            self.note = f"servers started with bot.launcher and the newest models/rasa model (tests.support.live unusable: {exc!r})"
            self._workdir = workdir

    def start(self) -> str:
        if self._bot is not None:
            self._bot.start()
            return self._bot.base_url
        from bot import launcher, paths

        models = sorted(paths.RASA_MODELS_DIR.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        if not models:
            raise RuntimeError("no trained Rasa model in models/rasa; run make train")
        rasa_port, action_port = launcher.free_port(), launcher.free_port()
        env = {"SWITCHBOARD_VAR_DIR": str(self._workdir), "SWITCHBOARD_REST_TOKEN": self.rest_token}
        endpoints = launcher.write_endpoints(
            self._workdir / "endpoints.yml", f"http://127.0.0.1:{action_port}/webhook", self._workdir / "tracker.db"
        )
        action = launcher.action_server(action_port, self._workdir / "log", env=env)
        rasa = launcher.rasa_server(rasa_port, models[-1], self._workdir / "log", endpoints=endpoints, env=env)
        self._services = [action, rasa]
        action.start()
        action.wait_healthy()
        rasa.start()
        rasa.wait_healthy()
        return f"http://127.0.0.1:{rasa_port}"

    def stop(self) -> None:
        if self._bot is not None:
            self._bot.stop()
        for service in reversed(self._services):
            service.stop()


def _post(url: str, payload: dict[str, Any], token: str) -> list[str]:
    """One REST call with the channel's bearer token; the traffic is marked as evaluation."""
    import urllib.request

    body = {**payload, "metadata": {"evaluation": True}}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=300) as reply:
        body = json.loads(reply.read().decode("utf-8"))
    return [m.get("text", "") for m in body if isinstance(m, dict)]


def bench_end_to_end(n_questions: int) -> dict[str, Any]:
    """Latency of knowledge answers through the REST channel of real servers."""
    import tempfile

    from bot.guidelines import get_guidelines

    abstain = get_guidelines().replies.abstain
    questions = _questions(KB_QA)[:n_questions]
    seconds: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-knowledge-") as workdir:
        servers = _Servers(Path(workdir))
        base_url = servers.start()
        try:
            url = f"{base_url}/webhooks/rest/webhook"
            t0 = time.perf_counter()
            _post(url, {"sender": "warm-up", "message": "can I return a gift without a receipt"}, servers.rest_token)
            first = time.perf_counter() - t0
            _post(url, {"sender": "warm-up", "message": "how do Pine Points work?"}, servers.rest_token)
            for question in questions:
                t0 = time.perf_counter()
                texts = _post(url, {"sender": uuid.uuid4().hex, "message": question}, servers.rest_token)
                elapsed = time.perf_counter() - t0
                if any("\nSource:" in t or t == abstain for t in texts):
                    seconds.append(elapsed)  # answered by action_answer_question
        finally:
            servers.stop()
    if not seconds:
        raise RuntimeError("no question reached action_answer_question; is the knowledge index built (make index)?")
    result = {
        "answer_seconds_p50": _percentile(seconds, 50),
        "answer_seconds_p95": _percentile(seconds, 95),
        "answer_seconds_mean": round(statistics.fmean(seconds), 3),
        "answer_n": len(seconds),
        "answer_questions_sent": len(questions),
        "first_answer_seconds": round(first, 2),
    }
    result["answer_e2e_note"] = servers.note or "real Rasa and action servers started with tests.support.live"
    return result


def calibrate() -> dict[str, Any]:
    """Pick the abstention threshold on half the questions, report it on the other half."""
    from bot.knowledge.retriever import get_retriever

    retriever = get_retriever()
    inside = [retriever.retrieve(q, 5).confidence for q in _questions(KB_QA)]
    outside = [retriever.retrieve(q, 5).confidence for q in _questions(UNRELATED)]
    cal_in, test_in = inside[0::2], inside[1::2]
    cal_out, test_out = outside[0::2], outside[1::2]

    def rates(threshold: float, ins: list[float], outs: list[float]) -> tuple[float, float]:
        answered = sum(c >= threshold for c in ins) / len(ins)
        abstained = sum(c < threshold for c in outs) / len(outs)
        return answered, abstained

    scores = {}
    for step in range(10, 71):
        threshold = step / 100
        answered, abstained = rates(threshold, cal_in, cal_out)
        scores[threshold] = (answered + abstained) / 2
    best_score = max(scores.values())
    tied = [t for t, score in scores.items() if score >= best_score - 1e-9]
    best = round((min(tied) + max(tied)) / 2, 2)  # middle of the best range: the widest margin
    answered, abstained = rates(best, test_in, test_out)
    from bot.generation.answer import ABSTAIN_THRESHOLD

    used_answered, used_abstained = rates(ABSTAIN_THRESHOLD, test_in, test_out)
    return {
        "abstain_threshold_calibrated": best,
        "abstain_threshold_used": ABSTAIN_THRESHOLD,
        "abstain_test_in_scope_answered": round(used_answered, 3),
        "abstain_test_unrelated_abstained": round(used_abstained, 3),
        "abstain_calibrated_test_in_scope_answered": round(answered, 3),
        "abstain_calibrated_test_unrelated_abstained": round(abstained, 3),
        "abstain_n_in_scope": len(inside),
        "abstain_n_unrelated": len(outside),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gen-questions", type=int, default=10, help="prompts for the tokens/s comparison")
    parser.add_argument("--max-new-tokens", type=int, default=96)
    parser.add_argument("--e2e-questions", type=int, default=40, help="questions sent through the REST channel")
    parser.add_argument("--skip-generation", action="store_true")
    parser.add_argument("--skip-e2e", action="store_true")
    parser.add_argument("--calibrate", action="store_true", help="also calibrate the abstention threshold")
    args = parser.parse_args(argv)

    results: dict[str, Any] = {}
    load_before = os.getloadavg()[0]
    sections = []
    if args.calibrate:
        sections.append(calibrate)
    if not args.skip_generation:
        sections.append(lambda: bench_generation(args.gen_questions, args.max_new_tokens))
    if not args.skip_e2e:
        sections.append(lambda: bench_end_to_end(args.e2e_questions))
    for section in sections:
        results.update(section())
        results["generation_machine"] = (
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"load average {load_before:.1f} before / {os.getloadavg()[0]:.1f} after"
        )
        _merge(results)  # after each section, so a later failure keeps what was measured
    print(json.dumps(results, indent=2))
    return 0


def _merge(results: dict[str, Any]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    merged = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    merged.update(results)
    RESULTS.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
