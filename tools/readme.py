"""Keep README.md equal to nbs/index.ipynb (quarto, which `nbdev_readme` needs, cannot be installed here).

    python tools/readme.py          # write README.md from nbs/index.ipynb
    python tools/readme.py --check  # exit 1 if README.md differs from what index.ipynb gives
"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "<!-- generated from nbs/index.ipynb by `python tools/readme.py`: edit the notebook, not this file -->\n\n"

def _skip(src):
    "Cells marked `#| hide` (or the export cell) stay out of the README."
    return bool(re.search(r"^#\|\s*(hide|export|exporti|default_exp)\b", src, re.M))

INCLUDE = re.compile(r"^<!-- include (\S+) -->$", re.M)

def _include(md):
    "A line `<!-- include results/x.md -->` becomes that file's text, so README's tables come from the results files the notebooks write."
    def text(m):
        p = ROOT/m.group(1)
        if not p.is_file(): raise SystemExit(f"README includes {m.group(1)}, which does not exist: run the notebook that writes it")
        return f"{m.group(0)}\n{p.read_text(encoding='utf-8').strip()}"
    return INCLUDE.sub(text, md)

def render(nb_path=ROOT/"nbs"/"index.ipynb"):
    "Markdown of the README: markdown cells (links that climb out of nbs/ made relative to the root), visible code cells as python blocks."
    nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        src = "".join(cell["source"]).strip("\n")
        if not src or _skip(src): continue
        if cell["cell_type"] == "markdown": parts.append(_include(re.sub(r"\]\(\.\./", "](", src)))   # ../x from nbs/ is x from the root
        elif cell["cell_type"] == "code":
            src = "\n".join(l for l in src.splitlines() if not l.startswith("#|")).strip("\n")
            if src: parts.append(f"```python\n{src}\n```")
    return HEADER + "\n\n".join(parts) + "\n"

def main(argv=sys.argv[1:]):
    want, readme = render(), ROOT/"README.md"
    if "--check" in argv:
        have = readme.read_text(encoding="utf-8") if readme.exists() else ""
        if have != want:
            print("README.md differs from nbs/index.ipynb: run `python tools/readme.py` and commit README.md", file=sys.stderr)
            return 1
        print("README.md is in sync with nbs/index.ipynb")
        return 0
    readme.write_text(want, encoding="utf-8")
    print(f"wrote {readme.relative_to(ROOT)}")
    return 0

if __name__ == "__main__": sys.exit(main())
