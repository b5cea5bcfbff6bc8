# syntax=docker/dockerfile:1
# The Rasa server of Switchboard: NLU, dialogue, the channel connectors (connectors/), built from
# requirements/rasa.lock (the same pins as `make envs`). Build from the repository root:
#
#   docker build -f deploy/rasa.Dockerfile -t switchboard-rasa .
#
# No model is baked in. As with Rasa's own images and Helm charts, the model is loaded at run time:
# models/ is mounted read-only at /app/models and must hold the trained model (models/rasa/) and the
# ONNX sentence encoders its NLU pipeline reads (models/onnx/); `make train` builds both. Settings
# and secrets come from the environment only (docs/deploy.md lists them).

ARG PYTHON_IMAGE=python:3.10.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements/rasa.lock /tmp/requirements/rasa.lock
RUN /opt/venv/bin/pip install -r /tmp/requirements/rasa.lock

FROM ${PYTHON_IMAGE}
# Rasa's images run as uid 1001 too; the code stays owned by root, so the server cannot change it.
RUN groupadd --gid 1001 switchboard \
    && useradd --uid 1001 --gid 1001 --create-home --shell /usr/sbin/nologin switchboard
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY . /app
# var/ holds what the embedded profile keeps in files (see "In-memory state and where it lives" in
# docs/deploy.md); in the cluster profile nothing in it must outlive the container.
RUN mkdir -p /app/var /app/models && chown switchboard:switchboard /app/var
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    RASA_TELEMETRY_ENABLED=false \
    SWITCHBOARD_VAR_DIR=/app/var
USER 1001:1001
EXPOSE 5005
# Rasa answers / only once the model is loaded (it loads before the server listens).
HEALTHCHECK --interval=15s --timeout=5s --start-period=180s --retries=6 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/', timeout=4)"]
# The one place that says how the Rasa server starts in a container. deploy/credentials.cluster.yml
# is credentials.yml for servers behind one reverse proxy (trusted_proxy_hops: 1).
CMD ["rasa", "run", "--model", "models/rasa", "--endpoints", "endpoints.yml", \
     "--credentials", "deploy/credentials.cluster.yml", "--port", "5005", "--interface", "0.0.0.0"]
