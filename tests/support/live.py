"""Start the real action server and Rasa server for tests, on free ports and a temporary database."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from bot import launcher
from bot.rasa_model import ensure_trained


@dataclass
class HttpReply:
    """Status and decoded JSON (or text) of an HTTP call."""

    status: int
    body: Any


def http(method: str, url: str, payload: Any = None, raw: Optional[bytes] = None,
         headers: Optional[dict[str, str]] = None, timeout: float = 60.0) -> HttpReply:
    """Make an HTTP request and return status and body, also for 4xx/5xx answers."""
    data = raw if raw is not None else (json.dumps(payload).encode() if payload is not None else None)
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            status, text = reply.status, reply.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode("utf-8", "replace")
    try:
        return HttpReply(status, json.loads(text))
    except json.JSONDecodeError:
        return HttpReply(status, text)


@dataclass
class WebChatSession:
    """A web chat session the server issued: its bearer token and conversation id."""

    token: str
    conversation_id: str


@dataclass
class LiveBot:
    """A running action server + Rasa server with the API and the REST channel enabled behind tokens.

    Web chat calls take a ``sender`` label: the first call with a label asks the server for a
    session (``POST /webhooks/webchat/session``) and later calls reuse it, like one browser.
    """

    workdir: Path
    rasa_port: int = field(default_factory=launcher.free_port)
    action_port: int = field(default_factory=launcher.free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    rest_token: str = field(default_factory=lambda: secrets.token_hex(16))
    sessions: dict[str, WebChatSession] = field(default_factory=dict)
    action: Optional[launcher.ServiceProcess] = None
    rasa: Optional[launcher.ServiceProcess] = None
    extra_env: dict[str, str] = field(default_factory=dict)
    """Extra environment of both servers (channel secrets, fake API base URLs)."""
    credentials: Optional[Path] = None
    """A credentials.yml other than the project's."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start(self) -> "LiveBot":
        model = ensure_trained()
        log_dir = self.workdir / "log"
        from bot.security.crypto import shared_key_environment

        # the servers' stores are encrypted under the test process's data key, so tests can read them
        env = {"SWITCHBOARD_VAR_DIR": str(self.workdir), "SWITCHBOARD_REST_TOKEN": self.rest_token,
               **shared_key_environment(), **self.extra_env}
        endpoints = launcher.write_endpoints(
            self.workdir / "endpoints.yml", f"http://127.0.0.1:{self.action_port}/webhook",
            self.workdir / "tracker.db")
        self.action = launcher.action_server(self.action_port, log_dir, env=env)
        self.rasa = launcher.rasa_server(self.rasa_port, model, log_dir, endpoints=endpoints,
                                         auth_token=self.token, env=env,
                                         **({"credentials": self.credentials} if self.credentials else {}))
        self.action.start()
        self.action.wait_healthy()
        self.rasa.start()
        self.rasa.wait_healthy()
        return self

    def restart_rasa(self) -> None:
        """Stop and start the Rasa server on the same port and database."""
        assert self.rasa is not None
        self.rasa.stop()
        self.rasa.start()
        self.rasa.wait_healthy()

    def stop(self) -> None:
        for service in (self.rasa, self.action):
            if service is not None:
                service.stop()

    def session(self, sender: str) -> WebChatSession:
        """The web chat session of the label ``sender`` (issued by the server on first use)."""
        if sender not in self.sessions:
            reply = http("POST", f"{self.base_url}/webhooks/webchat/session")
            assert reply.status == 200, f"webchat session answered {reply.status}: {reply.body}"
            token = reply.body["token"]
            self.sessions[sender] = WebChatSession(token, self._conversation_of_token(token))
        return self.sessions[sender]

    @staticmethod
    def _conversation_of_token(token: str) -> str:
        import base64

        claims = token.split(".")[1]
        payload = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
        return f"webchat:{payload['sub']}"

    def webchat(self, sender: str, path: str, payload: Any = None, method: str = "POST") -> HttpReply:
        """A web chat request in the session of ``sender``."""
        return http(method, f"{self.base_url}/webhooks/webchat/{path}", payload,
                    headers={"Authorization": f"Bearer {self.session(sender).token}"})

    def say(self, sender: str, message: str) -> list[dict[str, Any]]:
        """Send a web chat message and return the bot's messages (fails on a non-200 answer)."""
        reply = self.webchat(sender, "message", {"message": message})
        assert reply.status == 200, f"webchat answered {reply.status}: {reply.body}"
        return reply.body["messages"]

    def texts(self, sender: str, message: str) -> list[str]:
        """The texts of the bot's replies to one message."""
        return [m.get("text", "") for m in self.say(sender, message)]

    def rest(self, sender: str, message: str, metadata: Optional[dict[str, Any]] = None,
             timeout: float = 60.0) -> HttpReply:
        """A message through the REST channel (conversation ``rest:<sender>``), with its bearer token."""
        payload: dict[str, Any] = {"sender": sender, "message": message}
        if metadata is not None:
            payload["metadata"] = metadata
        return http("POST", f"{self.base_url}/webhooks/rest/webhook", payload, timeout=timeout,
                    headers={"Authorization": f"Bearer {self.rest_token}"})

    def conversation_id(self, sender: str) -> str:
        """The conversation id of a web chat label, or ``sender`` itself when it is an id already."""
        return self.sessions[sender].conversation_id if sender in self.sessions else sender

    def tracker(self, sender: str) -> dict[str, Any]:
        """The stored conversation (of a web chat label or a conversation id), through the HTTP API."""
        conversation = urllib.parse.quote(self.conversation_id(sender), safe=":")
        reply = http("GET", f"{self.base_url}/conversations/{conversation}/tracker?token={self.token}")
        assert reply.status == 200, reply.body
        return reply.body
