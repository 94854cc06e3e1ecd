#!/usr/bin/env python
"""Benchmark videokit.explain.GradCAM3d against pytorch-grad-cam (`grad-cam`) and captum on the same model and inputs.

r3d_18 (torchvision, random init, eval mode) at layer4, a batch of B=4 clips of T=16 frames at 112x112, on the CPU,
one explanation = one forward + one backward + the map upsampled to the clip (B maps of 16x112x112):

    videokit          GradCAM3d(model, 'layer4')(x, targets)                      trilinear, per-clip min-max
    videokit-spline   the same with interpolation='spline'                          pytorch-grad-cam's cubic zoom
    grad-cam          pytorch_grad_cam.GradCAM(model, [layer4])(x, targets)         scipy.ndimage.zoom(order=3)
    captum            LayerGradCam(model, layer4).attribute(x, targets, relu_attributions=True)
                      + LayerAttribution.interpolate(..., 'trilinear')              (no normalisation)

Each runs once to warm up, then `--reps` times, the runners alternating; the median wall-clock and process CPU
time per call give maps/s (B / time). ratio = videokit maps/s / peer maps/s (> 1: videokit is faster). A peer
that is not installed prints one `skip PEER: reason` line; videokit's side still runs.

    python scripts/bench_explain.py            # full: B=4, T=16, 112x112 (about a minute on 2 cores)
    python scripts/bench_explain.py --smoke    # B=1, T=4, 32x32, one rep, no warm-up (seconds; used by scripts/test.sh)
"""
import argparse, statistics, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))

import numpy as np
import torch
import torchvision

from videokit.explain import GradCAM3d


def runners(model, x, targets):
    "{name: fn() -> maps} for videokit and every installed peer; skip lines for the others."
    layer = model.layer4
    run = {'videokit': lambda: GradCAM3d(model, 'layer4')(x, targets),
           'videokit-spline': lambda: GradCAM3d(model, 'layer4', interpolation='spline')(x, targets)}
    try:
        from pytorch_grad_cam import GradCAM
        from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
        def gradcam():
            with GradCAM(model=model, target_layers=[layer]) as cam:
                return cam(input_tensor=x, targets=[ClassifierOutputTarget(int(t)) for t in targets])
        run['grad-cam'] = gradcam
    except ImportError as e: print(f'skip grad-cam: {e} (pip install grad-cam)')
    try:
        from captum.attr import LayerGradCam, LayerAttribution
        def captum():
            a = LayerGradCam(model, layer).attribute(x, target=list(targets), relu_attributions=True)
            return LayerAttribution.interpolate(a, tuple(x.shape[2:]), interpolate_mode='trilinear')
        run['captum'] = captum
    except ImportError as e: print(f'skip captum: {e} (pip install captum)')
    return run


def measure(run:dict, reps:int, warmup:bool=True) -> dict:
    "Median wall and CPU seconds per call of every runner (one warm-up call each, then alternating reps)."
    if warmup:
        for fn in run.values(): fn()
    wall, cpu = {k: [] for k in run}, {k: [] for k in run}
    for _ in range(reps):
        for k, fn in run.items():
            w, c = time.perf_counter(), time.process_time()
            fn()
            wall[k].append(time.perf_counter() - w); cpu[k].append(time.process_time() - c)
    return {k: (statistics.median(wall[k]), statistics.median(cpu[k])) for k in run}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--smoke', action='store_true', help='tiny inputs, one rep (CI)')
    p.add_argument('--reps', type=int, default=3)
    p.add_argument('--threads', type=int, default=2, help='torch CPU threads')
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    B, T, S, reps = (1, 4, 32, 1) if a.smoke else (4, 16, 112, a.reps)
    torch.manual_seed(0)
    model = torchvision.models.video.r3d_18(weights=None).eval()
    x = torch.randn(B, 3, T, S, S)
    targets = [int(t) for t in torch.randint(0, 400, (B,))]
    run = runners(model, x, targets)
    ours = run['videokit']()
    assert ours.shape == (B, T, S, S) and float(ours.max()) == 1.0, 'videokit gave no map'
    if 'grad-cam' in run:   # same maps as the peer before timing it
        err = float(np.abs(run['videokit-spline']().numpy() - run['grad-cam']()).max())
        print(f'videokit-spline vs grad-cam: max |difference| {err:.1e}')
    print(f'r3d_18 layer4, B={B}, T={T}, {S}x{S}, CPU threads {a.threads}, {reps} reps (median)')
    res = measure(run, reps, warmup=not a.smoke)
    vk_wall, vk_cpu = res['videokit']
    for k, (w, c) in res.items():
        line = f'{k:>16}: {B/w:7.2f} maps/s wall ({w:.3f} s/call), {B/c:7.2f} maps/s CPU'
        if not k.startswith('videokit'): line += f'  ratio videokit/{k}: {w/vk_wall:.2f} wall, {c/vk_cpu:.2f} CPU'
        elif k != 'videokit': line += f'  (videokit {w/vk_wall:.2f}x the time)'
        print(line)


if __name__ == '__main__': main()
