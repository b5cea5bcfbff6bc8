"""Conversation data pipeline: import, redact, clean, label, split (issue 4).

Run it with ``python -m bot data ...`` in the ML environment (``.venv/ml``).

The modules of this package use pydantic v2 and so run only in the ML environment
(the Rasa environment ships pydantic 1.10); the one exception is
:mod:`bot.data.rasa_worker`, which runs only in the Rasa environment. This
``__init__`` therefore imports nothing, so both environments can import the package.

Consumers (for example fine-tuning) read the canonical JSONL with::

    from bot.data.schema import load_conversations
    for conversation in load_conversations("out/splits/train.jsonl"):
        ...
"""
