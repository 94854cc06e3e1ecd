#!/usr/bin/env python
"""Benchmark videokit.train.fit against a minimal hand-written PyTorch loop, and the data loader against the model.

1. Loop overhead. r3d_18 (random init, 33M parameters) train steps on the CPU at (B=2, T=8, 112x112):

     hand   for x, y in loader: x -> float, /255, normalise, permute to a contiguous (B, C, T, H, W) (a non-contiguous
            permuted input makes conv3d markedly slower on the CPU); loss = cross_entropy;
            zero_grad; backward; clip_grad_norm_(1.0); AdamW step; LambdaLR step      (nothing else)
     fit    videokit.train.fit over the same loader batches with the same maths (AdamW, cosine schedule per step,
            clipping at 1.0, fp32), plus what it adds per step: micro-batch bookkeeping, OOM guard, loss/accuracy
            accumulation, a JSONL step record, callbacks

   Both start from the same weights and read the same synthetic uint8 batches from an in-memory TensorDataset
   (decoding is measured separately, below). Per-step time is the interval between consecutive completed steps
   (the first step is a warm-up and excluded), in wall-clock time and in process CPU time (all threads; much less
   sensitive to other processes on a shared machine), so fit's end-of-epoch work (the checkpoint of model + optimizer,
   about 400 MB for r3d_18) is not in it; it is reported on its own. Runs alternate hand/fit `--reps` times and
   the median per-step time of each is compared: ratio = fit / hand (target <= 1.05).

   On a loaded machine a step's time varies far more than the loop's own cost, so the same two loops are also
   run around a near-free model (a linear layer on 2x8x8 clips, 1 thread, hundreds of steps): the difference
   of their per-step times is fit's fixed cost per step, and (hand step + fixed cost) / hand step is the ratio
   to expect for r3d_18 without the noise.

2. Loader vs model. clips/s of a DataLoader over videokit.data.VideoDataset (8 random frames per clip,
   letterboxed to 112x112, B=2) on generated clips (natural content, 320x240, 25 fps, 2-4 s), with 0 and 2
   workers, against the clips/s the model consumes in a training step (B / hand step time). ratio = loader /
   model: >= 1 means the loader keeps up. (Loader and model are measured apart; in a real run the workers
   compete with the model for the same cores.)

   python scripts/bench_train.py            # full (a few minutes on 2 cores)
   python scripts/bench_train.py --smoke    # tiny3d at 32x32 and tiny clips, < 1 min (used by scripts/test.sh)

The machine may be shared: figures are noisy; the JSON (bench_out/bench_train.json) keeps every run's times.
"""
import argparse, json, math, os, shutil, statistics, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from videokit.models import build_model, clips_to_input
from videokit.recipe import TrainConfig, make_optimizer, make_scheduler
from videokit.train import fit, seed_everything
from videokit.metrics import read_metrics
from _bench_peers import scratch_dir


def batches(n_clips, T, size, seed=0):
    "An in-memory dataset of random uint8 clips (n, T, 3, H, W) with labels."
    g = torch.Generator().manual_seed(seed)
    return TensorDataset(torch.randint(0, 256, (n_clips, T, 3, size, size), dtype=torch.uint8, generator=g),
                         torch.randint(0, 2, (n_clips,), generator=g))


def hand_loop(model, ds, cfg: TrainConfig):
    "The minimal loop; returns the completion time of every step."
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, generator=torch.Generator().manual_seed(0))
    opt = make_optimizer(model, cfg)
    sched = make_scheduler(opt, cfg, len(loader))
    mean = torch.tensor(model.mean).view(1, 3, 1, 1, 1); std = torch.tensor(model.std).view(1, 3, 1, 1, 1)
    model.train(); times = []
    for x, y in loader:
        x = (((x.float()/255).permute(0, 2, 1, 3, 4) - mean)/std).contiguous()
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True); loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.clip_grad)
        opt.step(); sched.step()
        times.append((time.perf_counter(), time.process_time()))
    return times


def fit_loop(model, ds, cfg: TrainConfig, run_dir):
    "videokit's loop; returns step completion times and the end-of-epoch seconds."
    times = []
    cb = lambda event, info: times.append((time.perf_counter(), time.process_time())) if event == 'step' else None
    fit(model, ds, None, cfg, run_dir, callbacks=[cb], progress=False)
    end = time.perf_counter() - times[-1][0]
    return times, end


def per_step(times):
    "(wall, CPU) seconds per step between the first and the last completed step."
    return tuple((times[-1][k] - times[0][k])/(len(times) - 1) for k in (0, 1))


class Linear(torch.nn.Module):
    "A near-free model (a linear layer on 2x8x8 clips): its step time is the loop's own cost."
    classes, binary, mean, std = ['a', 'b'], False, (0.5,)*3, (0.25,)*3
    def __init__(self): super().__init__(); self.fc = torch.nn.Linear(3*2*8*8, 2)
    def prepare(self, x): return clips_to_input(x, self.mean, self.std)
    def forward(self, x): return self.fc(x.flatten(1))


def bench_fixed(steps, reps, tmp):
    "Per-step cost (ms) of each loop around a near-free model, 1 thread: fit's fixed overhead is the difference."
    ds = batches(2*(steps + 1), 2, 8)
    cfg = TrainConfig(epochs=1, batch_size=2, lr=1e-4, clip_grad=1.0, amp=None, tensorboard=False)
    threads = torch.get_num_threads(); torch.set_num_threads(1)
    res = dict(hand=[], fit=[])
    try:
        for r in range(reps):
            seed_everything(0); res['hand'].append(per_step(hand_loop(Linear(), ds, cfg)))
            seed_everything(0); t, _ = fit_loop(Linear(), ds, cfg, tmp/f'fixed_{r}'); res['fit'].append(per_step(t)); shutil.rmtree(tmp/f'fixed_{r}')
    finally: torch.set_num_threads(threads)
    med = lambda which, k: statistics.median(x[k] for x in res[which])*1e3
    return dict(steps=steps, reps=reps, hand_ms=med('hand', 0), fit_ms=med('fit', 0), hand_cpu_ms=med('hand', 1), fit_cpu_ms=med('fit', 1),
                overhead_ms=med('fit', 0) - med('hand', 0), overhead_cpu_ms=med('fit', 1) - med('hand', 1), runs=res)


def bench_loop(backbone, T, size, steps, reps, tmp, kw):
    # the first step of each run is excluded as a warm-up; steps + 1 batches give `steps` timed intervals
    ds = batches(2*(steps + 1), T, size)
    cfg = TrainConfig(epochs=1, batch_size=2, lr=1e-4, clip_grad=1.0, amp=None, tensorboard=False)
    res = dict(hand=[], fit=[], fit_epoch_end=[])
    for r in range(reps):
        for which in ('hand', 'fit'):
            seed_everything(0); model = build_model(backbone, 2, dropout=0.0, backbone_kw=kw)
            if which == 'hand': res['hand'].append(per_step(hand_loop(model, ds, cfg)))
            else:
                d = tmp/f'run_{r}'; t, end = fit_loop(model, ds, cfg, d)
                res['fit'].append(per_step(t)); res['fit_epoch_end'].append(end); shutil.rmtree(d)
            w, c = res[which][-1]
            print(f'  rep {r + 1} {which:>4}: {w:.4f} s/step wall, {c:.4f} CPU-s/step', flush=True)
    med = lambda which, k: statistics.median(x[k] for x in res[which])
    h, f, hc, fc = med('hand', 0), med('fit', 0), med('hand', 1), med('fit', 1)
    return dict(backbone=backbone, shape=[2, T, 3, size, size], steps=steps, reps=reps, hand_s_per_step=h, fit_s_per_step=f,
                ratio=f/h, hand_cpu_per_step=hc, fit_cpu_per_step=fc, cpu_ratio=fc/hc,
                fit_epoch_end_s=statistics.median(res['fit_epoch_end']), runs=res)


def loader_rate(dl, passes):
    "Clips/s delivered by a DataLoader after its first batch of each pass (which pays for worker start-up)."
    clips, secs = 0, 0.0
    for _ in range(passes):
        t0 = None
        for b in dl:
            if t0 is None: t0 = time.perf_counter(); continue
            clips += len(b[1])
        if t0 is not None: secs += time.perf_counter() - t0
    return clips/secs if secs else float('nan')


def bench_loader(root, smoke, T, size, model_clips_per_s, tmp):
    from videokit.synth import make_clip
    from videokit.data import VideoDataset, collate_clips
    n, (w, h), durs = (6, (64, 48), (0.4, 0.6)) if smoke else (16, (320, 240), (2.0, 3.0, 4.0))
    for i in range(n):
        p = root/('a' if i % 2 else 'b')/f'clip_{i:03d}.mp4'
        if not p.exists(): p.parent.mkdir(parents=True, exist_ok=True); make_clip(p, width=w, height=h, duration=durs[i % len(durs)], content='natural', audio=False, seed=i)
    ds = VideoDataset(root, frames=T, size=size, sampler='random')
    out = {}
    for workers in (0, 2):
        dl = DataLoader(ds, batch_size=2, shuffle=True, num_workers=workers, collate_fn=collate_clips)
        rate = loader_rate(dl, 1 if smoke else 2)
        out[workers] = dict(clips_per_s=rate, ratio_to_model=rate/model_clips_per_s)
        print(f'  loader, {workers} workers: {rate:.1f} clips/s ({rate/model_clips_per_s:.2f}x what the model consumes)', flush=True)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--smoke', action='store_true', help='tiny model and inputs, < 1 min')
    ap.add_argument('--steps', type=int, default=None, help='train steps per run (default 8; smoke 20)')
    ap.add_argument('--reps', type=int, default=None, help='alternating hand/fit runs (default 3; smoke 2)')
    ap.add_argument('--out', default=None, help='JSON results (default bench_out/bench_train.json; smoke: a temp dir)')
    a = ap.parse_args(argv)
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    with scratch_dir('bench_train_') as tmp:      # run folders, smoke clips, torch's compile cache: removed at exit
        if a.smoke: backbone, T, size, kw, steps, reps = 'tiny3d', 8, 32, {'width': 8}, a.steps or 20, a.reps or 2
        else: backbone, T, size, kw, steps, reps = 'r3d_18', 8, 112, {}, a.steps or 8, a.reps or 3
        fixed = bench_fixed(100 if a.smoke else 300, 3, tmp)
        print(f"fixed cost per step around a near-free model (1 thread, {fixed['steps']} steps x {fixed['reps']}): hand {fixed['hand_ms']:.2f} ms, "
              f"fit {fixed['fit_ms']:.2f} ms wall; CPU {fixed['hand_cpu_ms']:.2f} vs {fixed['fit_cpu_ms']:.2f} ms: fit adds {fixed['overhead_ms']:.2f} ms "
              f"({fixed['overhead_cpu_ms']:.2f} CPU-ms) per step", flush=True)
        print(f'videokit.train.fit vs a hand-written loop: {backbone}, (B=2, T={T}, {size}x{size}), CPU, {torch.get_num_threads()} threads, '
              f'{steps} steps x {reps} reps (load average {os.getloadavg()[0]:.1f})', flush=True)
        loop = bench_loop(backbone, T, size, steps, reps, tmp, kw)
        model_rate = 2/loop['hand_s_per_step']
        print(f"  median wall: hand {loop['hand_s_per_step']:.4f} s/step, fit {loop['fit_s_per_step']:.4f} s/step: overhead ratio {loop['ratio']:.3f} (target <= 1.05)")
        print(f"  median CPU:  hand {loop['hand_cpu_per_step']:.4f} CPU-s/step, fit {loop['fit_cpu_per_step']:.4f}: CPU ratio {loop['cpu_ratio']:.3f}")
        expected = (loop['hand_s_per_step'] + fixed['overhead_ms']/1e3)/loop['hand_s_per_step']
        print(f"  expected from the fixed cost: {expected:.4f} (hand step + {fixed['overhead_ms']:.2f} ms)")
        print(f"  fit's end of epoch (checkpoint of model + optimizer, summary): {loop['fit_epoch_end_s']:.2f} s", flush=True)
        print(f'data loader vs model consumption ({model_rate:.2f} clips/s in training):', flush=True)
        data_root = tmp/'clips' if a.smoke else ROOT/'bench_out'/'train_clips'
        loader = bench_loader(data_root, a.smoke, T, size, model_rate, tmp)
        summary = dict(smoke=a.smoke, fixed=fixed, expected_ratio=expected, loop=loop, model_clips_per_s=model_rate, loader=loader, load_average=os.getloadavg(),
                       torch=torch.__version__, threads=torch.get_num_threads())
        out = Path(a.out) if a.out else (tmp/'bench_train.json' if a.smoke else ROOT/'bench_out'/'bench_train.json')
        out.parent.mkdir(parents=True, exist_ok=True)
        t = out.with_suffix('.tmp'); t.write_text(json.dumps(summary, indent=1, default=str)); os.replace(t, out)
        print('BENCH_TRAIN ' + json.dumps(dict(overhead_ratio=round(loop['ratio'], 3), cpu_ratio=round(loop['cpu_ratio'], 3),
                                               expected_ratio=round(expected, 4), fixed_overhead_ms=round(fixed['overhead_ms'], 3),
                                               loader_to_model={str(k): round(v['ratio_to_model'], 2) for k, v in loader.items()})))
    return 0


if __name__ == '__main__':
    sys.exit(main())
