"""Grounded answer generation for knowledge questions.

- :mod:`bot.generation.prompt`: ``build_prompt``, the one pure function that turns guidelines,
  the last turns and retrieved passages into the model's prompt (serving and fine-tuning data
  both use it, so they never drift).
- :mod:`bot.generation.model`: the ``Generator`` protocol, its llama.cpp (fast) and PyTorch
  (naive) implementations, the LoRA adapter registry under ``models/generator/`` and the
  per-process singleton.
- :mod:`bot.generation.safety`: prompt-injection detection and system-prompt leakage check.
- :mod:`bot.generation.answer`: ``answer()``: retrieve, abstain, generate, fact-check, enforce
  guidelines, cite sources.

Nothing heavy is imported at package import time.
"""
