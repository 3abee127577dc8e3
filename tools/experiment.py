"""One recorded experiment on the synthetic faces: train with sagan-train's settings, measure, append to results/experiments.jsonl.

    python tools/experiment.py NAME [--seed S] [--threads T] [any sagan-train flag, e.g. --attn-scores similarity --steps 1500]
    python tools/experiment.py NAME --measure-only OUT   # (re)measure the run already in OUT (its checkpoints/last.pt)

Each record holds the settings, the training time (with the thread count: compare times only between runs on the same
machine and load), and the measures the README's main job targets: FPD, spread and found on 512 samples (sagan_nb.metrics.sample_scores),
and the attention of every layer of G and D: counted over all 256 samples at fixed queries, with an untrained control and
D on 256 real faces (attention_report), and placed on the parts the segmenter finds (measure_attention, selected).
"""
import argparse, json, os, re, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT/"results"/"experiments.jsonl"
NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")   # a plain file name: runs/experiments/NAME, results files


def experiment_name(name):
    "NAME as given, when it is a plain name; anything else is a one-line usage error (exit 2)."
    if not NAME.fullmatch(name):
        raise argparse.ArgumentTypeError(f"NAME must be a plain name (letters, digits, _ . -, at most 100, not "
                                         f"starting with . or -), got {name!r}: it names runs/experiments/NAME")
    return name


def measure(G, D, seed=123, n=512):
    "sagan_nb.metrics.sample_scores (FPD, spread, found on n samples), the attention of every layer counted over every sample at\n"
    "fixed queries, beside an untrained control and D on real faces (attention_report), and the segmenter-placed measures."
    from sagan_nb.data import make_dataset
    from sagan_nb.metrics import sample_scores
    from sagan_nb.attention_maps import measure_attention, attention_report
    out = sample_scores(G, n=n, seed=seed)
    if G.attn_res:
        real = make_dataset("faces", resolution=G.resolution, split="valid").batch(list(range(256)))[0].float()
        out["fixed"] = attention_report(G, 256, seed=seed, D=D, real=real)
        rep = measure_attention(G, 256, D=D, seed=seed)
        out["attention"] = {k: ({m: round(v, 4) for m, v in d.items()} if isinstance(d, dict) else d) for k, d in rep.items()}
    return out


def save_figures(out, name):
    "Copy the run's last sample grid and attention figure next to the results, as results/experiments/NAME_{samples,attention}.png."
    import shutil
    dest = RESULTS.parent/"experiments"; dest.mkdir(parents=True, exist_ok=True)
    saved = []
    for src, kind in (("last.png", "samples"), ("attention_last.png", "attention")):
        if (out/"samples"/src).exists():
            shutil.copy(out/"samples"/src, dest/f"{name}_{kind}.png"); saved.append(f"results/experiments/{name}_{kind}.png")
    return saved


def main(argv=sys.argv[1:]):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name", type=experiment_name, help="a plain name: runs/experiments/NAME, results/.../NAME_*.png")
    ap.add_argument("--seed", type=int, default=0); ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--measure-only", metavar="OUT", default=None)
    ap.add_argument("--note", default="", help="what the run tests, in a few words")
    ap.add_argument("--seconds", type=float, default=None, help="with --measure-only: the training time, measured by the caller")
    args, train_flags = ap.parse_known_args(argv)
    if args.threads: os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch
    if args.threads: torch.set_num_threads(args.threads)
    from sagan_nb.cli import main as train_main
    from sagan_nb.checkpoint import load_checkpoint, load_models
    out = args.measure_only or str(ROOT/"runs"/"experiments"/args.name)
    secs = args.seconds
    if not args.measure_only:
        t0 = time.perf_counter()
        rc = train_main(["--out", out, "--seed", str(args.seed), "--no-progress", *train_flags])
        secs = round(time.perf_counter() - t0, 1)
        if rc: return rc
    ck = Path(out)/"checkpoints"/"last.pt"
    G, D, info = load_models(ck)
    cfg = load_checkpoint(ck)["config"]
    rec = dict(name=args.name, note=args.note, seed=cfg.get("seed"), step=info["step"], flags=train_flags, seconds=secs,
               threads=torch.get_num_threads(), config={k: cfg.get(k) for k in ("preset", "ch", "attn_res", "attn_scores", "attn_qk_div", "batch_size",
               "lr_g", "lr_d", "beta1", "beta2", "n_dis", "r1", "lr_decay", "ema", "ema_decay", "steps")}, **measure(G, D))
    rec["figures"] = save_figures(Path(out), args.name)
    RESULTS.parent.mkdir(exist_ok=True)
    with open(RESULTS, "a") as f: f.write(json.dumps(rec) + "\n")
    print(json.dumps(rec))
    return 0


if __name__ == "__main__": sys.exit(main())
