"""The project's input channels on a plain Sanic server with a stand-in dialogue (no Rasa model).

Run by tests in the Rasa environment (``ChannelServer`` below starts it as a subprocess): the
channels of a credentials file are mounted exactly as ``rasa run`` mounts them, but every user
message is answered by an echo and recorded (one JSON line per message: conversation id, channel,
text, metadata) in the file given with ``--record``. Fast to start, so webhooks can be exercised
with thousands of requests (fuzzing, rate limits, sessions) without training or loading a model.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional


def serve(port: int, credentials: Path, record: Path) -> None:
    """Build the app and serve until killed."""
    from rasa.core.channels.channel import UserMessage
    from rasa.core.run import create_http_input_channels
    from sanic import Sanic

    channels = create_http_input_channels(None, str(credentials))

    async def on_new_message(message: UserMessage) -> None:
        with open(record, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"conversation_id": message.sender_id, "channel": message.input_channel,
                                     "text": message.text, "metadata": message.metadata or {}}) + "\n")
        await message.output_channel.send_text_message(message.sender_id, f"echo: {message.text}")

    app = Sanic("switchboard-channel-test-server")
    app.ctx.input_channels = channels
    for channel in channels:  # as rasa.core.channels.channel.register, with the stand-in dialogue
        app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.url_prefix()}")
    app.run(host="127.0.0.1", port=port, access_log=False, workers=1, debug=False)


@dataclass
class ChannelServer:
    """A channel server subprocess on a free port (started by tests)."""

    workdir: Path
    credentials: str
    env: Dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: Optional[subprocess.Popen] = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def record(self) -> Path:
        return self.workdir / "messages.jsonl"

    def start(self, health_path: str = "/webhooks/webchat/health", timeout: float = 60.0) -> "ChannelServer":
        from bot import launcher, paths

        self.port = self.port or launcher.free_port()
        credentials = self.workdir / "credentials.yml"
        credentials.write_text(self.credentials, encoding="utf-8")
        log = open(self.workdir / "channel-server.log", "ab")
        env = {**os.environ, "PYTHONPATH": str(paths.ROOT), "SWITCHBOARD_VAR_DIR": str(self.workdir), **self.env}
        self.process = subprocess.Popen(
            [str(paths.rasa_python()), __file__, "--port", str(self.port), "--credentials", str(credentials),
             "--record", str(self.record)], cwd=paths.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the channel server exited:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base_url + health_path, timeout=2) as reply:
                    if reply.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the channel server did not start:\n{self.log_tail()}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        path = self.workdir / "channel-server.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def messages(self) -> List[Dict[str, Any]]:
        """Every message the stand-in dialogue received, in order."""
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text(encoding="utf-8").splitlines() if line]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--credentials", type=Path, required=True)
    parser.add_argument("--record", type=Path, required=True)
    arguments = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    serve(arguments.port, arguments.credentials, arguments.record)
