#!/usr/bin/env python
"""Check the built docs site (`_docs/`, from scripts/docs.sh) the way a reader's browser sees it, offline.

1. Static: every HTML page parsed; every local link (href/src) resolves to a file, and its #anchor to an id there;
   no page loads a script, style, font, image or frame from another host; every name in each `videokit/*.py`
   `__all__` has a heading somewhere in the site followed by its signature (callables) and docstring.
2. Browser: Debian's Chromium, headless, driven by Playwright (`executable_path`, never `playwright install`),
   opens every page from a localhost http.server with every request to another host aborted and counted: fails on
   such a request, a failed request or HTTP error, a JavaScript error, a broken image, or a local link that does not
   resolve. Screenshots of the index and an API page go to the artefact folder. Without Chromium (and no root/apt to
   install it) or Playwright this part prints one `skip` line; the static part still decides.

Prints one summary line; exits 1 with the reasons on failure.
Usage: python scripts/check_docs.py [--site _docs] [--shots .test-logs/docs-check] [--no-browser]
Env: VIDEOKIT_TEST_APT=0 never installs Chromium with apt-get.
"""
import argparse, ast, functools, http.server, os, re, shutil, socketserver, subprocess, sys, tempfile, threading, time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = '/usr/bin/chromium'
CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
               '--disable-component-update', '--no-first-run']


# ---------------------------------------------------------------- what the package exports
def docments(lines, fn):
    "The parameter comments (docments) in the signature of function node `fn`, from the source `lines`."
    import io, tokenize
    end = fn.body[0].lineno - 1 if fn.body else fn.lineno
    src = '\n'.join(lines[fn.lineno - 1:max(end, fn.lineno)])
    try: toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
    except (tokenize.TokenError, SyntaxError): return []
    return [t.string.lstrip('#').strip() for t in toks if t.type == tokenize.COMMENT and t.string.lstrip('#').strip()]


def exported(lib):
    "(module, name, kind, first docstring line, docments) for every name in each module's `__all__` (ast, no import)."
    out = []
    for f in sorted(lib.glob('*.py')):
        if f.name.startswith('_'): continue
        text = f.read_text()
        lines = text.split('\n')
        tree = ast.parse(text)
        names = next((ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                      and any(getattr(t, 'id', None) == '__all__' for t in n.targets)), [])
        defs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        for name in names:
            d = defs.get(name)
            doc = (ast.get_docstring(d) or '').strip().split('\n')[0] if d else ''
            fn = d if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef)) else \
                next((n for n in getattr(d, 'body', []) if isinstance(n, ast.FunctionDef)
                      and n.name == '__init__'), None)
            out.append((f.stem, name, 'callable' if d else 'value', doc, docments(lines, fn) if fn else []))
    return out


# ---------------------------------------------------------------- static parsing of the site
class Page(HTMLParser):
    "Ids, links, resources and headings (with the text of their section) of one HTML page."
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.links, self.res, self.heads = set(), [], [], []
        self._head, self._sec, self._pre, self._skip = None, None, 0, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get('id'): self.ids.add(a['id'])
        if a.get('name') and tag == 'a': self.ids.add(a['name'])
        if tag == 'a' and a.get('href') is not None: self.links.append(a['href'])
        for k in ('src', 'data-src', 'poster'):
            if a.get(k): self.res.append((tag, a[k]))
        if tag == 'link' and a.get('href'): self.res.append((tag, a['href']))
        if tag in ('script', 'style'): self._skip += 1
        if re.fullmatch(r'h[1-6]', tag):
            self._head = {'level': int(tag[1]), 'id': a.get('id', ''), 'text': '', 'section': '', 'pre': ''}
            for h in reversed(self.heads):                    # a new heading ends the sections at its level or below
                if h.get('open') and h['level'] >= self._head['level']: h['open'] = False
            self._head['open'] = True
            self.heads.append(self._head)
        if tag == 'pre': self._pre += 1

    def handle_endtag(self, tag):
        if re.fullmatch(r'h[1-6]', tag): self._head = None
        if tag == 'pre': self._pre = max(0, self._pre - 1)
        if tag in ('script', 'style'): self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if self._skip: return
        if self._head is not None: self._head['text'] += data
        for h in self.heads:
            if h.get('open') and h is not self._head:
                h['section'] += data
                if self._pre: h['pre'] += data


def parse_site(site):
    pages = {}
    for f in sorted(site.rglob('*.html')):
        p = Page()
        p.feed(f.read_text(errors='replace'))
        pages[f.relative_to(site).as_posix()] = p
    return pages


def local_target(site, page, url):
    "(file path or None, fragment) for a link from `page`; None file when the link leaves the site."
    parts = urlsplit(url)
    if parts.scheme or parts.netloc: return None, None
    path = unquote(parts.path)
    if not path: return site/page, parts.fragment
    f = (site/page).parent/path if not path.startswith('/') else site/path.lstrip('/')
    f = Path(os.path.normpath(f))
    if f.is_dir(): f = f/'index.html'
    return f, parts.fragment


def static_check(site, pages, names):
    fails, n_links, ext_links = [], 0, 0
    for page, p in pages.items():
        for url in p.links:
            if url.startswith(('mailto:', 'javascript:', 'tel:', 'data:')): continue
            f, frag = local_target(site, page, url)
            if f is None:
                ext_links += 1
                continue
            n_links += 1
            if site.resolve() not in f.resolve().parents and f.resolve() != site.resolve():
                fails.append(f'{page}: link {url} points outside the site')
            elif not f.is_file(): fails.append(f'{page}: broken link {url}')
            elif frag and f.suffix == '.html':
                rel = f.resolve().relative_to(site.resolve()).as_posix()
                if rel in pages and unquote(frag) not in pages[rel].ids:
                    fails.append(f'{page}: link {url}: no #{frag} in {rel}')
        for tag, url in p.res:
            if url.startswith(('data:', 'blob:')): continue
            f, _ = local_target(site, page, url)
            if f is None: fails.append(f'{page}: <{tag}> loads {url} from another host')
            elif not f.is_file(): fails.append(f'{page}: <{tag}> {url} is missing')
    # one page per notebook, and the sidebar lists them in the notebooks' order (chapters, then workflows)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from docs_build import notebooks, page_of
    nbs = ROOT/'nbs'
    want = [page_of(nb.relative_to(nbs)) + '.html' for nb in notebooks(nbs)]
    fails += [f'no page for notebook {w[:-5]}' for w in want if w not in pages]
    if 'index.html' in pages:
        order = [u for u in pages['index.html'].links if u in want]
        seen = list(dict.fromkeys(order))
        expect = [w for w in want if w in seen]
        if seen != expect: fails.append(f'sidebar order {seen} is not the notebooks\' order {expect}')
        missing = [w for w in want if w not in seen and w != 'index.html']
        if missing: fails.append(f'not in the sidebar: {missing}')
    # every exported name: a heading with its name, its signature in the section's code, its docstring in the text
    found, heads = 0, [(page, h) for page, p in pages.items() for h in p.heads]
    by_name = {}
    for page, h in heads: by_name.setdefault(h['text'].replace('¶', '').strip(), []).append((page, h))
    norm = lambda s: re.sub(r'\s+', ' ', re.sub(r'[`*_]', '', s)).strip()
    for mod, name, kind, doc, dm in names:
        ok = False
        for page, h in by_name.get(name, []):
            if kind == 'callable' and not re.search(rf'\b{re.escape(name)}\s*\(', h['pre']): continue
            if kind == 'value' and name not in h['pre']: continue
            if doc and norm(_plain(doc)) not in norm(h['section']): continue
            if any(norm(c) not in norm(h['pre']) for c in dm): continue
            ok = True
            break
        if ok: found += 1
        else: fails.append(f'no documentation of videokit.{mod}.{name} (heading, signature with its parameter '
                           f'comments, docstring)')
    return fails, n_links, ext_links, found


def _plain(md):
    "The text a Markdown docstring line shows (no backticks, emphasis markers or link targets)."
    md = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', md)
    return re.sub(r'[`*]', '', md)


# ---------------------------------------------------------------- the browser part
class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass


def ensure_chromium():
    "Path of Debian's Chromium if it starts, installing it with apt-get as root if missing; (None, why) when it cannot be."
    exe, why = _installed_chromium()
    if exe is None: return None, why
    r = subprocess.run([exe, '--version'], capture_output=True, text=True, timeout=120)
    if r.returncode:
        return None, f"{exe} is installed but does not start: {((r.stderr or r.stdout).strip() or '?').splitlines()[-1][:200]}"
    return exe, None


def _installed_chromium():
    if os.path.exists(CHROMIUM): return CHROMIUM, None
    if os.environ.get('VIDEOKIT_TEST_APT', '1') == '0': return None, 'chromium not installed (VIDEOKIT_TEST_APT=0)'
    if os.geteuid() != 0 or not shutil.which('apt-get'):
        return None, 'chromium not installed and no root/apt-get to install it'
    env = {**os.environ, 'DEBIAN_FRONTEND': 'noninteractive'}
    for cmd in (['apt-get', 'install', '-y', '-q', 'chromium'], ['apt-get', 'update', '-q'],
                ['apt-get', 'install', '-y', '-q', 'chromium']):
        subprocess.run(cmd, env=env, capture_output=True)
        if os.path.exists(CHROMIUM): return CHROMIUM, None
    return None, 'apt-get install chromium failed'


def ensure_playwright():
    try:
        import playwright.sync_api  # noqa: F401
        return None
    except ImportError: pass
    if sys.prefix == sys.base_prefix: return 'playwright is not installed (and this is not a venv to install it into)'
    r = subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', 'playwright'], capture_output=True, text=True)
    if r.returncode: return f'pip install playwright failed: {r.stderr.strip().splitlines()[-1:]}'
    return None


def browser_check(site, pages, shots):
    "Open every page in headless Chromium with other hosts blocked; returns (failures, pages opened, links checked)."
    from playwright.sync_api import sync_playwright
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = socketserver.ThreadingTCPServer(('127.0.0.1', 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    origin = f'http://127.0.0.1:{httpd.server_address[1]}'
    fails, blocked, current = [], [], ['']
    status = {}

    def route(r):
        u = urlsplit(r.request.url)
        if u.scheme in ('http', 'https', 'ws', 'wss') and f'{u.scheme}://{u.netloc}' != origin:
            blocked.append(f'{current[0]}: request to another host blocked: {r.request.url}')
            return r.abort()
        return r.continue_()

    profile = tempfile.mkdtemp(prefix='videokit-docs-chromium-')
    n_links = 0
    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True,
                                                       args=CHROME_ARGS, viewport={'width': 1280, 'height': 900})
            ctx.route('**/*', route)
            page = ctx.pages[0] if ctx.pages else ctx.new_page()
            # a local request cancelled by the next navigation (a search worker still loading) is not a failure;
            # a missing local file shows as an HTTP error below
            local = origin.split('//')[1]
            fail = lambda what: fails.append(f'{current[0]}: {what}')
            page.on('requestfailed', lambda r: None if urlsplit(r.url).netloc != local
                    or 'ERR_ABORTED' in (r.failure or '') else fail(f'request failed: {r.url} ({r.failure})'))
            page.on('response', lambda r: r.status >= 400 and fail(f'HTTP {r.status} for {r.url}'))
            page.on('pageerror', lambda e: fail(f'JavaScript error: {e}'))
            page.on('console', lambda m: m.type == 'error' and fail(f'console error: {m.text}'))
            for i, rel in enumerate(sorted(pages, key=lambda r: (r != 'index.html', r))):
                current[0] = rel
                resp = page.goto(f'{origin}/{rel}', wait_until='networkidle' if i == 0 else 'load')
                if resp is None or not resp.ok: fails.append(f'{rel}: page did not load ({resp and resp.status})')
                broken = page.eval_on_selector_all('img', 'els => els.filter(e => !(e.complete && e.naturalWidth > 0))'
                                                          '.map(e => e.getAttribute("src"))')
                fails += [f'{rel}: image does not load: {b}' for b in broken]
                hrefs = page.eval_on_selector_all('a[href]', 'els => els.map(e => e.href)')
                for h in hrefs:
                    u = urlsplit(h)
                    if f'{u.scheme}://{u.netloc}' != origin: continue
                    n_links += 1
                    target = h.split('#')[0]
                    if target not in status:
                        try: status[target] = page.request.get(target).status
                        except Exception as e: status[target] = str(e)
                    if status[target] != 200: fails.append(f'{rel}: link {h} -> {status[target]}')
                    elif u.fragment and target.endswith('.html'):
                        trel = unquote(u.path).lstrip('/')
                        if trel in pages and unquote(u.fragment) not in pages[trel].ids:
                            fails.append(f'{rel}: link {h}: no #{u.fragment} there')
                if rel == 'index.html' or (rel.startswith('api/') and rel != 'api/index.html'
                                           and not any(s.name.startswith('api') for s in shots.glob('*.png'))):
                    shots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(shots/(rel.replace('/', '_').replace('.html', '') + '.png')))
            # the search (a web worker reading the local index) answers offline
            current[0] = 'index.html (search)'
            page.goto(f'{origin}/index.html', wait_until='networkidle')
            page.keyboard.press('s')
            found, t0 = False, time.monotonic()
            while not found and time.monotonic() - t0 < 60:   # a query typed before the worker has indexed is dropped:
                page.fill('input.md-search__input', '')        # type it again until the worker answers
                page.type('input.md-search__input', 'probe')
                try: found = bool(page.wait_for_selector('.md-search-result__item', timeout=5000))
                except Exception: found = False
            if not found: fails.append('search: no result for "probe" within 60 s')
            page.screenshot(path=str(shots/'search.png'))
            ctx.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
        shutil.rmtree(profile, ignore_errors=True)
    return blocked + fails, len(pages), n_links


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--site', default=None, help="the built site (default: settings.ini's doc_path, _docs)")
    ap.add_argument('--shots', default=str(ROOT/'.test-logs'/'docs-check'), help='folder for the screenshots')
    ap.add_argument('--no-browser', action='store_true', help='only the static checks')
    args = ap.parse_args()
    t0 = time.time()
    site = Path(args.site) if args.site else ROOT/'_docs'
    if not args.site and (ROOT/'settings.ini').exists():
        m = re.search(r'^doc_path\s*=\s*(\S+)', (ROOT/'settings.ini').read_text(), re.M)
        if m: site = ROOT/m.group(1)
    lib = ROOT/'videokit'
    m = re.search(r'^lib_path\s*=\s*(\S+)', (ROOT/'settings.ini').read_text(), re.M)
    if m: lib = ROOT/m.group(1)
    if not (site/'index.html').is_file():
        print(f'docs check: FAILED: no {site}/index.html (build it with scripts/docs.sh)')
        return 1
    pages = parse_site(site)
    names = exported(lib)
    fails, n_links, ext_links, found = static_check(site, pages, names)
    figures = sum(1 for p in pages.values() for tag, u in p.res if tag == 'img' and '_files/' in u)
    shots = Path(args.shots)
    browser = 'skipped (--no-browser)'
    if not args.no_browser:
        exe, why = ensure_chromium()
        why = why or ensure_playwright()
        if why:
            print(f'skip: docs browser check: {why}')
            browser = 'skipped'
        else:
            shutil.rmtree(shots, ignore_errors=True)
            bf, opened, b_links = browser_check(site, pages, shots)
            fails += bf
            browser = f'{opened} pages opened in Chromium, {b_links} local links resolved, {len(bf)} problems'
    status = 'ok' if not fails else f'FAILED ({len(fails)} problems)'
    print(f'docs check: {status}: {len(pages)} pages, {figures} figures, {n_links} local links '
          f'({ext_links} external, not followed), '
          f'{found}/{len(names)} exported names documented; browser: {browser}; {time.time() - t0:.0f} s'
          + (f'; screenshots in {shots.relative_to(ROOT) if ROOT in shots.resolve().parents else shots}'
             if shots.exists() and not args.no_browser else ''))
    for f in fails[:60]: print('  ' + f)
    if len(fails) > 60: print(f'  ... and {len(fails) - 60} more')
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
