#!/usr/bin/env python
"""Build the videokit docs site from the notebooks into `_docs/` (settings.ini's doc_path) without quarto.

Each notebook goes through nbdev's own notebook processors (a `show_doc` for every exported definition, doc links,
directives such as `#| hide` and `#| export`) with nbdev's `exec_show_docs` step replaced by one that executes every
cell the way `nbdev_test` does (flagged `slow`/`slurm`/`browser` cells are shown, not run), so each page has its
figures. Pages become Markdown for mkdocs-material, plus an API section generated from the package (`__all__` of
every module: signature with docments, docstring, public methods). Everything it writes is under `_proc/` (work
files, a cache of executed notebooks keyed by the notebook, the package and this script) and `_docs/` (the site).

Usage (scripts/docs.sh runs it in the project's venv):
    python scripts/docs_build.py [--execute all|none] [--timeout S] [--jobs N] [--no-cache]
Env: VIDEOKIT_DOCS_EXECUTE, VIDEOKIT_DOCS_TIMEOUT, VIDEOKIT_DOCS_JOBS (the same settings).
"""
import argparse, base64, hashlib, html, importlib, inspect, json, os, re, shutil, signal, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROC = ROOT/'_proc'
SRC = PROC/'docs_src'        # Markdown pages and figures (mkdocs' docs_dir)
CACHE = PROC/'docs_cache'    # processed (executed) notebooks, one per notebook version
WORK = PROC/'docs_work'      # per-notebook TMPDIR and scratch working folders, removed after each notebook
FLAGS = ('slow', 'slurm', 'browser')
MAX_OUT_LINES = 40           # longer text outputs are cut in the middle
_ansi = re.compile(r'\x1B(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])')


# ---------------------------------------------------------------- child: process (and execute) one notebook
def _child(src, dst, mode):
    "Run nbdev's processors over `src` with every cell executed (`mode='all'`) or only the doc cells; write `dst`."
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    from nbdev.process import NBProcessor, Processor
    from nbdev.processors import FilterDefaults, exec_show_docs, _is_showdoc

    import ast
    errors, ran, skipped = [], [0], [0]

    def _only_imports(cell):
        try: body = ast.parse(cell.source).body
        except SyntaxError: return False
        return bool(body) and all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in body)

    class exec_cells(Processor):
        "Execute the cells as `nbdev_test` does (all, or only what `show_doc` needs); keep going after errors."
        def begin(self):
            self.k = CaptureShell(src, mpl_format='png')
            self.k.run_cell('from nbdev.showdoc import show_doc')

        def __call__(self, cell):
            if cell.cell_type != 'code' or not cell.source.strip(): return
            d = getattr(cell, 'directives_', None) or {}
            flags = sorted(set(FLAGS) & d.keys())
            if mode == 'all':
                if 'nbdev_export' + '(' in cell.source or d.get('eval:', [''])[0].lower() == 'false': return
                if flags:
                    cell.metadata['vk_docs'] = {'skipped': flags}
                    skipped[0] += 1
                    return
            elif not (d.keys() & {'export', 'exports', 'exporti', 'exec_doc'} or _is_showdoc(cell)
                      or _only_imports(cell)): return
            self.k.cell(cell)
            ran[0] += 1
            if self.k.exc:
                err = f'{type(self.k.exc).__name__}: {self.k.exc}'.splitlines()[0][:300]
                if mode == 'all' or _is_showdoc(cell):
                    errors.append({'cell': cell.idx_, 'error': err})
                    cell.metadata['vk_docs'] = {'error': err}
                self.k.exc = None
            if mode != 'all' and not _is_showdoc(cell): cell.outputs = []

    def keep_directives(cell):
        "Keep the directives nbdev stripped from the source for the Markdown converter."
        d = getattr(cell, 'directives_', None) or {}
        if d: cell.metadata['vk_dirs'] = {k.rstrip(':'): list(v) for k, v in d.items()}

    try: import ipykernel  # noqa: F401  (the package plots inline when it sees a Jupyter kernel, as a reader's would)
    except ImportError: pass
    procs = [exec_cells if p is exec_show_docs else p for p in FilterDefaults().procs()] + [keep_directives]
    nb = read_nb(src)
    t0 = time.time()
    NBProcessor(nb=nb, procs=procs).process()
    nb.metadata['vk_docs'] = {'mode': mode, 'errors': errors, 'ran': ran[0], 'skipped': skipped[0],
                              'seconds': round(time.time() - t0, 1)}
    write_nb(nb, dst)


# ---------------------------------------------------------------- parent: notebooks, pages, cache
def notebooks(nbs):
    "Notebooks in reading order: index, the numbered chapters, then each sub-folder (workflows, ...) by name."
    skip = lambda p: any(part.startswith(('_', '.')) for part in p.relative_to(nbs).parts)
    found = [p for p in nbs.rglob('*.ipynb') if not skip(p)]
    def key(p):
        rel = p.relative_to(nbs)
        return (len(rel.parts) > 1, rel.parent.as_posix(), rel.name != 'index.ipynb', rel.name)
    return sorted(found, key=key)


def page_of(rel):
    "The page for a notebook path relative to nbs/, named as nbdev names it (`02_validate.ipynb` -> `validate`)."
    rel = Path(rel)
    return (rel.parent/re.sub(r'^\d+[a-zA-Z0-9]*_', '', rel.name.lower())).with_suffix('').as_posix()


def lib_digest(lib):
    h = hashlib.sha256()
    for f in sorted(lib.glob('*.py')): h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def runs_in_scratch(nb_path):
    "Parameterised notebooks (papermill jobs) write their outputs into the working folder: run them in a scratch one."
    nb = json.loads(nb_path.read_text())
    for c in nb.get('cells', []):
        src = ''.join(c.get('source', ''))
        if c.get('cell_type') == 'code' and ('parameters' in c.get('metadata', {}).get('tags', [])
                                             or src.lstrip().startswith('# parameters')): return True
    return False


def process_all(nbs, nbs_path, args, digest):
    "Process every notebook (from the cache when unchanged); returns {notebook: processed path}, timings, notes."
    CACHE.mkdir(parents=True, exist_ok=True)
    import inspect as _i, nbdev, execnb
    me = (_i.getsource(_child) + repr(FLAGS) + nbdev.__version__ + execnb.__version__).encode()  # what executes them
    todo, result, notes, times = [], {}, [], {}
    for nb in nbs:
        rel = nb.relative_to(nbs_path)
        key = hashlib.sha256(nb.read_bytes() + me + digest.encode() + args.execute.encode()).hexdigest()[:20]
        dst = CACHE/f"{rel.as_posix().replace('/', '__')[:-6]}.{args.execute}.{key}.ipynb"
        result[nb] = dst
        if dst.exists() and not args.no_cache: continue
        todo.append((nb, dst))

    def run(item):
        nb, dst = item
        name = dst.name.split('.')[0]
        tmp, scratch = WORK/f'{name}.tmp', WORK/f'{name}.run'
        for d in (tmp, scratch): shutil.rmtree(d, ignore_errors=True)
        tmp.mkdir(parents=True)
        cwd = nb.parent
        if runs_in_scratch(nb):
            scratch.mkdir(parents=True)
            cwd = scratch
        env = {**os.environ, 'TMPDIR': str(tmp), 'IN_TEST': '1', 'PYTHONUNBUFFERED': '1'}
        env['PYTHONPATH'] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')]))
        t0, note = time.time(), None
        modes = [args.execute] if args.execute == 'none' else [args.execute, 'none']
        for mode in modes:
            part = dst.with_suffix('.part')
            cmd = [sys.executable, str(Path(__file__).resolve()), '--one', str(nb), str(part), '--execute', mode]
            p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 start_new_session=True, text=True)
            try:
                out, _ = p.communicate(timeout=args.timeout)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.communicate()
                note = f'executing it took longer than {args.timeout:g} s: outputs are not shown'
                continue
            if p.returncode == 0 and part.exists():
                part.replace(dst)
                if note:
                    nbj = json.loads(dst.read_text())
                    nbj['metadata'].setdefault('vk_docs', {})['note'] = note
                    dst.write_text(json.dumps(nbj))
                break
            note = f"processing failed (exit {p.returncode}): {(out or '').strip().splitlines()[-1:] or ''}"
            part.unlink(missing_ok=True)
        left = sorted(p.name for p in tmp.iterdir()) if tmp.exists() else []
        for d in (tmp, scratch): shutil.rmtree(d, ignore_errors=True)
        times[nb] = time.time() - t0
        if left and note is None:
            notes.append(f"{nb.relative_to(ROOT)} left {len(left)} entries in its TMPDIR (removed): "
                         f"{', '.join(left[:4])}" + (' ...' if len(left) > 4 else ''))
        if not dst.exists(): notes.append(f'{nb.relative_to(ROOT)}: {note}')
        elif note: notes.append(f'{nb.relative_to(ROOT)}: {note}')
        print(f'  {nb.relative_to(ROOT)}: {times[nb]:.1f} s', flush=True)

    if todo:
        print(f'executing {len(todo)} notebook(s) (mode {args.execute}, {args.jobs} at a time, '
              f'timeout {args.timeout:g} s each; {len(nbs) - len(todo)} from the cache)', flush=True)
        with ThreadPoolExecutor(args.jobs) as ex: list(ex.map(run, todo))
    else: print(f'all {len(nbs)} notebooks from the cache')
    used = {p.name for p in result.values()}
    current = {n.rsplit('.', 2)[0] for n in used}     # notebook.mode: older versions of these go
    for f in CACHE.iterdir():
        if f.name not in used and (f.name.rsplit('.', 2)[0] in current or f.name.split('.')[0] not in
                                   {n.split('.')[0] for n in used}): f.unlink()
    shutil.rmtree(WORK, ignore_errors=True)
    return {nb: p for nb, p in result.items() if p.exists()}, times, notes


# ---------------------------------------------------------------- Markdown
def slug(s):
    from markdown.extensions.toc import slugify
    return slugify(s, '-')


def fence(text, lang='text'):
    n = max([3] + [len(m) + 1 for m in re.findall(r'`{3,}', text)])
    return f"{'`' * n}{lang}\n{text.rstrip()}\n{'`' * n}"


def clip_text(text):
    text = _ansi.sub('', text)
    lines = [l.rsplit('\r', 1)[-1] for l in text.replace('\r\n', '\n').split('\n')]
    if len(lines) > MAX_OUT_LINES:
        cut = f'... ({len(lines) - MAX_OUT_LINES + 3} lines not shown) ...'
        lines = lines[:MAX_OUT_LINES - 8] + [cut] + lines[-5:]
    return '\n'.join(lines)


def fix_markdown(md):
    "Jupyter (CommonMark) lets a list or table follow a paragraph line; Python-Markdown needs a blank line first."
    out, in_fence, prev = [], False, ''
    for line in md.split('\n'):
        s = line.strip()
        if s.startswith(('```', '~~~')): in_fence = not in_fence
        elif not in_fence:
            is_item = re.match(r'\s*([-*+]|\d+[.)])\s+\S', line)
            is_row = s.startswith('|')
            prev_s = prev.strip()
            prev_plain = prev_s and not re.match(r'\s*([-*+]|\d+[.)])\s+', prev) and not prev_s.startswith('|') \
                and not prev.startswith((' ', '\t'))
            if (is_item or (is_row and not prev_s.startswith('|'))) and prev_plain: out.append('')
        out.append(line)
        prev = line
    return '\n'.join(out)


class Linker:
    "Turns nbdev's doc links (doc_host/doc_baseurl/page.html#anchor) and links to notebooks into relative page links."
    def __init__(self, base, pages, nbs):
        self.base, self.pages, self.nbs = base.rstrip('/') + '/', pages, nbs   # pages: {page path: notebook rel}
        self.re = re.compile(r'\]\(\s*<?([^)\s>]+)>?\s*\)')

    def target(self, url, here):
        path, _, anchor = url.partition('#')
        if url.startswith(self.base): page = path[len(self.base):].removesuffix('.html')
        elif not re.match(r'^[a-z]+:', url) and path.endswith('.ipynb'):
            if here not in self.pages: return None
            page = page_of((Path(self.pages[here]).parent/path).as_posix())
            page = os.path.normpath(page)
        else: return None
        if page not in self.pages: return None
        rel = os.path.relpath(page + '.md', os.path.dirname(here) or '.')
        return rel + (f'#{slug(anchor)}' if anchor else '')

    def __call__(self, md, here):
        def sub(m):
            t = self.target(m.group(1), here)
            return f']({t})' if t else m.group(0)
        return self.re.sub(sub, md)


CLASSES = set()   # names of the package's exported classes (fastcore renders their signature as `def Name(`)


def clean_doc_md(md):
    "show_doc Markdown: no links inside the signature's code block; `<...>` in docstrings shown, not read as HTML."
    h = re.search(r'^#{2,6} (\S+)\s*$', md, re.M)
    if h and h.group(1) in CLASSES:
        md = md.replace(f'```python\ndef {h.group(1)}(', f'```python\nclass {h.group(1)}(', 1)
    out, in_fence = [], False
    for line in md.split('\n'):
        if line.strip().startswith(('```', '~~~')): in_fence = not in_fence
        elif in_fence: line = re.sub(r'\[(`[^`\]]+`)\]\([^)\s]*\)', r'\1', line)
        else:
            quote = re.match(r'\s*>\s?', line)
            head, rest = (line[:quote.end()], line[quote.end():]) if quote else ('', line)
            esc = lambda t: t.replace('<', '&lt;').replace('>', '&gt;')
            rest = '`'.join(p if i % 2 else esc(p) for i, p in enumerate(rest.split('`')))
            line = head + rest
        out.append(line)
    return '\n'.join(out)


def prune_links(md, here, heads):
    "Links to a heading that is not on the target page (nbdev links private names too) become plain text."
    def sub(m):
        target = os.path.normpath(os.path.join(os.path.dirname(here), m.group(2)))[:-3]
        return m.group(0) if m.group(3) in heads.get(target, ()) else m.group(1)
    return re.sub(r'\[([^\]]*)\]\(([^)\s:]+\.md)#([^)\s]+)\)', sub, md)


def leading_directives(src):
    dirs, lines = {}, src.split('\n')
    while lines and re.match(r'^\s*#\|', lines[0]):
        k, _, v = lines.pop(0).strip()[2:].strip().partition(':')
        dirs[k.strip()] = v.strip().split()
    return dirs, '\n'.join(lines)


def render_output(o, page, files, n, link, doc=False):
    "Markdown for one cell output; figures are written as files beside the page."
    t = o.get('output_type')
    if t == 'stream':
        text = clip_text(''.join(o.get('text', '')))
        return fence(text) if text.strip() else ''
    if t == 'error':
        tb = clip_text('\n'.join(o.get('traceback', [])) or f"{o.get('ename')}: {o.get('evalue')}")
        return f'!!! failure "{html.escape(o.get("ename", "error"))} when the docs were built"\n\n' + \
            '\n'.join('    ' + l for l in fence(tb).split('\n'))
    data = o.get('data', {})
    j = lambda k: ''.join(data[k]) if isinstance(data[k], list) else data[k]
    if 'application/vnd.jupyter.widget-view+json' in data:
        return '*(an interactive widget: run the notebook in JupyterLab to use it)*'
    for mime, ext in (('image/png', 'png'), ('image/jpeg', 'jpg')):
        if mime in data:
            name = f'{Path(page).name}_files/out{n}.{ext}'
            files[name] = base64.b64decode(j(mime))
            return f'![figure]({name}){{ loading=eager }}'
    if 'image/svg+xml' in data:
        name = f'{Path(page).name}_files/out{n}.svg'
        files[name] = j('image/svg+xml').encode()
        return f'![figure]({name})'
    if 'text/markdown' in data: return link(clean_doc_md(j('text/markdown')) if doc else j('text/markdown'), page)
    if 'text/html' in data:
        h = j('text/html')
        offline = not re.search(r'<\s*(script|link|iframe|style)\b|\bsrc\s*=\s*["\']?(https?:)?//', h, re.I)
        if offline: return f'<div class="vk-html-output" markdown="0">\n{h.strip()}\n</div>'
    if 'text/plain' in data: return fence(clip_text(j('text/plain')))
    return ''


def notebook_page(nb_json, page, link):
    "The Markdown of one processed notebook and its figure files."
    cells, files, parts, title, desc = nb_json['cells'], {}, [], None, None
    meta = nb_json.get('metadata', {}).get('vk_docs', {})
    if cells and cells[0]['cell_type'] == 'raw':
        import yaml
        src = ''.join(cells[0]['source']).strip()
        if src.startswith('---'):
            fm = yaml.safe_load(src.strip('-\n')) or {}
            title, desc = fm.get('title'), fm.get('description')
            cells = cells[1:]
    title = title or Path(page).name
    parts.append(f'# {title}')
    if desc: parts.append(f'<p class="vk-description">{html.escape(str(desc))}</p>')
    if meta.get('note'):
        parts.append(f'!!! warning "Outputs"\n    This page was built without running the notebook: {meta["note"]}.')
    if meta.get('errors'):
        parts.append('!!! failure "Cells that failed when the docs were built"\n' +
                     '\n'.join(f'    - cell {e["cell"]}: `{e["error"].replace("`", "")}`' for e in meta['errors']))
    cells, i = list(cells), 0
    while i < len(cells):            # nbdev inserts the show_docs of one cell's definitions in reverse order
        j = i
        while j < len(cells) and cells[j].get('has_sd'): j += 1
        cells[i:j] = cells[i:j][::-1]
        i = max(j, i + 1)
    n = 0
    for c in cells:
        src = ''.join(c.get('source', ''))
        if c['cell_type'] == 'markdown':
            if src.strip().startswith('<!-- WARNING: THIS FILE WAS AUTOGENERATED'): continue
            parts.append(link(fix_markdown(src), page))
            continue
        if c['cell_type'] != 'code': continue
        dirs, src = leading_directives(src)
        dirs.update(c.get('metadata', {}).get('vk_dirs', {}))
        val = lambda k: (dirs.get(k) or [''])[0].strip('"\'').lower()
        if val('include') == 'false': continue
        vk = c.get('metadata', {}).get('vk_docs', {})
        if src.strip() and val('echo') != 'false':
            code = fence(src, 'python')
            if val('code-fold') in ('show', 'true'):
                code = '??? quote "Exported source"\n\n' + '\n'.join('    ' + l for l in code.split('\n'))
            parts.append(code)
        if vk.get('skipped'):
            flags = ', '.join(vk['skipped'])
            parts.append(f'<p class="vk-skipped">Not run when the docs were built (<code>#| {flags}</code>).</p>')
        if val('output') == 'false': continue
        for o in c.get('outputs', []):
            n += 1
            md = render_output(o, page, files, n, link, doc=src.lstrip().startswith('show_doc('))
            if md: parts.append(md)
    return '\n\n'.join(parts) + '\n', files


def headings(md):
    "Slugs of the Markdown headings outside code fences (what the toc extension will turn into ids)."
    out, in_fence = set(), False
    for line in md.split('\n'):
        if line.strip().startswith(('```', '~~~')): in_fence = not in_fence
        elif not in_fence and re.match(r'#{1,6} ', line): out.add(slug(re.sub(r'[`*]', '', line.lstrip('#').strip())))
    return out


# ---------------------------------------------------------------- API section
def _star_docments(fn):
    "Comments on `*args`/`**kwargs` parameters, which fastcore's docments (and so show_doc) leave out."
    import io, tokenize
    try:
        src = inspect.getsource(inspect.unwrap(fn.__init__ if inspect.isclass(fn) else fn))
        sig = inspect.signature(fn)
    except (TypeError, OSError, ValueError): return {}
    star = {p.name for p in sig.parameters.values() if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    out, prev, line_names = {}, None, {}
    try:
        for t in tokenize.generate_tokens(io.StringIO(src).readline):
            if t.type == tokenize.NAME and t.string in star and prev in ('*', '**'): line_names[t.start[0]] = t.string
            if t.type == tokenize.COMMENT and t.start[0] in line_names:
                out[line_names[t.start[0]]] = t.string.lstrip('#').strip()
            if t.type == tokenize.OP and t.string == ':' and not line_names.get(-1) and prev == ')': break
            prev = t.string
    except (tokenize.TokenError, SyntaxError): pass
    return out


def _doc_md(obj, level=3, name=None):
    from nbdev.showdoc import show_doc
    md = clean_doc_md(show_doc(obj, name=name)._repr_markdown_()).replace('#LNone)', ')')
    if name and getattr(obj, '__name__', None):
        md = md.replace(f'```python\ndef {obj.__name__}(', f'```python\ndef {name.split(".")[-1]}(', 1)
    for n, c in _star_docments(obj).items():
        md = re.sub(rf'^(\s+\*{{1,2}}{n}),?[ \t]*$', rf'\1, # {c}', md, count=1, flags=re.M)
    return re.sub(r'^###(?= )', '#' * level, md, count=1, flags=re.M)


def api_page(modname, chapter, chapter_heads):
    "Markdown for one module: every name in `__all__` with nbdev's show_doc, and each class's public methods."
    mod = importlib.import_module(f'videokit.{modname}')
    names = list(getattr(mod, '__all__', []))
    doc = (inspect.getdoc(mod) or '').strip().split('\n')[0]
    parts = [f'# videokit.{modname}']
    if doc: parts.append(doc)
    if chapter: parts.append(f'The chapter with the examples and tests: [{Path(chapter).name}](../{chapter}.md).')
    for name in names:
        obj = getattr(mod, name, None)
        if inspect.isclass(obj) or inspect.isroutine(obj):
            try: md = _doc_md(obj)
            except Exception as e: md = f'### {name}\n\n*(no documentation: {type(e).__name__}: {e})*'
            parts.append(md)
            if inspect.isclass(obj):
                for m, f in vars(obj).items():
                    method = inspect.isfunction(f) or isinstance(f, (staticmethod, classmethod))
                    if m.startswith('_') or not method: continue
                    try: parts.append(_doc_md(getattr(obj, m), level=4, name=f'{name}.{m}'))
                    except Exception: pass
        else:
            r = repr(obj)
            r = r if len(r) <= 400 else r[:400] + ' ...'
            parts.append(f'---\n\n### {name}\n\n*A constant ({type(obj).__name__}).*\n\n'
                         + fence(f'{name} = {r}', 'python'))
        if chapter and slug(name) in chapter_heads:
            parts.append(f'[`{name}` in the {Path(chapter).name} chapter](../{chapter}.md#{slug(name)})'
                         '{ .vk-in-chapter }')
    return '\n\n'.join(parts) + '\n', len(names), doc


CSS = """.md-typeset img { max-width: 100%; height: auto; }
.vk-description { font-size: 1.1em; color: var(--md-default-fg-color--light); margin-top: -0.6em; }
.vk-skipped, .vk-in-chapter { font-size: 0.8em; color: var(--md-default-fg-color--light); }
.vk-html-output { overflow-x: auto; margin: 0 0 1em; }
.md-typeset table:not([class]) { font-size: 0.7rem; }
"""


def mkdocs_yml(cfg, nav, site_dir):
    import yaml
    conf = {
        'site_name': cfg.get('title', 'videokit'), 'site_description': cfg.get('description', ''),
        'copyright': f"Copyright {cfg.get('copyright', '')}", 'docs_dir': 'docs_src',
        'site_dir': os.path.relpath(site_dir, PROC), 'use_directory_urls': False, 'strict': False,
        'theme': {'name': 'material', 'font': False, 'language': 'en',
                  'features': ['navigation.top', 'navigation.sections', 'toc.follow', 'content.code.copy',
                               'search.highlight'],
                  'palette': {'scheme': 'default', 'primary': 'indigo', 'accent': 'indigo'}},
        'plugins': ['search'],   # not 'offline': it loads a shim from a CDN
        'extra_css': ['vk.css'],
        'markdown_extensions': [{'toc': {'permalink': True}}, 'tables', 'admonition', 'attr_list', 'md_in_html',
                                'def_list', 'pymdownx.details', 'pymdownx.superfences',
                                {'pymdownx.highlight': {'use_pygments': True}}, 'pymdownx.inlinehilite'],
        'validation': {'omitted_files': 'warn', 'absolute_links': 'info', 'unrecognized_links': 'warn',
                       'anchors': 'warn'},
        'nav': nav,
    }
    return yaml.safe_dump(conf, sort_keys=False, allow_unicode=True)


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--execute', choices=('all', 'none'), default=os.environ.get('VIDEOKIT_DOCS_EXECUTE', 'all'),
                    help="'all': run every unflagged cell (pages show outputs and figures); 'none': only what "
                         "show_doc needs")
    ap.add_argument('--timeout', type=float, default=float(os.environ.get('VIDEOKIT_DOCS_TIMEOUT', 600)),
                    help='seconds per notebook; past it the page is built without outputs')
    ap.add_argument('--jobs', type=int, default=int(os.environ.get('VIDEOKIT_DOCS_JOBS', 2)))
    ap.add_argument('--no-cache', action='store_true', help='execute every notebook again')
    ap.add_argument('--one', nargs=2, metavar=('SRC', 'DST'), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one: return _child(Path(args.one[0]), Path(args.one[1]), args.execute)
    if args.jobs < 1 or args.timeout <= 0: ap.error('--jobs and --timeout must be positive')

    t0 = time.time()
    os.chdir(ROOT)
    from nbdev.config import get_config
    cfg = get_config()
    nbs_path, site_dir = Path(cfg.nbs_path).resolve(), Path(cfg.doc_path).resolve()
    if site_dir.resolve() in (ROOT, nbs_path.resolve()) or ROOT not in site_dir.resolve().parents:
        sys.exit(f'doc_path {site_dir} must be a folder of its own inside the repo')
    nbs = notebooks(nbs_path)
    if not nbs: sys.exit(f'no notebooks in {nbs_path}')
    before = {p for p in nbs_path.rglob('*') if '.ipynb_checkpoints' not in p.parts and '__pycache__' not in p.parts}

    processed, times, notes = process_all(nbs, nbs_path, args, lib_digest(Path(cfg.lib_path)))
    t_exec = time.time() - t0
    after = {p for p in nbs_path.rglob('*') if '.ipynb_checkpoints' not in p.parts and '__pycache__' not in p.parts}
    for p in sorted(after - before): notes.append(f'executing the notebooks left {p.relative_to(ROOT)} (not removed)')

    # pages
    lib = Path(cfg.lib_path)
    mods = [f.stem for f in lib.glob('*.py') if not f.name.startswith('_')]
    sys.path.insert(0, str(ROOT))
    for m in mods:
        mod = importlib.import_module(f'{lib.name}.{m}')
        CLASSES.update(n for n in getattr(mod, '__all__', []) if inspect.isclass(getattr(mod, n, None)))
    shutil.rmtree(SRC, ignore_errors=True)
    SRC.mkdir(parents=True)
    pages = {page_of(nb.relative_to(nbs_path)): nb.relative_to(nbs_path).as_posix() for nb in processed}
    base = cfg.get('doc_host', '').rstrip('/') + '/' + cfg.get('doc_baseurl', '').strip('/')
    linker = Linker(base, pages, nbs_path)
    titles, heads, errors, sections, mds = {}, {}, 0, {}, {}
    for nb, proc in processed.items():
        page = page_of(nb.relative_to(nbs_path))
        nbj = json.loads(proc.read_text())
        md, files = notebook_page(nbj, page, linker)
        errors += len(nbj.get('metadata', {}).get('vk_docs', {}).get('errors', []))
        mds[page] = md
        (SRC/page).parent.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (SRC/page).parent.joinpath(name).parent.mkdir(parents=True, exist_ok=True)
            (SRC/page).parent.joinpath(name).write_bytes(data)
        titles[page] = md.split('\n', 1)[0].lstrip('# ').strip()
        heads[page] = headings(md)
        rel = nb.relative_to(nbs_path)
        sections.setdefault('' if len(rel.parts) == 1 else rel.parent.as_posix(), []).append(page)

    # API section: one page per module with an __all__, in the order of the chapters exporting them
    exp = {}
    for nb in nbs:
        m = re.search(r'#\|\s*default_exp\s+([\w.]+)', nb.read_text())
        if m: exp.setdefault(m.group(1), page_of(nb.relative_to(nbs_path)))
    mods = sorted(mods, key=lambda m: (m not in exp, list(exp).index(m) if m in exp else 0, m))
    (SRC/'api').mkdir()
    api_nav, rows, n_names = [], [], 0
    for m in mods:
        chapter = exp.get(m) if exp.get(m) in pages else None
        md, count, doc = api_page(m, chapter, heads.get(chapter, set()))
        if not count: continue
        n_names += count
        mds[f'api/{m}'] = linker(md, f'api/{m}')
        api_nav.append({f'videokit.{m}': f'api/{m}.md'})
        rows.append(f'| [videokit.{m}]({m}.md) | {count} | {doc.replace("|", "/")} |')
    (SRC/'api'/'index.md').write_text(
        '# API reference\n\nEvery name each module exports (its `__all__`): signature with the documented '
        'parameters, and docstring.\n\n| module | names | |\n|---|---|---|\n' + '\n'.join(rows) + '\n')
    (SRC/'vk.css').write_text(CSS)
    heads.update({p: headings(md) for p, md in mds.items() if p.startswith('api/')})
    for page, md in mds.items(): (SRC/f'{page}.md').write_text(prune_links(md, page, heads))

    nav = []
    for sec, pgs in sections.items():
        strip = re.compile(rf'^{re.escape(sec.rstrip("s"))}:\s+', re.I) if sec else None   # "Workflow: x" -> "x"
        items = [{(strip.sub('', titles[p]) if strip else titles[p]): f'{p}.md'} for p in pgs]
        if sec == '':
            home = [i for i, p in zip(items, pgs) if p == 'index']
            nav += [{'Home': 'index.md'}] if home else []
            rest = [i for i, p in zip(items, pgs) if p != 'index']
            if rest: nav.append({'Chapters': rest})
        else: nav.append({sec.replace('_', ' ').title(): items})
    nav.append({'API reference': [{'Overview': 'api/index.md'}] + api_nav})
    (PROC/'mkdocs.yml').write_text(mkdocs_yml(cfg, nav, site_dir))

    t1 = time.time()
    env = {**os.environ, 'NO_MKDOCS_2_WARNING': '1'}
    r = subprocess.run([sys.executable, '-m', 'mkdocs', 'build', '--clean', '-f', str(PROC/'mkdocs.yml')],
                       capture_output=True, text=True, env=env)
    warns = [l for l in (r.stdout + r.stderr).splitlines() if l.startswith(('WARNING', 'ERROR'))]
    if r.returncode:
        print(r.stdout + r.stderr)
        sys.exit('mkdocs build failed')
    for w in warns: print('  mkdocs', w)
    for n in notes: print('  note:', n)
    html_pages = list(site_dir.rglob('*.html'))
    size = sum(f.stat().st_size for f in site_dir.rglob('*') if f.is_file())
    print(f'docs: {len(pages)} notebook pages + {len(api_nav)} API pages ({n_names} names) -> {site_dir}/ '
          f'({len(html_pages)} HTML files, {size / 1e6:.1f} MB); {errors} cell errors, {len(warns)} mkdocs warnings; '
          f'notebooks {t_exec:.0f} s, site {time.time() - t1:.0f} s, total {time.time() - t0:.0f} s')


if __name__ == '__main__':
    sys.exit(main())
