"""Sphinx configuration of the book (`bash tools/book.sh`, which stages the notebooks and runs sphinx-build with it).

The notebooks are shown with their committed outputs (myst-nb executes nothing), the API reference comes from the library's
docstrings (autodoc), and no page loads anything from the network: MathJax 2.7 is the copy tools/book.py puts in
_static/mathjax/, and myst-nb's widget scripts (require.js and the widget manager, from a CDN) are switched off.
"""
import configparser, re
from pathlib import Path

_ini = configparser.ConfigParser(delimiters=["="])
_ini.read(Path(__file__).resolve().parents[2]/"settings.ini", encoding="utf-8")
_cfg = _ini["DEFAULT"]

project = _cfg["title"]
author = _cfg["author"]
copyright = _cfg["copyright"]
release = version = _cfg["version"]

extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.autosummary", "sphinx.ext.mathjax"]
root_doc = "index"
exclude_patterns = ["_build", ".ipynb_checkpoints", "**/.ipynb_checkpoints"]
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]   # a notebook may start below H1 or store odd mime types

# ---- notebooks: as committed, nothing executed ----
nb_execution_mode = "off"
nb_ipywidgets_js = {}                       # the default loads require.js and the widget manager from a CDN
nb_render_markdown_format = "myst"          # Markdown outputs (the tables that 04, 11 and 12 display) get tables and math
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "html_image"]
myst_heading_anchors = 3                    # [text](02_spectral_norm.ipynb#a-heading) links work
nb_merge_streams = True

# ---- API reference ----
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_inherit_docstrings = False         # a method that a class overrides without a docstring (nn.Module.extra_repr) is left out
autodoc_default_options = {"members": True}
autosummary_generate = False

def _markdown_docstring(app, what, name, obj, options, lines):
    "nbdev docstrings are Markdown: `code` becomes an RST literal, and a | outside one is plain text, not a substitution."
    for i, line in enumerate(lines):
        parts = re.split(r"(``[^`]+``)", re.sub(r"(?<![`\\])`([^`]+)`(?!`)", r"``\1``", line))
        lines[i] = "".join(p if p.startswith("``") else p.replace("|", r"\|") for p in parts)

def setup(app): app.connect("autodoc-process-docstring", _markdown_docstring)

# ---- math: MathJax 2.7 served from inside the book ----
# relative to _static/ (tools/book.py copies it there); the combined config that jupyter-server-mathjax ships
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
mathjax2_config = {
    "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]], "processEscapes": True,
                "processEnvironments": True, "ignoreClass": "document", "processClass": "math|output_area"},
    "HTML-CSS": {"availableFonts": [], "preferredFont": None, "webFont": "STIX-Web", "imageFont": None,
                 "linebreaks": {"automatic": True}},
    "messageStyle": "none", "showMathMenu": False,
}

# ---- HTML ----
html_theme = "sphinx_book_theme"
html_title = f"{project} book"
html_copy_source = True                     # the download button gives the notebook (tools/book.py puts the committed one there)
html_last_updated_fmt = None
html_theme_options = {
    "use_download_button": True,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
html_static_path = ["_static"]
html_css_files = ["book.css"]
