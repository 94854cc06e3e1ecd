#!/usr/bin/env bash
# Build the docs site from the notebooks into _docs/ (settings.ini's doc_path; open _docs/index.html, or serve it with
# `python -m http.server -d _docs` for the search box). Sets up .venv with the dev extras if needed.
# With quarto already on PATH it runs nbdev_docs (never letting nbdev install quarto) and puts back the files nbdev_docs
# rewrites outside _docs/; if that fails, or without quarto, it builds with nbdev's notebook processors and
# mkdocs-material (scripts/docs_build.py: every notebook executed once and cached in _proc/, so pages show figures).
# Usage: scripts/docs.sh [docs_build.py options: --execute none, --timeout S, --jobs N, --no-cache]
# Env: VIDEOKIT_DOCS_GENERATOR=mkdocs (skip quarto even when present), VIDEOKIT_DOCS_EXECUTE/TIMEOUT/JOBS.
set -euo pipefail
cd "$(dirname "$0")/.."
VIDEOKIT_DEV=1 source scripts/setup_env.sh
PY="$VIRTUAL_ENV/bin/python"

if command -v quarto >/dev/null 2>&1 && [ "${VIDEOKIT_DOCS_GENERATOR:-}" != "mkdocs" ]; then
  echo "[docs] quarto found: nbdev_docs"
  keep="$(mktemp -d)"; trap 'rm -rf "$keep"' EXIT
  # nbdev_docs also rewrites README.md and videokit/_modidx.py and writes nbs/_quarto.yml, nbs/nbdev.yml and
  # nbs/sidebar.yml: keep what was there and put it back afterwards
  for f in README.md videokit/_modidx.py nbs/_quarto.yml nbs/nbdev.yml nbs/sidebar.yml; do
    if [ -e "$f" ]; then mkdir -p "$keep/$(dirname "$f")"; cp -p "$f" "$keep/$f"; else echo "$f" >> "$keep/absent"; fi
  done
  # it executes the notebooks' import cells (some make temporary folders): give it a TMPDIR of its own
  tmp="$(pwd)/_proc/nbdev_docs.tmp"; rm -rf "$tmp"; mkdir -p "$tmp"
  set +e; TMPDIR="$tmp" nbdev_docs; rc=$?; set -e
  rm -rf "$tmp"
  for f in README.md videokit/_modidx.py nbs/_quarto.yml nbs/nbdev.yml nbs/sidebar.yml; do
    [ -e "$keep/$f" ] && cp -p "$keep/$f" "$f"
  done
  [ -e "$keep/absent" ] && while read -r f; do rm -f "$f"; done < "$keep/absent"
  rm -rf "$keep"; trap - EXIT
  if [ "$rc" = "0" ] && [ -f _docs/index.html ]; then echo "[docs] built with nbdev_docs into _docs/"; exit 0; fi
  echo "[docs] nbdev_docs failed (exit $rc): building with mkdocs-material instead"
fi

# the generator (in the dev extras; installed here if this venv predates that)
if ! "$PY" -c "import material, mkdocs, yaml" 2>/dev/null; then
  echo "[docs] installing mkdocs-material into $VIRTUAL_ENV"
  "$PY" -m pip install -q "mkdocs-material>=9.5,<10"
fi
exec "$PY" scripts/docs_build.py "$@"
