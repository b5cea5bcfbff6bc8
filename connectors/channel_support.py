"""Pieces every messaging channel shares: reading secrets from the environment, the disabled channel.

Rasa builds every channel listed in credentials.yml and cannot skip one (``from_credentials``
must return a channel; an exception stops the server). So a channel whose secrets are missing
logs one WARNING line and serves a blueprint whose routes all answer
``503 {"error": "channel disabled: set X"}``: the rest of the server runs normally.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
"""Largest webhook body accepted; platform updates are a few kilobytes."""


def env_values(names: Sequence[str], environ: Optional[Mapping[str, str]] = None) -> Tuple[Dict[str, str], list]:
    """The non-empty values of ``names`` in the environment and the list of names missing."""
    environ = os.environ if environ is None else environ
    values = {name: environ[name].strip() for name in names if environ.get(name, "").strip()}
    return values, [name for name in names if name not in values]


def setting(credentials: Optional[Dict[str, Any]], key: str, default: Any, kind: type, channel: str) -> Any:
    """A non-secret setting from the channel's credentials.yml section, type-checked.

    Raises:
        ValueError: naming the file, key, bad value and the expected type.
    """
    value = (credentials or {}).get(key, default)
    if value is None:
        return default
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ValueError(f"credentials.yml: {channel}.{key} must be a {kind.__name__}, got {value!r}")
    return value


def disabled_blueprint(name: str, reason: str) -> Blueprint:
    """A blueprint answering 503 with ``reason`` on every path of the channel."""
    blueprint = Blueprint(f"{name}_disabled", __name__)

    async def disabled(_: Request, path: str = "") -> HTTPResponse:
        return response.json({"error": f"channel disabled: {reason}"}, status=503)

    blueprint.add_route(disabled, "/", methods=["GET", "POST"])
    blueprint.add_route(disabled, "/<path:path>", methods=["GET", "POST"])
    return blueprint


def log_disabled(channel: str, reason: str) -> None:
    """The one log line of a disabled channel."""
    logger.warning("%s channel disabled: %s", channel, reason)


def json_error(status: int, message: str) -> HTTPResponse:
    """The JSON error answer of every channel route."""
    return response.json({"error": message}, status=status)
