"""The static book (`bash tools/book.sh`, i.e. tools/book.py) builds from the committed notebooks and works offline.

The book is built once per session into a temporary folder (SAGAN_BOOK_SRC=<folder> builds it from another folder of
notebooks, e.g. executed copies). A real browser, Debian's /usr/bin/chromium driven by Playwright, opens
01_attention.html from disk with every non-file:// request blocked and recorded: none may be made, no local file may be
missing, a stored figure must load and MathJax (copied from the jupyter-server-mathjax package) must typeset the equations.
Set SAGAN_BROWSER_SHOTS=<folder> to keep a screenshot.
"""
import json, os, re
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SRC = Path(os.environ.get("SAGAN_BOOK_SRC", ROOT/"nbs"))

@pytest.fixture(scope="module")
def book(tmp_path_factory):
    "The book built from SRC; returns its folder."
    import book as bk                                      # tools/book.py (conftest puts tools/ on sys.path)
    out = tmp_path_factory.mktemp("book")/"_book"
    bk.build(SRC, out, quiet=True)
    return out

def _stems(): return [p.stem for p in sorted(SRC.glob("*.ipynb")) if re.match(r"^\d\d[a-z]?_\w+$", p.stem)]

def test_index_links_every_notebook_in_order(book):
    index = (book/"index.html").read_text(encoding="utf-8")
    stems = _stems()
    assert len(stems) >= 12, stems
    toc = re.search(r'<nav class="book-toc">(.*?)</nav>', index, re.S)
    assert toc, "index.html has no list of the notebooks"
    assert re.findall(r'href="([^"]+)\.html"', toc.group(1)) == stems, "the index does not list every notebook page in order"
    for i, s in enumerate(stems):
        page = book/f"{s}.html"
        assert page.is_file(), f"{page.name} is missing"
        text = page.read_text(encoding="utf-8")
        assert 'href="index.html"' in text, f"{page.name} does not link back to the index"
        if i + 1 < len(stems): assert f'href="{stems[i+1]}.html"' in text, f"{page.name} does not link to the next page"

def test_no_network_references_and_no_widget_state(book):
    "No page or style sheet loads anything from a URL with a host, and no widget state is embedded."
    for f in sorted(book.glob("*.html")) + sorted(book.glob("css/*.css")):
        text = f.read_text(encoding="utf-8")
        remote = re.findall(r'''(?:\bsrc|\bhref)=["']((?:https?:)?//[^"']*)|@import\s+(?:url\()?["']?((?:https?:)?//[^"')]+)'''
                            r'''|url\(["']?((?:https?:)?//[^"')]+)|import\(["']((?:https?:)?//[^"']+)''', text)
        loads = [u for m in remote for u in m if u]
        if f.suffix == ".html":   # plain <a href> links to the web are fine; scripts, styles and images are not
            loads = [u for u in loads if not re.search(r'<a\b[^>]*href=["\']' + re.escape(u), text)]
        assert not loads, f"{f.name} loads from the network: {loads[:5]}"
        assert "application/vnd.jupyter.widget-state" not in text and "widget-view+json" not in text, f"{f.name} holds widget state"

def test_cross_links_point_to_pages(book):
    "A notebook named in markdown (the index's table: `01_attention`) links to its page; no link points to an .ipynb."
    index = (book/"index.html").read_text(encoding="utf-8")
    assert '<a href="01_attention.html"><code>01_attention</code></a>' in index, "the index's mention of 01_attention is not a link"
    for f in book.glob("*.html"):
        bad = re.findall(r'href="(?!https?:)[^"]*\.ipynb[^"]*"', f.read_text(encoding="utf-8"))
        assert not bad, f"{f.name} links to notebooks instead of pages: {bad[:3]}"

def test_small_book_links_images_and_widgets(tmp_path):
    """A two-notebook book: a markdown image by relative path (../results/...) is copied in, the three ways of naming a
    notebook become links to its page, a `#| hide` cell stays out, and a widget output leaves a note and no widget state."""
    import nbformat, book as bk
    from nbformat.v4 import new_notebook, new_markdown_cell, new_code_cell, new_output
    pngs = sorted((ROOT/"results").rglob("*.png"))
    if not pngs: pytest.skip("results/ holds no PNG to reference")
    rel = os.path.relpath(pngs[0], ROOT/"nbs")
    src = tmp_path/"nbs"; src.mkdir()
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Book\n> index")]), src/"index.ipynb")
    widget = new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2},
                                              "text/plain": "VBox()"})
    nb = new_notebook(cells=[new_markdown_cell(f"# Figure\n\n![a figure]({rel})\n\nSee 02_y's end, `02_y` and [the next](02_y.ipynb#end)."),
                             new_code_cell("#| hide\nsecret = 1"), new_code_cell("w", outputs=[widget])])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nbformat.write(nb, src/"01_x.ipynb")
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Y\n\n## End")]), src/"02_y.ipynb")
    out = tmp_path/"_book"
    bk.build(src, out, quiet=True)
    page = (out/"01_x.html").read_text(encoding="utf-8")
    m = re.search(r'<img[^>]*src="([^"]+)"', page)
    assert m and not m.group(1).startswith(".."), f"the image is not rewritten into the book: {m and m.group(1)}"
    assert (out/m.group(1)).read_bytes() == pngs[0].read_bytes()
    assert '<a href="02_y.html">02_y</a>' in page and '<a href="02_y.html"><code>02_y</code></a>' in page, "a notebook name is not linked"
    assert '<a href="02_y.html#end">' in page, "a link to a notebook is not pointed at its page"
    assert "secret" not in page, "a `#| hide` cell shows in the book"
    assert "widget-view+json" not in page and "widget-state" not in page and "book-widget" in page, "widget state in the page"

def test_attention_page_in_a_browser_offline(book, tmp_path):
    "Chromium opens 01_attention.html from disk: no network request, no missing file, a figure shows, MathJax typesets."
    if not Path(CHROMIUM).exists(): pytest.skip(f"{CHROMIUM} is missing (Debian: apt-get install chromium); tools/test.sh installs it")
    try: from playwright.sync_api import sync_playwright
    except ImportError as e: pytest.skip(f"playwright cannot be imported ({e}); install the dev extra: pip install -e .[dev]")
    nb = json.loads((SRC/"01_attention.ipynb").read_text(encoding="utf-8"))
    n_png = sum("image/png" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))
    assert n_png, (f"{SRC/'01_attention.ipynb'} has no stored image/png output, so its book page shows no figure: "
                   "commit the notebook with its outputs (or set SAGAN_BOOK_SRC to a folder of executed notebooks)")
    shots = Path(os.environ.get("SAGAN_BROWSER_SHOTS", tmp_path/"shots")); shots.mkdir(parents=True, exist_ok=True)
    remote, failed = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, timeout=30_000,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.set_default_timeout(30_000)
            def route(r):
                if r.request.url.startswith(("file://", "data:", "about:", "blob:")): r.continue_()
                else: remote.append(r.request.url); r.abort()
            page.route("**/*", route)
            page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
            # allowed to fail: MathJax's TeX fonts, which jupyter-server-mathjax does not ship; only the hidden MathML copy
            # kept for screen readers names them (\mathbb), and the page typesets with STIX-Web, which it does ship
            tex_fonts = "/mathjax/fonts/HTML-CSS/TeX/"
            page.goto((book/"01_attention.html").as_uri(), wait_until="load")
            try: page.wait_for_function("() => window.MathJax && window.MathJax.Hub", timeout=15_000)
            except Exception: pytest.fail(f"MathJax did not load from the book's mathjax/ folder (failed requests: {failed[:3]})")
            # MathJax 2 signals the end of its start-up, which includes typesetting the page, with the "End" hook
            page.evaluate("() => new Promise(done => MathJax.Hub.Register.StartupHook('End', () => done(true)))")
            page.wait_for_timeout(300)
            page.screenshot(path=str(shots/"01_attention.png"))
            n_math = page.locator(".MathJax_Display, .MathJax").count()
            raw = page.evaluate("""() => [...document.querySelectorAll('.jp-RenderedMarkdown')].map(e => {
                                         const c = e.cloneNode(true); c.querySelectorAll('code, pre, script').forEach(x => x.remove());
                                         return c.textContent; }).filter(t => /\\$\\$|\\$[^$\\n]*\\\\[a-zA-Z]+[^$\\n]*\\$/.test(t)).slice(0, 3)""")
            errors = page.locator(".MathJax_Error, merror, [data-mjx-error]").count()
            imgs = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output img')]
                                      .map(i => ({ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth}))""")
        finally:
            browser.close()
    assert not remote, f"the page asked the network for {remote[:5]}"
    failed = [f for f in failed if not f.startswith("about:") and tex_fonts not in f]
    assert not failed, f"files the page needs are missing from the book: {failed[:5]}"
    assert n_math > 0, "MathJax produced no typeset equation"
    assert errors == 0, f"{errors} equations failed to typeset"
    assert not raw, f"TeX left as raw text after MathJax ran: {[t[:200] for t in raw]}"
    assert imgs and any(i["ok"] for i in imgs), f"no stored figure loaded in the page (images: {imgs[:5]})"
