"""Time to quality: train one recipe on the synthetic faces and score its samples every few hundred steps.

    python tools/ttq.py NAME --seed S [--threads T] [--eval-every K] [--no-d-sn] [any sagan-train flag, e.g. --steps 2500]

Each evaluation appends one row to results/ttq.jsonl: the recipe, the seed, the step, the training seconds so far (the
CPU time of the steps alone, evaluations excluded; compare only rows of the same thread count and load), D's and G's
mean losses since the last row, the EMA decay the run used (ema_decay; rows without it ran at 0.999), and
sagan_nb.metrics.sample_scores (FPD, spread, found) of the EMA generator and of the raw one, on the same 512 latents.
The last row also holds "fixed": the EMA generator's attention at fixed queries over 256 samples, beside an untrained
control and D on 256 real faces (sagan_nb.attention_maps.attention_report), every sample counted, and "eyes": the
eye-consistency medians of the 512 EMA samples (over the samples where both eyes are found, with that share beside
them). --no-d-sn trains D without spectral normalisation: every SN parametrization of D is removed after initialisation
(keeping the normalised weights it starts from), and D's optimiser is rebuilt on the plain weights. The run's last
weights are kept in runs/ttq/NAME_sS/last.pt.
"""
import argparse, json, os, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT/"results"/"ttq.jsonl"


def final_attention(t):
    "The fixed-query attention report of the run's EMA G (or G), its untrained control, and D on 256 real faces."
    import copy
    from sagan_nb.data import make_dataset
    from sagan_nb.attention_maps import attention_report
    G = copy.deepcopy(t.ema.model if t.ema else t.G).cpu().eval()
    D = copy.deepcopy(t.D).cpu().eval()
    real = make_dataset("faces", resolution=G.resolution, split="valid").batch(list(range(256)))[0].float()
    return attention_report(G, 256, seed=123, D=D, real=real)


def final_eyes(G):
    "Eye consistency of G's 512 samples (the latents of sample_scores): medians over the samples with both eyes found."
    from sagan_nb.metrics import generate, eye_consistency
    e = eye_consistency(generate(G, 512, seed=123))
    med = lambda v: round(float(v[~v.isnan()].median()), 4) if (~v.isnan()).any() else None
    return dict(colour=med(e["colour"]), position=med(e["position"]), found=round(float(e["found"].float().mean()), 4))


def remove_d_sn(t):
    "Train t's D without spectral norm: drop each SN parametrization (keeping its current, normalised weight), rebuild opt_D."
    from torch.nn.utils import parametrize
    from sagan_nb.optim import make_optimizers
    if t.Dt is not t.D: raise SystemExit("--no-d-sn works on one process without --compile")
    n = 0
    for m in t.D.modules():
        if parametrize.is_parametrized(m, "weight"):
            parametrize.remove_parametrizations(m, "weight", leave_parametrized=True); n += 1
    t.opt_D = make_optimizers(t.G, t.D, lr_g=t.cfg.lr_g, lr_d=t.cfg.lr_d, betas=(t.cfg.beta1, t.cfg.beta2))[1]
    return n


def main(argv=sys.argv[1:]):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name"); ap.add_argument("--seed", type=int, default=0); ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--results", default=str(RESULTS))
    ap.add_argument("--no-d-sn", action="store_true", help="train D without spectral norm")
    args, flags = ap.parse_known_args(argv)
    if args.threads: os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch
    if args.threads: torch.set_num_threads(args.threads)
    from sagan_nb.train import Trainer
    from sagan_nb.cli import _parser
    from sagan_nb.metrics import sample_scores, real_face_stats
    out = ROOT/"runs"/"ttq"/f"{args.name}_s{args.seed}"
    if (out/"last.pt").exists(): print(f"{out} is done; delete it to run again"); return 0
    import shutil; shutil.rmtree(out/"run", ignore_errors=True)
    t = Trainer(**vars(_parser().parse_args(["--out", str(out/"run"), "--seed", str(args.seed), "--no-progress", *flags])))
    if args.no_d_sn: print(f"D without spectral norm: {remove_d_sn(t)} parametrizations removed", flush=True)
    real = real_face_stats(t.cfg.resolution)
    secs, ld, lg, n = 0.0, 0.0, 0.0, 0
    rows = []
    while t.step < t.cfg.steps:
        t0 = time.perf_counter()
        loss_d, loss_g = t.train_step()
        ld, lg, n = ld + float(loss_d), lg + float(loss_g), n + 1
        secs += time.perf_counter() - t0
        if t.step % args.eval_every == 0 or t.step == t.cfg.steps:
            row = dict(name=args.name, seed=args.seed, step=t.step, seconds=round(secs, 1), threads=torch.get_num_threads(),
                       flags=flags + ["--no-d-sn"] * args.no_d_sn, ema_decay=t.cfg.ema_decay,
                       loss_d=round(ld / n, 4), loss_g=round(lg / n, 4))
            ld, lg, n = 0.0, 0.0, 0
            for key, G in (("ema", t.ema.model if t.ema else None), ("raw", t.G)):
                if G is not None: row[key] = sample_scores(G, real, n=512, seed=123)
            if t.step == t.cfg.steps and t.G.attn_res: row["fixed"] = final_attention(t)
            if t.step == t.cfg.steps: row["eyes"] = final_eyes(t.ema.model if t.ema else t.G)
            with open(args.results, "a") as f: f.write(json.dumps(row) + "\n")
            print(json.dumps(row), flush=True)
            if not all(map(torch.isfinite, (loss_d, loss_g))): break
    torch.save(dict(config=json.loads(json.dumps(vars(t.cfg), default=list)), G_ema=(t.ema.model if t.ema else t.G).state_dict(),
                    D=t.D.state_dict(), step=t.step), out/"last.pt")
    shutil.rmtree(out/"run", ignore_errors=True)
    return 0


if __name__ == "__main__": sys.exit(main())
