"""The smoke configuration for real: train, get interrupted, resume, evaluate, promote.

One run of configs/finetune-smoke.yml (SmolLM2-135M, a few steps on a tiny slice of the
shipped splits) is interrupted after step 2 by ``training.interrupt_after_steps`` (the same
code path as Ctrl-C), then resumed with ``--resume``; the tests below inspect what each stage
left behind. About 1-2 minutes on 2 idle cores (the first run also caches the fp32 model).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main
from bot.finetune.registry import read_registry
from bot.generation.model import active_adapter

from .conftest import SMOKE_CONFIG

pytestmark = pytest.mark.slow

RUN = "smoke"


@dataclass
class SmokeRun:
    out: Path
    registry_before: bytes
    interrupted_code: int
    after_interrupt: dict
    resumed_code: int


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> SmokeRun:
    out = tmp_path_factory.mktemp("generator")
    (out / "registry.json").write_text('{"active": null, "history": []}', encoding="utf-8")
    before = (out / "registry.json").read_bytes()
    base = ["finetune", "--config", str(SMOKE_CONFIG), "--no-progress", "--set", f"output.dir={out}"]
    interrupted = main(base + ["--set", f"output.run_id={RUN}", "--set", "training.interrupt_after_steps=2"])
    import torch

    work = out / ".work" / RUN
    checkpoint = torch.load(work / "checkpoint.pt", map_location="cpu", weights_only=False) if (work / "checkpoint.pt").is_file() else None
    after = {
        "checkpoint_step": checkpoint["step"] if checkpoint else None,
        "run_folder_exists": (out / RUN).exists(),
        "registry": (out / "registry.json").read_bytes(),
        "log": (work / "metrics.jsonl").read_text(encoding="utf-8") if (work / "metrics.jsonl").is_file() else "",
    }
    resumed = main(base + ["--resume", RUN])
    return SmokeRun(out, before, interrupted, after, resumed)


def test_interrupt_saves_a_checkpoint_and_leaves_the_registry_alone(smoke: SmokeRun) -> None:
    assert smoke.interrupted_code == 130
    assert smoke.after_interrupt["checkpoint_step"] == 2
    assert not smoke.after_interrupt["run_folder_exists"]
    assert smoke.after_interrupt["registry"] == smoke.registry_before
    steps = [json.loads(line).get("step") for line in smoke.after_interrupt["log"].splitlines() if "train_loss" in line]
    assert steps == [1, 2]


def test_resume_continues_at_the_right_step_and_finishes(smoke: SmokeRun) -> None:
    assert smoke.resumed_code == 0
    folder = smoke.out / RUN
    records = [json.loads(line) for line in (folder / "metrics.jsonl").read_text(encoding="utf-8").splitlines()]
    train = [r for r in records if "train_loss" in r]
    assert [r["step"] for r in train] == [1, 2, 3, 4]  # no step lost or repeated
    # Linear schedule with 1 warm-up step over 4 steps: the resumed scheduler continues it.
    assert [r["lr"] for r in train] == pytest.approx([1e-3, 2e-3 / 3, 1e-3 / 3, 0.0])
    assert train[-1]["train_seconds"] > train[1]["train_seconds"]  # time accumulates across the restart
    assert [r["step"] for r in records if "val_loss" in r] == [0, 2, 4]  # 0: the base model
    assert not (smoke.out / ".work" / RUN).exists()  # checkpoints cleaned once the run is complete
    assert (smoke.out / "registry.json").read_bytes() == smoke.registry_before  # a run never promotes


def test_run_folder_holds_adapter_metrics_card_report_and_curves(smoke: SmokeRun) -> None:
    folder = smoke.out / RUN
    assert (folder / "adapter" / "adapter_config.json").is_file()
    assert (folder / "adapter.gguf").stat().st_size > 0
    assert (folder / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    for split in ("validation", "test"):
        for model in ("base", "finetuned"):
            for key in ("perplexity", "answer_similarity", "unsupported_fact_rate"):
                assert isinstance(metrics[split][model][key], float)
            low, high = metrics[split][model]["unsupported_fact_rate_ci95"]
            assert 0.0 <= low <= metrics[split][model]["unsupported_fact_rate"] <= high <= 1.0
        assert set(metrics[split]["differences"]) >= {"answer_similarity", "answer_similarity_ci95"}
    assert metrics["steps"] == 4 and metrics["n_train"] == 8
    assert metrics["validation"]["n"] == 2 and metrics["test"]["n"] == 2
    assert metrics["test_digest"] == metrics["data"]["digests"]["test"]
    assert metrics["validation_digest"] == metrics["data"]["digests"]["validation"]
    assert metrics["test_evaluations_before"] == []  # the first run to score this test split here
    answers = [json.loads(line) for line in (folder / "answers.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [a["split"] for a in answers] == ["validation", "validation", "test", "test"]
    report = (folder / "report.md").read_text(encoding="utf-8")
    assert "## Side-by-side answers" in report and "| finetuned |" in report and "| base |" in report
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "## Known limits" in card and "LoRA rank 2" in card


def test_gguf_adapter_has_llama_cpp_metadata_and_tensors(smoke: SmokeRun) -> None:
    import gguf
    import numpy as np
    from safetensors.numpy import load_file

    from bot.finetune.gguf_export import permute_rows

    reader = gguf.GGUFReader(str(smoke.out / RUN / "adapter.gguf"))
    fields = {name: reader.fields[name] for name in ("general.type", "adapter.type", "adapter.lora.alpha")}
    assert bytes(fields["general.type"].parts[-1]).decode() == "adapter"
    assert bytes(fields["adapter.type"].parts[-1]).decode() == "lora"
    assert float(fields["adapter.lora.alpha"].parts[-1][0]) == 4.0
    tensors = {t.name: np.asarray(t.data) for t in reader.tensors}
    assert sorted(tensors) == [
        "blk.29.attn_q.weight.lora_a", "blk.29.attn_q.weight.lora_b",
        "blk.29.attn_v.weight.lora_a", "blk.29.attn_v.weight.lora_b",
    ]
    peft = load_file(str(smoke.out / RUN / "adapter" / "adapter_model.safetensors"))
    b_q = next(v for k, v in peft.items() if "q_proj.lora_B" in k)
    a_v = next(v for k, v in peft.items() if "v_proj.lora_A" in k)
    np.testing.assert_array_equal(tensors["blk.29.attn_q.weight.lora_b"].reshape(b_q.shape), permute_rows(b_q, 9))
    np.testing.assert_array_equal(tensors["blk.29.attn_v.weight.lora_a"].reshape(a_v.shape), a_v)


def test_promotion_refuses_a_worse_model_and_accepts_it_forced(smoke: SmokeRun, tmp_path: Path) -> None:
    out = tmp_path / "generator"
    shutil.copytree(smoke.out / RUN, out / RUN)
    # A champion evaluated on the same test split that beats the smoke run on both goal metrics.
    champion = out / "champion"
    shutil.copytree(smoke.out / RUN, champion)
    metrics = json.loads((champion / "metrics.json").read_text(encoding="utf-8"))
    metrics["validation"]["finetuned"].update(answer_similarity=1.0, unsupported_fact_rate=0.0)
    (champion / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    assert main(["generator", "--dir", str(out), "promote", "champion", "--force"]) == 0
    before = (out / "registry.json").read_bytes()

    assert main(["generator", "--dir", str(out), "promote", RUN]) == 1
    assert (out / "registry.json").read_bytes() == before

    assert main(["generator", "--dir", str(out), "promote", RUN, "--force"]) == 0
    assert read_registry(out)["active"] == RUN
    adapter = active_adapter(out)  # what the action server loads at start
    assert adapter is not None and adapter.run_id == RUN
    assert adapter.gguf is not None and adapter.peft is not None


def test_a_taken_run_id_fails_before_training_and_touches_nothing(smoke: SmokeRun) -> None:
    listing = sorted(p.name for p in smoke.out.iterdir())
    code = main(["finetune", "--config", str(SMOKE_CONFIG), "--no-progress",
                 "--set", f"output.dir={smoke.out}", "--set", f"output.run_id={RUN}"])
    assert code == 2
    assert sorted(p.name for p in smoke.out.iterdir()) == listing
    assert (smoke.out / "registry.json").read_bytes() == smoke.registry_before


def test_q_and_k_permutation_is_the_one_transformers_undoes_when_loading_gguf() -> None:
    import numpy as np
    from transformers.modeling_gguf_pytorch_utils import LlamaTensorProcessor

    from bot.finetune.gguf_export import permute_rows

    rng = np.random.default_rng(0)
    processor = LlamaTensorProcessor(config={"num_attention_heads": 9, "num_key_value_heads": 3})
    q = rng.standard_normal((576, 4)).astype("float32")
    k = rng.standard_normal((192, 4)).astype("float32")
    assert not np.array_equal(permute_rows(q, 9), q)
    np.testing.assert_array_equal(processor._reverse_permute_weights(permute_rows(q, 9), 9, 9), q)
    np.testing.assert_array_equal(processor._reverse_permute_weights(permute_rows(k, 3), 9, 3), k)
