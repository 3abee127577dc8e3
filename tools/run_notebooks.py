"""The project's notebooks: their one list, their two parameter sets, and the one papermill runner.

    python tools/run_notebooks.py --out runs/notebooks [--ci] [NAME ...]

Every tool takes the notebooks from `notebooks()` (CI's papermill test, the docs runs, the sync check, the book), and every
papermill run goes through `execute()` with one of the two parameter sets of tools/notebook_params.json:
- `ci`: CI's tiny overrides, with IN_TEST=1 (what pytest's papermill test runs; `--ci` here);
- `docs`: the docs runs that make the committed outputs (tools/docs_run.py), with no progress bars.
Without `--ci`, this script runs each notebook on its own parameters.
"""
import argparse, json, os, re, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT/"nbs"
PARAMS = ROOT/"tools"/"notebook_params.json"
KINDS = ("ci", "docs")
NB_NAME = re.compile(r"^\d\d[a-z]?_\w+$")          # NN_topic (or NNa_topic); scratch notebooks start with `_`

def notebooks(names=(), nbs=NBS):
    "index.ipynb first (where there is one), then every NN_topic.ipynb in name order; only those whose name holds one of `names`."
    nbs = Path(nbs)
    found = ([nbs/"index.ipynb"] if (nbs/"index.ipynb").is_file() else []) + \
            sorted(p for p in nbs.glob("*.ipynb") if NB_NAME.match(p.stem))
    return [p for p in found if any(n in p.name for n in names)] if names else found

def check_names(ap, names):
    "A usage error (exit 2, one line) for any name that no notebook's file name contains, before any notebook runs."
    unknown = [n for n in names if not notebooks([n])]
    if unknown: ap.error(f"no notebook in nbs/ has a name containing {', '.join(map(repr, unknown))}; "
                         f"the notebooks are {', '.join(p.stem for p in notebooks())}")

def params(stem:str, kind:str, table:dict=None)->dict:
    "Notebook `stem`'s overrides in parameter set `kind` (`ci` or `docs`), from tools/notebook_params.json unless `table` is given."
    if kind not in KINDS: raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return (json.loads(PARAMS.read_text()) if table is None else {kind: table})[kind].get(stem, {})

def execute(nb:Path, out:Path, kind:str=None, kernel="python3")->float:
    "Run notebook `nb` with papermill from nbs/ into the file `out`, with parameter set `kind` (None: its own); returns seconds."
    import papermill as pm
    env_before = dict(os.environ)
    if kind == "ci": os.environ["IN_TEST"] = "1"
    if kind == "docs":
        os.environ.update(TQDM_DISABLE="1", IN_TEST="")     # full cells, no progress-bar widgets
        os.environ.pop("MPLBACKEND", None)                   # Agg (set by tests) would keep the figures out of the notebook
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    try:
        pm.execute_notebook(str(nb), str(out), parameters=params(Path(nb).stem, kind) if kind else {},
                            cwd=str(NBS), kernel_name=kernel, progress_bar=False, log_output=False)
    finally:
        os.environ.clear(); os.environ.update(env_before)
    return time.perf_counter() - t

def run(nb, out_dir, ci=False):
    "Execute one notebook into `out_dir` (CI's parameters with `ci`); returns seconds taken."
    return execute(nb, Path(out_dir)/Path(nb).name, "ci" if ci else None)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="run only notebooks whose file name contains one of these")
    ap.add_argument("--out", default="runs/notebooks", help="folder for the executed notebooks")
    ap.add_argument("--ci", action="store_true", help="tiny CI parameters and IN_TEST=1")
    a = ap.parse_args(argv)
    check_names(ap, a.names)
    for nb in notebooks(a.names):
        print(f"running {nb.name} ...", flush=True)
        print(f"  done in {run(nb, ROOT/a.out, ci=a.ci):.1f} s -> {Path(a.out)/nb.name}", flush=True)

if __name__ == "__main__": sys.exit(main())
