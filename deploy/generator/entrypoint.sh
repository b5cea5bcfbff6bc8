#!/bin/sh
# Start llama-server with the shipped SmolLM2 GGUF and, when the adapter registry names one, the
# fine-tuned LoRA adapter (models/generator/registry.json {"active": "<run-id>"} and
# <run-id>/adapter.gguf, as bot/generation/model.py reads them for the in-process generator).
#
# Environment:
#   SWITCHBOARD_GENERATOR_MODEL    the model name the server reports (/v1/models) and that the
#                                  action server sends (default: smollm2-135m-instruct)
#   LLAMA_API_KEY                  read by llama-server itself: requests need "Authorization: Bearer <key>"
#   GENERATOR_ADAPTERS_DIR         where models/generator is mounted (default: /adapters)
#   GENERATOR_THREADS, GENERATOR_CTX_SIZE, GENERATOR_PARALLEL   CPU threads, context, parallel slots
# Extra arguments are passed on to llama-server.
set -eu

adapters="${GENERATOR_ADAPTERS_DIR:-/adapters}"
model_name="${SWITCHBOARD_GENERATOR_MODEL:-smollm2-135m-instruct}"
set -- --model /models/SmolLM2-135M-Instruct.Q4_1.gguf --alias "$model_name" \
    --host 0.0.0.0 --port 8080 \
    --threads "${GENERATOR_THREADS:-2}" --ctx-size "${GENERATOR_CTX_SIZE:-4096}" \
    --parallel "${GENERATOR_PARALLEL:-2}" "$@"

registry="$adapters/registry.json"
if [ -f "$registry" ]; then
    # {"active": "<run-id>"} or {"active": null}; no JSON tool in this image, and the run id is a
    # plain folder name (bot/generation/model.py refuses anything else).
    active=$(sed -n 's/.*"active"[[:space:]]*:[[:space:]]*"\([^"/]*\)".*/\1/p' "$registry" | head -n 1)
    if [ -n "$active" ]; then
        if [ ! -f "$adapters/$active/adapter.gguf" ]; then
            echo "switchboard-generator: $registry names '$active' but $adapters/$active/adapter.gguf is missing;" \
                 "convert the adapter (make finetune writes it) or promote another run" >&2
            exit 2
        fi
        echo "switchboard-generator: serving LoRA adapter $active on the base model" >&2
        set -- "$@" --lora "$adapters/$active/adapter.gguf"
    else
        echo "switchboard-generator: $registry names no active adapter; serving the base model" >&2
    fi
else
    echo "switchboard-generator: no $registry; serving the base model" >&2
fi
exec /app/llama-server "$@"
