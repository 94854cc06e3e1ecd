#!/usr/bin/env python
"""Render nbs/index.ipynb to README.md without quarto: markdown cells as they are, code cells as ```python
blocks, `#| hide` cells and nbdev directives dropped.

  python scripts/make_readme.py                          write README.md
  python scripts/make_readme.py --check                  exit 1 if README.md is out of date
  python scripts/make_readme.py --demo LOG --out DIR     paste a real demo run (stdout of `scripts/demo.sh DIR`)
                                                          into the index's demo block, then write README.md
  python scripts/make_readme.py --check-demo LOG --out DIR   exit 1 if the demo block differs from that run
                                                          (timings aside), printing the difference
"""
import json, re, sys, difflib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INDEX = ROOT / 'nbs' / 'index.ipynb'
MARK = '<!-- demo output: written by scripts/make_readme.py --demo, checked by scripts/test.sh -->'

def render(nb_path=INDEX) -> str:
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    parts = []
    for cell in nb['cells']:
        src = ''.join(cell['source'])
        lines = src.splitlines()
        if cell['cell_type'] == 'code':
            if any(l.strip() in ('#| hide', '#|hide') for l in lines): continue
            body = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
            if body: parts.append(f"```python\n{body}\n```")
        else:
            parts.append(src.strip())
    return '\n\n'.join(parts) + '\n'

def demo_text(log:Path, out:str) -> str:
    "The demo's stdout as the README shows it: the output folder spelled `demo_out`, set-up lines dropped."
    text = log.read_text(encoding='utf-8').replace(str(Path(out).resolve()), 'demo_out').replace(out.rstrip('/'), 'demo_out')
    text = re.sub(r'\x1b\[[0-9;]*[A-Za-z]', '', text)
    return '\n'.join(l.rstrip() for l in text.splitlines() if not l.startswith('[videokit]')).strip('\n')

def mask_timings(text:str) -> str: return re.sub(r'\d+(\.\d+)? s\b', '# s', text)

def _demo_cell(nb):
    for cell in nb['cells']:
        src = ''.join(cell['source'])
        if cell['cell_type'] == 'markdown' and MARK in src: return cell, src
    sys.exit(f'{INDEX}: no markdown cell holds the demo marker {MARK!r}')

_BLOCK = re.compile(re.escape(MARK) + r'\n```text\n(.*?)\n```', re.S)

def current_block() -> str:
    _, src = _demo_cell(json.loads(INDEX.read_text(encoding='utf-8')))
    m = _BLOCK.search(src)
    if not m: sys.exit(f'{INDEX}: the demo marker must be followed by a ```text block')
    return m.group(1)

def paste_demo(text:str):
    nb = json.loads(INDEX.read_text(encoding='utf-8'))
    cell, src = _demo_cell(nb)
    new = _BLOCK.sub(lambda m: f"{MARK}\n```text\n{text}\n```", src)
    cell['source'] = new.splitlines(True)
    INDEX.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + '\n', encoding='utf-8')

def _arg(name):
    i = sys.argv.index(name)
    if i + 1 >= len(sys.argv): sys.exit(f'{name} needs a value')
    return sys.argv[i + 1]

if __name__ == '__main__':
    readme = ROOT / 'README.md'
    if '--demo' in sys.argv or '--check-demo' in sys.argv:
        log = Path(_arg('--demo' if '--demo' in sys.argv else '--check-demo'))
        out = _arg('--out') if '--out' in sys.argv else 'demo_out'
        if not log.is_file(): sys.exit(f'{log}: no such demo log')
        got = demo_text(log, out)
        if '--demo' in sys.argv:
            paste_demo(got); readme.write_text(render(), encoding='utf-8')
            print(f'pasted {len(got.splitlines())} demo lines into {INDEX.name}; wrote {readme}'); sys.exit(0)
        have = current_block()
        if mask_timings(have) != mask_timings(got):
            print("README's demo block differs from what scripts/demo.sh printed (timings aside); refresh it with "
                  "`scripts/demo.sh D > LOG && python scripts/make_readme.py --demo LOG --out D`:")
            sys.stdout.writelines(difflib.unified_diff(mask_timings(have).splitlines(True), mask_timings(got).splitlines(True),
                                                       'README (demo block)', 'scripts/demo.sh', n=1))
            print(); sys.exit(1)
        print(f"README's demo block equals the demo's output ({len(got.splitlines())} lines, timings aside)"); sys.exit(0)
    text = render()
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text(encoding='utf-8') != text:
            print('README.md is out of date: run python scripts/make_readme.py'); sys.exit(1)
        print('README.md is up to date'); sys.exit(0)
    readme.write_text(text, encoding='utf-8'); print(f'wrote {readme}')
