#!/usr/bin/env python
"""Benchmark the AV-sync pipeline (videokit.syncnet) on a synthetic talking clip.

On one generated clip (`videokit.synth.make_talking_clip`, 640x360, 25 fps, 60 s, face 200 px high, audio
leading by 2 frames) it measures:

  pipeline, baseline      process_video(model=None): shots, Haar detection, tracks, crops, baseline scores,
                          visualisation; real-time factor = clip seconds / wall seconds (> 1: faster than real time)
  pipeline, SyncNet v2    the same with a full-size SyncNet (13.6 M parameters; random weights, since the
                          published ones cannot be downloaded here: the cost is the same)
  Haar detection          batched (one frame per thread, all cores) vs one frame at a time, on the same frames
  S3FD detection          batched (8 frames per forward) vs one frame at a time, on a few frames (random weights
                          with the face head biased to "no face", so decoding costs nothing: network cost only)

and prints per-stage timings, ratios and a final `BENCH_SYNCNET {...}` JSON line (also written to --out).
No peer: the original pipeline (syncnet_python) needs CUDA and model downloads; it is not runnable here. Everything
it writes (clip, pipeline outputs, weights) is in a temporary folder removed at exit, whatever happens.
Exit status: non-zero only if the pipeline gets the offset wrong; never because of timing.

  python scripts/bench_syncnet.py             # 60 s 640x360 clip (several minutes on 2 cores)
  python scripts/bench_syncnet.py --smoke     # 4 s 320x240 clip, tiny model sizes, well under a minute
"""
import argparse, json, os, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))

import numpy as np
import torch
from videokit.synth import make_talking_clip
from videokit.syncnet import SyncNet
from videokit.avsync import process_video
from videokit.faces import HaarDetector, S3FDNet, S3FDDetector, iter_frames
from _bench_peers import scratch_dir

OFFSET = 2

def timed(fn, *a, **kw):
    t = time.perf_counter(); r = fn(*a, **kw); return r, time.perf_counter() - t

def bench_detector(det, frames, batch):
    "Seconds to run `det` over `frames` in batches of `batch`."
    t = time.perf_counter()
    for i in range(0, len(frames), batch): det.detect(frames[i:i + batch])
    return time.perf_counter() - t

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--smoke', action='store_true', help='tiny inputs, well under a minute')
    ap.add_argument('--seconds', type=float, default=60.0, help='clip length')
    ap.add_argument('--no-syncnet', action='store_true', help='skip the full-size SyncNet pipeline run')
    ap.add_argument('--out', default=None, help='write the JSON result here')
    a = ap.parse_args()
    w, h, face, secs = (320, 240, 140, 4.0) if a.smoke else (640, 360, 200, a.seconds)
    with scratch_dir('bench_syncnet_') as tmp:      # clip, pipeline outputs, weights: removed at exit
        return bench(a, tmp, w, h, face, secs)

def bench(a, tmp, w, h, face, secs):
    "Generate the clip in `tmp`, run every measurement, print the results; the exit status."
    cores = os.cpu_count()
    print(f'bench_syncnet: {secs:.0f} s {w}x{h} talking clip, offset {OFFSET}, {cores} cores, torch threads {torch.get_num_threads()}'
          ' (timings are noisy on a shared machine)')
    clip, t_gen = timed(make_talking_clip, tmp/'talk.mp4', offset=OFFSET, duration=secs, width=w, height=h, face_size=face, seed=1)
    print(f'  clip generated in {t_gen:.1f} s')
    res = dict(smoke=a.smoke, seconds=secs, width=w, height=h, cores=cores)
    kw = dict(min_track=50, min_face_size=face//2, progress=False, resume=False)

    r, t = timed(process_video, clip, tmp/'base', **kw)
    off = [x['offset'] for x in r['tracks']]
    res['pipeline_baseline'] = dict(wall=round(t, 2), rtf=round(secs/t, 3), offsets=off, timings=r['timings'])
    print(f'  pipeline, baseline:   {t:7.1f} s wall, real-time factor {secs/t:.2f}x, offsets {off}, stages {r["timings"]}')
    ok = off == [OFFSET]

    if not a.no_syncnet:
        net = SyncNet(width=0.125, lip_size=64, embed=128) if a.smoke else SyncNet()
        r, t = timed(process_video, clip, tmp/'sync', model=net.eval(), **kw)
        name = 'small SyncNet' if a.smoke else 'SyncNet v2 size'
        res['pipeline_syncnet'] = dict(model=name, wall=round(t, 2), rtf=round(secs/t, 3), timings=r['timings'])
        print(f'  pipeline, {name}: {t:7.1f} s wall, real-time factor {secs/t:.2f}x (random weights: offsets meaningless), stages {r["timings"]}')

    small = np.stack(list(iter_frames(clip, 0.5)))                    # the frames the default detection sees
    n = len(small)
    batched, single = HaarDetector(), HaarDetector(threads=1)
    tb, ts = bench_detector(batched, small, batched.batch_size), bench_detector(single, small, 1)
    res['haar'] = dict(frames=n, batched_fps=round(n/tb, 1), single_fps=round(n/ts, 1), speedup=round(ts/tb, 2), threads=batched.threads)
    print(f'  Haar, {n} frames at {small.shape[2]}x{small.shape[1]}: batched {n/tb:.1f} frames/s ({batched.threads} threads), '
          f'one at a time {n/ts:.1f} frames/s: batched/single = {ts/tb:.2f}x')

    sd = S3FDNet().state_dict()
    for k in sd:
        if k.endswith('mbox_conf.weight'): sd[k].zero_()
        if k.endswith('mbox_conf.bias'): sd[k].copy_(torch.tensor([0., 0, 0, -20.][:len(sd[k])] if len(sd[k]) == 4 else [0., -20.]))
    torch.save(sd, tmp/'sfd.pth')
    s3 = S3FDDetector(tmp/'sfd.pth', device='cpu')
    quarter = np.stack(list(iter_frames(clip, 0.25, stop=4 if a.smoke else 32)))   # the original pipeline's scale
    m = len(quarter)
    tb, ts = bench_detector(s3, quarter, 8), bench_detector(s3, quarter, 1)
    res['s3fd'] = dict(frames=m, batched_fps=round(m/tb, 2), single_fps=round(m/ts, 2), speedup=round(ts/tb, 2))
    print(f'  S3FD, {m} frames at {quarter.shape[2]}x{quarter.shape[1]}: batched (8) {m/tb:.2f} frames/s, one at a time {m/ts:.2f} frames/s: '
          f'batched/single = {ts/tb:.2f}x')
    res['offset_ok'] = ok
    print('BENCH_SYNCNET ' + json.dumps(res))
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1))
    if not ok: print(f'error: the pipeline measured {off}, expected [{OFFSET}]', file=sys.stderr); return 1
    return 0

if __name__ == '__main__': sys.exit(main())
