#!/usr/bin/env python
"""Benchmark videokit.sample.read_frames against torchcodec, decord, OpenCV and naive PyAV on the same files.

Cases (every tool reads the same frame indices from the same file, in one run):

  uniform 16     uniform_indices(N, 16)                       1 clip per call
  random 16      random_indices(N, 16, seed=s)                1 clip per call
  8 clips x16    random_clips(N, 8, 16, seed=s), flattened    8 clips per call (128 frames)

on generated clips (videokit.synth.make_clip, content='natural', H.264 High profile with B-frames from x264
'veryfast', a keyframe every 2 s, 25 fps, AAC audio) and on shared real-world files (/work/shared/data/videos).
Every call opens the file anew, as a dataset's __getitem__ does, and returns full-resolution RGB uint8 frames.

Tools (all allowed to use every core for decoding, libav's automatic thread count):

  videokit         read_frames(path, indices, stream=S)         (its per-file index cache kept across calls)
  videokit cold    the same with the index cache cleared before every call (first-epoch cost)
  tc exact         torchcodec VideoDecoder(seek_mode='exact', num_ffmpeg_threads=0).get_frames_at(indices)
  tc approx        torchcodec VideoDecoder(seek_mode='approximate', num_ffmpeg_threads=0).get_frames_at(indices)
  decord           decord.VideoReader(path, num_threads=0).get_batch(indices).asnumpy()
  opencv           cv2.VideoCapture: grab() every frame up to the last target, retrieve() + BGR->RGB the targets
  pyav naive       decode the stream from the start with PyAV, to_ndarray('rgb24') the targets (stops after the last)

Throughput is clips/s (16-frame clips). Each case runs a fixed set of index draws (the same for every tool);
the set is timed `--passes` times per tool, passes interleaved across tools, and the BEST pass is reported
(the machine is shared and noisy; the median pass is in the JSON). Two measures: wall clock, and clips per
CPU-second (process CPU time, all threads): the throughput when every core is busy decoding (DataLoader
workers) and much less sensitive to other processes. `ratio` = videokit / the fastest peer that returned the
right frames in that case (a faster peer that returned wrong frames is shown beside it, never hidden).
`--from-json FILE` prints the tables of an earlier run again without measuring.

Peers are probed first (scripts/_bench_peers.py: each decodes a tiny clip in a subprocess); one that does not work here
(e.g. torchcodec without FFmpeg's shared libraries) gets one `skip PEER: reason` line and is left out; one that fails
mid-run is marked failed in its rows. videokit's side always runs.

Exactness: every tool reads the same draws from an index-content twin of each generated clip
(content='index': each frame encodes its own number, read back by synth.frame_index), and from the shared
files, whose frames are identified by nearest match against a reference PyAV decode of the whole stream
(frame i = the i-th frame in presentation order, as in torchcodec's ground truth). A tool that returns wrong
frames is reported as such with how many were wrong.

DataLoader: clips/s of a torch DataLoader with 2 workers (1 decoding thread each) yielding (B, 16, 3, 112, 112)
uint8 batches (16 random frames per clip) from a small folder of generated clips: videokit.data.VideoDataset
letterboxing to 112x112 (a minimal Dataset wrapping read_frames where videokit.data is missing), and, like for
like, read_frames vs torchcodec (approximate mode, its decoder-native Resize) both stretching to 112x112.
The same VideoDataset with isolate=True (every worker's reads in its own killable decoder process,
videokit.isolate) gives the cost of isolation per clip.

  python scripts/bench_sample.py              # clips in bench_out/sample_data (reused when unchanged)
  python scripts/bench_sample.py --smoke      # tiny clips in a temp dir, < 1 min (used by scripts/test.sh)

Exit status: non-zero only if videokit returns a wrong frame; never because of timing.
"""
import argparse, json, os, statistics, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))

import numpy as np
import torch
import av

from videokit.sample import read_frames, uniform_indices, random_indices, random_clips, count_frames
from videokit.synth import make_clip, frame_index
from videokit.core import VideoIndex, pick_stream, write_json
from _bench_peers import usable_peers, failure, scratch_dir, skip_line

SHARED_DIR = ROOT.parent / 'shared' / 'data' / 'videos'
STAMP = 'bench_params.json'
GEN = dict(fps=25, gop=50, preset='veryfast', audio=True)           # keyframe every 2 s, B-frames, AAC
GEN_FULL = [(640, 360, 10), (640, 360, 60), (1280, 720, 10), (1280, 720, 60)]
GEN_SMOKE = [(256, 144, 2)]
SHARED = [('nasa_13013.mp4 s3', 'torchcodec/nasa_13013.mp4', 3),          # keyframes at frames 0 and 240 only
          ('flipping_a_pancake.mkv', 'decord/flipping_a_pancake.mkv', None),  # Matroska, no frame count in the header
          ('awesome_movie.mov', 'streamio-ffmpeg/awesome_movie.mov', None),   # QuickTime, time base 1/600
          ('discard_first_keyframe.mp4', 'torchcodec/discard_first_keyframe.mp4', None)]  # an edit list cuts 5 frames
SHARED_SMOKE = [SHARED[0], SHARED[3]]
TASKS = {'uniform 16': lambda N, s: [uniform_indices(N, 16)],
         'random 16': lambda N, s: [random_indices(N, 16, seed=s)],
         '8 clips x16': lambda N, s: random_clips(N, 8, 16, seed=s)}
PEER_OF = {'tc exact': 'torchcodec', 'tc approx': 'torchcodec', 'decord': 'decord', 'opencv': 'opencv'}   # tool -> peer probed

# ---------------------------------------------------------------------------------------------- media

def gen_params(smoke):
    return dict(gen=GEN, sizes=[list(s) for s in (GEN_SMOKE if smoke else GEN_FULL)], seed=0, version=1)

def get_clips(root: Path, smoke: bool):
    "[(name, natural clip, index twin)] generated in `root` (reused when the params stamp matches), and seconds spent."
    params = gen_params(smoke); stamp = root/STAMP
    out = []
    for w, h, d in params['sizes']:
        name = f'gen {w}x{h} {d}s'
        out.append((name, root/f'natural_{w}x{h}_{d}s.mp4', root/f'index_{w}x{h}_{d}s.mp4', (w, h, d)))
    try: same = json.loads(stamp.read_text()) == params and all(p.is_file() and q.is_file() for _, p, q, _ in out)
    except (OSError, ValueError): same = False
    t0 = time.perf_counter()
    if not same:
        root.mkdir(parents=True, exist_ok=True)
        for _, nat, idx, (w, h, d) in out:
            make_clip(nat, width=w, height=h, duration=d, content='natural', **GEN)
            make_clip(idx, width=w, height=h, duration=d, content='index', **GEN)
        write_json(params, stamp)
    return [(n, p, q) for n, p, q, _ in out], (None if same else time.perf_counter() - t0)

def loader_clips(root: Path, smoke: bool):
    "A class-folder dataset (root/class/*.mp4) for the DataLoader row; reused when present."
    sizes = [(256, 144, 3)] * 2 if smoke else [(640, 360, 10), (1280, 720, 10), (640, 360, 20), (1280, 720, 20)]
    paths = []
    for k, (w, h, d) in enumerate(sizes*2):
        p = root/('class_a' if k % 2 == 0 else 'class_b')/f'clip{k}_{w}x{h}_{d}s.mp4'
        if not p.is_file(): make_clip(p, width=w, height=h, duration=d, content='natural', seed=k, **GEN)
        paths.append((p, k % 2))
    return paths

def warm_cache(paths):
    "Read every (small) file once so that no tool pays for the first read from disk."
    return sum(len(Path(p).read_bytes()) for p in paths)

# ---------------------------------------------------------------------------------------------- tools

def make_tools(peers):
    "{name: reader(path, stream, indices) -> frames} for videokit, naive PyAV and every peer in `peers` (probed usable)."
    tools = {}
    def vk(path, stream, ix): return read_frames(path, ix, stream=stream)
    def vk_cold(path, stream, ix):
        VideoIndex.clear_cache(); return read_frames(path, ix, stream=stream)
    tools['videokit'], tools['videokit cold'] = vk, vk_cold

    if 'torchcodec' in peers:
        import torchcodec.decoders as tc
        for mode, short in (('exact', 'tc exact'), ('approximate', 'tc approx')):
            def f(path, stream, ix, mode=mode):
                return tc.VideoDecoder(str(path), stream_index=stream, seek_mode=mode, num_ffmpeg_threads=0).get_frames_at(ix).data
            tools[short] = f

    if 'decord' in peers:
        import decord
        def dec(path, stream, ix):          # decord has no stream choice: it reads the best video stream
            return decord.VideoReader(str(path), ctx=decord.cpu(0), num_threads=0).get_batch(list(ix)).asnumpy()
        tools['decord'] = dec

    if 'opencv' in peers:
        import cv2
        def ocv(path, stream, ix):          # OpenCV has no stream choice either
            cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
            try:
                want, got, pos = sorted(set(ix)), {}, 0
                for t in want:
                    while pos < t:
                        if not cap.grab(): raise RuntimeError(f'{path}: no frame {pos} in the stream OpenCV picked ({_cv_desc(cap, cv2)})')
                        pos += 1
                    ok = cap.grab(); pos += 1
                    ok, img = cap.retrieve() if ok else (False, None)
                    if not ok: raise RuntimeError(f'{path}: no frame {t} in the stream OpenCV picked ({_cv_desc(cap, cv2)})')
                    got[t] = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
                return np.stack([got[i] for i in ix])
            finally: cap.release()
        tools['opencv'] = ocv

    def naive(path, stream, ix):
        with av.open(str(path)) as c:
            s = c.streams[stream if stream is not None else _best(path)]
            s.thread_type = 'AUTO'
            want, got, last = set(ix), {}, max(ix)
            for i, fr in enumerate(c.decode(s)):
                if i in want: got[i] = fr.to_ndarray(format='rgb24')
                if i >= last: break
        return np.stack([got[i] for i in ix])
    tools['pyav naive'] = naive
    return tools

def _cv_desc(cap, cv2):
    return (f'{int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))}x{int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))}, '
            f'{int(cap.get(cv2.CAP_PROP_FRAME_COUNT))} frames; it has no stream choice')

_BEST = {}
def _best(path):
    "Container index of the best video stream (as videokit picks it), cached."
    if path not in _BEST:
        with av.open(str(path)) as c: _BEST[path] = pick_stream(c).index
    return _BEST[path]

def to_hwc(x) -> np.ndarray:
    "A tool's output as a (T, H, W, 3) uint8 numpy array."
    if isinstance(x, torch.Tensor): x = x.permute(0, 2, 3, 1).numpy() if x.shape[1] == 3 and x.shape[-1] != 3 else x.numpy()
    return np.asarray(x)

def versions(peers):
    "Versions of the libraries and of the usable peers ({peer: version} from their probes)."
    v = dict(python=sys.version.split()[0], av=av.__version__, torch=torch.__version__, numpy=np.__version__, **peers)
    try:
        import videokit; v['videokit'] = videokit.__version__
    except Exception: pass
    return v

# ---------------------------------------------------------------------------------------------- exactness

def index_check(frames, ix):
    "Frame numbers that index-content frames carry, and how many differ from `ix`."
    got = [frame_index(f) for f in frames]
    return got, sum(g != i for g, i in zip(got, ix))

class Reference:
    "Frames of a real file's stream by a plain PyAV decode (presentation order), for nearest-frame matching."
    def __init__(self, path, stream, needed, radius=3):
        self.frames, keep = {}, {j for i in needed for j in range(i - radius, i + radius + 1)}
        with av.open(str(path)) as c:
            s = c.streams[stream if stream is not None else _best(path)]
            for i, f in enumerate(c.decode(s)):
                if i in keep: self.frames[i] = f.to_ndarray(format='rgb24').astype(np.int16)
        self.radius = radius
    def identify(self, img, i):
        "The reference frame nearest to `img` among frames i-radius..i+radius (ties go to i); its shape if none has it."
        img = np.asarray(img, np.int16); best, bj = None, f'a {img.shape[1]}x{img.shape[0]} frame' 
        for j in [i] + [j for j in range(i - self.radius, i + self.radius + 1) if j != i]:
            r = self.frames.get(j)
            if r is None or r.shape != img.shape: continue
            d = np.abs(r - img).mean()
            if best is None or d < best - 1e-9: best, bj = d, j
        return bj

def ref_check(ref, frames, ix):
    got = [ref.identify(f, i) for f, i in zip(frames, ix)]
    return got, sum(g != i for g, i in zip(got, ix))

# ---------------------------------------------------------------------------------------------- timing

def time_case(tools, path, stream, draws, passes, budget):
    "({tool: [(wall s, cpu s) per pass over all draws]}, {tool: failure}); passes interleaved; a tool stops once over budget."
    times, names, failed = {t: [] for t in tools}, list(tools), {}
    for p in range(passes):
        for name in names[p % len(names):] + names[:p % len(names)]:
            if name in failed or times[name] and sum(w for w, _ in times[name]) > budget: continue
            w0, c0 = time.perf_counter(), time.process_time()
            try:
                for ix in draws: tools[name](path, stream, ix)
            except Exception as e:
                if name.startswith('videokit'): raise
                failed[name], times[name] = failure(e), []
                continue
            times[name].append((time.perf_counter() - w0, time.process_time() - c0))
    return times, failed

def rates(times, clips, k, agg=min):
    "{tool: clips per second} from the k-th member (0 wall, 1 cpu) of the aggregated pass."
    return {t: clips/agg(x[k] for x in v) for t, v in times.items() if v}

def is_exact(e): return not e['error'] and not e['wrong']

def compare(row, key, peers):
    "Fill row[key + '_vs'] = (best exact peer, videokit / it, videokit cold / it, fastest peer of all, videokit / that)."
    rate, ex = row[key], row['exactness']
    rb, pb = max(((rate[p], p) for p in peers if rate.get(p) and is_exact(ex[p])), default=(None, None))
    ra, pa = max(((rate[p], p) for p in peers if rate.get(p)), default=(None, None))
    vk, cold = rate.get('videokit'), rate.get('videokit cold')
    row[key + '_vs'] = (pb, vk/rb if rb and vk else None, cold/rb if rb and cold else None, pa, vk/ra if ra and vk else None)

def table(rows, key, cols, title):
    "Print one throughput table (key 'wall' or 'cpu'), one row per case."
    print(f'\n== {title}')
    head = (f"{'file':<24}{'case':<13}" + ''.join(f'{c:>14}' for c in cols)
            + f"{'best exact':>12}{'ratio':>8}{'cold':>7}  vs fastest")
    print(head); print('-'*len(head))
    for row in rows:
        rate, (pb, r, rc, pa, ra) = row[key], row[key + '_vs']
        def cell(t):
            e = row['exactness'][t]; mark = '' if is_exact(e) else 'x' if e['error'] else '!'
            return f"{fmt_rate(rate.get(t)) + mark:>14}"
        fastest = '' if pa == pb or ra is None else f"{ra:.2f}x {pa}!"
        print(f"{row['file'][:23]:<24}{row['case']:<13}" + ''.join(cell(t) for t in cols)
              + f"{(pb or '-'):>12}{(f'{r:.2f}x' if r else '-'):>8}{(f'{rc:.2f}x' if rc else '-'):>7}  {fastest}")

def exactness_table(rows, cols):
    print('\n== exactness (frames returned as asked / frames checked; index-content twins for generated clips, nearest '
          'reference frame for shared files)')
    cols = [c for c in cols if c != 'videokit cold']
    print(f"{'file':<24}{'case':<13}" + ''.join(f'{c:>14}' for c in cols))
    for row in rows:
        cells = []
        for t in cols:
            e = row['exactness'][t]
            cells.append('error' if e['error'] else 'exact' if not e['wrong'] else f"{e['wrong']}/{e['total']} wrong")
        print(f"{row['file'][:23]:<24}{row['case']:<13}" + ''.join(f'{c:>14}' for c in cells))
    for row in rows:
        for t, e in row['exactness'].items():
            if t in cols and not is_exact(e):
                print(f"  {t} on {row['file']} / {row['case']}: " + (e['error'] or f"asked -> got {e['examples']}"))

def report(summary, live=False):
    "Print the tables of a run (its JSON summary); `live`: printed during the run (its skip lines are already out)."
    rows, cols = summary['rows'], summary['tools']
    if not live:
        for t, why in summary['skipped'].items(): print(skip_line(t, why))
    table(rows, 'wall', cols, f"clips/s, wall clock (best of {summary['passes']} passes over {summary['draws']} draws)")
    table(rows, 'cpu', cols, f"clips per CPU-second (process CPU time of all threads; best of {summary['passes']} passes): the "
          'throughput when every core is busy, e.g. DataLoader workers, and far less sensitive to other load on the machine')
    print("ratio = videokit / the fastest peer that returned the right frames (best exact); cold = videokit with its index "
          "cache cleared before every call; vs fastest = videokit / a faster peer that returned wrong frames. "
          "'!' = wrong frames in this case, 'x' = failed (see the exactness table)")
    exactness_table(rows, cols)
    if summary['skipped']: print('peers skipped (not usable here, see the skip lines): ' + ', '.join(summary['skipped']))
    for key, what in (('wall', 'wall clock'), ('cpu', 'CPU time')):
        rs = [(r[key + '_vs'][1], r[key + '_vs'][2], r) for r in rows if r[key + '_vs'][1]]
        if not rs: continue
        warm, cold = [x[0] for x in rs], [x[1] for x in rs if x[1]]
        print(f'\nratio videokit / best exact peer ({what}): min {min(warm):.2f}x, median {statistics.median(warm):.2f}x, '
              f'max {max(warm):.2f}x (cold index: min {min(cold):.2f}x, median {statistics.median(cold):.2f}x)')
        below = [f"{r['file']} / {r['case']} ({x:.2f}x vs {r[key + '_vs'][0]})" for x, _, r in rs if x < 1]
        print('cases below parity: ' + ('; '.join(below) if below else 'none'))
    loader = summary.get('loader')
    if loader:
        print(f"\n== DataLoader: {summary['loader_setup']}")
        for name, r in loader.items():
            if 'skipped' in r or 'failed' in r:
                print(f"{name:<48}" + (f"skipped ({r['skipped']})" if 'skipped' in r else f"FAILED: {r['failed']}"))
                continue
            print(f"{name:<48}{fmt_rate(r['clips_per_s']):>8} clips/s after the first batch, {fmt_rate(r['clips_per_s_with_startup']):>8} "
                  f"with worker start-up; batches {tuple(r['batch_shapes'][0])}")
        tcr = loader.get('torchcodec approx + Resize, stretch', {}).get('clips_per_s')
        vks = loader['videokit read_frames, stretch'].get('clips_per_s')
        if tcr and vks: print(f'ratio videokit / torchcodec (stretch, like for like): {vks/tcr:.2f}x')
        plain = loader.get('videokit VideoDataset, letterbox', {}).get('clips_per_s')
        iso = loader.get(ISOLATED, {}).get('clips_per_s')
        if plain and iso:      # 2 workers: each clip holds one worker for 2/rate seconds
            print(f'isolate=True costs {2000*(1/iso - 1/plain):.1f} ms per clip per worker '
                  f'({iso/plain:.2f}x the throughput of in-process decoding)')

def fmt_rate(v): return '-' if v is None else f'{v:.2f}' if v < 10 else f'{v:.1f}' if v < 1000 else f'{v:.0f}'

# ---------------------------------------------------------------------------------------------- DataLoader

class ClipDataset(torch.utils.data.Dataset):
    "Minimal map-style dataset over (path, label): 16 random frames per item, read by `read(path, indices)`."
    def __init__(self, items, read, frames=16): self.items, self.read, self.frames = items, read, frames
    def __len__(self): return len(self.items)
    def __getitem__(self, i):
        path, label = self.items[i]
        ix = random_indices(count_frames(path), self.frames)     # fresh entropy: a different sample every epoch
        return self.read(str(path), ix), label

def vk_letterbox(path, ix): return read_frames(path, ix, size=(112, 112), threads=1)
def vk_stretch(path, ix): return read_frames(path, ix, size=(112, 112), resize='stretch', threads=1)
def tc_stretch(path, ix):
    from torchcodec.decoders import VideoDecoder
    from torchcodec.transforms import Resize
    return VideoDecoder(path, seek_mode='approximate', num_ffmpeg_threads=1, transforms=[Resize((112, 112))]).get_frames_at(ix).data

ISOLATED = 'videokit VideoDataset, letterbox, isolate=True'

def loader_datasets(clips, root, peers):
    "[(name, dataset or why skipped)] for the DataLoader rows: videokit's VideoDataset (or a stand-in), like-for-like stretch rows."
    try:
        from videokit.data import VideoDataset
        kw = dict(frames=16, sampler='random', size=(112, 112), resize='letterbox')
        out = [('videokit VideoDataset, letterbox', VideoDataset(root, **kw)),
               (ISOLATED, VideoDataset(root, isolate=True, **kw))]   # each worker's reads in a killable decoder process
    except ImportError:
        out = [('videokit read_frames, letterbox (videokit.data not there yet)', ClipDataset(clips, vk_letterbox))]
    out.append(('videokit read_frames, stretch', ClipDataset(clips, vk_stretch)))
    out.append(('torchcodec approx + Resize, stretch', ClipDataset(clips, tc_stretch) if 'torchcodec' in peers else 'torchcodec'))
    return out

def bench_loader(ds, batch, epochs):
    "clips/s of a DataLoader with 2 persistent workers over `ds` for `epochs` epochs (after the first batch, and overall)."
    dl = torch.utils.data.DataLoader(ds, batch_size=batch, shuffle=True, num_workers=2, persistent_workers=True, timeout=300)
    t_start = time.perf_counter(); n = 0; shapes = set(); t_first = None
    for _ in range(epochs):
        for x, y in dl:
            if t_first is None: t_first = time.perf_counter()
            else: n += len(x)
            shapes.add(tuple(x.shape)); assert x.dtype == torch.uint8
    t_end = time.perf_counter()
    del dl
    return dict(batch_shapes=sorted(shapes), clips=len(ds)*epochs, clips_per_s=n/(t_end - t_first) if n and t_end > t_first else None,
                clips_per_s_with_startup=len(ds)*epochs/(t_end - t_start))

# ---------------------------------------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default=None, help='folder for generated clips (default bench_out/sample_data; --smoke: a temp dir)')
    ap.add_argument('--out', default=None, help='JSON results (default bench_out/bench_sample.json; --smoke: a temp dir)')
    ap.add_argument('--passes', type=int, default=None, help='timed passes per tool and case (default 3; --smoke 2)')
    ap.add_argument('--draws', type=int, default=None, help='index draws (calls) per pass (default 4; --smoke 1)')
    ap.add_argument('--budget', type=float, default=None, help='seconds after which a tool gets no more passes in a case (default 30; --smoke 2)')
    ap.add_argument('--tools', default=None, help='comma-separated tool names to run (default all installed)')
    ap.add_argument('--cases', default=None, help='only cases whose file name contains this text')
    ap.add_argument('--no-loader', action='store_true', help='skip the DataLoader measurement')
    ap.add_argument('--smoke', action='store_true', help='tiny clips, 2 passes: runs everything in well under a minute')
    ap.add_argument('--from-json', default=None, help='print the tables of an earlier run from its JSON, measure nothing')
    a = ap.parse_args(argv)
    if a.from_json:
        summary = json.loads(Path(a.from_json).read_text())
        ex0 = [t for t in summary['rows'][0]['exactness'] if t != 'videokit cold']
        summary.setdefault('tools', ex0[:1] + ['videokit cold'] + ex0[1:])
        summary.setdefault('loader_setup', 'see the run')
        for row in summary['rows']:
            for key in ('wall', 'cpu'): compare(row, key, [t for t in summary['tools'] if not t.startswith('videokit')])
        report(summary); return 1 if summary['videokit_wrong_frames'] else 0
    with scratch_dir('bench_sample_') as tmp:      # smoke clips and JSON, torch's compile cache: removed at exit
        return bench(a, tmp)

def bench(a, tmpdir):
    t_start = time.perf_counter(); smoke = a.smoke
    passes, ndraws = a.passes or (2 if smoke else 3), a.draws or (1 if smoke else 4)
    budget = a.budget or (2.0 if smoke else 30.0)
    data = Path(a.data) if a.data else (tmpdir/'sample_data' if smoke else ROOT/'bench_out'/'sample_data')
    out = Path(a.out) if a.out else (tmpdir/'bench_sample.json' if smoke else ROOT/'bench_out'/'bench_sample.json')
    print(f'== bench_sample{" --smoke" if smoke else ""}: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}')
    keep = [t.strip() for t in a.tools.split(',')] if a.tools else None
    wanted = sorted({p for t, p in PEER_OF.items() if keep is None or t in keep})
    usable, skipped = usable_peers(wanted)          # each peer decodes a tiny clip in a subprocess; prints a skip line if not
    tools = make_tools(usable)
    if keep: tools = {k: v for k, v in tools.items() if k in keep or k.startswith('videokit')}
    peers = [t for t in tools if not t.startswith('videokit')]
    vers = versions(usable)
    print('versions: ' + ', '.join(f'{k} {v}' for k, v in vers.items() if v))

    gen, gen_secs = get_clips(data, smoke)
    print(f'generated clips in {data}: ' + ('reused (params stamp matches)' if gen_secs is None else f'made in {gen_secs:.1f} s'))
    files = [(name, nat, 0, idx) for name, nat, idx in gen]
    for name, rel, st in (SHARED_SMOKE if smoke else SHARED):
        p = SHARED_DIR/rel
        if p.is_file(): files.append((name, p, st, p))
        else: print(f'{name}: skipped, {p} not found')
    if a.cases: files = [f for f in files if a.cases in f[0]]
    warm_cache({str(f[1]) for f in files} | {str(f[3]) for f in files})

    rows, cols = [], list(tools)
    print(f'\n(measuring: each line below is one case, wall-clock clips/s; all tables follow at the end)')
    for name, path, stream, twin in files:
        N = count_frames(path, stream)
        if twin != path and count_frames(twin) != N: raise SystemExit(f'{twin}: index twin has a different frame count')
        ref = None
        for task, fn in TASKS.items():
            draws = [fn(N, s) for s in range(ndraws)]
            per_call = len(draws[0]); flat = [sum(d, []) for d in draws]
            # exactness (untimed): index twin for generated clips, reference decode for shared files
            ex = {}
            if twin != path: checker = lambda fr, ix: index_check(fr, ix)
            else:
                if ref is None: ref = Reference(path, stream, sorted({i for t in TASKS.values() for s in range(ndraws) for c in t(N, s) for i in c}))
                checker = lambda fr, ix, ref=ref: ref_check(ref, fr, ix)
            for t in tools:
                if t == 'videokit cold': continue
                wrong, total, err, sample_bad = 0, 0, None, None
                for ix in flat:
                    try: fr = to_hwc(tools[t](twin, stream, ix))
                    except Exception as e: err = failure(e); break
                    got, bad = checker(fr, ix); wrong += bad; total += len(ix)
                    if bad and sample_bad is None: sample_bad = [(i, g) for i, g in zip(ix, got) if i != g][:4]
                ex[t] = dict(wrong=wrong, total=total, error=err, examples=sample_bad)
            ex['videokit cold'] = ex['videokit']
            ok_tools = {t: f for t, f in tools.items() if not ex[t]['error']}      # a tool that fails is not timed
            times, failed = time_case(ok_tools, path, stream, flat, passes, budget)
            for t, why in failed.items(): ex[t]['error'] = f'failed while timed: {why}'
            clips = per_call*len(flat)
            row = dict(file=name, case=task, frames=N, wall=rates(times, clips, 0), cpu=rates(times, clips, 1),
                       wall_median=rates(times, clips, 0, statistics.median), cpu_median=rates(times, clips, 1, statistics.median),
                       passes={t: len(v) for t, v in times.items()}, exactness=ex)
            compare(row, 'wall', peers); compare(row, 'cpu', peers); rows.append(row)
            print(f"  {name[:23]:<24}{task:<13}" + ' '.join(f'{t} {fmt_rate(v)}' for t, v in row['wall'].items()), flush=True)
    vk_wrong = sum(r['exactness']['videokit']['wrong'] + bool(r['exactness']['videokit']['error']) for r in rows)
    loader = None
    if not a.no_loader:
        paths = loader_clips(data/'loader', smoke)
        warm_cache([p for p, _ in paths])
        epochs, batch = (2, 4) if smoke else (6, 8)
        loader_setup = (f'{len(paths)} clips ({"tiny" if smoke else "640x360 and 1280x720, 10-20 s"}), 2 workers (1 decoding '
                        f'thread each), batches of (B, 16, 3, 112, 112), B={batch}, {epochs} epochs, random 16 frames per clip')
        print(f'(measuring the DataLoader rows)', flush=True)
        loader = {}
        for name, ds in loader_datasets(paths, data/'loader', usable):
            if isinstance(ds, str):
                loader[name] = dict(skipped=f'{ds} not usable here')
                continue
            try: loader[name] = bench_loader(ds, batch, epochs)
            except Exception as e:
                if name.startswith('videokit'): raise
                loader[name] = dict(failed=failure(e))
                print(f'{name}: FAILED: {loader[name]["failed"]}', flush=True)

    summary = dict(smoke=smoke, cpu_count=os.cpu_count(), versions=vers, skipped=skipped, passes=passes, draws=ndraws, tools=cols,
                   generated=[str(p) for _, p, _ in gen], rows=rows, loader=loader, loader_setup=None if a.no_loader else loader_setup,
                   videokit_wrong_frames=vk_wrong, wall_seconds=round(time.perf_counter() - t_start, 2))
    report(summary, live=True)
    write_json(summary, out)
    print(f'\nwrote {out}; total wall time {summary["wall_seconds"]:.1f} s')
    rnd = lambda v: None if v is None else round(v, 3)
    print('BENCH_SAMPLE ' + json.dumps(dict(ratios={f"{r['file']} / {r['case']}": rnd(r['wall_vs'][1]) for r in rows},
                                             cpu_ratios={f"{r['file']} / {r['case']}": rnd(r['cpu_vs'][1]) for r in rows},
                                             videokit_wrong_frames=vk_wrong,
                                             loader_clips_per_s=loader and {k: v.get('clips_per_s') for k, v in loader.items()})))
    return 1 if vk_wrong else 0

if __name__ == '__main__':
    sys.exit(main())
