#!/usr/bin/env bash
# Set up (first run only) and run every test: export/clean checks, every notebook (slow, slurm and browser cells
# included), the demo against the README, benchmark smoke checks, and a check that the run left nothing behind.
# Ends with "N passed, M failed". Full logs of every step stay in .test-logs/ (git-ignored).
# Env: VIDEOKIT_TEST_JOBS (parallel notebooks, default 2), VIDEOKIT_TEST_FLAGS (default "slow slurm browser"),
#      VIDEOKIT_TEST_APT=0 (never install system packages, even as root), VIDEOKIT_TEST_LEFT_MB (default 20).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
LOGS="$ROOT/.test-logs"; rm -rf "$LOGS"; mkdir -p "$LOGS"
VIDEOKIT_DEV=1 source scripts/setup_env.sh || { echo "setup failed (log: .venv/.videokit-install.log)"; echo "0 passed, 1 failed"; exit 1; }
set +e
passed=0; failed=0; failures=(); notes=()
ok()   { passed=$((passed+1)); echo "PASS  $1"; }
bad()  { failed=$((failed+1)); failures+=("$1"); echo "FAIL  $1"; [ -n "${2:-}" ] && show_log "$2"; }
note() { notes+=("$1"); echo "NOTE  $1"; }

# A failing log: its head, the first traceback with the lines after it (the exception and where it happened), its
# tail, and where the full log is.
show_log() {
  local f="$1" n tb
  sed -i 's/\x1b\[[0-9;]*[A-Za-z]//g' "$f"
  n=$(wc -l < "$f")
  {
    if [ "$n" -le 80 ]; then cat "$f"
    else
      head -n 12 "$f"
      tb=$(grep -n -m1 -E 'Traceback|^[A-Za-z_.]*(Error|Exception)\b|Exception in' "$f" | cut -d: -f1)
      if [ -n "$tb" ] && [ "$tb" -gt 12 ]; then echo "[... line $tb: first traceback ...]"; sed -n "${tb},$((tb+30))p" "$f"; fi
      echo "[... last lines of $n ...]"; tail -n 25 "$f"
    fi
    echo "[full log: ${f#$ROOT/}]"
  } | sed 's/^/      /'
}

# 0. System packages the checks need, installed when this runs as root with apt (a new machine has none of them).
#    Where that cannot happen, say so in one line: the checks that need them skip their peers and say why.
apt_ensure() {  # $1 package, $2 shell test that passes when it is usable, $3 what needs it
  local pkg="$1" test="$2" why="$3"
  bash -c "$test" >/dev/null 2>&1 && return 0
  if [ "${VIDEOKIT_TEST_APT:-1}" = "0" ]; then note "system package $pkg not installed (VIDEOKIT_TEST_APT=0): $why will be skipped"; return 1; fi
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
    note "system package $pkg not installed and cannot be (needs root and apt-get): $why will be skipped"; return 1; fi
  echo "      installing Debian $pkg (for $why) ..."
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg"; }; } > "$LOGS/apt-$pkg.log" 2>&1
  if bash -c "$test" >/dev/null 2>&1; then echo "      installed $pkg"; return 0; fi
  note "system package $pkg is not usable after apt-get install (log: .test-logs/apt-$pkg.log): $why will be skipped"; return 1
}
apt_ensure ffmpeg 'ffmpeg -loglevel error -f lavfi -i testsrc=d=0.1 -f null - && ldconfig -p | grep -q libavutil' \
  "the torchcodec and ffmpeg-CLI benchmark peers"
apt_ensure chromium 'test -x /usr/bin/chromium && /usr/bin/chromium --version' "the browser tests (widgets, docs site)"

# Everything the run writes to temporary files goes to one folder; what is left there at the end, plus anything new in
# /tmp and new untracked files in the repo, is what the run left behind (checked in step 6).
ls -A /tmp > "$LOGS/tmp_before.txt"
git status --porcelain --ignored --untracked-files=all 2>/dev/null | sort > "$LOGS/repo_before.txt"
RUN_TMP="$(mktemp -d /tmp/videokit-test.XXXXXX)"; export TMPDIR="$RUN_TMP"
trap 'rm -rf "$RUN_TMP"' EXIT
ls -d nbs/workflows/*_out 2>/dev/null > "$LOGS/wf_out_before.txt"

# 1. exporting the notebooks must not change videokit/
cp -r videokit "$RUN_TMP/pkg_before"
if nbdev_export > "$LOGS/export.log" 2>&1 && diff -r -x __pycache__ "$RUN_TMP/pkg_before" videokit > "$LOGS/export.diff" 2>&1; then
  ok "nbdev_export leaves videokit/ unchanged"
else
  cat "$LOGS/export.diff" >> "$LOGS/export.log"
  bad "nbdev_export changes videokit/ (run nbdev_export and commit)" "$LOGS/export.log"
  rm -rf videokit && cp -r "$RUN_TMP/pkg_before" videokit   # leave the tree as it was
fi
rm -rf "$RUN_TMP/pkg_before"

# 2. notebooks must be clean (nbdev_clean would change nothing)
mkdir -p "$RUN_TMP/clean/nbs" && cp -r nbs/. "$RUN_TMP/clean/nbs/" && cp settings.ini "$RUN_TMP/clean/"
(cd "$RUN_TMP/clean" && nbdev_clean --fname nbs > "$LOGS/clean.log" 2>&1)
if diff -r -x .ipynb_checkpoints -x '*_out' nbs "$RUN_TMP/clean/nbs" > "$LOGS/clean.diff" 2>&1; then
  ok "notebooks are clean (nbdev_clean)"
else
  cat "$LOGS/clean.diff" >> "$LOGS/clean.log"; bad "notebooks not clean (run nbdev_clean and commit)" "$LOGS/clean.log"
fi
rm -rf "$RUN_TMP/clean"

# 2b. README.md must be the rendering of nbs/index.ipynb
if python scripts/make_readme.py --check > "$LOGS/readme.log" 2>&1; then ok "README.md matches nbs/index.ipynb"
else bad "README.md out of date (python scripts/make_readme.py)" "$LOGS/readme.log"; fi

FLAGS="${VIDEOKIT_TEST_FLAGS:-slow slurm browser}"
JOBS="${VIDEOKIT_TEST_JOBS:-2}"

# 2c. a real single-node SLURM cluster for the `#| slurm` cells, shared by them, stopped by pid at the end (as root;
#     elsewhere one note line, and the cells skip with it)
SLURM_STARTED=
if [[ " $FLAGS " == *" slurm "* ]]; then
  slurm_out="$(bash scripts/slurm_cluster.sh start 2>&1)"
  case "$slurm_out" in
    *"skip slurm:"*) note "$(grep -m1 'skip slurm:' <<<"$slurm_out")" ;;
    *"slurm: started"*) SLURM_STARTED=1; echo "      $(grep -m1 'slurm: started' <<<"$slurm_out")" ;;
    *"already running"*) ;;
    *) echo "$slurm_out" > "$LOGS/slurm_start.log"; bad "SLURM test cluster did not start" "$LOGS/slurm_start.log" ;;
  esac
fi
trap 'rm -rf "$RUN_TMP"; [ -n "$SLURM_STARTED" ] && bash scripts/slurm_cluster.sh stop >/dev/null 2>&1' EXIT

# 3. every notebook, flagged cells included, each its own unit, VIDEOKIT_TEST_JOBS at a time
mapfile -t NBS < <(ls nbs/*.ipynb nbs/workflows/*.ipynb 2>/dev/null | sort)
run_nb() {  # $1 notebook; writes LOGS/<name>.rc, .log and .secs
  local nb="$1" name; name="$(basename "$(dirname "$nb")")_$(basename "$nb" .ipynb)"; name="${name#nbs_}"
  local t0=$SECONDS tmp="$RUN_TMP/notebook-$name"        # its own TMPDIR: what it leaves is named after it
  mkdir -p "$tmp"
  TMPDIR="$tmp" nbdev_test --path "$nb" --flags "$FLAGS" --do_print > "$LOGS/$name.log" 2>&1
  echo $? > "$LOGS/$name.rc"; echo "$((SECONDS-t0))" > "$LOGS/$name.secs"
  rmdir "$tmp" 2>/dev/null || true
}
export -f run_nb; export LOGS FLAGS RUN_TMP
printf '%s\n' "${NBS[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_nb "$@"' _ {}
for nb in "${NBS[@]}"; do
  name="$(basename "$(dirname "$nb")")_$(basename "$nb" .ipynb)"; name="${name#nbs_}"
  if [ "$(cat "$LOGS/$name.rc" 2>/dev/null)" = "0" ]; then ok "notebook $name ($(cat "$LOGS/$name.secs")s)"
  else bad "notebook $name" "$LOGS/$name.log"; fi
done
[ -n "$SLURM_STARTED" ] && bash scripts/slurm_cluster.sh stop > "$LOGS/slurm_stop.log" 2>&1 && SLURM_STARTED=
# the workflow notebooks write their outputs next to themselves (as a user's papermill run would): remove this run's
for d in nbs/workflows/*_out; do
  [ -d "$d" ] && ! grep -qxF "$d" "$LOGS/wf_out_before.txt" && rm -rf "$d"
done

# 4. the demo, as the README's first command runs it, prints what the README shows (timings aside)
if bash scripts/demo.sh "$RUN_TMP/demo_out" > "$LOGS/demo.log" 2> "$LOGS/demo.err"; then
  if python scripts/make_readme.py --check-demo "$LOGS/demo.log" --out "$RUN_TMP/demo_out" > "$LOGS/demo_readme.log" 2>&1
  then ok "scripts/demo.sh runs and prints the README's demo block"
  else bad "README's demo block differs from scripts/demo.sh's output" "$LOGS/demo_readme.log"; fi
else
  cat "$LOGS/demo.err" >> "$LOGS/demo.log"; bad "scripts/demo.sh" "$LOGS/demo.log"
fi
rm -rf "$RUN_TMP/demo_out"

# 5. benchmark smoke checks (tiny inputs: the scripts run end to end and print their ratios; missing peers say so)
for b in scripts/bench_*.py; do
  [ -e "$b" ] || continue
  name="$(basename "$b" .py)"
  mkdir -p "$RUN_TMP/$name"
  if TMPDIR="$RUN_TMP/$name" python "$b" --smoke > "$LOGS/$name.log" 2>&1; then
    ok "$name --smoke"; grep -E '^skip ' "$LOGS/$name.log" | sed 's/^/      /'
  else bad "$name --smoke" "$LOGS/$name.log"; fi
  rmdir "$RUN_TMP/$name" 2>/dev/null
done

# 5b. the docs site: built from the notebooks (code, prose and API pages; `scripts/docs.sh` alone also runs the cells
#     for their figures, which step 3 has just tested) and opened in headless Chromium with other hosts blocked
if bash scripts/docs.sh --execute none > "$LOGS/docs.log" 2>&1; then
  ok "scripts/docs.sh: $(grep '^docs:' "$LOGS/docs.log" | cut -c7-)"
  if python scripts/check_docs.py --shots "$LOGS/docs-check" > "$LOGS/docs-check.log" 2>&1; then
    ok "$(grep '^docs check' "$LOGS/docs-check.log")"; grep '^skip' "$LOGS/docs-check.log" | sed 's/^/      /'
  else bad "docs check (scripts/check_docs.py)" "$LOGS/docs-check.log"; fi
else bad "scripts/docs.sh" "$LOGS/docs.log"; fi

# 6. the run left (almost) nothing behind: in its temp folder, in /tmp, in the repo (untracked or ignored files)
LEFT_MB="${VIDEOKIT_TEST_LEFT_MB:-20}"
{
  echo "left in the run's temp folders (TMPDIR; notebook-NAME and bench_NAME are each one's own):"
  (cd "$RUN_TMP" && du -sk -- * .[!.]* 2>/dev/null | sort -rn | head -20)
  for d in "$RUN_TMP"/*/; do [ -d "$d" ] && (cd "$d" && du -sk -- * .[!.]* 2>/dev/null | sort -rn | head -5 | sed "s|^|      in $(basename "$d"): |"); done
  echo "new in /tmp:"
  comm -13 "$LOGS/tmp_before.txt" <(ls -A /tmp) | grep -vxF "$(basename "$RUN_TMP")" | while read -r e; do du -sk "/tmp/$e" 2>/dev/null; done
  echo "new untracked or ignored files in the repo:"
  comm -13 "$LOGS/repo_before.txt" <(git status --porcelain --ignored --untracked-files=all | sort) | awk '{print $2}' \
    | grep -v -E '^(\.venv|\.test-logs)/|__pycache__|\.egg-info/|^_proc/|^_docs/' | while read -r e; do du -sk "$e" 2>/dev/null; done
} > "$LOGS/left.log"
left_kb=$(grep -E '^[0-9]+' "$LOGS/left.log" | awk '{s+=$1} END {print s+0}')
if [ "$left_kb" -le $((LEFT_MB*1024)) ]; then ok "the run left $((left_kb/1024)) MB behind (limit $LEFT_MB MB)"
else bad "the run left $((left_kb/1024)) MB behind in temp folders and the repo (limit $LEFT_MB MB)" "$LOGS/left.log"; fi

echo
[ ${#notes[@]} -gt 0 ] && printf 'note: %s\n' "${notes[@]}"
[ ${#failures[@]} -gt 0 ] && printf 'failed: %s\n' "${failures[@]}"
echo "full logs: .test-logs/"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
