"""LoRA fine-tuning of the answer generator (issue 5). ML environment only.

- :mod:`bot.finetune.synth` / :mod:`bot.finetune.topics`: the sample company's training conversations.
- :mod:`bot.finetune.config`: the validated YAML configuration (``configs/finetune.yml``).
- :mod:`bot.finetune.dataset`: examples in the production prompt format (retriever + ``build_prompt``).
- :mod:`bot.finetune.train`: the training loop, checkpoints/resume, end-of-run evaluation, run folder.
- :mod:`bot.finetune.evaluate`: reply-token perplexity, batched greedy answers, similarity and fact checks.
- :mod:`bot.finetune.gguf_export`: the peft adapter as a llama.cpp GGUF LoRA.
- :mod:`bot.finetune.registry`: the active adapter and explicit promotion.
- :mod:`bot.finetune.cli` (``python -m bot finetune``), :mod:`bot.finetune.registry_cli` (``python -m bot generator``).

Nothing heavy is imported at package import time. See docs/finetune.md.
"""
