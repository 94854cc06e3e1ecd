#!/usr/bin/env python
"""Benchmark videokit's corruption scan against the ffmpeg CLI and an OpenCV read-every-frame loop.

On one generated dataset (`videokit.synth.make_dataset`: natural content, AAC audio, mixed damage of every
`DAMAGE_KINDS`), with the same number of parallel workers for every tool, it times:

  videokit full   run_checks(paths, level='full', workers=W)
  videokit quick  run_checks(paths, level='quick', workers=W)
  ffmpeg CLI      ffmpeg -nostdin -v error -max_error_rate 0 -i F -f null -   (W subprocesses at a time)
                  bad = non-zero exit, or any stderr line that videokit.validate.is_benign does not allow
  OpenCV loop     cv2.VideoCapture(F), read every frame (W processes)
                  bad = cannot open, 0 frames, or fewer frames than CAP_PROP_FRAME_COUNT - 1 (a heuristic)

and prints throughputs (files/s), ratios, and verdict agreement with the synthetic truth and between tools,
then a final `BENCH_SCAN {...}` JSON line (also written to --out).

Targets (issue): every damaged file ffmpeg flags is flagged by `full`; `full` >= 2x and `quick` >= 20x
the ffmpeg CLI's throughput.

Peers are probed first (scripts/_bench_peers.py: the ffmpeg CLI and OpenCV each decode a tiny clip); one that does
not work here gets one `skip PEER: reason` line and is left out; one that fails mid-run is reported as failed.
videokit's side always runs.

Exit status: non-zero only if videokit is wrong about the truth (`full` misses a damaged file, or `full` or
`quick` flags a clean one); never because of timing.

  python scripts/bench_scan.py                 # >= 200 clips in bench_out/scan_data (reused when unchanged)
  python scripts/bench_scan.py --smoke         # 12 tiny clips in a temp dir, < 60 s (used by scripts/test.sh)
"""
import argparse, json, math, os, shutil, subprocess, sys, time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))

from videokit.synth import DAMAGE_KINDS, make_dataset
from videokit.validate import run_checks, is_benign
from _bench_peers import usable_peers, failure, scratch_dir

FFMPEG_ARGS = ['-nostdin', '-v', 'error', '-max_error_rate', '0']   # ffmpeg <these> -i F -f null -
STAMP = 'bench_params.json'
TOOLS = ('full', 'quick', 'ffmpeg', 'opencv')

# ---------------------------------------------------------------------------------------------- dataset

def dataset_params(clips, seed, smoke):
    "make_dataset keyword arguments for about `clips` clips (classes a, b; splits train/val)."
    per_class = max(2, math.ceil(clips / 2))
    val = max(1, per_class // 4)
    if smoke:   # 12 clips, 8 of them damaged: every damage kind once
        sizes, durations, frac = ((160, 120),), (1.0, 2.0), 2 / 3
    else:
        sizes, durations, frac = ((320, 240), (640, 360)), (4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0), 0.3
    return dict(classes=['a', 'b'], splits={'train': per_class - val, 'val': val}, damaged={'a': frac, 'b': frac},
                kinds=list(DAMAGE_KINDS), sizes=[list(s) for s in sizes], durations=list(durations), fps=25,
                audio=True, faststart_fraction=0.5, content='natural', seed=seed)

def get_dataset(root: Path, params: dict, gen_workers: int = 2):
    "(truth, generation seconds or None when reused): reuse `root` if its params stamp matches, else regenerate."
    stamp, truth_p = root / STAMP, root / 'truth.json'
    if stamp.exists() and truth_p.exists():
        try:
            same = json.loads(stamp.read_text()) == params
            truth = json.loads(truth_p.read_text())
        except (OSError, ValueError): same = False
        if same and all((root / f['path']).is_file() for f in truth['files']):
            return truth, None
    if root.exists():
        if not stamp.exists() and any(root.iterdir()):
            sys.exit(f'{root} exists, is not empty and has no {STAMP}: refusing to overwrite it (pick another --data)')
        shutil.rmtree(root)
    t0 = time.perf_counter()
    kw = dict(params); kw['sizes'] = [tuple(s) for s in kw['sizes']]
    truth = make_dataset(root, workers=gen_workers, **kw)
    secs = time.perf_counter() - t0
    (root / STAMP).write_text(json.dumps(params, indent=1))
    return truth, secs

def warm_cache(paths):
    "Read every file once so that no tool pays for the first read from disk."
    for p in paths:
        with open(p, 'rb') as f:
            while f.read(1 << 22): pass

# ---------------------------------------------------------------------------------------------- peers

def ffmpeg_one(args):
    exe, path = args
    t0 = time.perf_counter()
    try:
        r = subprocess.run([exe, *FFMPEG_ARGS, '-i', str(path), '-f', 'null', '-'], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
        rc, err = r.returncode, r.stderr.decode('utf-8', 'replace')
    except subprocess.TimeoutExpired:
        rc, err = 'timeout', 'timeout after 600 s'
    lines = [l.strip() for l in err.splitlines() if l.strip()]
    bad_lines = [l for l in lines if not is_benign(l)]
    return dict(bad=rc != 0 or bool(bad_lines), rc=rc, lines=bad_lines[:5], n_lines=len(lines),
                benign=len(lines) - len(bad_lines), seconds=round(time.perf_counter() - t0, 4))

def run_ffmpeg(exe, paths, workers):
    with ThreadPoolExecutor(workers) as ex: return list(ex.map(ffmpeg_one, [(exe, p) for p in paths]))

def _cv_init():
    "Pool initializer: silence libav's messages in the OpenCV workers (the verdict uses frame counts only)."
    fd = os.open(os.devnull, os.O_WRONLY); os.dup2(fd, 2); os.close(fd)

def opencv_one(path):
    import cv2
    t0 = time.perf_counter()
    cap = cv2.VideoCapture(str(path))
    opened = cap.isOpened()
    n, declared = 0, 0
    if opened:
        declared = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        while True:
            ok, _ = cap.read()
            if not ok: break
            n += 1
    cap.release()
    bad = (not opened) or n == 0 or (declared > 0 and n < declared - 1)
    why = 'cannot open' if not opened else '0 frames read' if n == 0 else \
          f'read {n} of {declared} declared frames' if bad else ''
    return dict(bad=bad, opened=opened, frames=n, declared=declared, why=why, seconds=round(time.perf_counter() - t0, 4))

def run_opencv(paths, workers):
    with ProcessPoolExecutor(workers, mp_context=get_context('spawn'), initializer=_cv_init) as ex:
        return list(ex.map(opencv_one, [str(p) for p in paths], chunksize=1))

# ---------------------------------------------------------------------------------------------- report

def timed(fn):
    t0 = time.perf_counter(); out = fn(); return out, time.perf_counter() - t0

def confusion(bad, truth_bad):
    tp = sum(b and t for b, t in zip(bad, truth_bad)); fp = sum(b and not t for b, t in zip(bad, truth_bad))
    fn = sum(t and not b for b, t in zip(bad, truth_bad)); tn = len(bad) - tp - fp - fn
    return dict(tp=tp, fp=fp, fn=fn, tn=tn)

def ratio(a, b): return round(a / b, 2) if a and b else None

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default=None, help='dataset folder (default: bench_out/scan_data; --smoke: a temp dir)')
    ap.add_argument('--out', default=None, help='JSON result file (default: bench_out/bench_scan.json; --smoke: a temp dir)')
    ap.add_argument('--clips', type=int, default=None, help='number of clips (default 200; --smoke 12)')
    ap.add_argument('--workers', type=int, default=None, help='parallel workers for every tool (default: CPU cores; --smoke 2)')
    ap.add_argument('--seed', type=int, default=0, help='dataset seed')
    ap.add_argument('--smoke', action='store_true', help='tiny fast end-to-end run; exit status checks correctness only')
    a = ap.parse_args(argv)
    t_start = time.perf_counter()
    with scratch_dir('bench_scan_') as tmp:        # smoke dataset and JSON: removed at exit
        return bench(a, tmp, t_start)

def bench(a, tmpdir, t_start):
    smoke = a.smoke
    clips = a.clips or (12 if smoke else 200)
    workers = a.workers or (2 if smoke else (os.cpu_count() or 1))
    data = Path(a.data) if a.data else (tmpdir / 'scan_data' if smoke else ROOT / 'bench_out' / 'scan_data')
    out = Path(a.out) if a.out else (tmpdir / 'bench_scan.json' if smoke else ROOT / 'bench_out' / 'bench_scan.json')
    params = dataset_params(clips, a.seed, smoke)

    print(f'== bench_scan{" --smoke" if smoke else ""}: dataset {data}')
    usable, skipped = usable_peers(['ffmpeg', 'opencv'])     # each decodes a tiny clip once; a skip line if it cannot
    truth, gen_secs = get_dataset(data, params)
    files = truth['files']; n = len(files)
    paths = [str(data / f['path']) for f in files]
    truth_bad = [bool(f['damaged']) for f in files]
    sizes = Counter(f"{f['width']}x{f['height']}" for f in files)
    total_mb = sum(os.path.getsize(p) for p in paths) / 1e6
    total_frames = sum(f['n_frames'] for f in files)
    if gen_secs is None: print(f'reused existing dataset (params stamp matches): {n} clips')
    else: print(f'generated {n} clips in {gen_secs:.1f} s (make_dataset, workers=2)')
    print(f"{n} clips, {sum(truth_bad)} damaged ({', '.join(f'{k} {v}' for k, v in sorted(Counter(f['kind'] for f in files if f['damaged']).items()))}), "
          f"sizes {dict(sizes)}, durations {params['durations'][0]:g}-{params['durations'][-1]:g} s, {total_frames} frames, {total_mb:.1f} MB")
    print(f'workers per tool: {workers} (os.cpu_count() = {os.cpu_count()})')
    warm_cache(paths)

    res, secs = {}, {}
    print('\n-- videokit full'); r, secs['full'] = timed(lambda: run_checks(paths, level='full', workers=workers, progress=False))
    res['full'] = r
    print(f"   {secs['full']:.2f} s")
    print('-- videokit quick'); r, secs['quick'] = timed(lambda: run_checks(paths, level='quick', workers=workers, progress=False))
    res['quick'] = r
    print(f"   {secs['quick']:.2f} s")

    failed = {}
    def run_peer(peer, fn):
        "Time a peer over the whole set; a failure is that peer's (one line), not the benchmark's."
        try: res[peer], secs[peer] = timed(fn)
        except Exception as e:
            failed[peer] = failure(e)
            print(f'   {peer} FAILED: {failed[peer]}')
        else: print(f"   {secs[peer]:.2f} s")
    ffmpeg_version, cv_version = usable.get('ffmpeg'), usable.get('opencv')
    if ffmpeg_version:
        exe = shutil.which('ffmpeg')
        print(f'-- ffmpeg CLI: {exe} {" ".join(FFMPEG_ARGS)} -i F -f null -   ({ffmpeg_version})')
        run_peer('ffmpeg', lambda: run_ffmpeg(exe, paths, workers))
    if cv_version:
        print(f'-- OpenCV {cv_version} read-every-frame loop (bad = cannot open, 0 frames, or < CAP_PROP_FRAME_COUNT - 1 frames: a heuristic)')
        run_peer('opencv', lambda: run_opencv(paths, workers))

    tools = [t for t in TOOLS if t in res]
    bad = {t: [(not r['ok']) if t in ('full', 'quick') else r['bad'] for r in res[t]] for t in tools}
    fps = {t: round(n / secs[t], 2) for t in tools}
    ratios = {'full/ffmpeg': ratio(fps.get('full'), fps.get('ffmpeg')), 'quick/ffmpeg': ratio(fps.get('quick'), fps.get('ffmpeg')),
              'full/opencv': ratio(fps.get('full'), fps.get('opencv')), 'quick/opencv': ratio(fps.get('quick'), fps.get('opencv'))}

    print(f'\n== throughput ({n} files, {workers} workers each, wall clock for the whole set)')
    print(f"{'tool':<16}{'seconds':>9}{'files/s':>10}{'frames/s':>11}")
    for t in tools:
        print(f"{t:<16}{secs[t]:>9.2f}{fps[t]:>10.2f}{total_frames / secs[t]:>11.0f}")
    for k, v in ratios.items(): print(f"ratio {k:<13} {'n/a' if v is None else f'{v:.2f}x'}")

    print(f'\n== verdicts vs truth ({sum(truth_bad)} damaged, {n - sum(truth_bad)} clean)')
    conf = {t: confusion(bad[t], truth_bad) for t in tools}
    print(f"{'tool':<10}{'flagged':>8}{'TP':>6}{'FP':>6}{'FN':>6}{'TN':>6}")
    for t in tools:
        c = conf[t]; print(f"{t:<10}{sum(bad[t]):>8}{c['tp']:>6}{c['fp']:>6}{c['fn']:>6}{c['tn']:>6}")
    if 'opencv' in tools: print('(opencv verdict is a frame-count heuristic: it cannot see concealed decode errors)')

    print('\n== pairwise verdict agreement (files with the same ok/bad verdict)')
    cols = ['truth'] + tools; allbad = dict(truth=truth_bad, **bad)
    print(f"{'':<8}" + ''.join(f'{c:>8}' for c in cols))
    agree = {}
    for x in cols:
        row = []
        for y in cols:
            k = sum(p == q for p, q in zip(allbad[x], allbad[y])); row.append(k)
            if x < y: agree[f'{x}~{y}'] = k
        print(f'{x:<8}' + ''.join(f'{k:>8}' for k in row))

    # per damage kind: who flags it
    print('\n== flagged per damage kind (flagged/total)')
    kinds = ['clean'] + list(DAMAGE_KINDS)
    by_kind = {}
    print(f"{'kind':<16}{'n':>4}" + ''.join(f'{t:>9}' for t in tools))
    for k in kinds:
        idx = [i for i, f in enumerate(files) if (f['kind'] or 'clean') == k]
        if not idx: continue
        by_kind[k] = {t: sum(bad[t][i] for i in idx) for t in tools}; by_kind[k]['n'] = len(idx)
        print(f'{k:<16}{len(idx):>4}' + ''.join(f'{by_kind[k][t]:>9}' for t in tools))

    rel = [f['path'] for f in files]
    def detail(i, t='full'):
        r = res[t][i]
        return dict(path=rel[i], kind=files[i]['kind'], expected=files[i]['expected_reason'], reason=r.get('reason'),
                    detail=(r.get('detail') or '')[:400])
    ff_not_full = [dict(detail(i), ffmpeg=res['ffmpeg'][i]['lines'][:3], ffmpeg_rc=res['ffmpeg'][i]['rc'])
                   for i in range(n) if 'ffmpeg' in res and bad['ffmpeg'][i] and not bad['full'][i]]
    vk_fp = {t: [detail(i, t) for i in range(n) if bad[t][i] and not truth_bad[i]] for t in ('full', 'quick')}
    full_fn = [detail(i) for i in range(n) if truth_bad[i] and not bad['full'][i]]
    ff_fp = [dict(path=rel[i], rc=res['ffmpeg'][i]['rc'], lines=res['ffmpeg'][i]['lines'][:3])
             for i in range(n) if 'ffmpeg' in res and bad['ffmpeg'][i] and not truth_bad[i]]
    ff_fn = [dict(path=rel[i], kind=files[i]['kind']) for i in range(n) if 'ffmpeg' in res and truth_bad[i] and not bad['ffmpeg'][i]]
    full_not_ff = [dict(path=rel[i], kind=files[i]['kind'], reason=res['full'][i]['reason'])
                   for i in range(n) if 'ffmpeg' in res and bad['full'][i] and not bad['ffmpeg'][i]]

    def show(title, items, must_be_empty=False):
        tag = (' (must be none)' if must_be_empty else '')
        print(f'\n{title}{tag}: {len(items)}')
        for it in items: print('   ', json.dumps(it))
    if 'ffmpeg' in res: show('files ffmpeg flags that videokit full does not', ff_not_full, True)
    else: print(f"\nfiles ffmpeg flags that videokit full does not: n/a (ffmpeg {'failed' if 'ffmpeg' in failed else 'skipped'})")
    show('clean files (truth) that videokit full flags', vk_fp['full'], True)
    show('clean files (truth) that videokit quick flags', vk_fp['quick'], True)
    show('damaged files (truth) that videokit full misses', full_fn, True)
    if 'ffmpeg' in res:
        show('clean files (truth) that ffmpeg flags', ff_fp)
        show('damaged files (truth) that ffmpeg misses', ff_fn)
        show('files videokit full flags that ffmpeg does not', full_not_ff)

    # videokit full reasons vs expected_reason
    print('\n== videokit full: reason vs expected_reason (damaged files)')
    pairs = Counter((f['kind'], f['expected_reason'], res['full'][i].get('reason')) for i, f in enumerate(files) if f['damaged'])
    print(f"{'kind':<16}{'expected':<20}{'got':<20}{'n':>4}")
    for (k, e, g), c in sorted(pairs.items(), key=lambda x: (list(DAMAGE_KINDS).index(x[0][0]), str(x[0][2]))):
        print(f"{k:<16}{e:<20}{str(g):<20}{c:>4}{'' if e == g else '   <- differs'}")
    dmg = [i for i, f in enumerate(files) if f['damaged']]
    reason_match = sum(res['full'][i].get('reason') == files[i]['expected_reason'] for i in dmg)
    reason_mismatch = [detail(i) for i in dmg if res['full'][i].get('reason') != files[i]['expected_reason']]
    print(f'reason == expected_reason: {reason_match}/{len(dmg)}')
    for it in reason_mismatch: print('   ', json.dumps(it))
    got_reasons = dict(Counter(str(r.get('reason')) for r in res['full'] if not r['ok']))
    exp_reasons = dict(Counter(f['expected_reason'] for f in files if f['damaged']))
    print(f'reasons (full): {got_reasons}\nreasons (expected): {exp_reasons}')
    warn = sum(1 for r in res['full'] if r['ok'] and r.get('warnings'))
    if warn: print(f'{warn} files valid with benign warnings (full)')

    timing = not smoke   # tiny smoke clips say nothing about throughput: no timing targets there
    targets = {'ffmpeg_flagged_subset_of_full': (len(ff_not_full) == 0) if 'ffmpeg' in res else None,
               'full_ge_2x_ffmpeg': (ratios['full/ffmpeg'] >= 2) if timing and ratios['full/ffmpeg'] else None,
               'quick_ge_20x_ffmpeg': (ratios['quick/ffmpeg'] >= 20) if timing and ratios['quick/ffmpeg'] else None}
    correct = not full_fn and not vk_fp['full'] and not vk_fp['quick']
    print('\n== targets')
    for k, v in targets.items():
        na = 'n/a (smoke: timing not evaluated)' if smoke and k != 'ffmpeg_flagged_subset_of_full' else 'n/a'
        print(f"{k:<32}{na if v is None else 'MET' if v else 'NOT MET'}")
    print(f"{'videokit correct vs truth':<32}{'yes' if correct else 'NO'}")

    summary = dict(smoke=smoke, clips=n, damaged=sum(truth_bad), workers=workers, cpu_count=os.cpu_count(), seed=a.seed,
                   data=str(data), sizes=dict(sizes), durations=params['durations'], total_mb=round(total_mb, 2),
                   total_frames=total_frames, generation_seconds=None if gen_secs is None else round(gen_secs, 2),
                   dataset_reused=gen_secs is None, ffmpeg=ffmpeg_version, opencv=cv_version, skipped=skipped, failed=failed,
                   seconds={t: round(secs[t], 3) for t in tools}, files_per_s=fps, ratios=ratios, confusion=conf,
                   agreement=agree, flagged_by_kind=by_kind, reasons_full=got_reasons, reasons_expected=exp_reasons,
                   reason_match=f'{reason_match}/{len(dmg)}', reason_mismatch=reason_mismatch,
                   ffmpeg_flagged_not_full=ff_not_full, full_false_positives=vk_fp['full'],
                   quick_false_positives=vk_fp['quick'], full_false_negatives=full_fn,
                   ffmpeg_false_positives=ff_fp, ffmpeg_false_negatives=ff_fn, targets=targets,
                   videokit_correct=correct, wall_seconds=round(time.perf_counter() - t_start, 2))
    out.parent.mkdir(parents=True, exist_ok=True)
    per_file = [dict(path=rel[i], kind=files[i]['kind'], expected=files[i]['expected_reason'],
                     **{t: (res[t][i].get('reason') or 'ok') if t in ('full', 'quick') else ('bad' if bad[t][i] else 'ok') for t in tools},
                     ffmpeg_lines=res['ffmpeg'][i]['lines'] if 'ffmpeg' in res else None,
                     opencv_detail=res['opencv'][i] if 'opencv' in res else None) for i in range(n)]
    out.write_text(json.dumps(dict(summary, per_file=per_file), indent=1))
    print(f'\nwrote {out} (this summary + per-file verdicts{"; temp dir, removed at exit" if tmpdir and out.is_relative_to(tmpdir) else ""}); total wall time {summary["wall_seconds"]:.1f} s')
    print('BENCH_SCAN ' + json.dumps(summary))
    return 0 if correct else 1

if __name__ == '__main__':
    sys.exit(main())
