"""Seconds per training step of faces32 variants, timed in turn in one process (so the machine's load hits all alike).

    python tools/step_cost.py                                   # the default against the candidate scores of results/ttq_scores.md
    python tools/step_cost.py wide:attn_qk_div=2 --repeats 30   # NAME:KEY=VALUE,...  (Trainer overrides; numbers are parsed)

Each variant is a `Trainer` on the faces32 preset with the given overrides; after one warm-up step each, every round
times one step of every variant, and the best of `--repeats` rounds is kept. Compare the ratios, not the seconds: this
machine is shared. The first variant, `default`, is the preset itself.
"""
import argparse, os, shutil, tempfile
from pathlib import Path

DEFAULTS = ["simqk2:attn_scores=similarity,attn_qk_div=2", "sim:attn_scores=similarity", "dotqk2:attn_qk_div=2"]

def variant(text):
    "'NAME:KEY=VALUE,...' -> (NAME, {KEY: VALUE}); integers and floats are parsed, anything else stays a string."
    name, _, spec = text.partition(":")
    if not name or ":" not in text or (spec and "=" not in spec): raise argparse.ArgumentTypeError(f"expected NAME:KEY=VALUE,..., got {text!r}")
    kw = {}
    for item in filter(None, spec.split(",")):
        k, _, v = item.partition("=")
        for cast in (int, float):
            try: v = cast(v); break
            except ValueError: pass
        kw[k] = v
    return name, kw

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("variants", nargs="*", type=variant, help="NAME:KEY=VALUE,... (default: %(default)s)")
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args()
    import torch
    from sagan_nb.train import Trainer
    from sagan_nb.bench import best_time
    variants = [("default", {})] + (args.variants or [variant(v) for v in DEFAULTS])
    trainers, best = {}, {}
    try:
        for name, kw in variants:
            tr = Trainer(preset="faces32", steps=10**6, seed=0, out=Path(tempfile.mkdtemp(prefix="step_cost_")), ckpt_every=0,
                         sample_every=0, log_every=0, progress=False, **kw)
            tr.train_step(); trainers[name] = tr                                  # warm-up
        for _ in range(args.repeats):
            for name, tr in trainers.items(): best[name] = min(best.get(name, float("inf")), best_time(tr.train_step, repeats=1, warmup=0))
    finally:
        for tr in trainers.values(): shutil.rmtree(tr.out, ignore_errors=True)
    print(f"faces32, batch 32, {torch.get_num_threads()} threads, best of {args.repeats} rounds, load average {os.getloadavg()[0]:.2f}")
    for name, kw in variants:
        print(f"{name:>10}: {best[name]:.4f} s/step ({best[name] / best['default']:.2f}× default)  {kw or ''}")

if __name__ == "__main__": main()
