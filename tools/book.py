"""Build the static HTML book of the notebooks into _book/, from the notebooks as committed (stored outputs, nothing executed).

    bash tools/book.sh                       # the same as: python tools/book.py
    python tools/book.py --src /tmp/run_nbs  # build from another folder of notebooks (e.g. executed copies)
    python tools/book.py --out /tmp/book     # write somewhere else than _book/

_book/index.html comes from nbs/index.ipynb and _book/NN_topic.html from each nbs/NN_topic.ipynb, in order, with links to
the index and to the previous and next notebook. Everything a page needs is inside _book/: figures stay embedded as in
the notebook, images that markdown cells reference by relative path are copied to _book/assets/, and equations are typeset
by MathJax 2.7 from the `jupyter-server-mathjax` pip package, copied to _book/mathjax/. No page loads anything from the
network (no require.js, jQuery, widget or mermaid CDN), and widget state is dropped (a widget shows a note instead), so the
book works offline, opened straight from disk.
"""
import argparse, hashlib, html, re, shutil, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NB_NAME = re.compile(r"^\d\d[a-z]?_\w+$")          # NN_topic (or NNa_topic), as STYLE.md names notebooks
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"  # the combined config jupyter-server-mathjax ships (HTML-CSS output)
# the parts of jupyter-server-mathjax's static/ folder that this config loads (the rest, such as localisation and the SVG
# output, is 9 MB that a page never asks for; tests/test_book.py checks that no file request of a page fails)
MATHJAX_PARTS = ["MathJax.js", "LICENSE", "config", "extensions", "jax/input/TeX", "jax/output/HTML-CSS", "jax/element",
                 "fonts/HTML-CSS"]
MATHJAX_SKIP = ["a11y"]                             # extensions/a11y: 3.7 MB, loaded only from MathJax's menu
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ('<p class="book-widget"><em>An interactive widget shows here when the notebook runs in Jupyter; '
               'run the notebook to use it.</em></p>')

def notebooks(src):
    "index.ipynb first, then every NN_topic.ipynb in name order (scratch notebooks `_*.ipynb` are left out)."
    src = Path(src)
    if not (src/"index.ipynb").is_file(): raise FileNotFoundError(f"{src} has no index.ipynb: pass the notebooks folder with --src")
    return [src/"index.ipynb"] + sorted(p for p in src.glob("*.ipynb") if NB_NAME.match(p.stem))

def check_paths(src, out):
    "Refuse, before anything is deleted, an --out whose emptying would delete notebooks or a folder that is not a book."
    src, out = Path(src), Path(out)
    if not src.is_dir(): raise FileNotFoundError(f"--src {src} is not a folder: pass the folder holding index.ipynb")
    notebooks(src)                                                          # it has an index.ipynb
    s, o = src.resolve(), out.resolve()
    if o == s or o in s.parents or s in o.parents:
        raise ValueError(f"--out {out} {'is' if o == s else 'holds' if o in s.parents else 'is inside'} --src {src}: "
                         "the book empties --out first, so give it a folder of its own")
    if out.exists() and not out.is_dir(): raise ValueError(f"--out {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out/"index.html").is_file():
        raise ValueError(f"--out {out} is a folder with files and no index.html, not a book this tool wrote: "
                         "the book empties --out first, so give it a new or empty folder")

def mathjax_dir():
    "The MathJax 2.7 static files inside the `jupyter-server-mathjax` package."
    try: import jupyter_server_mathjax
    except ImportError as e:
        raise SystemExit(f"the book needs MathJax from the pip package jupyter-server-mathjax ({e}): "
                         "pip install jupyter-server-mathjax, or install the dev extra: pip install -e '.[dev]'")
    d = Path(jupyter_server_mathjax.__file__).parent/"static"
    if not (d/"MathJax.js").is_file(): raise SystemExit(f"{d} has no MathJax.js: reinstall jupyter-server-mathjax")
    return d

def copy_mathjax(out):
    "Copy the MathJax files the pages use into out/mathjax/; returns the folder."
    src, dst = mathjax_dir(), out/"mathjax"
    ignore = shutil.ignore_patterns(*MATHJAX_SKIP, "__pycache__")
    for part in MATHJAX_PARTS:
        s, d = src/part, dst/part
        if s.is_dir(): shutil.copytree(s, d, ignore=ignore, dirs_exist_ok=True)
        elif s.is_file(): d.parent.mkdir(parents=True, exist_ok=True); shutil.copy2(s, d)
    return dst

# ---- markdown: links between notebooks, local images, README includes -------------------------------------------------

# segments of markdown that are left as they are: fenced code, inline code, math, links and images, HTML tags
PROTECTED = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]+`|\$\$.*?\$\$|\$[^$\n]+\$|!?\[[^\]]*\]\([^)]*\)|<[^>]+>", re.S)
MD_IMAGE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")
HTML_IMAGE = re.compile(r"(<img\b[^>]*?\bsrc=[\"'])([^\"']+)([\"'])", re.I)

def _is_local(url): return not re.match(r"^([a-z][\w+.-]*:|/|#)", url, re.I)

def link_notebooks(md, stems):
    """Point mentions of a book notebook at its page: links to `NN_topic.ipynb`, the code span `NN_topic` (or `NN_topic.ipynb`)
    and a bare NN_topic in the text. Code blocks, longer code spans and math are left alone."""
    def page(stem, anchor=""): return f"{stem}.html{anchor}"
    def target(m):                          # a markdown link or image: rewrite its notebook target
        tok = m.group(0)
        if tok.startswith("!"): return tok
        return re.sub(r"\]\((?:\./|nbs/)?(\d\d[a-z]?_\w+)\.ipynb(#[^)\s]*)?",
                      lambda t: f"]({page(t.group(1), t.group(2) or '')}" if t.group(1) in stems else t.group(0), tok)
    def protected(m):
        tok = m.group(0)
        if tok.startswith("[") or tok.startswith("!["): return target(m)
        if tok.startswith("<"):
            return re.sub(r"(href=[\"'])(?:\./|nbs/)?(\d\d[a-z]?_\w+)\.ipynb", lambda t: f"{t.group(1)}{t.group(2)}.html"
                          if t.group(2) in stems else t.group(0), tok)
        c = re.fullmatch(r"`(?:nbs/)?(\d\d[a-z]?_\w+)(\.ipynb)?`", tok)
        if c and c.group(1) in stems: return f"[{tok}]({page(c.group(1))})"
        return tok
    bare = re.compile(r"(?<![\w/.\[-])(\d\d[a-z]?_\w+?)(\.ipynb)?(?=\W|$)")
    def text(s): return bare.sub(lambda m: f"[{m.group(0)}]({page(m.group(1))})" if m.group(1) in stems else m.group(0), s)
    out, pos = [], 0
    for m in PROTECTED.finditer(md):
        out += [text(md[pos:m.start()]), protected(m)]; pos = m.end()
    return "".join(out + [text(md[pos:])])

def copy_images(md, src_dir, out):
    """Copy images that markdown references by a relative path into out/assets/ (keeping their path below the repository) and
    point the markdown there. A path is looked up beside the source notebook first, then in nbs/."""
    def fix(m):
        url = m.group(2)
        if not _is_local(url): return m.group(0)
        rel = url.split("#")[0].split("?")[0]
        for base in (Path(src_dir), ROOT/"nbs"):
            p = (base/rel).resolve()
            if p.is_file(): break
        else:
            print(f"   warning: image {url} not found beside {src_dir} nor in nbs/", file=sys.stderr); return m.group(0)
        try: dest = Path("assets")/p.relative_to(ROOT)        # not files/: nbconvert strips a leading "files/" from links
        except ValueError: dest = Path("assets")/"external"/p.name
        (out/dest).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(p, out/dest)
        return f"{m.group(1)}{dest.as_posix()}{m.group(3)}"
    return HTML_IMAGE.sub(fix, MD_IMAGE.sub(fix, md))

def include_results(md):
    "`<!-- include results/x.md -->` becomes that file's text, as in README.md (tools/readme.py)."
    sys.path.insert(0, str(ROOT/"tools"))
    from readme import _include
    return _include(md)

# ---- notebook to page ------------------------------------------------------------------------------------------------

def title_of(nb, stem):
    "The notebook's H1, or its file name."
    for c in nb.cells:
        if c.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", c.source, re.M)
            if m: return m.group(1).strip()
    return stem

def prepare(nb, path, stems, out):
    """The notebook as the book shows it: `#| hide` cells out, `#|` directive lines out, widgets replaced by a note,
    notebook links and local images fixed."""
    cells = []
    for c in nb.cells:
        src = c.source
        if c.cell_type == "code":
            if re.search(r"^#\|\s*hide\b", src, re.M): continue
            c.source = "\n".join(l for l in src.splitlines() if not l.lstrip().startswith("#|")).strip("\n")
            outputs = []
            for o in c.get("outputs", []):
                if WIDGET_MIME in o.get("data", {}): o["data"] = {"text/html": WIDGET_NOTE}; o["metadata"] = {}
                outputs.append(o)
            c.outputs = outputs
            if not c.source and not outputs: continue
        elif c.cell_type == "markdown":
            md = include_results(src) if path.stem == "index" else src
            c.source = copy_images(link_notebooks(md, stems), path.parent, out)
        cells.append(c)
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    return nb

TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{# no CDN: require.js, widget manager and mermaid are not loaded; MathJax comes from ./mathjax/ #}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({
  TeX: {equationNumbers: {autoNumber: "AMS", useLabelIds: true}},
  tex2jax: {inlineMath: [['$', '$'], ["\\(", "\\)"]], displayMath: [['$$', '$$'], ["\\[", "\\]"]],
            processEscapes: true, processEnvironments: true},
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
               linebreaks: {automatic: true}},
  displayAlign: "center", messageStyle: "none", showMathMenu: false
});
</script>
<script src="{{ resources.mathjax_url }}"></script>
{%- endblock html_head_js_mathjax -%}
{# the code is highlighted by pygments, which escapes it: skip the bleach pass the lab template runs on it (half the time) #}
{% block input %}
<div class="jp-CodeMirrorEditor jp-Editor jp-InputArea-editor" data-type="inline">
     <div class="cm-editor cm-s-jupyter">
{{ cell.source | highlight_code(metadata=cell.metadata) }}
     </div>
</div>
{%- endblock input %}
{%- block extra_css -%}
<style type="text/css">
.book-nav {display: flex; gap: 1.5em; flex-wrap: wrap; align-items: baseline; max-width: 1100px; margin: 0 auto;
           padding: 0.6em 1em; font-family: var(--jp-ui-font-family, sans-serif); font-size: 14px;
           border-bottom: 1px solid #ddd; background: #fafafa;}
.book-nav.bottom {border-top: 1px solid #ddd; border-bottom: none; margin-top: 2em;}
.book-nav .book-home {font-weight: bold;}
.book-nav .book-next {margin-left: auto;}
.book-toc {max-width: 1100px; margin: 1em auto; padding: 0 1em; font-family: var(--jp-ui-font-family, sans-serif);}
.book-toc li {margin: 0.2em 0;}
main {max-width: 1100px; margin: 0 auto;}
.jp-RenderedMarkdown a code, .book-toc a code {color: var(--jp-content-link-color, #1976d2);}
</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.book_nav_top }}
{{ resources.book_toc }}
{%- endblock body_header -%}
{%- block body_footer -%}
{{ resources.book_nav_bottom }}
{{ super() }}
{%- endblock body_footer -%}
"""

STYLE = re.compile(r'<style type="text/css">(.*?)</style>', re.S)

def shared_css(page, out):
    "Move each page's style sheets (the JupyterLab theme: 250 KiB) to files under out/css/ that all pages share."
    def link(m):
        css = m.group(1).strip()
        name = f"css/{hashlib.sha1(css.encode()).hexdigest()[:12]}.css"
        if not (out/name).exists(): (out/"css").mkdir(exist_ok=True); (out/name).write_text(css + "\n", encoding="utf-8")
        return f'<link rel="stylesheet" href="{name}">'
    return STYLE.sub(link, page)

def nav(pages, i, where):
    "Links to the index and to the previous and next page."
    e = html.escape
    parts = [f'<a class="book-home" href="index.html">sagan-nb book</a>']
    if i > 0: parts.append(f'<a class="book-prev" href="{pages[i-1][0]}.html">← {e(pages[i-1][1])}</a>')
    if i + 1 < len(pages): parts.append(f'<a class="book-next" href="{pages[i+1][0]}.html">{e(pages[i+1][1])} →</a>')
    return f'<nav class="book-nav {where}">' + "\n".join(parts) + "</nav>"

def toc(pages):
    "The index's list of every notebook page, in order."
    items = "\n".join(f'<li><a href="{stem}.html"><code>{stem}</code>: {html.escape(title)}</a></li>' for stem, title in pages[1:])
    return f'<nav class="book-toc"><h2>Notebooks</h2>\n<ol>\n{items}\n</ol></nav>'

def build(src=ROOT/"nbs", out=ROOT/"_book", quiet=False):
    "Build the book from the notebooks in `src` into `out` (emptied first); returns the list of pages written."
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    t0, src, out = time.monotonic(), Path(src), Path(out)
    check_paths(src, out)
    paths = notebooks(src)
    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)
    copy_mathjax(out)
    nbs = [nbformat.read(p, as_version=4) for p in paths]
    pages = [("index" if p.stem == "index" else p.stem, title_of(nb, p.stem)) for p, nb in zip(paths, nbs)]
    stems = {s for s, _ in pages if s != "index"}
    exporter = HTMLExporter(template_name="lab", extra_loaders=[DictLoader({"book.html.j2": TEMPLATE})],
                            template_file="book.html.j2", mathjax_url=f"mathjax/MathJax.js?config={MATHJAX_CONFIG}")
    written = []
    for i, (p, nb) in enumerate(zip(paths, nbs)):
        nb = prepare(nb, p, stems, out)
        nb.metadata["title"] = pages[i][1]
        resources = {"metadata": {"name": p.stem, "path": str(p.parent)},
                     "book_nav_top": nav(pages, i, "top"), "book_nav_bottom": nav(pages, i, "bottom"),
                     "book_toc": toc(pages) if i == 0 else ""}
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        body = shared_css(body, out)
        dest = out/f"{pages[i][0]}.html"
        dest.write_text(body, encoding="utf-8")
        written.append(dest)
        if not quiet: print(f"   {dest.relative_to(out.parent) if out.parent in dest.parents else dest}  ({len(body)//1024} KiB)")
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    if not quiet: print(f"== book: {len(written)} pages in {out} ({size/2**20:.1f} MiB) in {time.monotonic()-t0:.1f} s; "
                        f"open {out/'index.html'}")
    return written

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default=str(ROOT/"nbs"), help="folder holding index.ipynb and the NN_topic.ipynb notebooks (default: nbs)")
    ap.add_argument("--out", default=str(ROOT/"_book"), help="new, empty or book folder; emptied (default: _book)")
    a = ap.parse_args(argv)
    try: check_paths(a.src, a.out)
    except (ValueError, FileNotFoundError) as e: ap.error(str(e))            # one line, exit 2, nothing deleted
    build(a.src, a.out)
    return 0

if __name__ == "__main__": sys.exit(main())
