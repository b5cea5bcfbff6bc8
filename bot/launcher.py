"""Start the action server and the Rasa server (with the web chat) and stop them together.

``python -m bot run`` is what ``make run`` calls. Tests use the same
:class:`ServiceProcess` helpers to start real servers on free ports.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from bot import paths

logger = logging.getLogger(__name__)

DEFAULT_RASA_PORT = 5005
DEFAULT_ACTION_PORT = 5055
STARTUP_TIMEOUT_SECONDS = 180.0


@dataclass
class ServiceProcess:
    """One server process: how to start it, how to tell it is up, where it logs."""

    name: str
    command: Sequence[str]
    health_url: str
    log_path: Path
    cwd: Path = paths.ROOT
    env: dict[str, str] = field(default_factory=dict)
    process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        """Start the process in its own process group, logging to ``log_path``."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        environment = {**os.environ, **self.env}
        self.process = subprocess.Popen(
            list(self.command), cwd=self.cwd, env=environment, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        log.close()

    def is_running(self) -> bool:
        """True while the process has not exited."""
        return self.process is not None and self.process.poll() is None

    def wait_healthy(self, timeout: float = STARTUP_TIMEOUT_SECONDS) -> None:
        """Block until the health URL answers 200.

        Raises:
            RuntimeError: the process exited or did not become healthy in time (with the log's tail).
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.is_running():
                raise RuntimeError(f"{self.name} exited during start-up:\n{self.log_tail()}")
            try:
                # our own http://127.0.0.1 health URL
                with urllib.request.urlopen(self.health_url, timeout=2) as reply:  # nosec B310
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"{self.name} did not answer {self.health_url} within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self, timeout: float = 15.0) -> None:
        """Ask the process (group) to stop, kill it if it does not within ``timeout``."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the log, for error messages."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log written)"


def warm_up_actions(port: int, timeout: float = 300.0) -> list[str]:
    """Have the action server answer one knowledge question, so it loads the index and the generator now.

    Called before ``make run`` says the bot is running: the first customer's question then waits no
    longer than the next (the models otherwise load on first use, several seconds).

    Returns:
        The texts the action answered.

    Raises:
        RuntimeError: the action server did not answer.
    """
    question = "How long does standard shipping take?"
    payload = {
        "next_action": "action_answer_question", "sender_id": "switchboard-warm-up", "version": "3.6.21",
        "domain": {}, "tracker": {
            "sender_id": "switchboard-warm-up", "slots": {}, "latest_message": {"text": question, "intent": {}},
            "events": [{"event": "user", "text": question}], "paused": False, "followup_action": None,
            "active_loop": {}, "latest_action_name": None}}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhook", data=json.dumps(payload).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    try:
        # our own http://127.0.0.1 action server
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # nosec B310
            body = json.loads(reply.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise RuntimeError(f"the action server did not answer the warm-up question: {error}") from error
    return [str(r.get("text") or "") for r in body.get("responses") or []]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _python_path_env(root: Path) -> dict[str, str]:
    return {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH", "")])),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
    }


def action_server(port: int, log_dir: Path, root: Path = paths.ROOT, env: Optional[dict[str, str]] = None) -> ServiceProcess:
    """The Rasa SDK action server (ML environment) serving ``actions/``."""
    return ServiceProcess(
        name="action server",
        command=[str(paths.ml_python()), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        health_url=f"http://127.0.0.1:{port}/health",
        log_path=log_dir / "action-server.log",
        cwd=root,
        env={**_python_path_env(root), **(env or {})},
    )


def rasa_server(
    port: int,
    model: Path,
    log_dir: Path,
    endpoints: Path = paths.ENDPOINTS_YML,
    credentials: Path = paths.CREDENTIALS_YML,
    root: Path = paths.ROOT,
    auth_token: Optional[str] = None,
    env: Optional[dict[str, str]] = None,
) -> ServiceProcess:
    """The Rasa server (Rasa environment). ``auth_token`` enables the HTTP API protected by it."""
    command = [
        str(paths.rasa_executable()), "run", "--model", str(model), "--port", str(port),
        "--endpoints", str(endpoints), "--credentials", str(credentials), "--interface", "127.0.0.1",
    ]
    if auth_token:
        command += ["--enable-api", "--auth-token", auth_token]
    return ServiceProcess(
        name="Rasa server",
        command=command,
        health_url=f"http://127.0.0.1:{port}/webhooks/webchat/health",
        log_path=log_dir / "rasa-server.log",
        cwd=root,
        env={**_python_path_env(root), **(env or {})},
    )


def write_endpoints(path: Path, action_url: str, tracker_db: Path, events_db: Optional[Path] = None) -> Path:
    """Write an endpoints.yml for non-default ports or databases (tests, several instances).

    The event broker's database defaults to ``events.db`` next to the tracker store's.
    """
    events_db = events_db or tracker_db.with_name("events.db")
    path.write_text(
        "action_endpoint:\n"
        f'  url: "{action_url}"\n'
        "tracker_store:\n"
        "  type: bot.tracker_store.EncryptedSQLTrackerStore\n"
        '  dialect: "sqlite"\n'
        f'  db: "{tracker_db}"\n'
        "event_broker:\n"
        "  type: bot.event_broker.EncryptedSQLEventBroker\n"
        '  dialect: "sqlite"\n'
        f'  db: "{events_db}"\n'
        "lock_store:\n"
        '  type: "in_memory"\n',
        encoding="utf-8",
    )
    return path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m bot run``."""
    parser.add_argument("--port", type=int, default=DEFAULT_RASA_PORT, help="Rasa server port (default %(default)s)")
    parser.add_argument(
        "--action-port", type=int, default=DEFAULT_ACTION_PORT,
        help="action server port (default %(default)s); other than the default, an endpoints file is generated under var/",
    )


def run(args: argparse.Namespace) -> int:
    """Entry point of ``python -m bot run``: start everything, wait for Ctrl-C, stop everything."""
    from bot.rasa_model import current_model_path

    model = current_model_path()
    if not model.exists():
        print(f"error: no trained model for the current data ({model.name}); run `make train` first", file=sys.stderr)
        return 2
    var = paths.var_dir()
    log_dir = var / "log"
    endpoints = paths.ENDPOINTS_YML
    if args.action_port != DEFAULT_ACTION_PORT:
        endpoints = write_endpoints(var / "endpoints.yml", f"http://127.0.0.1:{args.action_port}/webhook",
                                    paths.ROOT / "var" / "tracker.db")
    var.mkdir(parents=True, exist_ok=True)
    from bot.security.crypto import KeyConfigError, load_ring

    try:
        data_key = load_ring()  # created here on the first start (and said so), before both servers read it
    except KeyConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    services = [
        action_server(args.action_port, log_dir),
        rasa_server(args.port, model, log_dir, endpoints=endpoints),
    ]
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        for service in services:
            print(f"Starting the {service.name} (log: {service.log_path}) ...", flush=True)
            service.start()
            service.wait_healthy()
            if service is services[0]:
                print("Loading the knowledge index and the answer model ...", flush=True)
                warm_up_actions(args.action_port)
        print(
            "\nSwitchboard is running.\n"
            f"  Web chat:      http://127.0.0.1:{args.port}/webhooks/webchat/\n"
            f"  REST channel:  http://127.0.0.1:{args.port}/webhooks/rest/webhook "
            f"({'bearer token: SWITCHBOARD_REST_TOKEN' if os.environ.get('SWITCHBOARD_REST_TOKEN') else 'off: set SWITCHBOARD_REST_TOKEN to enable it'})\n"
            f"  Action server: http://127.0.0.1:{args.action_port}/health\n"
            f"  Logs:          {log_dir}/\n"
            f"  Conversations: {var / 'tracker.db'} (encrypted at rest)\n"
            f"  Data key:      {data_key.path or 'SWITCHBOARD_DATA_KEY'} (back it up with the databases)\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        while not stopping:
            for service in services:
                if not service.is_running():
                    print(f"error: the {service.name} stopped unexpectedly; see {service.log_path}:\n"
                          f"{service.log_tail()}", file=sys.stderr)
                    return 1
            time.sleep(0.5)
        return 0
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        print("Stopping ...", flush=True)
        for service in reversed(services):
            service.stop()
