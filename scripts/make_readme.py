#!/usr/bin/env python
"""Render nbs/index.ipynb to README.md without quarto: markdown cells as they are, code cells as ```python
blocks, `#| hide` cells and nbdev directives dropped. `--check` exits 1 if README.md is out of date."""
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def render(nb_path=ROOT / 'nbs' / 'index.ipynb') -> str:
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

if __name__ == '__main__':
    text, readme = render(), ROOT / 'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text(encoding='utf-8') != text:
            print('README.md is out of date: run python scripts/make_readme.py'); sys.exit(1)
        print('README.md is up to date'); sys.exit(0)
    readme.write_text(text, encoding='utf-8'); print(f'wrote {readme}')
