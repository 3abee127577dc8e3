"""tools/ as a hostile user runs them: every name or path a tool is given is checked before any work starts."""
import shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent

def usage_error(r, *says):
    "argparse's usage error: exit 2, no traceback, and its error line names each of `says`."
    assert r.returncode == 2 and "Traceback" not in r.stderr, (r.returncode, r.stderr[-2000:])
    line = [l for l in r.stderr.splitlines() if "error:" in l]
    assert len(line) == 1 and all(s in line[0] for s in says), r.stderr[-2000:]

# ---- tools/experiment.py NAME ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["scores/sim", "../../etc/x", ".hidden", "", "a" * 101])
def test_experiment_refuses_a_name_that_is_not_plain_before_training(tmp_path, name):
    "A copy of the tool in tmp_path/tools, so that whatever it would write lands under tmp_path, never in the checkout."
    (tmp_path/"tools").mkdir(); shutil.copy(ROOT/"tools"/"experiment.py", tmp_path/"tools")
    r = subprocess.run([sys.executable, str(tmp_path/"tools"/"experiment.py"), name, "--preset", "faces32", "--steps", "1",
                        "--batch-size", "4", "--sample-every", "0", "--ckpt-every", "1"],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path)
    usage_error(r, "NAME must be a plain name", repr(name))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tools"], "nothing was trained or written"

def test_experiment_accepts_a_plain_name():
    import experiment
    for name in ("sim_dot-2.5", "seed0", "A.b"): assert experiment.experiment_name(name) == name

# ---- tools/docs_run.py NAME... and tools/run_notebooks.py NAME... ---------------------------------------------------

def test_docs_run_names_a_notebook_that_does_not_exist():
    r = subprocess.run([sys.executable, str(ROOT/"tools"/"docs_run.py"), "nosuchnotebook"], capture_output=True, text=True)
    usage_error(r, "no notebook", "'nosuchnotebook'", "01_attention")
    assert "fresh" not in r.stdout

@pytest.mark.parametrize("tool", ["docs_run", "run_notebooks"])
def test_one_unknown_name_stops_the_tool_before_any_notebook_runs(monkeypatch, capsys, tool):
    mod = __import__(tool)
    ran = []
    monkeypatch.setattr(mod, "run", lambda p, *a, **k: ran.append(p) or 0.0)
    with pytest.raises(SystemExit) as e: mod.main(["01_attention", "nosuch"])
    assert e.value.code == 2 and ran == [] and "'nosuch'" in capsys.readouterr().err

# ---- tools/book.py --src --out ----------------------------------------------------------------------------------

def _notebooks(folder):
    folder.mkdir(parents=True)
    for name in ("index.ipynb", "01_a.ipynb"): (folder/name).write_text("{}")
    return folder

def book(*args):
    return subprocess.run([sys.executable, str(ROOT/"tools"/"book.py"), *map(str, args)], capture_output=True, text=True)

@pytest.mark.parametrize("where", ["same", "parent", "inside"])
def test_book_refuses_an_out_that_would_delete_the_notebooks(tmp_path, where):
    src = _notebooks(tmp_path/"nbs")
    out = {"same": src, "parent": tmp_path, "inside": src/"_book"}[where]
    if where == "inside": out.mkdir()
    usage_error(book("--src", src, "--out", out), "--out", "--src", "a folder of its own")
    assert sorted(p.name for p in src.iterdir()) == sorted(["01_a.ipynb", "index.ipynb"] + (["_book"] if where == "inside" else []))

def test_book_refuses_a_missing_src_and_a_folder_that_is_not_a_book(tmp_path):
    usage_error(book("--src", tmp_path/"nonexistent", "--out", tmp_path/"o"), "--src", "nonexistent", "is not a folder")
    src, keep = _notebooks(tmp_path/"nbs"), tmp_path/"keep"
    usage_error(book("--src", tmp_path, "--out", tmp_path/"o"), "has no index.ipynb")
    keep.mkdir(); (keep/"thesis.tex").write_text("years of work")
    usage_error(book("--src", src, "--out", keep), "not a book", str(keep))
    assert (keep/"thesis.tex").read_text() == "years of work"
    (tmp_path/"file").write_text("x")
    usage_error(book("--src", src, "--out", tmp_path/"file"), "is a file")

# ---- tools/check_sync.py on a notebook that is not JSON ---------------------------------------------------------

def test_check_sync_names_a_notebook_that_is_not_json(tmp_path):
    "A truncated notebook: one line naming it and where its JSON stops, exit 1, no traceback."
    (tmp_path/"tools").mkdir(); (tmp_path/"nbs").mkdir()
    for tool in ("check_sync.py", "docs_run.py", "run_notebooks.py"): shutil.copy(ROOT/"tools"/tool, tmp_path/"tools")
    text = (ROOT/"nbs"/"01_attention.ipynb").read_text(encoding="utf-8")
    (tmp_path/"nbs"/"01_attention.ipynb").write_text(text[:len(text)//2], encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    r = subprocess.run([sys.executable, str(tmp_path/"tools"/"check_sync.py")],
                       capture_output=True, text=True, timeout=120)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 1 and "Traceback" not in r.stderr and len(lines) == 1, r.stderr[-3000:]
    assert "nbs/01_attention.ipynb is not valid JSON" in lines[0] and "line " in lines[0], lines

def test_docs_run_warns_when_the_cpu_is_busy(monkeypatch):
    "A docs run on a loaded CPU says so before it starts: its timings would be of a shared CPU."
    import docs_run
    monkeypatch.setattr(docs_run.os, "getloadavg", lambda: (3.2, 2.0, 1.0))
    assert "load average is 3.2" in docs_run.busy_warning()
    monkeypatch.setattr(docs_run.os, "getloadavg", lambda: (0.3, 0.2, 0.1))
    assert docs_run.busy_warning() is None

# ---- tools/ttq_table.py ---------------------------------------------------------------------------------------------

def test_ttq_table_takes_each_seeds_last_row_and_scipys_interval(tmp_path, monkeypatch):
    "Only the rows that hold the attention report count; the interval matches scipy's t-interval over seeds."
    import json, ttq_table
    from scipy import stats
    fpd = [0.5, 0.9, 1.6]
    rep = {k: {"eye_right_eye": [2.0, 1, 3], "eye_mouth_dist": [0.3, 0, 1], "mouth_mouth": [1.0, 0, 2]}
           for k in ("G16", "G16_untrained", "D16_real")}
    rows = [dict(name="r", seed=s, step=500, seconds=9, ema=dict(fpd=9.0, spread=0, found=0), raw=dict(fpd=9.0))
            for s in range(3)]                                                        # earlier rows: no report, ignored
    rows += [dict(name="r", seed=s, step=2500, seconds=99, ema=dict(fpd=f, spread=1, found=0.5), raw=dict(fpd=f),
                  fixed=rep) for s, f in enumerate(fpd)]
    (tmp_path/"a.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    monkeypatch.setattr(ttq_table, "FILES", (tmp_path/"a.jsonl",))
    summary = ttq_table.table(["r"]).splitlines()[-1]
    lo, hi = stats.t.interval(0.95, 2, loc=sum(fpd) / 3, scale=stats.sem(fpd))
    assert summary.startswith("| `r`, 3 seeds |") and f"| {sum(fpd) / 3:.2f} [{lo:.2f}, {hi:.2f}] |" in summary
    rows2 = [r for r in rows if r["seed"] < 2]
    (tmp_path/"a.jsonl").write_text("\n".join(json.dumps(r) for r in rows2))
    assert "2 seeds (fewer than 3 seeds)" in ttq_table.table(["r"])

def test_ttq_table_compare_matches_scipys_welch_test_and_a_simulated_power():
    "welch equals scipy's unequal-variance t-test interval; seeds_per_arm reaches power 0.8 in a simulation, one seed fewer does not."
    import numpy as np, ttq_table
    from scipy import stats
    a, b = [0.49, 0.74, 0.49, 0.66, 0.60], [0.73, 0.81, 0.95, 0.55, 1.24]
    d, lo, hi, _ = ttq_table.welch(a, b)
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert d == pytest.approx(np.mean(a) - np.mean(b)) and (lo, hi) == pytest.approx((ci.low, ci.high))
    n = ttq_table.seeds_per_arm(a, b)
    sd = np.sqrt((np.var(a, ddof=1) + np.var(b, ddof=1)) / 2)             # equal arms: the pooled SD
    assert n >= ((stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) * sd / 0.2) ** 2 * 2    # never below the normal approximation
    rng = np.random.default_rng(0)
    def power(k, sims=20_000):
        x, y = rng.normal(0.2, sd, (sims, k)), rng.normal(0, sd, (sims, k))
        return (stats.ttest_ind(x, y, axis=1).pvalue < 0.05).mean()
    assert power(n) > 0.79 and power(n - 1) < 0.81

# ---- tools/attn_peaks.py ---------------------------------------------------------------------------------------------

def test_attn_peaks_reads_uniform_and_one_hot_maps_and_the_blocks_beta():
    "peaks: 1× and entropy 1 for uniform maps, N× and entropy 0 for one-hot maps; block_maps returns the block's own β."
    import torch, attn_peaks
    from sagan_nb.attention import SelfAttention
    n = 16
    assert attn_peaks.peaks(torch.full((2, n, n), 1 / n)) == pytest.approx((1.0, 1.0))
    assert attn_peaks.peaks(torch.eye(n).expand(2, n, n)) == pytest.approx((float(n), 0.0), abs=1e-6)
    net = torch.nn.Sequential(torch.nn.Conv2d(8, 8, 1), SelfAttention(8, sn=False))
    x = torch.randn(2, 8, 4, 4)
    beta, gamma = attn_peaks.block_maps(net, x)
    with torch.no_grad(): want = net[1](net[0](x), return_attn=True)[1]
    torch.testing.assert_close(beta, want); assert gamma == 0.0

# ---- tools/ttq_figure.py ---------------------------------------------------------------------------------------------

def test_ttq_figure_draws_the_median_seed_never_the_best(tmp_path):
    "The seed with the median G eye → right eye among finished rows (the lower middle for an even count)."
    import json, ttq_figure
    def row(seed, share, fixed=True):
        r = dict(name="r", seed=seed, step=2500)
        if fixed: r["fixed"] = {"G16": {"eye_right_eye": [share, 0, 1]}}
        return r
    rows = [row(0, 8.2), row(1, 18.6), row(2, 5.7), row(3, 99.0, fixed=False), dict(row(4, 1.0), name="other")]
    (tmp_path/"a.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    assert ttq_figure.median_seed(tmp_path/"a.jsonl", "r")[0] == 0            # 5.7 < 8.2 < 18.6: not seed 1, the best
    (tmp_path/"a.jsonl").write_text("\n".join(json.dumps(r) for r in rows + [row(5, 30.0)]))
    assert ttq_figure.median_seed(tmp_path/"a.jsonl", "r")[0] == 0            # 5.7, 8.2 | 18.6, 30: the lower middle
    with pytest.raises(SystemExit, match="no finished seed of 'none'"): ttq_figure.median_seed(tmp_path/"a.jsonl", "none")
