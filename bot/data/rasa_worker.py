"""Intent prediction with a trained Rasa model, run inside the Rasa environment only.

Started by :class:`bot.data.label.SubprocessRasaParser` as::

    .venv/rasa/bin/python -m bot.data.rasa_worker --model models/rasa/<model>.tar.gz

It reads JSON lines ``{"id": ..., "text": ...}`` on standard input until end of file and writes
one JSON line ``{"id", "intent", "confidence"}`` per input to standard output. Everything Rasa
prints goes to standard error, so standard output carries only results. This module imports
``rasa`` and nothing from the pydantic-v2 parts of :mod:`bot.data`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, TextIO

logger = logging.getLogger(__name__)


async def _predict(model: str, requests: List[Dict[str, Any]], out: TextIO) -> None:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    for request in requests:
        parsed = await agent.parse_message(str(request["text"]))
        intent = parsed.get("intent") or {}
        out.write(json.dumps({"id": request["id"], "intent": intent.get("name"), "confidence": intent.get("confidence")}) + "\n")
    out.flush()


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Parse arguments, load the model, predict every input line; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="a trained Rasa model (.tar.gz)")
    args = parser.parse_args(argv)
    results = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout = sys.stderr  # Rasa and TensorFlow chatter must not mix with the results
    requests = []
    for number, line in enumerate(sys.stdin, start=1):
        if line.strip():
            try:
                requests.append(json.loads(line))
            except json.JSONDecodeError:
                print(f"rasa_worker: input line {number} is not JSON", file=sys.stderr)
                return 2
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(_predict(args.model, requests, results))
    results.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
