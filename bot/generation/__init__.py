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

import os as _os

# llama.cpp's CPU backend runs its threads with OpenMP. With the default (spinning) wait
# policy, two threads on a 2-core machine shared with other processes slowed generation down
# 10-30x (measured: 1 token/s instead of 30); passive waiting keeps full speed on an idle
# machine and degrades gracefully on a busy one. The OpenMP runtime reads this once, when it
# loads, and torch ships the same libgomp.so.1 that llama.cpp uses: so it must be set before
# torch is imported (sentence-transformers imports it), hence here, at package import.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
