"""Attention figures of a recipe studied with tools/ttq.py, from the seed with the median G eye → right eye.

    python tools/ttq_figure.py NAME [--results results/ttq_scores.jsonl]

The seed is chosen by a rule, never as the best: among the recipe's finished seeds (rows with "fixed" in the results file),
the one whose EMA G has the median left-eye → right-eye share. Its weights, runs/ttq/NAME_sS/last.pt, give two figures:
results/figures/NAME_G.png, G's maps averaged over 64 of its samples (latents of seed 0) for a left-eye and a mouth query,
and results/figures/NAME_D_real.png, D's maps averaged over 64 real validation faces for eye, mouth, hair and background
queries. Queries sit at the mean part positions of real faces; every panel has its own colour bar.
"""
import argparse, json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_seed(results, name):
    "The seed whose final row has the median G16 eye → right eye (the lower middle one for an even count)."
    last = {}
    for line in Path(results).read_text().splitlines():
        r = json.loads(line)
        if r["name"] == name and "fixed" in r: last[r["seed"]] = r["fixed"]["G16"]["eye_right_eye"][0]
    if not last: raise SystemExit(f"ttq_figure.py: no finished seed of {name!r} in {results}")
    ranked = sorted(last, key=last.get)
    return ranked[(len(ranked) - 1) // 2], last


def widen(fig, width=8.0):
    "The figure at least `width` inches wide, laid out again, so that its title and one-line caption fit."
    w, h = fig.get_size_inches()
    fig.set_size_inches(max(w, width), h); fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def main(argv=sys.argv[1:]):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name"); ap.add_argument("--results", default=str(ROOT/"results"/"ttq_scores.jsonl"))
    args = ap.parse_args(argv)
    import torch, matplotlib; matplotlib.use("Agg")
    from sagan_nb.checkpoint import load_models
    from sagan_nb.data import make_dataset
    from sagan_nb.attention_maps import attention_figure, default_queries
    seed, shares = median_seed(args.results, args.name)
    G, D, info = load_models(ROOT/"runs"/"ttq"/f"{args.name}_s{seed}"/"last.pt")
    out = ROOT/"results"/"figures"; out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    z = torch.randn(64, G.z_dim)
    fig = attention_figure(G, z, title=f"{args.name}, seed {seed} (median of {len(shares)} by eye → right eye):\n"
                                       f"G's maps, mean over 64 samples")
    widen(fig).savefig(out/f"{args.name}_G.png", dpi=70)
    real = make_dataset("faces", resolution=G.resolution, split="valid").batch(list(range(64)))[0].float()
    q = default_queries("faces", G.resolution, parts=("left_eye", "mouth", "hair", "background"))
    fig = attention_figure(D=D, images=real, queries=q,
                           title=f"{args.name}, seed {seed}: D's maps, mean over 64 real faces")
    widen(fig).savefig(out/f"{args.name}_D_real.png", dpi=70)
    print(f"seed {seed} of {sorted(shares)}: wrote results/figures/{args.name}_G.png and {args.name}_D_real.png")
    return 0


if __name__ == "__main__": sys.exit(main())
