#!/usr/bin/env python
"""Benchmark the AV-sync pipeline (videokit.avsync, videokit.syncnet) on a synthetic talking clip.

On one generated clip (`videokit.synth.make_talking_clip`, 640x360, 25 fps, 60 s, face 200 px high, audio
leading by 2 frames) it prints the rows of issue 16's table, real-time factor = clip seconds / wall seconds
(> 1: faster than real time):

  pipeline, training-free estimator   process_video(model=None) without the visualisation (the batch default):
                                      shots, Haar detection, tracks, crops, baseline scores
  "visualise" stage                   the same run's visualisation (boxes video, encoded in a background thread)
  pipeline, full-size SyncNet         the same with a SyncNet of the published v2 size (13.6 M parameters; random
                                      weights, since the published ones cannot be downloaded here: the cost is the
                                      same), float32 (exact) with the default face detection (every 5th frame and
                                      every frame between two that disagree); again with precision='bfloat16'
                                      (opt-in); and float32 with faces detected on every frame (detect_every=1)
  SyncNet embeddings                  the lip and audio embeddings of the same windows computed as before
                                      (SyncNet.forward_lip on 3-D BGR windows, forward_aud, batches of 20) and by
                                      SyncNetEmbedder (2-D layers, batch norm folded, channels-last), float32 and
                                      bfloat16; the largest float32 difference is printed too
  Haar / S3FD detection               batched vs one frame at a time, on the same frames

and a final `BENCH_SYNCNET {...}` JSON line (also written to --out). No peer: the original pipeline
(syncnet_python) needs CUDA and model downloads; it is not runnable here. Everything it writes (clip, pipeline
outputs, weights) is in a temporary folder removed at exit, whatever happens.
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
from videokit.syncnet import SyncNet, SyncNetEmbedder, audio_mfcc
from videokit.media import load_audio
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

def embeddings_before(net, frames, mf, batch=20):
    "Lip and audio embeddings as computed before SyncNetEmbedder: 3-D BGR float windows through the training module."
    lips, auds = [], []
    with torch.no_grad():
        for i in range(0, len(frames) - 4, batch):
            x = torch.from_numpy(np.ascontiguousarray(frames[i:i + batch + 4][..., ::-1])).permute(3, 0, 1, 2).float()
            lips.append(net.forward_lip(x.unfold(1, 5, 1).permute(1, 0, 4, 2, 3).contiguous()))
        for i in range(0, len(mf), batch): auds.append(net.forward_aud(mf[i:i + batch]))
    return torch.cat(lips), torch.cat(auds)

def embeddings_now(net, frames, mf, dtype, batch=20):
    "The same embeddings through SyncNetEmbedder (the scorer's batches: `batch` lip windows, 100 audio windows)."
    emb = SyncNetEmbedder(net, dtype)
    fr = torch.from_numpy(frames)
    lips = [emb.embed_lips(fr[i:i + batch + 4]) for i in range(0, len(frames) - 4, batch)]
    return torch.cat(lips), torch.cat([emb.embed_audio(mf[i:i + 100]) for i in range(0, len(mf), 100)])

def bench_embeddings(net, crops, audio, res):
    "Time the embeddings of the same windows before and now (float32, bfloat16); print the ratios."
    n = len(crops) - 4
    cc = torch.from_numpy(audio_mfcc(audio))
    mf = torch.stack([cc[:, 4*j:4*j + 20] for j in range(n)])[:, None]
    (v0, a0), t0 = timed(embeddings_before, net, crops, mf)
    (v1, a1), t1 = timed(embeddings_now, net, crops, mf, torch.float32)
    (v2, a2), t2 = timed(embeddings_now, net, crops, mf, torch.bfloat16)
    rel = lambda a, b: float((a - b).norm()/b.norm())
    res['embeddings'] = dict(windows=n, before=round(t0, 2), float32=round(t1, 2), bfloat16=round(t2, 2),
                             speedup_float32=round(t0/t1, 2), speedup_bfloat16=round(t0/t2, 2),
                             float32_rel_diff=max(rel(v1, v0), rel(a1, a0)), bfloat16_rel_diff=max(rel(v2, v0), rel(a2, a0)))
    e = res['embeddings']
    print(f'| SyncNet embeddings, {n} windows (lips + audio) | float32 {t1:.2f} s / bfloat16 {t2:.2f} s | before {t0:.2f} s | '
          f'{t0/t1:.2f}x / {t0/t2:.2f}x |   (relative difference to before: float32 {e["float32_rel_diff"]:.1e}, '
          f'bfloat16 {e["bfloat16_rel_diff"]:.1e})')

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--smoke', action='store_true', help='tiny inputs, well under a minute')
    ap.add_argument('--seconds', type=float, default=60.0, help='clip length')
    ap.add_argument('--no-syncnet', action='store_true', help='skip the full-size SyncNet pipeline run')
    ap.add_argument('--no-detectors', action='store_true', help='skip the Haar and S3FD detection rows')
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
    print('| job | videokit | peer | ratio |\n|---|---|---|---|')

    r, t = timed(process_video, clip, tmp/'base', visualise=True, **kw)
    off = [x['offset'] for x in r['tracks']]
    vis = r['timings']['visualise']
    res['pipeline_baseline'] = dict(wall=round(t - vis, 2), rtf=round(secs/(t - vis), 3), offsets=off, timings=r['timings'])
    res['visualise'] = dict(seconds=vis, of_wall_with_it=round(t, 2))
    print(f'| SyncNet pipeline, training-free estimator, {secs:.0f} s {w}x{h} (no visualisation) | {t - vis:.1f} s | '
          f'real time {secs:.0f} s | {secs/(t - vis):.2f}x real time |   offsets {off}, stages {r["timings"]}')
    print(f'| "visualise" stage of the pipeline (encoder in a background thread) | {vis:.1f} s of {t:.1f} s | | |')
    ok = off == [OFFSET]

    if not a.no_syncnet:
        net = (SyncNet(width=0.125, lip_size=64, embed=128) if a.smoke else SyncNet()).eval()
        name = 'small SyncNet' if a.smoke else 'full-size SyncNet (v2 size)'
        for prec, every in (('float32', None), ('bfloat16', None), ('float32', 1)):   # None: the default (5)
            key = prec + ('' if every is None else f'_every{every}')
            r, t = timed(process_video, clip, tmp/f'sync_{key}', model=net, visualise=False, precision=prec,
                         **kw, **({} if every is None else dict(detect_every=every)))
            sc = r['timings']['crop_score']
            res[f'pipeline_syncnet_{key}'] = dict(model=name, wall=round(t, 2), rtf=round(secs/t, 3), scoring=sc,
                                                 timings=r['timings'])
            how = prec + (', faces every 5 frames and where those disagree (default)' if every is None else ', faces detected on every frame')
            print(f'| SyncNet pipeline, {name}, {how} | {t:.1f} s (crops + scoring {sc:.1f} s) | real time {secs:.0f} s | '
                  f'{secs/t:.2f}x real time |   (random weights: offsets meaningless) stages {r["timings"]}')
        crops = np.stack(list(iter_frames(tmp/'sync_float32'/'pycrop'/'00000.avi', stop=12 if a.smoke else 204)))
        audio, _ = load_audio(tmp/'sync_float32'/'pycrop'/'00000.avi', 16000)
        bench_embeddings(net, crops, audio, res)

    if not a.no_detectors: bench_detectors(a, tmp, clip, res)
    res['offset_ok'] = ok
    print('BENCH_SYNCNET ' + json.dumps(res))
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1))
    if not ok: print(f'error: the pipeline measured {off}, expected [{OFFSET}]', file=sys.stderr); return 1
    return 0

def bench_detectors(a, tmp, clip, res):
    "Haar and S3FD, batched vs one frame at a time."
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

if __name__ == '__main__': sys.exit(main())
