"""Shared by scripts/bench_*.py: decide whether a benchmark peer is usable by exercising it once on a tiny input.

Importing a peer proves little: `import torchcodec` succeeds on a machine without FFmpeg's shared libraries and
fails at the first decode (inside a DataLoader worker, for instance). So `probe_peers` runs each peer once on a
tiny generated clip in a fresh Python process with a timeout (a crash or a hang cannot take the benchmark down),
and gives a one-line reason for every peer that did not work. A benchmark prints `skip PEER: <reason>` for it,
leaves it out and still measures videokit. A peer that fails later, mid-run, is reported with `failure(exc)` as
that peer's failure, never as a crash of the benchmark. `scratch_dir` is the one temporary folder of a benchmark,
removed at exit whatever happens (torch's compile cache, which importing torch._dynamo creates, goes in it too).
"""
import contextlib, os, re, shutil, signal, subprocess, sys, tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

FFMPEG_HINT = 'install Debian ffmpeg: apt-get install ffmpeg'
INSTALL = {'torchcodec': 'pip install torchcodec', 'decord': 'pip install decord', 'opencv': 'pip install opencv-python-headless',
           'scenedetect': 'pip install scenedetect-headless', 'kornia': 'pip install kornia'}

# Python run as `python -c CODE CLIP` (CLIP: a 64x48, 12-frame H.264 + AAC mp4); it exits 0 and prints the peer's
# version when the peer did what the benchmarks ask of it.
PROBES = {
    'torchcodec': '''
import sys, torchcodec
from torchcodec.decoders import VideoDecoder
from torchcodec.transforms import Resize
assert VideoDecoder(sys.argv[1], seek_mode='exact', num_ffmpeg_threads=0).get_frames_at([0, 5]).data.shape == (2, 3, 48, 64)
d = VideoDecoder(sys.argv[1], seek_mode='approximate', num_ffmpeg_threads=1, transforms=[Resize((16, 16))])
assert d.get_frames_at([3]).data.shape == (1, 3, 16, 16)
print(torchcodec.__version__)''',
    'decord': '''
import sys, decord
assert decord.VideoReader(sys.argv[1], ctx=decord.cpu(0), num_threads=0).get_batch([0, 5]).asnumpy().shape == (2, 48, 64, 3)
print(decord.__version__)''',
    'opencv': '''
import sys, cv2
cap = cv2.VideoCapture(sys.argv[1], cv2.CAP_FFMPEG)
ok, img = cap.read()
assert ok and img.shape == (48, 64, 3), 'cv2.VideoCapture read no frame of an H.264 mp4'
print(cv2.__version__)''',
    'scenedetect': '''
import sys, scenedetect
from scenedetect import detect, AdaptiveDetector
assert isinstance(detect(sys.argv[1], AdaptiveDetector()), list)
print(scenedetect.__version__)''',
    'kornia': '''
import torch, kornia
import kornia.augmentation as K
seq = K.VideoSequential(K.RandomResizedCrop((8, 8)), K.RandomHorizontalFlip(), K.ColorJitter(0.1, 0.1, 0.1, 0.1),
                        K.RandomGaussianNoise(std=0.05, p=1.0), data_format='BTCHW', same_on_frame=True)
assert seq(torch.rand(1, 2, 3, 16, 16)).shape == (1, 2, 3, 8, 8)
print(kornia.__version__)''',
}

def reason_of(text:str, returncode=None) -> str:
    "One line saying why a peer failed, from its error output (a traceback, libav/loader messages) and exit code."
    libs = list(dict.fromkeys(re.findall(r'(lib[\w+-]+?)\.so\.?([\d.]*): cannot open shared object file', text)))
    if libs:
        by = {}
        for name, ver in libs: by.setdefault(name, []).append(ver)
        names = '; '.join(f'{n}.so.{vs[0]}' if len(vs) == 1 else f"{n}.so.{{{','.join(vs)}}}" for n, vs in by.items())
        return f'{names} not found ({FFMPEG_HINT})' if any(n.startswith(('libav', 'libsw')) for n in by) else f'{names} not found'
    m = re.search(r"No module named '([\w.]+)'", text)
    if m:
        top = m.group(1).split('.')[0]
        hint = INSTALL.get('opencv' if top == 'cv2' else top)
        return f'{top} is not installed' + (f' ({hint})' if hint else '')
    if returncode is not None and returncode < 0:
        try: sig = signal.Signals(-returncode).name
        except ValueError: sig = f'signal {-returncode}'
        return f'crashed ({sig})'
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    errs = [l for l in lines if re.match(r'^[\w.]*(Error|Exception|Interrupt)\b.*', l)]
    line = (errs or lines or [f'exit status {returncode}'])[-1]
    return line if len(line) <= 200 else line[:197] + '...'

def failure(exc:BaseException) -> str:
    "One line for a peer that failed at run time (its exception, or the loader/libav message inside it)."
    return reason_of(f'{type(exc).__name__}: {exc}')

def _run(cmd, timeout, env=None):
    "(stdout, None) if `cmd` exits 0 within `timeout` s, else (None, reason)."
    try: r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors='replace', timeout=timeout, env=env)
    except subprocess.TimeoutExpired: return None, f'hung: no result after {timeout:g} s on a tiny input'
    except OSError as e: return None, f'{type(e).__name__}: {e}'
    if r.returncode == 0: return r.stdout, None
    return None, reason_of(r.stderr + '\n' + r.stdout, r.returncode)

def probe_python(peer:str, clip, timeout:float):
    "(version, None) if the peer's probe ran in a fresh Python, else (None, one-line reason)."
    env = dict(os.environ)       # torch's compile cache (made when torch._dynamo is imported) stays in the probe's folder
    env.setdefault('TORCHINDUCTOR_CACHE_DIR', str(Path(clip).parent/'torchinductor'))
    out, why = _run([sys.executable, '-c', PROBES[peer], str(clip)], timeout, env)
    return (out.strip().splitlines() or ['?'])[-1] if why is None else None, why

def probe_ffmpeg(clip, timeout:float):
    "(version line, None) if the ffmpeg CLI decodes the clip and encodes it with libx264 and AAC, else (None, reason)."
    exe = shutil.which('ffmpeg')
    if exe is None: return None, f'ffmpeg CLI not found on PATH ({FFMPEG_HINT})'
    out, why = _run([exe, '-nostdin', '-v', 'error', '-i', str(clip), '-c:v', 'libx264', '-preset', 'ultrafast',
                     '-c:a', 'aac', '-f', 'null', '-'], timeout)
    if why: return None, why
    ver, _ = _run([exe, '-version'], timeout)
    return (ver or 'ffmpeg').split('\n')[0].split(' Copyright')[0].strip(), None

def probe_clip(folder) -> Path:
    "A tiny real clip to exercise peers on: 64x48, 12 frames, H.264 + AAC."
    from videokit.synth import make_clip
    return make_clip(Path(folder)/'probe.mp4', width=64, height=48, n_frames=12, gop=4, audio=True)

def probe_peers(peers, timeout:float=120) -> dict:
    "{peer: (version, None) or (None, reason)} for each of `peers` (keys of PROBES, or 'ffmpeg' for the CLI)."
    with tempfile.TemporaryDirectory(prefix='bench_probe_') as d:
        clip = probe_clip(d)
        one = lambda p: probe_ffmpeg(clip, timeout) if p == 'ffmpeg' else probe_python(p, clip, timeout)
        with ThreadPoolExecutor(2) as ex: return dict(zip(peers, ex.map(one, peers)))

def usable_peers(peers, timeout:float=120) -> tuple:
    "Probe `peers`, print one `skip PEER: reason` line for each that does not work; ({peer: version}, {peer: reason})."
    res = probe_peers(peers, timeout)
    ok = {p: v for p, (v, why) in res.items() if why is None}
    skipped = {p: why for p, (_, why) in res.items() if why is not None}
    for p, why in skipped.items(): print(skip_line(p, why), flush=True)
    return ok, skipped

def skip_line(peer:str, reason:str) -> str: return f'skip {peer}: {reason}'

def try_peer(fn):
    "Run `fn()` (an in-process check of a pure-Python peer on a tiny input); (result, None) or (None, one-line reason)."
    try: return fn(), None
    except Exception as e: return None, failure(e)

@contextlib.contextmanager
def scratch_dir(prefix:str):
    "A temporary folder for a benchmark's files, removed at exit whatever happens; torch's compile cache goes in it too."
    with tempfile.TemporaryDirectory(prefix=prefix) as d:
        # importing torch._dynamo (e.g. via an optimizer) makes {tmp}/torchinductor_{user}; keep it in here unless set
        old = os.environ.get('TORCHINDUCTOR_CACHE_DIR')
        if old is None: os.environ['TORCHINDUCTOR_CACHE_DIR'] = os.path.join(d, 'torchinductor')
        try: yield Path(d)
        finally:
            if old is None: os.environ.pop('TORCHINDUCTOR_CACHE_DIR', None)
