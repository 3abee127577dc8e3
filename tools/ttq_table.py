"""The table of the attention-scores study (results/ttq_scores.md), made from the results files.

    python tools/ttq_table.py [NAME ...]    # default: abl_attn16 sim_equal (ttq.jsonl), cos_equal ctr_equal qk2_equal simqk2_equal simqk2_ema99 (ttq_scores.jsonl)

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

if __name__ == "__main__":
    print(table(sys.argv[1:] or ["abl_attn16", "sim_equal", "cos_equal", "ctr_equal", "qk2_equal", "simqk2_equal",
                                   "simqk2_ema99"]))
