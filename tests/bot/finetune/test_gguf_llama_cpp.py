"""adapter.gguf loads in llama.cpp and changes its outputs the way the peft adapter changes PyTorch's.

A random (seeded) LoRA adapter on the top layers is exported with
``write_adapter_gguf``. llama.cpp runs the shipped Q4_1 weights and PyTorch the fp32
dequantization, so their logits differ a little; what must agree is the *change* the adapter
makes. A wrong tensor name, orientation, scale or q/k permutation breaks that agreement.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed in this environment")

pytestmark = pytest.mark.slow

PROMPT = "<|im_start|>user\nHow long do refunds take?<|im_end|>\n<|im_start|>assistant\nRefunds"


def _torch_logits(tmp_path: Path, modules: str) -> tuple[np.ndarray, np.ndarray, list[int], Path]:
    import torch

    from bot.finetune.config import load_config
    from bot.finetune.gguf_export import write_adapter_gguf
    from bot.finetune.modeling import add_lora, load_base_model, load_tokenizer

    config = load_config(None, ["lora.rank=4", "lora.alpha=8", "lora.dropout=0.0", "lora.last_n_layers=4",
                                f"lora.target_modules=[{modules}]"])
    tokenizer = load_tokenizer()
    ids = tokenizer(PROMPT, add_special_tokens=False)["input_ids"]
    model = add_lora(load_base_model(), config)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "lora_B" in name:
                param.copy_(torch.randn(param.shape, generator=generator) * 0.3)
    model.eval()
    x = torch.tensor([ids])
    with torch.no_grad():
        tuned = model(input_ids=x).logits[0].numpy()
        with model.disable_adapter():
            base = model(input_ids=x).logits[0].numpy()
    model.save_pretrained(str(tmp_path / "adapter"))
    gguf_path = write_adapter_gguf(tmp_path / "adapter", tmp_path / "adapter.gguf")
    return base, tuned, ids, gguf_path


def _llama_logits(ids: list[int], lora: Path | None) -> np.ndarray:
    from llama_cpp import Llama

    from bot.generation.model import base_model_file

    llm = Llama(model_path=str(base_model_file()), lora_path=str(lora) if lora else None, n_ctx=256,
                n_threads=2, logits_all=True, verbose=False, seed=0)
    llm.eval(ids)
    scores = np.array(llm.scores[: len(ids)], dtype="float32")
    llm.close()
    return scores


# q/k are the modules whose rows llama.cpp stores permuted. Measured on this model (adapter
# scale 0.3): correlation 0.92 with the permutation, 0.22 without it.
@pytest.mark.parametrize("modules", ["q_proj,k_proj", "v_proj,o_proj,gate_proj,up_proj,down_proj"])
def test_gguf_adapter_reproduces_the_peft_adapter_in_llama_cpp(tmp_path: Path, modules: str) -> None:
    base_t, tuned_t, ids, gguf_path = _torch_logits(tmp_path, modules)
    base_l = _llama_logits(ids, None)
    tuned_l = _llama_logits(ids, gguf_path)
    delta_t = (tuned_t - base_t).ravel()
    delta_l = (tuned_l - base_l).ravel()
    assert np.abs(delta_l).mean() > 0.1, "the adapter does not change llama.cpp's outputs"
    # llama.cpp quantizes activations (Q8) against the Q4_1 weights: a noise floor of about
    # 0.1 in the logits, so the adapter is made strong enough to stand well above it.
    correlation = float(np.corrcoef(delta_t, delta_l)[0, 1])
    assert correlation > 0.8, f"llama.cpp and PyTorch disagree on the adapter's effect (r={correlation:.3f})"
