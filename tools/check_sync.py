"""Fail if the notebooks are not clean, the library is not what the notebooks export, a module is an orphan,
README.md has drifted from nbs/index.ipynb, or a notebook's committed outputs are stale (its code or its docs
parameters changed after they were made), over 1 MB, or hold widget state, or a library line is over 120 columns.
Runs nbdev_clean + nbdev_export on a scratch copy; changes nothing here.

    python tools/check_sync.py
"""
import ast, json, os, re, shutil, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.path.abspath(sys.executable)).parent   # absolute, not resolved: a venv's python is a link

def tree_files(root):
    "Files git tracks plus untracked ones it does not ignore."
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=root, capture_output=True, check=True)
    return [p for p in out.stdout.decode().split("\0") if p and (root/p).is_file()]

def snapshot(root, sub=("nbs", "sagan_nb")):
    "{path: bytes} of every file under `sub`, skipping caches."
    snap = {}
    for s in sub:
        for p in sorted((root/s).rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts:
                snap[str(p.relative_to(root))] = p.read_bytes()
    return snap

def orphans(root):
    "Modules whose `File to edit` notebook no longer exists."
    bad = []
    for f in sorted((root/"sagan_nb").glob("*.py")):
        m = re.search(r"File to edit: \.\./(nbs/\S+\.ipynb)", f.read_text(encoding="utf-8"))
        if m and not (root/m.group(1)).exists(): bad.append(f"{f.relative_to(root)} (its notebook {m.group(1)} is gone)")
    return bad

MAX_COLUMNS = 120
CELL = re.compile(r"^# %% (\S+\.ipynb) #?(\S*)")           # nbdev's marker above each exported cell: notebook, cell id

def long_lines(root, limit=MAX_COLUMNS):
    """One line for each line of the library over `limit` columns, naming the notebook cell to wrap it in. Exempt: what
    nbdev writes itself (the module docstring from the notebook's summary, `__all__`, and _modidx.py)."""
    bad = []
    for f in sorted((root/"sagan_nb").glob("*.py")):
        if f.name == "_modidx.py": continue
        text = f.read_text(encoding="utf-8")
        exempt = set()
        for i, node in enumerate(ast.parse(text).body):
            doc = i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            if doc or (isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets)):
                exempt.update(range(node.lineno, node.end_lineno + 1))
        cell = None
        for n, line in enumerate(text.splitlines(), 1):
            if (m := CELL.match(line)): cell = f"{Path(m.group(1)).name}, cell {m.group(2)}"
            if len(line) > limit and n not in exempt:
                bad.append(f"{f.relative_to(root)}:{n} is {len(line)} columns (at most {limit}; wrap it in {cell}): "
                           f"{line.strip()[:60]}...")
    return bad

def unreadable(root):
    "One line for each notebook under root/nbs that is not valid JSON (the tools below would only show a traceback)."
    bad = []                                      # every .ipynb, scratch ones too: nbdev_clean and nbdev_export read them all
    for nb in sorted((root/"nbs").glob("*.ipynb")):
        try: json.loads(nb.read_bytes())
        except ValueError as e: bad.append(f"{nb.relative_to(root)} is not valid JSON ({e}): fix it, or restore the "
                                           f"committed copy with `git checkout -- {nb.relative_to(root)}`")
    return bad

def output_problems(root):
    "Each notebook under root/nbs whose committed outputs are stale, too big or hold widget state (see tools/docs_run.py)."
    from docs_run import problems                 # tools/ is on sys.path: it holds this script
    from run_notebooks import notebooks
    return [p for nb in notebooks(nbs=root/"nbs") for p in problems(nb)]

def main():
    if (problems := unreadable(ROOT)):                      # nbdev_clean, nbdev_export and the output checks need JSON
        print("\n".join(problems), file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for rel in tree_files(ROOT):
            (tmp/rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT/rel, tmp/rel)
        before = snapshot(tmp)
        env = {**os.environ, "IN_TEST": ""}
        for cmd in ("nbdev_clean", "nbdev_export"):
            r = subprocess.run([str(BIN/cmd)], cwd=tmp, env=env, capture_output=True, text=True)
            if r.returncode: problems.append(f"{cmd} failed:\n{r.stdout}{r.stderr}")
        after = snapshot(tmp)
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        if changed:
            problems.append("nbdev_clean + nbdev_export would change these files (run both, then commit notebooks "
                            "and sagan_nb/ together):\n  " + "\n  ".join(changed))
    problems += [f"orphan module: {o}" for o in orphans(ROOT)]
    if (long := long_lines(ROOT)): problems.append(f"{len(long)} library lines are too long:\n  " + "\n  ".join(long))
    problems += output_problems(ROOT)
    r = subprocess.run([sys.executable, str(ROOT/"tools"/"readme.py"), "--check"], capture_output=True, text=True)
    if r.returncode: problems.append(r.stderr.strip())
    if problems:
        print("\n\n".join(problems), file=sys.stderr)
        return 1
    print("notebooks clean, library in sync with notebooks, no orphan modules, README in sync")
    return 0

if __name__ == "__main__": sys.exit(main())
