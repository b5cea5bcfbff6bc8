"""Convert a peft LoRA adapter of SmolLM2 into a GGUF LoRA adapter for llama.cpp.

llama.cpp's own converter (convert_lora_to_gguf.py) is not on PyPI; this writes the same
format with the ``gguf`` package:

- metadata ``general.architecture=llama``, ``general.type=adapter``, ``adapter.type=lora``,
  ``adapter.lora.alpha`` (llama.cpp scales by alpha / rank, rank read from the tensors);
- one pair of f32 tensors per adapted layer, named after llama.cpp's weights:
  ``blk.N.attn_q.weight.lora_a`` (peft's ``lora_A``, shape rank x in) and ``...lora_b``
  (``lora_B``, shape out x rank).

One subtlety: the GGUF converter stores ``q_proj`` and ``k_proj`` weights with their rows
permuted for llama.cpp's rotary-embedding layout (transformers undoes it when loading a GGUF).
An adapter's delta ``B @ A`` must be permuted the same way, which means permuting the rows of
``lora_B`` (exactly what convert_lora_to_gguf.py does). Without it the adapter still loads but
damages the attention of every adapted layer.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

MODULE_TO_GGUF = {
    "q_proj": "attn_q",
    "k_proj": "attn_k",
    "v_proj": "attn_v",
    "o_proj": "attn_output",
    "gate_proj": "ffn_gate",
    "up_proj": "ffn_up",
    "down_proj": "ffn_down",
}
N_HEAD = 9
N_HEAD_KV = 3

_KEY_RE = re.compile(r"layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)\.lora_([AB])\.weight$")


class GGUFExportError(ValueError):
    """The peft adapter cannot be expressed as a llama.cpp LoRA (unexpected tensor or config)."""


def permute_rows(weights: Any, n_head: int) -> Any:
    """The row permutation llama.cpp's converter applies to q/k projections (numpy array)."""
    rows = weights.shape[0]
    return (
        weights.reshape(n_head, 2, rows // n_head // 2, *weights.shape[1:])
        .swapaxes(1, 2)
        .reshape(weights.shape)
    )


def gguf_tensors(state: dict[str, Any]) -> dict[str, Any]:
    """Map a peft adapter state dict (numpy arrays) to llama.cpp tensor names.

    Raises:
        GGUFExportError: a tensor that is not a LoRA A/B matrix of a known module.
    """
    out: dict[str, Any] = {}
    for key, value in state.items():
        match = _KEY_RE.search(key)
        if not match or match.group(2) not in MODULE_TO_GGUF:
            raise GGUFExportError(f"adapter tensor {key!r} cannot be mapped to llama.cpp (only LoRA of {sorted(MODULE_TO_GGUF)})")
        layer, module, which = int(match.group(1)), match.group(2), match.group(3)
        array = value.astype("float32")
        if which == "B" and module == "q_proj":
            array = permute_rows(array, N_HEAD)
        elif which == "B" and module == "k_proj":
            array = permute_rows(array, N_HEAD_KV)
        out[f"blk.{layer}.{MODULE_TO_GGUF[module]}.weight.lora_{which.lower()}"] = array.copy(order="C")
    return out


def write_adapter_gguf(peft_folder: Path, out: Path) -> Path:
    """Write ``out`` (GGUF LoRA) from a peft adapter folder (adapter_config.json + safetensors).

    Raises:
        GGUFExportError: the adapter uses features llama.cpp LoRA cannot express.
    """
    import gguf
    from safetensors.numpy import load_file

    config = json.loads((peft_folder / "adapter_config.json").read_text(encoding="utf-8"))
    if config.get("use_dora") or config.get("use_rslora"):
        raise GGUFExportError("DoRA / rsLoRA adapters cannot be written as llama.cpp LoRA")
    if config.get("bias", "none") != "none":
        raise GGUFExportError("adapters with trained biases cannot be written as llama.cpp LoRA")
    alpha = float(config["lora_alpha"])
    tensors = gguf_tensors(load_file(str(peft_folder / "adapter_model.safetensors")))
    if not tensors:
        raise GGUFExportError(f"{peft_folder}: the adapter holds no LoRA tensors")
    writer = gguf.GGUFWriter(str(out), arch="llama")
    writer.add_string(gguf.Keys.General.TYPE, gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, alpha)
    for name in sorted(tensors):
        writer.add_tensor(name, tensors[name])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    logger.info("Wrote %s (%d LoRA tensors, alpha %s)", out, len(tensors), alpha)
    return out
