"""The book (`bash tools/book.sh`: Sphinx with myst-nb, tools/book.py) builds from the committed notebooks and works offline.

The book is built once per session into a temporary folder (SAGAN_BOOK_SRC=<folder> builds it from another folder of
notebooks, e.g. executed copies). A real browser, Debian's /usr/bin/chromium driven by Playwright, opens its pages with
every request that is not for a local file or for 127.0.0.1 blocked and recorded: none may be made, no local file may be
missing, MathJax (copied from the jupyter-server-mathjax package) must typeset 01_attention's equations, a stored figure
must load, Sphinx's search (served over http://127.0.0.1, as a web host serves it) must find 02_spectral_norm for
"spectral", and the API page must show `SelfAttention`. Set SAGAN_BROWSER_SHOTS=<folder> to keep screenshots.
"""
import functools, http.server, json, os, re, subprocess, sys, threading
from pathlib import Path
import pytest
from run_notebooks import notebooks

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SRC = Path(os.environ.get("SAGAN_BOOK_SRC", ROOT/"nbs"))

@pytest.fixture(scope="module")
def book(tmp_path_factory):
    "The book built from SRC; returns its folder."
    import book as bk                                      # tools/book.py (pyproject puts tools/ on pytest's path)
    out = tmp_path_factory.mktemp("book")/"_book"
    bk.build(SRC, out, quiet=True)
    return out

def _stems(): return [p.stem for p in notebooks(nbs=SRC) if p.stem != "index"]

def test_index_lists_every_notebook_in_order(book):
    "The index's table of contents lists every notebook page in order, then the API page; each page links home and onward."
    index = (book/"index.html").read_text(encoding="utf-8")
    stems = _stems()
    assert len(stems) >= 12, stems
    tocs = re.findall(r'<div class="toctree-wrapper compound">(.*?)</div>', index, re.S)
    assert tocs, "index.html has no table of contents"
    assert re.findall(r'href="([^"#]+)\.html"', tocs[0]) == stems, "the index does not list every notebook page in order"
    assert any('href="api.html"' in t for t in tocs), "the index does not list the API reference"
    for i, s in enumerate(stems):
        page = book/f"{s}.html"
        assert page.is_file(), f"{page.name} is missing"
        text = page.read_text(encoding="utf-8")
        assert 'href="index.html"' in text, f"{page.name} does not link back to the index"
        nxt = stems[i+1] if i + 1 < len(stems) else "api"
        assert re.search(rf'<a class="right-next"\s+href="{nxt}\.html"', text), f"{page.name}'s 'next' link does not go to {nxt}.html"

def test_no_network_references_and_no_widget_state(book):
    "No page or style sheet loads anything from a URL with a host, and no widget state is embedded."
    files = sorted(book.glob("*.html")) + sorted((book/"_static").rglob("*.css"))
    assert len(files) > len(_stems()), files
    for f in files:
        text = f.read_text(encoding="utf-8")
        remote = re.findall(r'''(?:\bsrc|\bhref)=["']((?:https?:)?//[^"']*)|@import\s+(?:url\()?["']?((?:https?:)?//[^"')]+)'''
                            r'''|url\(["']?((?:https?:)?//[^"')]+)|import\(["']((?:https?:)?//[^"']+)''', text)
        loads = [u for m in remote for u in m if u]
        if f.suffix == ".html":   # plain <a href> links to the web are fine; scripts, styles and images are not
            loads = [u for u in loads if not re.search(r'<a\b[^>]*href=["\']' + re.escape(u), text)]
        assert not loads, f"{f.name} loads from the network: {loads[:5]}"
        assert "application/vnd.jupyter.widget-state" not in text and "widget-view+json" not in text, f"{f.name} holds widget state"

def test_cross_links_point_to_pages(book):
    "A notebook named in markdown (the index's table: `01_attention`) links to its page; no link points to an .ipynb but the download."
    index = (book/"index.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="reference internal" href="01_attention.html">(?:<span[^>]*>)*<code[^>]*>(?:<span[^>]*>)?01_attention<', index), \
        "the index's mention of 01_attention is not a link to its page"
    for f in book.glob("*.html"):
        bad = re.findall(r'href="(?!https?:|_sources/)[^"]*\.ipynb[^"]*"', f.read_text(encoding="utf-8"))
        assert not bad, f"{f.name} links to notebooks instead of pages: {bad[:3]}"

def test_download_button_gives_the_committed_notebook(book):
    "Each notebook page has a download button whose file is the notebook exactly as committed (not the staged copy)."
    for s in _stems():
        text = (book/f"{s}.html").read_text(encoding="utf-8")
        assert re.search(rf'<a href="_sources/{s}\.ipynb"[^>]*btn-download-source-button', text), f"{s}.html has no download button"
        assert (book/"_sources"/f"{s}.ipynb").read_bytes() == (SRC/f"{s}.ipynb").read_bytes(), f"{s}'s download is not the committed notebook"

def test_api_page_documents_the_library(book):
    "api.html has a section for each sagan_nb module, and documents SelfAttention with its signature and docstring."
    import sagan_nb, sagan_nb.attention
    api = (book/"api.html").read_text(encoding="utf-8")
    mods = sorted(p.stem for p in Path(sagan_nb.__file__).parent.glob("*.py") if not p.stem.startswith("_"))
    missing = [m for m in mods if f'id="module-sagan_nb.{m}"' not in api]
    assert not missing, f"the API page has no section for {missing}"
    m = re.search(r'<dt class="sig sig-object py" id="sagan_nb.attention.SelfAttention">(.*?)</dt>\s*<dd>(.*?)</dd>', api, re.S)
    assert m, "the API page does not document sagan_nb.attention.SelfAttention"
    sig, body = (re.sub(r"<[^>]+>", "", t) for t in m.groups())
    assert "channels" in sig and "variant" in sig and "sn" in sig, f"SelfAttention's signature is missing: {sig!r}"
    first = sagan_nb.attention.SelfAttention.__doc__.split("\n")[0][:30]
    assert first.split(":")[0] in body, f"SelfAttention's docstring ({first!r}) is not on the API page"

def test_staging_links_images_and_widgets(tmp_path):
    """What tools/book.py prepares for Sphinx, on a two-notebook folder: a markdown image by relative path (../results/...) is
    copied in, the three ways of naming a notebook become MyST links to it, a `#| hide` cell stays out, nbdev's `#|` lines are
    dropped, and a widget output leaves a note and no widget state."""
    import nbformat, book as bk
    from nbformat.v4 import new_notebook, new_markdown_cell, new_code_cell, new_output
    pngs = sorted((ROOT/"results").rglob("*.png"))
    assert pngs, "results/ holds no PNG to reference"
    rel = os.path.relpath(pngs[0], ROOT/"nbs")
    src = tmp_path/"nbs"; src.mkdir()
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Book\n> index")]), src/"index.ipynb")
    widget = new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2},
                                              "text/plain": "VBox()"})
    nb = new_notebook(cells=[new_markdown_cell(f"# Figure\n\n![a figure]({rel})\n\nSee 02_y's end, `02_y` and [the next](02_y.ipynb#end)."),
                             new_code_cell("#| hide\nsecret = 1"), new_code_cell("#| export\nw", outputs=[widget])])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nbformat.write(nb, src/"01_x.ipynb")
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Y\n\n## End")]), src/"02_y.ipynb")
    staged = tmp_path/"staged"; staged.mkdir()
    assert bk.stage(src, staged) == ["index", "01_x", "02_y"]
    x = json.loads((staged/"01_x.ipynb").read_text(encoding="utf-8"))
    md, code = x["cells"][0]["source"], [c["source"] for c in x["cells"] if c["cell_type"] == "code"]
    m = re.search(r"!\[a figure\]\(([^)]+)\)", md)
    assert m and not m.group(1).startswith(".."), f"the image is not copied into the book's sources: {md}"
    assert (staged/m.group(1)).read_bytes() == pngs[0].read_bytes()
    assert "[02_y](02_y.ipynb)'s end" in md and "[`02_y`](02_y.ipynb)" in md, f"a notebook name is not linked: {md}"
    assert "[the next](02_y.ipynb#end)" in md, md
    assert code == ["w"], f"a `#| hide` cell or a `#|` line is in the book: {code}"
    assert "widgets" not in x["metadata"] and "book-widget" in json.dumps(x) and "widget-view+json" not in json.dumps(x)
    index = json.loads((staged/"index.ipynb").read_text(encoding="utf-8"))
    assert re.search(r"```\{toctree\}.*\n01_x\n02_y\n```", index["cells"][-1]["source"], re.S), "the index has no toctree"
    assert "sagan_nb.attention" in (staged/"api.md").read_text(encoding="utf-8")

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass

def test_book_in_a_browser_offline(book, tmp_path):
    """Chromium, with the network blocked: 01_attention typesets its equations with the book's MathJax and shows a stored
    figure; search.html?q=spectral lists 02_spectral_norm; the API page shows SelfAttention. No request leaves the machine."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"): pytest.fail(f"{CHROMIUM} is missing on CI (Debian: apt-get install chromium; tools/test.sh installs it)")
        pytest.skip(f"{CHROMIUM} is missing (Debian: apt-get install chromium); tools/test.sh installs it")
    from playwright.sync_api import sync_playwright
    nb = json.loads((SRC/"01_attention.ipynb").read_text(encoding="utf-8"))
    assert sum("image/png" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", [])), \
        f"{SRC/'01_attention.ipynb'} has no stored image/png output, so its book page shows no figure"
    shots = Path(os.environ.get("SAGAN_BROWSER_SHOTS", tmp_path/"shots")); shots.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(book)))
    local = f"http://127.0.0.1:{server.server_address[1]}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    remote, failed, requested = [], [], []
    # allowed to fail: MathJax's TeX fonts, which jupyter-server-mathjax does not ship; only the hidden MathML copy kept for
    # screen readers names them, and the page typesets with STIX-Web, which it does ship
    tex_fonts = "/mathjax/fonts/HTML-CSS/TeX/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, timeout=30_000,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            try:
                page = browser.new_page(viewport={"width": 1300, "height": 900})
                page.set_default_timeout(30_000)
                def route(r):
                    url = r.request.url; requested.append(url)
                    if url.startswith(("file://", "data:", "about:", "blob:", local)): r.continue_()
                    else: remote.append(url); r.abort()
                page.route("**/*", route)
                page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))

                # 1. a chapter: math and a figure, opened from disk
                page.goto((book/"01_attention.html").as_uri(), wait_until="load")
                try: page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.isReady", timeout=20_000)
                except Exception: pytest.fail(f"MathJax did not load from the book's _static/mathjax/ (failed requests: {failed[:3]})")
                page.evaluate("() => new Promise(done => MathJax.Hub.Queue(() => done(true)))")   # after the page is typeset
                # Sphinx writes each equation as \(...\) or \[...\] in a .math.notranslate element; MathJax 2 turns each
                # into a <script type="math/tex"> beside its typeset frame (id + "-Frame")
                math = page.evaluate(r"""() => {
                    const tex = [...document.querySelectorAll('.bd-article .math.notranslate')];
                    const scripts = [...document.querySelectorAll('.bd-article script[type^="math/tex"]')];
                    return {tex: tex.length, scripts: scripts.length,
                            typeset: scripts.filter(s => document.getElementById(s.id + '-Frame')).length,
                            raw: tex.filter(e => !e.querySelector('script[type^="math/tex"]') && /\\\(|\\\[/.test(e.textContent))
                                    .map(e => e.textContent.slice(0, 200)).slice(0, 3)}; }""")
                errors = page.locator(".MathJax_Error, merror").count()
                imgs = page.evaluate("""() => [...document.querySelectorAll('.cell_output img')]
                                          .map(i => ({ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth}))""")
                page.locator(".MathJax_Display").first.scroll_into_view_if_needed()
                page.screenshot(path=str(shots/"01_attention.png"))

                # 2. the API page
                page.goto((book/"api.html").as_uri(), wait_until="load")
                sa = page.locator('[id="sagan_nb.attention.SelfAttention"]')
                sa_visible = sa.count() == 1 and sa.is_visible()
                if sa_visible: sa.scroll_into_view_if_needed()
                page.screenshot(path=str(shots/"api.png"))

                # 3. search, over http as a web host serves it (search.html loads searchindex.js)
                page.goto(local + "search.html?q=spectral", wait_until="load")
                try: page.wait_for_selector("#search-results ul.search li a", timeout=30_000)
                except Exception: pytest.fail(f"the search for 'spectral' listed nothing (failed requests: {failed[:3]})")
                page.wait_for_function("() => /Search finished/.test(document.querySelector('#search-results').textContent)")
                hits = page.locator("#search-results ul.search li a").evaluate_all("l => l.map(a => a.getAttribute('href'))")
                page.screenshot(path=str(shots/"search_spectral.png"))
            finally:
                browser.close()
    finally:
        server.shutdown()
    assert requested, "the route recorded no request, so it could not have seen a remote one"
    assert not remote, f"the book asked the network for {remote[:5]}"
    failed = [f for f in failed if not f.startswith("about:") and tex_fonts not in f]
    assert not failed, f"files the pages need are missing from the book: {failed[:5]}"
    assert math["tex"] > 0, "01_attention.html has no equation for MathJax to typeset"
    assert not math["raw"], f"TeX left as raw text after MathJax ran: {math['raw']}"
    assert math["scripts"] >= math["tex"] and math["typeset"] == math["scripts"], f"MathJax did not typeset every equation: {math}"
    assert errors == 0, f"{errors} equations failed to typeset"
    assert imgs and any(i["ok"] for i in imgs), f"no stored figure loaded in the page (images: {imgs[:5]})"
    assert sa_visible, "the API page does not show sagan_nb.attention.SelfAttention"
    assert any(h.split("#")[0].split("?")[0] == "02_spectral_norm.html" for h in hits), f"the search for 'spectral' missed 02: {hits}"

def test_a_missing_image_stops_the_build(tmp_path):
    "An image that markdown names but that is not there fails the build with one line naming it, not a broken page."
    import nbformat
    from nbformat.v4 import new_notebook, new_markdown_cell
    src = tmp_path/"nbs"; src.mkdir()
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Book\n> index\n\n![gone](../results/no_such_figure.png)")]),
                   src/"index.ipynb")
    r = subprocess.run([sys.executable, str(ROOT/"tools"/"book.py"), "--src", str(src), "--out", str(tmp_path/"out")],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "no_such_figure.png" in r.stderr and "Traceback" not in r.stderr, r.stderr[-2000:]
