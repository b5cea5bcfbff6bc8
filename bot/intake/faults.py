"""Crash points for the durability tests: a real ``kill -9`` of the server at a chosen moment.

Inactive unless ``SWITCHBOARD_CRASH_AT`` is set (never in production): its value is
``<point>:<marker file>``. The first time the server passes ``<point>`` it creates the marker
file and kills itself with SIGKILL, exactly like an operator's ``kill -9``; once the marker
exists the point does nothing, so the restarted server runs normally. Points:

- ``before_turn``: the webhook acknowledged the message, its turn has not started;
- ``during_turn``: the turn produced its first reply, nothing was recorded or sent;
- ``after_send``: the replies were sent, the message is not yet marked as answered.
"""

from __future__ import annotations

import os
import signal

POINTS = ("before_turn", "during_turn", "after_send")
ENV = "SWITCHBOARD_CRASH_AT"


def crash_point(point: str) -> None:
    """Kill this process with SIGKILL if ``SWITCHBOARD_CRASH_AT`` names ``point`` and its marker is new."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    wanted, _, marker = spec.partition(":")
    if wanted != point or not marker:
        return
    try:
        descriptor = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)
    os.kill(os.getpid(), signal.SIGKILL)
