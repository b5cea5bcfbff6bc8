"""Human handoff: escalation rules, conversation ownership, the Slack agent desk, corrections.

Modules (no heavy imports at package import time):

- :mod:`bot.handoff.policy`: ``handoff.yml``, validated; business hours and who is on shift.
- :mod:`bot.handoff.escalation`: the rules that decide when a conversation goes to a person.
- :mod:`bot.handoff.store`: state in a database through SQLAlchemy (SQLite or PostgreSQL).
- :mod:`bot.handoff.summary`: masked ids, summary, last messages, suggested reply.
- :mod:`bot.handoff.slack_ui` / :mod:`bot.handoff.slack_api`: Slack messages and Web API calls.
- :mod:`bot.handoff.service`: the bot's side (open, relay, time out), used by ``actions/handoff.py``.
- :mod:`bot.handoff.desk`: the agents' side (claim, transfer, note, reply, resolve, correct),
  used by ``connectors/slack_agents.py``.
- :mod:`bot.handoff.rasa_policy`: the Rasa policy that predicts handoff and relay (Rasa env only).
- :mod:`bot.handoff.export`: corrections and agent replies as training data (ML env only).
- :mod:`bot.handoff.cli`: ``python -m bot handoff ...``.
"""
