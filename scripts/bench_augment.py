#!/usr/bin/env python
"""Benchmark the standard train recipe (random resized crop + horizontal flip + colour jitter + Gaussian noise)
on a batch of clips: videokit.augment (one vectorised call per batch, its own draw per clip) versus
torchvision.transforms.v2 applied clip by clip (a (T, C, H, W) tensor gets one draw for all its frames) and
kornia's VideoSequential (same_on_frame=True). All contenders get the same float32 batch, the same torch
thread count, warm-up runs, and interleaved timed repeats; the median wall time is reported (and the median
process CPU time, which other processes' load disturbs less; with several threads it also counts spin-waits).

Each peer is first run once on a tiny batch; one that does not work here gets one `skip PEER: reason` line and is left
out, one that fails mid-run is reported as failed; videokit's side always runs.

Usage: scripts/bench_augment.py [--smoke] [--clips 16] [--frames 16] [--size 112] [--repeats 9] [--threads 1,2] [--device cpu]
"""
import argparse, statistics, sys, time
import torch
from _bench_peers import failure, scratch_dir, skip_line, try_peer

RECIPE = dict(scale=(0.25, 1.0), ratio=(3/4, 4/3), flip=0.5, jitter=(0.4, 0.4, 0.4, 0.1), jitter_p=0.8, sigma=0.05)

def videokit_recipe(size):
    from videokit.augment import Compose, RandomResizedCrop, RandomHorizontalFlip, ColorJitter, GaussianNoise
    r = RECIPE
    pipe = Compose([RandomResizedCrop(size, scale=r['scale'], ratio=r['ratio']), RandomHorizontalFlip(r['flip']),
                    ColorJitter(*r['jitter'], p=r['jitter_p']), GaussianNoise(sigma=r['sigma'])], seed=0)
    return lambda x: pipe(x)

def torchvision_recipe(size):
    from torchvision.transforms import v2
    r = RECIPE
    pipe = v2.Compose([v2.RandomResizedCrop(size, scale=r['scale'], ratio=r['ratio'], antialias=True),
                       v2.RandomHorizontalFlip(r['flip']), v2.RandomApply([v2.ColorJitter(*r['jitter'])], p=r['jitter_p']),
                       v2.GaussianNoise(sigma=r['sigma'])])
    return lambda x: torch.stack([pipe(clip) for clip in x])          # one draw per clip, shared by its frames

def kornia_recipe(size):
    import kornia.augmentation as K
    r = RECIPE
    seq = K.VideoSequential(K.RandomResizedCrop((size, size), scale=r['scale'], ratio=r['ratio']),
                            K.RandomHorizontalFlip(p=r['flip']), K.ColorJitter(*r['jitter'], p=r['jitter_p']),
                            K.RandomGaussianNoise(std=r['sigma'], p=1.0), data_format='BTCHW', same_on_frame=True)
    return lambda x: seq(x)

CONTENDERS = [('videokit', videokit_recipe, None), ('torchvision.v2 per clip', torchvision_recipe, 'torchvision'),
              ('kornia VideoSequential', kornia_recipe, 'kornia')]              # (name, recipe, peer)

def contenders(size):
    "{name: batch -> batch} for videokit and every peer that ran on a tiny batch here, and {name: why not} (a skip line each)."
    tiny = torch.rand(1, 2, 3, size, size, generator=torch.Generator().manual_seed(1))
    fns, skipped = {}, {}
    for name, make, peer in CONTENDERS:
        if peer is None:
            fns[name] = make(size)
            continue
        def check(make=make):
            f = make(size)
            y = f(tiny)
            if tuple(y.shape) != tuple(tiny.shape): raise ValueError(f'output shape {tuple(y.shape)}, expected {tuple(tiny.shape)}')
            return f
        f, why = try_peer(check)
        if why is None: fns[name] = f
        else:
            skipped[name] = why
            print(skip_line(peer, why))
    return fns, skipped

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--smoke', action='store_true', help='tiny inputs, few repeats (seconds)')
    ap.add_argument('--clips', type=int, default=16); ap.add_argument('--frames', type=int, default=16)
    ap.add_argument('--size', type=int, default=112, help='input and output frame size')
    ap.add_argument('--repeats', type=int, default=9)
    ap.add_argument('--threads', default='1,2', help='torch thread counts to run, e.g. 1,2')
    ap.add_argument('--device', default='cpu')
    a = ap.parse_args(argv)
    with scratch_dir('bench_augment_'): return bench(a)   # nothing of its own on disk, but importing torch._dynamo makes a cache dir

def bench(a):
    "Measure every contender for each thread count."
    if a.smoke: a.clips, a.frames, a.size, a.repeats, a.threads = 4, 4, 32, 3, '1'
    x = torch.rand(a.clips, a.frames, 3, a.size, a.size, generator=torch.Generator().manual_seed(0)).to(a.device)
    print(f'batch: {a.clips} clips x {a.frames}x3x{a.size}x{a.size} float32 on {a.device}, {a.repeats} timed repeats '
          f'(median), torch {torch.__version__}; the machine may be shared: figures are noisy')
    print('recipe: RandomResizedCrop(scale=(0.25, 1)) + HorizontalFlip(0.5) + ColorJitter(0.4, 0.4, 0.4, 0.1, p=0.8) + GaussianNoise(0.05)')
    fns, skipped = contenders(a.size)
    for threads in [int(t) for t in a.threads.split(',')]:
        torch.set_num_threads(threads)
        print(f'\n-- torch threads: {threads}')
        run(fns, skipped, x, a)
    return 0

def run(fns, skipped, x, a):
    "Warm up, time every contender in interleaved rounds, print rates and ratios."
    sync = torch.cuda.synchronize if a.device.startswith('cuda') else (lambda: None)
    failed = {}
    def call(name, f):
        "f(x); a peer that raises is marked failed (and not timed again), videokit's errors propagate."
        if name in failed: return None
        try: return f(x)
        except Exception as e:
            if name == 'videokit': raise
            failed[name] = failure(e)
    for name, f in fns.items():                                        # warm-up, and a shape check
        y = call(name, f)
        if y is not None and tuple(y.shape) != tuple(x.shape): failed[name] = f'output shape {tuple(y.shape)}, expected {tuple(x.shape)}'
    wall, cpu = {n: [] for n in fns}, {n: [] for n in fns}
    for _ in range(a.repeats):                                         # interleaved, so load drifts hit all alike
        for name, f in fns.items():
            if name in failed: continue
            sync(); t, c = time.perf_counter(), time.process_time()
            call(name, f); sync()
            wall[name].append(time.perf_counter() - t); cpu[name].append(time.process_time() - c)
    for name in failed: del wall[name], cpu[name]
    rate = {n: a.clips/statistics.median(ts) for n, ts in wall.items()}
    crate = {n: a.clips/statistics.median(ts) for n, ts in cpu.items()}
    for name, _, _ in CONTENDERS:
        if name in skipped or name in failed:
            print(f'{name:<26} ' + (f'skipped: {skipped[name]}' if name in skipped else f'FAILED: {failed[name]}'))
            continue
        ts = sorted(wall[name])
        print(f'{name:<26} {rate[name]:8.1f} clips/s  median {1000*statistics.median(ts):7.1f} ms/batch (min {1000*ts[0]:.1f}, '
              f'max {1000*ts[-1]:.1f})   CPU {1000*statistics.median(cpu[name]):7.1f} ms/batch')
    for name in rate:
        if name != 'videokit':
            print(f'ratio videokit / {name}: {rate["videokit"]/rate[name]:.2f}x wall, {crate["videokit"]/crate[name]:.2f}x CPU time')
    peers = [n for n in rate if n != 'videokit']
    if peers:
        best = max(peers, key=rate.get)
        print(f'ratio videokit / best peer ({best}): {rate["videokit"]/rate[best]:.2f}x wall')

if __name__ == '__main__': sys.exit(main())
