#!/usr/bin/env python
"""Benchmark the face detectors of videokit.faces on talking-face clips: recall and speed, every frame or every k.

Clips (all detected at facedet_scale 0.5, as the AV-sync pipeline does):
  synthetic   `videokit.synth.make_talking_clip`, seeds 0-3 at 320x240 (face 144 px) and seeds 6-7 at 640x360
              (face 120 px), 100 frames each; ground truth: the drawn face boxes (`talking_face_boxes`).
  real        ../shared/data: syncnet/example.avi (the SyncNet reference clip, a 224x224 face crop, 317 frames),
              streamio-ffmpeg/awesome_movie.mov (a dim webcam clip, 123 frames) and file_with_data_streams.mp4
              (a webcam clip starting on black, 309 frames). No ground truth: the reference is the strongest
              detector here, MTCNN run on every frame at full size (facedet_scale 1, faces from 40 px), so a
              real-clip "recall" is agreement with it (MTCNN's own rows are measured at half size against that).
Detectors: haar (the default), mtcnn (facenet-pytorch, optional), mediapipe (BlazeFace, mediapipe 0.10.21, optional),
each on every frame and with detect_every=k (default 5) with interpolation between. S3FD: its weights
(sfd_face.pth) come from no package registry, so its recall cannot be measured here; its speed is measured with
random weights (face head biased to "no face", so only the network's cost counts) on 64 frames of example.avi,
detection only (no decoding).
A face counts as found when the detection's centre is in the face's box and the face's centre in the detection's
(`videokit.faces.detection_recall`). Speed: frames of video per second of `detect_faces` (decoding, scaling and
detection) on the CPU, over all clips. Ratios are to Haar on every frame, from this one run (2 shared cores: noisy).

  python scripts/bench_faces.py            # all clips (a few minutes on 2 cores)
  python scripts/bench_faces.py --smoke    # two short synthetic clips and example.avi
Prints a table and a final `BENCH_FACES {...}` JSON line (also written to --out). Exit status 0 unless Haar's recall
on the synthetic clips or example.avi falls below 0.95 (the default must keep finding the faces).
"""
import argparse, json, os, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))

import numpy as np
import torch
from videokit.synth import make_talking_clip, talking_face_boxes, test_data_dir
from videokit.faces import (HaarDetector, MTCNNDetector, MediaPipeDetector, S3FDNet, S3FDDetector, detect_faces,
                            detection_recall, detector_available, iter_frames, MTCNN_INSTALL, MEDIAPIPE_INSTALL)
from _bench_peers import scratch_dir

REAL = [('example.avi', ('syncnet', 'example.avi')),
        ('awesome_movie.mov', ('videos', 'streamio-ffmpeg', 'awesome_movie.mov')),
        ('file_with_data_streams.mp4', ('videos', 'streamio-ffmpeg', 'file_with_data_streams.mp4'))]

def timed(fn, *a, **kw):
    t = time.perf_counter()
    r = fn(*a, **kw)
    return r, time.perf_counter() - t

def synthetic_clips(tmp, smoke):
    "[(name, path, per-frame truth)] of the generated talking clips."
    specs = [(0, 320, 240, 144, 20), (6, 640, 360, 120, 20)] if smoke else \
            [(s, 320, 240, 144, 100) for s in range(4)] + [(s, 640, 360, 120, 100) for s in (6, 7)]
    out = []
    for seed, w, h, face, n in specs:
        p = make_talking_clip(tmp/f'talk_{seed}.mp4', n_frames=n, width=w, height=h, face_size=face, seed=seed)
        truth = [b[None] for b in talking_face_boxes(n, w, h, face, seed)]
        out.append((f'synth seed {seed} {w}x{h}', p, truth))
    return out

def s3fd_speed(tmp, clip, n=64):
    "Frames/s of S3FD detection (no decoding) on `clip`'s first n frames at half size, random weights."
    net = S3FDNet()
    for name, p in net.named_parameters():
        if 'mbox_conf' in name and name.endswith('bias'):
            with torch.no_grad(): p.copy_(torch.tensor([10.] * (p.numel() - 1) + [-10.]))
    torch.save(net.state_dict(), tmp/'sfd_random.pth')
    det = S3FDDetector(tmp/'sfd_random.pth', device='cpu')
    frames = list(iter_frames(clip, 0.5, stop=n))
    t = time.perf_counter()
    for i in range(0, len(frames), det.batch_size): det.detect(frames[i:i + det.batch_size])
    return len(frames)/(time.perf_counter() - t)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--smoke', action='store_true', help='two short synthetic clips and example.avi')
    ap.add_argument('--every', type=int, default=5, help='k for the detect-every-k rows')
    ap.add_argument('--out', default=None, help='write the JSON result here')
    a = ap.parse_args()
    with scratch_dir('bench_faces_') as tmp: return bench(a, tmp)

def bench(a, tmp):
    "Make the clips in `tmp`, run every detector on them, print the table; the exit status."
    print(f'bench_faces: {os.cpu_count()} cores, torch threads {torch.get_num_threads()}'
          ' (timings are noisy on a shared machine)')
    synth = synthetic_clips(tmp, a.smoke)
    real = [(n, test_data_dir(*p)) for n, p in (REAL[:1] if a.smoke else REAL)]
    dets = {'haar': HaarDetector()}
    for name, make, install in (('mtcnn', lambda: MTCNNDetector(device='cpu'), MTCNN_INSTALL),
                                ('mediapipe', MediaPipeDetector, MEDIAPIPE_INSTALL)):
        if detector_available(name): dets[name] = make()
        else: print(f'  skip {name}: not installed ({install})')
    ref = {}
    if 'mtcnn' in dets:
        strong = MTCNNDetector(min_face_size=40, device='cpu')      # full size; smaller faces are no talking heads
        for n, p in real:
            ref[n], t = timed(detect_faces, p, strong, 1.0)
            print(f'  reference for {n}: MTCNN at full size, {len(ref[n])} frames, '
                  f'{sum(len(d) > 0 for d in ref[n])} with a face, {t:.1f} s')
    else: print('  real clips: no reference (needs MTCNN); real-clip recall not measured')
    s3 = s3fd_speed(tmp, real[0][1])
    print(f'  s3fd (random weights, detection only): {s3:.1f} frames/s')
    rows = []
    for name, det in dets.items():
        for k in (1, a.every):
            r = dict(detector=name, every=k)
            secs = frames = 0
            per = {}
            for n, p, truth in synth:
                d, t = timed(detect_faces, p, det, 0.5, detect_every=k)
                secs, frames = secs + t, frames + len(d)
                per[n] = detection_recall(d, truth)
            r['synth'] = _pool(per.values())
            r['synth_worst'] = min((v['recall'], n) for n, v in per.items())
            for n, p in real:
                d, t = timed(detect_faces, p, det, 0.5, detect_every=k)
                secs, frames = secs + t, frames + len(d)
                if n in ref: r[n] = detection_recall(d, [x[:, :4] for x in ref[n]])
            r['fps'] = round(frames/secs, 1)
            rows.append(r)
            print(f'  {name:9s} every {k}: {r["fps"]:7.1f} frames/s, synthetic recall {r["synth"]["recall"]}')
    print(table(rows, [n for n, _ in real if n in ref], s3))
    res = dict(smoke=a.smoke, every=a.every, cores=os.cpu_count(), rows=rows, s3fd_fps=round(s3, 1),
               reference='MTCNN (faces from 40 px) at facedet_scale 1 on every frame' if ref else None)
    line = json.dumps(res, default=str)
    print('BENCH_FACES ' + line)
    if a.out: Path(a.out).write_text(line + '\n')
    haar = rows[0]
    ok = haar['synth']['recall'] >= 0.95
    ok = ok and ('example.avi' not in haar or haar['example.avi']['recall'] >= 0.95)
    return 0 if ok else 1

def table(rows, names, s3):
    "The Markdown table of the results, ratios to the first row (Haar on every frame)."
    base = rows[0]
    head = ['detector', 'every', 'synthetic recall', 'extra/frame', 'worst synthetic clip']
    head += [f'{n} vs MTCNN' for n in names] + ['frames/s', 'speed vs Haar']
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|'*len(head)]
    ratio = lambda v, b: f'{v} ({v/b:.2f}x)' if v is not None and b else f'{v}'
    for r in rows:
        cells = [r['detector'], str(r['every']), ratio(r['synth']['recall'], base['synth']['recall']),
                 str(r['synth']['extra_per_frame']), f'{r["synth_worst"][0]} ({r["synth_worst"][1]})']
        cells += [ratio(r[n]['recall'], base[n]['recall']) for n in names]
        cells += [str(r['fps']), f'{r["fps"]/base["fps"]:.2f}x']
        lines.append('| ' + ' | '.join(cells) + ' |')
    s3_cells = ['s3fd (random weights: speed only; sfd_face.pth is in no registry package)', '1']
    s3_cells += ['n/a']*(3 + len(names)) + [f'{s3:.1f} (detection only, 64 frames of example.avi)',
                                             f'{s3/base["fps"]:.2f}x']
    lines.append('| ' + ' | '.join(s3_cells) + ' |')
    return '\n'.join(lines)

def _pool(results):
    "Recall and extra detections per frame over several clips."
    results = list(results)
    faces, found = sum(r['faces'] for r in results), sum(r['found'] for r in results)
    frames = sum(r['frames'] for r in results)
    extra = sum(r['extra_per_frame']*r['frames'] for r in results)
    return dict(frames=frames, faces=faces, found=found, recall=round(found/faces, 4) if faces else None,
                extra_per_frame=round(extra/frames, 4) if frames else None)

if __name__ == '__main__': sys.exit(main())
