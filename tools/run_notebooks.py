"""Execute notebooks with papermill, each from `nbs/` as its working directory, into an output folder.

    python tools/run_notebooks.py --out runs/notebooks [--ci] [NAME ...]

`--ci` applies the tiny parameters of tests/ci_params.json and sets IN_TEST=1, as CI does.
"""
import argparse, json, os, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT/"nbs"

def notebooks(names=()):
    "The project's notebooks, in order (scratch notebooks start with `_`)."
    nbs = sorted(p for p in NBS.glob("*.ipynb") if not p.name.startswith("_"))
    if names: nbs = [p for p in nbs if any(n in p.name for n in names)]
    return nbs

def check_names(ap, names):
    "A usage error (exit 2, one line) for any name that no notebook's file name contains, before any notebook runs."
    unknown = [n for n in names if not notebooks([n])]
    if unknown: ap.error(f"no notebook in nbs/ has a name containing {', '.join(map(repr, unknown))}; "
                         f"the notebooks are {', '.join(p.stem for p in notebooks())}")

def ci_params(nb):
    "CI's overrides of a notebook's `parameters` cell."
    return json.loads((ROOT/"tests"/"ci_params.json").read_text()).get(nb.stem, {})

def run(nb, out_dir, ci=False, kernel="python3"):
    "Execute one notebook with papermill; returns seconds taken."
    import papermill as pm
    out_dir = Path(out_dir); out_dir.mkdir(parents=True, exist_ok=True)
    if ci: os.environ["IN_TEST"] = "1"
    t = time.perf_counter()
    pm.execute_notebook(str(nb), str(out_dir/nb.name), parameters=ci_params(nb) if ci else {},
                        cwd=str(NBS), kernel_name=kernel, progress_bar=False, log_output=False)
    return time.perf_counter() - t

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
