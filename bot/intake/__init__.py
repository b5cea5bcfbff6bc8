"""Durable intake for the asynchronous channels (Telegram, SMS, Slack, the agents' Slack app).

Every inbound message is written to the inbox (:mod:`bot.intake.store`) before the webhook
answers; a worker (:mod:`bot.intake.worker`) runs its turn, retries failures with backoff and
moves messages that keep failing to the dead letters (``python -m bot dead-letters``). The
inbox's unique (channel, delivery id) doubles as the persisted record of seen delivery ids.
"""
