#!/usr/bin/env python
"""Benchmark videokit.media against the ffmpeg CLI (and PySceneDetect for shot cuts), on the same generated clips.

Clip: `videokit.synth.make_clip`, natural content, 640x360, 25 fps, 60 s, a keyframe every 50 frames, AAC audio
(smoke: 320x180, 8 s). For each job it times videokit and its peers and checks what they wrote:

  extract audio     extract_audio(clip, wav)  vs  ffmpeg -i clip -vn -ac 1 -ar 16000 -c:a pcm_s16le wav, in --pairs
                    alternating pairs like the fps row (each run takes about a tenth of a second)
  chunks (aligned)  chunk_by_time(10 s, overlap 2 s): every cut on a keyframe, so videokit copies
                    vs  ffmpeg -ss S -i clip -t 10 -c copy  (the usual fast script)
  chunks (any)      chunk_by_time(10 s, overlap 3 s): cuts between keyframes, videokit smart-cuts those (re-encodes
                    the frames up to the next keyframe, copies the rest; audio packets copied)
                    vs  ffmpeg -ss S -i clip -t 10 -c copy  into mp4 (extra frames hidden by an edit list) and
                        into mkv (extra frames kept), and  ffmpeg -ss S -i clip -t 10 -c:v libx264 -preset veryfast
                        -crf 18 -c:a aac  (the exact but slow script)
  constant fps      resample_fps(clip, 30)  vs  ffmpeg -i clip -vf fps=30 -c:v libx264 -preset veryfast -crf 18 -c:a aac,
                    in --pairs (default 3) back-to-back pairs, which one runs first alternating (both are CPU-bound on
                    a shared machine: one pair is noise); the row gives the median times and every pair's ratio
  shot cuts         detect_scenes on a 5-shot clip  vs  PySceneDetect AdaptiveDetector (skipped if not installed)

A chunk is *exact* when a libav reader finds exactly the frames of its span in it (count by timestamp) and its
first frame is the source frame at the span's start (matched by picture among the neighbouring source frames).
Ratios are peer time / videokit time (> 1: videokit faster). Targets (issue 16): cuts anywhere >= 0.5x ffmpeg copy
and >= 5x ffmpeg re-encode; cuts on keyframes >= 1x ffmpeg copy; 25 -> 30 fps >= 1x ffmpeg. Timing only, never a failure; the exit status is
non-zero only if a videokit output is wrong (inexact chunk, wrong sample count, wrong frame count).
Peers are probed first (scripts/_bench_peers.py: the ffmpeg CLI decodes and re-encodes a tiny clip, PySceneDetect
runs on it); one that does not work here gets one `skip PEER: reason` line; one that fails mid-run is marked failed
in its row. videokit's side always runs, and the work folder is removed at exit (smoke) whatever happens.

  python scripts/bench_media.py            # 60 s 640x360 clip in bench_out/media
  python scripts/bench_media.py --smoke    # 8 s 320x180 clip in a temp dir, well under a minute
"""
import argparse, json, shutil, subprocess, sys, time, wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))

import av
import numpy as np
from videokit.synth import make_clip, synth_frames
from videokit.sample import read_frames, count_frames
from videokit.core import VideoIndex
from videokit.media import extract_audio, resample_fps, detect_scenes
from videokit.chunks import chunk_by_time, time_spans
from _bench_peers import usable_peers, failure, scratch_dir

FF = None                       # the ffmpeg CLI, once its probe passed

def timed(fn):
    t = time.perf_counter(); r = fn(); return r, time.perf_counter() - t

def ffmpeg(*args):
    "Run the ffmpeg CLI; a failure raises with its exit status and last error line."
    r = subprocess.run([FF, '-nostdin', '-v', 'error', '-y', *map(str, args)], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, errors='replace')
    if r.returncode: raise RuntimeError(f'ffmpeg exited with {r.returncode}: ' + (r.stderr.strip().splitlines() or ['no message'])[-1])

def first_frame_offset(chunk, src, a):
    "Offset (frames) of the chunk's first picture from source frame `a`, by best match among a-54..a+4 (None if unreadable)."
    try: x = read_frames(chunk, [0]).float()
    except Exception: return None
    cand = [i for i in range(a - 54, a + 5) if 0 <= i < count_frames(src)]
    ys = read_frames(src, cand).float()
    return cand[int(((ys - x)**2).mean((1, 2, 3)).argmin())] - a

def chunk_exactness(chunks, src, spans):
    "[(exact?, frames found - frames wanted, first-frame offset)] per chunk; `chunks` are paths in span order."
    ix = VideoIndex(src); out = []
    for p, (s, e) in zip(chunks, spans):
        a, b = ix.frames_in(s, e)
        n = count_frames(p) if Path(p).exists() else 0
        off = first_frame_offset(p, src, a)
        out.append((n == b - a and off == 0, n - (b - a), off))
    return out

def ffmpeg_chunks(src, out_dir, spans, encode, ext='.mp4'):
    out_dir.mkdir(parents=True, exist_ok=True); paths = []
    for k, (s, e) in enumerate(spans):
        p = out_dir/f'ff_{k:04d}{ext}'
        codec = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-c:a', 'aac'] if encode else ['-c', 'copy']
        ffmpeg('-ss', f'{float(s):.6f}', '-i', src, '-t', f'{float(e - s):.6f}', *codec, p); paths.append(p)
    return paths

def summary(ex):
    return f"{sum(e for e, _, _ in ex)}/{len(ex)} exact" + ('' if all(e for e, _, _ in ex) else
           f" (frame count off by {sorted({d for _, d, _ in ex})}, first frame off by {sorted({o for _, _, o in ex}, key=str)})")

def shots_clip(path, parts, size, fps=25):
    "A clip made of shots [(n_frames, content, seed)] (hard cuts between them)."
    w, h = size
    with av.open(str(path), 'w') as c:
        vs = c.add_stream('libx264', rate=fps, options={'preset': 'veryfast'}); vs.width, vs.height, vs.pix_fmt = w, h, 'yuv420p'
        i = 0
        for n, content, seed in parts:
            for buf in synth_frames(n, w, h, content, seed):
                f = av.VideoFrame.from_ndarray(buf, format='yuv420p'); f.pts = i; i += 1; c.mux(vs.encode(f))
        c.mux(vs.encode())
    return path

def run_peer(line, key, job):
    "Run a peer's `job() -> (seconds, check text)` for `line`: its time under `key`, or the peer marked failed there."
    try: secs, note = job()
    except Exception as e:
        line.setdefault('failed', {})[key] = failure(e)
        return
    line[key] = secs
    line['check'] += f'; {note}'

def ffmpeg_job(args, out, check):
    "A peer job: time `ffmpeg ARGS OUT`, then describe OUT with `check(out)`."
    def job():
        _, t = timed(lambda: ffmpeg(*args, out))
        return t, check(out)
    return job

def paired(line, vk_job, ff_job, pairs):
    """Time `vk_job() -> result` and the ffmpeg `ff_job` in `pairs` back-to-back pairs, which one runs first alternating;
    put the median times and every pair's ratio in `line`. Returns videokit's last result."""
    t_vk, t_ff, ff = [], [], {}
    for k in range(pairs if FF else 1):
        for who in ('vk', 'ff') if k % 2 == 0 else ('ff', 'vk'):
            if who == 'vk':
                r, t = timed(vk_job)
                t_vk.append(t)
            elif FF and 'failed' not in ff:
                try: t, ff['note'] = ff_job()
                except Exception as e: ff['failed'] = failure(e)
                else: t_ff.append(t)
    line['videokit'] = float(np.median(t_vk))
    if 'failed' in ff: line['failed'] = dict(ffmpeg=ff['failed'])
    elif t_ff:
        line['ffmpeg'], line['pair_ratios'] = float(np.median(t_ff)), [round(f/v, 3) for f, v in zip(t_ff, t_vk)]
        line['check'] += (f"; {ff['note']}; median of {len(t_ff)} alternating pairs, each pair's ratio "
                          + ' '.join(f'{x:.2f}' for x in line['pair_ratios']))
    return r

def chunks_job(clip, folder, spans, encode, ext, name):
    "A peer job: cut `spans` with the ffmpeg CLI into `folder`, then check them."
    def job():
        paths, t = timed(lambda: ffmpeg_chunks(clip, folder, spans, encode, ext))
        return t, f'{name} {summary(chunk_exactness(paths, clip, spans))}'
    return job

def bench(a, work, peers):
    "Every job on a clip made in `work`: ([rows], videokit outputs all right?)."
    (w, h), secs = ((320, 180), 8) if a.smoke else ((640, 360), 60)
    clip, t_make = timed(lambda: make_clip(work/'clip.mp4', width=w, height=h, n_frames=secs*25, gop=50, content='natural', audio=True))
    print(f'clip: {w}x{h}, 25 fps, {secs} s, keyframe every 2 s, AAC 16 kHz mono (made in {t_make:.1f} s)')
    print('(timings are wall-clock on a shared machine; treat ratios as rough)\n')
    rows, ok = [], True

    # extract audio: alternating pairs (a tenth of a second each: one run is noise)
    def wav_frames(path):
        with wave.open(str(path)) as f: return f'ffmpeg: {f.getnframes()} samples'
    ff_wav = ffmpeg_job(('-i', clip, '-vn', '-ac', 1, '-ar', 16000, '-c:a', 'pcm_s16le'), work/'ff.wav', wav_frames)
    line = dict(job='extract audio', check='')
    r = paired(line, lambda: extract_audio(clip, work/'vk.wav'), ff_wav, a.pairs)
    line['check'] = f"{r['samples']} samples" + line['check']
    ok &= r['samples'] == secs*16000
    rows.append(line)

    # chunks
    for name, d, o in (('chunks, cuts on keyframes', 10 if not a.smoke else 4, 2), ('chunks, cuts anywhere', 10 if not a.smoke else 4, 3 if not a.smoke else 1.4)):
        spans = time_spans(secs, d, o)
        recs, t_vk = timed(lambda: chunk_by_time(clip, work/f'vk_{o}', d, o, progress=False, resume=False))
        ex = chunk_exactness([r['path'] for r in recs], clip, spans); ok &= all(e for e, _, _ in ex)
        methods = ''.join(r['method'][0] for r in recs)
        line = dict(job=f'{name} ({d} s, overlap {o} s)', videokit=t_vk, check=f'videokit {summary(ex)}, methods {methods}')
        if FF:
            run_peer(line, 'ffmpeg_copy', chunks_job(clip, work/f'ffcopy_{o}', spans, False, '.mp4', 'ffmpeg copy'))
            if methods.strip('c'):
                run_peer(line, 'ffmpeg_copy_mkv', chunks_job(clip, work/f'ffcopymkv_{o}', spans, False, '.mkv', 'ffmpeg copy to mkv'))
                run_peer(line, 'ffmpeg_encode', chunks_job(clip, work/f'ffenc_{o}', spans, True, '.mp4', 'ffmpeg encode'))
        rows.append(line)

    # constant frame rate: alternating pairs
    ff_job = ffmpeg_job(('-i', clip, '-vf', 'fps=30', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', 18, '-c:a', 'aac'),
                        work/'ff30.mp4', lambda p: f'ffmpeg: {count_frames(p)} frames')
    line = dict(job='25 -> 30 fps', check='')
    r = paired(line, lambda: resample_fps(clip, work/'vk30.mp4', 30), ff_job, a.pairs)
    line['check'] = f"{r['frames']} frames" + line['check']
    ok &= r['frames'] == secs*30 and count_frames(work/'vk30.mp4') == secs*30
    rows.append(line)

    # shot cuts
    n = 60 if a.smoke else 300
    shots = shots_clip(work/'shots.mp4', [(n, 'natural', 1), (n, 'natural', 2), (n, 'square', 0), (n, 'natural', 3)], (w, h))
    want = [n, 2*n, 3*n]
    r, t_vk = timed(lambda: detect_scenes(shots))
    got = [c['frame'] for c in r['cuts']]; ok &= got == want
    line = dict(job=f'shot cuts ({4*n} frames, 3 cuts)', videokit=t_vk, check=f'videokit cuts {got}')
    if 'scenedetect' in peers:
        def scenes():
            from scenedetect import detect, AdaptiveDetector
            sd, t = timed(lambda: detect(str(shots), AdaptiveDetector()))
            return t, f'PySceneDetect {[s[0].frame_num for s in sd][1:]}'
        run_peer(line, 'pyscenedetect', scenes)
    rows.append(line)
    return rows, ok, dict(width=w, height=h, seconds=secs)

def main():
    global FF
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--smoke', action='store_true'); ap.add_argument('--out', default=None)
    ap.add_argument('--pairs', type=int, default=3, help='alternating videokit/ffmpeg pairs (extract audio, 25 -> 30 fps)')
    a = ap.parse_args()
    peers, skipped = usable_peers(['ffmpeg', 'scenedetect'])   # each runs once on a tiny clip; a skip line if it cannot
    if 'ffmpeg' in peers: FF = shutil.which('ffmpeg')
    with scratch_dir('bench_media_') as tmp:       # the smoke work folder: removed at exit whatever happens
        work = tmp if a.smoke else ROOT/'bench_out'/'media'
        if not a.smoke:
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True, exist_ok=True)
        rows, ok, clip = bench(a, work, peers)
    names = ('ffmpeg', 'ffmpeg_copy', 'ffmpeg_copy_mkv', 'ffmpeg_encode', 'pyscenedetect')
    for r in rows:
        ratios = [f'{p} {r[p]:.2f} s = {r[p]/r["videokit"]:.2f}x' for p in names if p in r]
        ratios += [f'{p} FAILED' for p in r.get('failed', {})]
        print(f"{r['job']:<42} videokit {r['videokit']:.2f} s | {', '.join(ratios) or 'no peer'}\n    {r['check']}")
        for p, why in r.get('failed', {}).items(): print(f'    {p} failed: {why}')
    res = dict(smoke=a.smoke, clip=clip, ok=bool(ok), skipped=skipped,
               rows=[{k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()} for r in rows])
    print('\nBENCH_MEDIA ' + json.dumps(res))
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1))
    return 0 if ok else 1

if __name__ == '__main__': sys.exit(main())
