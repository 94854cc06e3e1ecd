#!/usr/bin/env bash
# Set up (first run only) and run every test: export/clean checks, every notebook (slow, slurm and
# browser cells included) and benchmark smoke checks. Ends with "N passed, M failed".
# Env: VIDEOKIT_TEST_JOBS (parallel notebooks, default 2), VIDEOKIT_TEST_FLAGS (default "slow slurm browser").
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
VIDEOKIT_DEV=1 source scripts/setup_env.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
set +e
LOGS="$(mktemp -d)"; trap 'rm -rf "$LOGS"' EXIT
passed=0; failed=0; failures=()
ok()   { passed=$((passed+1)); echo "PASS  $1"; }
bad()  { failed=$((failed+1)); failures+=("$1"); echo "FAIL  $1"; [ -n "${2:-}" ] && sed 's/^/      /' "$2" | tail -40; }

# 1. exporting the notebooks must not change videokit/
cp -r videokit "$LOGS/pkg_before"
if nbdev_export > "$LOGS/export.log" 2>&1 && diff -r -x __pycache__ "$LOGS/pkg_before" videokit > "$LOGS/export.diff" 2>&1; then
  ok "nbdev_export leaves videokit/ unchanged"
else
  cat "$LOGS/export.diff" >> "$LOGS/export.log"
  bad "nbdev_export changes videokit/ (run nbdev_export and commit)" "$LOGS/export.log"
  rm -rf videokit && cp -r "$LOGS/pkg_before" videokit   # leave the tree as it was
fi

# 2. notebooks must be clean (nbdev_clean would change nothing)
mkdir -p "$LOGS/clean/nbs" && cp -r nbs/. "$LOGS/clean/nbs/" && cp settings.ini "$LOGS/clean/"
(cd "$LOGS/clean" && nbdev_clean --fname nbs > "$LOGS/clean.log" 2>&1)
if diff -r -x .ipynb_checkpoints nbs "$LOGS/clean/nbs" > "$LOGS/clean.diff" 2>&1; then
  ok "notebooks are clean (nbdev_clean)"
else
  cat "$LOGS/clean.diff" >> "$LOGS/clean.log"; bad "notebooks not clean (run nbdev_clean and commit)" "$LOGS/clean.log"
fi

# 2b. README.md must be the rendering of nbs/index.ipynb
if python scripts/make_readme.py --check > "$LOGS/readme.log" 2>&1; then ok "README.md matches nbs/index.ipynb"
else bad "README.md out of date (python scripts/make_readme.py)" "$LOGS/readme.log"; fi

# 3. every notebook, flagged cells included, each its own unit, VIDEOKIT_TEST_JOBS at a time
FLAGS="${VIDEOKIT_TEST_FLAGS:-slow slurm browser}"
JOBS="${VIDEOKIT_TEST_JOBS:-2}"
mapfile -t NBS < <(ls nbs/*.ipynb nbs/workflows/*.ipynb 2>/dev/null | sort)
run_nb() {  # $1 notebook; writes LOGS/<name>.rc and .log
  local nb="$1" name; name="$(basename "$(dirname "$nb")")_$(basename "$nb" .ipynb)"; name="${name#nbs_}"
  local t0=$SECONDS
  nbdev_test --path "$nb" --flags "$FLAGS" --do_print > "$LOGS/$name.log" 2>&1
  echo $? > "$LOGS/$name.rc"; echo "$((SECONDS-t0))" > "$LOGS/$name.secs"
}
export -f run_nb; export LOGS FLAGS
printf '%s\n' "${NBS[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_nb "$@"' _ {}
for nb in "${NBS[@]}"; do
  name="$(basename "$(dirname "$nb")")_$(basename "$nb" .ipynb)"; name="${name#nbs_}"
  if [ "$(cat "$LOGS/$name.rc" 2>/dev/null)" = "0" ]; then ok "notebook $name ($(cat "$LOGS/$name.secs")s)"
  else bad "notebook $name" "$LOGS/$name.log"; fi
done

# 4. benchmark smoke checks (tiny inputs: the scripts run end to end and print their ratios)
for b in scripts/bench_*.py; do
  [ -e "$b" ] || continue
  name="$(basename "$b" .py)"
  if python "$b" --smoke > "$LOGS/$name.log" 2>&1; then ok "$name --smoke"; else bad "$name --smoke" "$LOGS/$name.log"; fi
done

echo
[ ${#failures[@]} -gt 0 ] && printf 'failed: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
