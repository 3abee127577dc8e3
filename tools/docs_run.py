"""Execute notebooks in place with the docs parameters, so that the committed notebooks show their outputs.

    python tools/docs_run.py            # re-execute every notebook whose code or docs parameters changed since its outputs were made
    python tools/docs_run.py 01 11      # re-execute these (file names containing "01" or "11"), stale or not
    python tools/docs_run.py --list     # only say which notebooks are stale, and why

A docs run executes `nbs/X.ipynb` with papermill from `nbs/` (tools/run_notebooks.py's runner), with the `docs` overrides
in `tools/notebook_params.json` (between CI's tiny ones and the full ones: at most about 3 minutes a notebook on a 2-core CPU).
It then drops widget state and progress-bar widgets (a widget needs a kernel; each widget has a static figure
beside it), marks papermill's injected-parameters cell `#| eval: false` (so nbdev_test keeps the notebook's own
parameters), stores a hash of the code cells and the docs parameters in the notebook's metadata (`sagan_nb`),
and cleans it with nbdev_clean. `tools/check_sync.py` recomputes the hash and fails, naming the notebook, when the
code or its `docs` entry in `tools/notebook_params.json` changed after the outputs were made.
"""
import argparse, hashlib, json, os, re, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT/"nbs"
META = "sagan_nb"                    # the notebook-metadata key (settings.ini keeps it through nbdev_clean)
MAX_BYTES = 1_000_000                # each committed notebook stays under 1 MB
BUDGET_S = 180                       # a docs run's target per notebook
WIDGET = "application/vnd.jupyter.widget-view+json"
NOISE = re.compile(r"^(USDT:.*|.*gpuGetDeviceCount failed.*)\n?", re.M)   # torch's own log lines, not the lesson's
BAR = re.compile(r"\d+%\|.*\|")                                            # a tqdm progress bar's text

def plain_stream(text:str)->str:
    "What a terminal shows of a stream: each line's text after its last carriage return, with progress-bar lines dropped."
    out = []
    for line in text.split("\n"):
        shown = line.rsplit("\r", 1)[-1]
        if "\r" in line and (not shown.strip() or BAR.search(shown)): continue       # redrawn bars and their erasures
        out.append(shown)
    return "\n".join(out)

from run_notebooks import notebooks, check_names, params as nb_params, execute   # tools/ is on sys.path: it holds this script

def _src(cell): return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]

def code_hash(nb:dict)->str:
    "sha256 of the notebook's code cells (their source, stripped), papermill's injected-parameters cell excluded."
    cells = [_src(c).strip() for c in nb["cells"]
             if c["cell_type"] == "code" and "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    return hashlib.sha256("\n\0\n".join(cells).encode()).hexdigest()

def docs_params(stem:str, params:dict=None)->dict:
    "The docs-run parameters of notebook `stem` (the `docs` set of tools/notebook_params.json unless `params` is given)."
    return nb_params(stem, "docs", params)

def staleness(path:Path, params:dict=None):
    "None when the notebook's outputs were made from its current code and docs parameters; otherwise why they were not."
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    meta = nb.get("metadata", {}).get(META, {})
    if meta.get("code_hash") is None: return "it has never been executed for the docs (no code hash in its metadata)"
    if meta["code_hash"] != code_hash(nb): return "its code changed after its outputs were made"
    if meta.get("docs_parameters", {}) != docs_params(Path(path).stem, params): return "its docs parameters in tools/notebook_params.json changed after its outputs were made"
    return None

def problems(path:Path)->list:
    "What is wrong with a committed notebook's outputs: stale code, widget state, size, a stored progress bar."
    out, raw = [], Path(path).read_bytes()
    if (why := staleness(path)): out.append(f"{path.name}: {why}; re-run it with `python tools/docs_run.py {path.stem}`")
    if len(raw) > MAX_BYTES: out.append(f"{path.name}: {len(raw)/1e6:.2f} MB, over the 1 MB limit; shrink its figures")
    nb = json.loads(raw)
    if nb.get("metadata", {}).get("widgets") or WIDGET.encode() in raw:
        out.append(f"{path.name}: holds widget state; re-run it with `python tools/docs_run.py {path.stem}`")
    streams = [_src({"source": o["text"]}) for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "stream"]
    if any("\r" in t and BAR.search(t) for t in streams):
        out.append(f"{path.name}: stores a progress bar; re-run it with `python tools/docs_run.py {path.stem}`, which drops them")
    return out

def tidy(nb:dict, params:dict)->dict:
    "Drop widget state and outputs, torch's log noise and empty tag lists, and mark the injected parameters; store the code hash and `params`."
    nb.get("metadata", {}).pop("widgets", None)
    for c in nb["cells"]:
        tags = c.get("metadata", {}).get("tags", [])
        if "tags" in c.get("metadata", {}) and not tags: del c["metadata"]["tags"]      # papermill adds empty tag lists
        if c["cell_type"] != "code": continue
        if "injected-parameters" in tags:
            c["source"] = "#| eval: false\n# The parameters of this docs run (tools/notebook_params.json), set by papermill\n" + \
                          "\n".join(f"{k} = {v!r}" for k, v in params.items())
        outs = []
        for o in c.get("outputs", []):
            if WIDGET in o.get("data", {}): continue
            if o.get("output_type") == "stream":
                if outs and outs[-1].get("output_type") == "stream" and outs[-1]["name"] == o["name"]:   # one output per run of a stream
                    outs[-1]["text"] = _src({"source": outs[-1]["text"]}) + _src({"source": o["text"]}); continue
                o["text"] = _src({"source": o["text"]})
            outs.append(o)
        for o in outs:
            if o.get("output_type") == "stream": o["text"] = plain_stream(NOISE.sub("", o["text"]) if o["name"] == "stderr" else o["text"])
        c["outputs"] = [o for o in outs if o.get("output_type") != "stream" or o["text"].strip()]
    nb.setdefault("metadata", {})[META] = {"code_hash": code_hash(nb), "docs_parameters": params}
    return nb

def run(path:Path)->float:
    "Execute one notebook in place with its docs parameters; returns seconds."
    tmp = path.with_name(f"_docs_{path.name}")
    try:
        secs = execute(path, tmp, "docs")
        nb = tidy(json.loads(tmp.read_text(encoding="utf-8")), docs_params(path.stem))
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    finally:
        tmp.unlink(missing_ok=True)
    subprocess.run([str(Path(sys.executable).parent/"nbdev_clean"), "--fname", str(path)], cwd=ROOT, check=True)
    return secs

def busy_warning(limit:float=1.0):
    "A line to print when the CPU is already busy (1-minute load average over `limit`), else None."
    load = os.getloadavg()[0]
    if load <= limit: return None
    return (f"warning: the load average is {load:.1f}: the notebooks' printed timings will be of a shared CPU, and a "
            f"kernel's OpenMP threads sharing a core with another job can make a run several times slower")

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="re-execute notebooks whose file name contains one of these (stale or not)")
    ap.add_argument("--list", action="store_true", help="only list the stale notebooks")
    a = ap.parse_args(argv)
    check_names(ap, a.names)
    todo = notebooks(a.names) if a.names else [p for p in notebooks() if staleness(p)]
    if a.list:
        for p in notebooks(): print(f"{p.name}: {staleness(p) or 'fresh'}")
        return 0
    if not todo: print("every notebook's outputs are fresh"); return 0
    if (busy := busy_warning()): print(busy, flush=True)
    failed = []
    for p in todo:
        print(f"docs run of {p.name} ...", flush=True)
        try: secs = run(p)
        except Exception as e:                                    # keep going: one broken notebook should not cost the rest
            print(f"  FAILED: {type(e).__name__}: {str(e)[-2000:]}", flush=True); failed.append(p.name); continue
        size = p.stat().st_size
        print(f"  {secs:.0f} s, {size/1e6:.2f} MB" + ("  (over the 3-minute budget)" if secs > BUDGET_S else "")
              + ("  (over 1 MB)" if size > MAX_BYTES else ""), flush=True)
    if failed: print("failed: " + ", ".join(failed)); return 1
    return 0

if __name__ == "__main__": sys.exit(main())
