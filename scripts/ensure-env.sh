#!/usr/bin/env bash
# Create or update one of the project's virtual environments under .venv/ when its lock file changed.
#   scripts/ensure-env.sh rasa|ml
# The environment is rebuilt only when the content hash of its lock files differs from the one recorded
# at the last successful install, so re-running make installs nothing when the requirements did not change.
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:?usage: ensure-env.sh rasa|ml}"
case "$name" in
  rasa) python_version=3.10; locks=(requirements/rasa.lock); nodeps=() ;;
  ml)   python_version=3.11; locks=(requirements/ml.lock); nodeps=(requirements/ml-nodeps.txt) ;;
  *) echo "error: unknown environment '$name' (expected rasa or ml)" >&2; exit 2 ;;
esac
venv=".venv/$name"
stamp="$venv/.switchboard-installed"
want_hash=$(cat "${locks[@]}" "${nodeps[@]}" | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_hash" ] && [ -x "$venv/bin/python" ]; then
  exit 0
fi
python_bin=$(scripts/find-python.sh "$python_version")
echo "==> Installing the '$name' environment into $venv (Python $python_version); this takes a few minutes the first time."
if [ ! -x "$venv/bin/python" ]; then
  "$python_bin" -m venv "$venv"
fi
if [ "$name" = ml ] && [ -z "${CMAKE_ARGS:-}" ]; then
  # llama-cpp-python compiles from source (about 5 minutes); the default native build dies with
  # "Illegal instruction" on CPUs that advertise AVX-512/AMX (see docs/generation.md).
  export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
fi
"$venv/bin/python" -m pip install --quiet -r "${locks[0]}"
for f in "${nodeps[@]}"; do
  "$venv/bin/python" -m pip install --quiet --no-deps -r "$f"
done
echo "$want_hash" > "$stamp"
echo "==> The '$name' environment is ready."
