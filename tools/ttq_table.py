"""The table of the attention-scores study (results/ttq_scores.md), made from the results files.

    python tools/ttq_table.py [NAME ...]    # default: abl_attn16 sim_equal (ttq.jsonl), cos_equal ctr_equal qk2_equal simqk2_equal simqk2_ema99 dot_ema99 (ttq_scores.jsonl)
    python tools/ttq_table.py --compare A B # A minus B on every measure: Welch 95 % intervals (the seeds are not paired)

For each recipe it prints one row per seed at its last step (the row that holds the fixed-query attention report),
then the mean over seeds with a 95 % t-interval. A recipe with fewer than 3 finished seeds is printed, and flagged.
"""
import json, math, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = (ROOT/"results"/"ttq.jsonl", ROOT/"results"/"ttq_scores.jsonl")
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}   # t quantiles by d.o.f.
COLS = ("FPD (EMA)", "FPD (raw)", "spread (EMA)", "found (EMA)", "G: eye → right eye", "untrained G",
        "G: eye–mouth distance", "D on real: eye → right eye", "D on real: mouth → mouth")

def last_rows(name):
    "The final row (the one with 'fixed') of each seed of recipe `name`, by seed."
    out = {}
    for f in FILES:
        for line in f.read_text().splitlines():
            r = json.loads(line)
            if r["name"] == name and "fixed" in r: out[r["seed"]] = r
    return dict(sorted(out.items()))

def values(r):
    fx = r["fixed"]
    return (r["ema"]["fpd"], r["raw"]["fpd"], r["ema"]["spread"], r["ema"]["found"], fx["G16"]["eye_right_eye"][0],
            fx["G16_untrained"]["eye_right_eye"][0], fx["G16"]["eye_mouth_dist"][0],
            fx["D16_real"]["eye_right_eye"][0], fx["D16_real"]["mouth_mouth"][0])

def mean_ci(v):
    n, m = len(v), sum(v) / len(v)
    if n < 2: return m, float("nan")
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (n - 1))
    return m, T975[n - 1] * sd / math.sqrt(n)

def fmt(i, x): return f"{x:.2f}×" if i in (4, 5, 7, 8) else f"{x:.2f}"

def table(names):
    lines = ["| recipe | seed | seconds | " + " | ".join(COLS) + " |", "|" + "---|" * (len(COLS) + 3)]
    for name in names:
        rows = last_rows(name)
        for s, r in rows.items():
            lines.append(f"| `{name}` | {s} | {r['seconds']:.0f} | " + " | ".join(fmt(i, x) for i, x in enumerate(values(r))) + " |")
        if not rows: continue
        cells = []
        for i, v in enumerate(zip(*(values(r) for r in rows.values()))):
            m, h = mean_ci(v)
            cells.append("" if i == 5 else f"{m:.2f} [{m - h:.2f}, {m + h:.2f}]" + ("×" if i in (4, 7, 8) else ""))
        flag = "" if len(rows) >= 3 else " (fewer than 3 seeds)"
        lines.append(f"| `{name}`, {len(rows)} seeds{flag} | | | " + " | ".join(cells) + " |")
    return "\n".join(lines)

def welch(a, b):
    "Mean of `a` minus mean of `b` with its Welch 95 % interval: (difference, low, high, degrees of freedom)."
    from scipy import stats
    va, vb = stats.tvar(a) / len(a), stats.tvar(b) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    d, h = sum(a) / len(a) - sum(b) / len(b), stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    return d, d - h, d + h, df

def seeds_per_arm(a, b, delta=0.2, power=0.8):
    "Seeds per recipe for which a two-sample t-test at the 5 % level sees a true difference `delta` with `power`, at the pooled SD of a and b."
    from scipy import stats
    sd = math.sqrt(((len(a) - 1) * stats.tvar(a) + (len(b) - 1) * stats.tvar(b)) / (len(a) + len(b) - 2))
    for n in range(2, 10_000):
        df, nc = 2 * n - 2, delta / (sd * math.sqrt(2 / n))
        crit = stats.t.ppf(0.975, df)
        if stats.nct.sf(crit, df, nc) + stats.nct.cdf(-crit, df, nc) >= power: return n

def compare(a, b):
    "Markdown: recipe a minus recipe b on every measure but the control, with Welch intervals over their seeds."
    ra, rb = last_rows(a), last_rows(b)
    lines = [f"`{a}` ({len(ra)} seeds) minus `{b}` ({len(rb)} seeds), Welch 95 % intervals:", "",
             "| measure | " + f"`{a}` | `{b}` | difference |", "|---|---|---|---|"]
    for i, col in enumerate(COLS):
        if i == 5: continue
        va, vb = [values(r)[i] for r in ra.values()], [values(r)[i] for r in rb.values()]
        d, lo, hi, _ = welch(va, vb)
        lines.append(f"| {col} | {sum(va) / len(va):.2f} | {sum(vb) / len(vb):.2f} | {d:+.2f} [{lo:+.2f}, {hi:+.2f}] |")
    fa, fb = [values(r)[0] for r in ra.values()], [values(r)[0] for r in rb.values()]
    lines += ["", f"Seeds per recipe to see a difference of 0.2 in EMA FPD (two-sample t-test, 5 % level, power 0.8, pooled SD): {seeds_per_arm(fa, fb)}."]
    return "\n".join(lines)

if __name__ == "__main__":
    if sys.argv[1:2] == ["--compare"]: print(compare(*sys.argv[2:4])); sys.exit()
    print(table(sys.argv[1:] or ["abl_attn16", "sim_equal", "cos_equal", "ctr_equal", "qk2_equal", "simqk2_equal",
                                   "simqk2_ema99", "dot_ema99"]))
