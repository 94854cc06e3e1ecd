#!/usr/bin/env bash
# Source me: creates .venv (if missing) and installs videokit into it (editable), with the dev extras
# (test tools and oracles) and the bench extras (peers the benchmarks compare against: torchcodec, decord,
# kornia) when VIDEOKIT_DEV=1. Re-installs only when settings.ini or setup.py changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VIDEOKIT_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "[videokit] creating $VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
fi
extra=""; [ "${VIDEOKIT_DEV:-0}" = "1" ] && extra="[dev,bench]"
stamp="$VENV/.videokit-install-stamp"
want="$(cat "$ROOT/settings.ini" "$ROOT/setup.py" | sha1sum | cut -d' ' -f1)$extra"
have="$(cat "$stamp" 2>/dev/null || true)"
# an install with dev extras also satisfies a plain one
if [ "$have" != "$want" ] && [ "$have" != "${want}[dev,bench]" ] || ! "$VENV/bin/python" -c "import videokit" 2>/dev/null; then
  echo "[videokit] installing videokit$extra into $VENV (first time: torch is large, a few minutes)"
  log="$VENV/.videokit-install.log"
  if ! "$VENV/bin/python" -m pip install -e "$ROOT$extra" > "$log" 2>&1; then
    tail -30 "$log"; echo "[videokit] install failed (full log: $log)"; exit 1
  fi
  if [ -n "$extra" ]; then
    # The optional face detectors that 06_faces and bench_faces compare. Their pins are wrong for this project
    # (facenet-pytorch: torch<2.3, numpy<2; mediapipe 0.10.21, the last wheel with the face model: numpy<2, jax),
    # and their code runs on ours, so they go in without their dependencies. A failure is one line; their tests skip.
    { "$VENV/bin/python" -m pip install --no-deps 'facenet-pytorch==2.6.0' 'mediapipe==0.10.21' &&
      "$VENV/bin/python" -m pip install 'protobuf>=4.25.3,<5' absl-py 'flatbuffers>=2.0'; } >> "$log" 2>&1 ||
      echo "[videokit] the optional face detectors (facenet-pytorch, mediapipe) did not install: their tests skip (log: $log)"
  fi
  echo "$want" > "$stamp"
fi
export PATH="$VENV/bin:$PATH"
export VIRTUAL_ENV="$VENV"
