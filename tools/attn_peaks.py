"""How peaked are a run's attention maps? For each seed's runs/ttq/NAME_sS/last.pt (made by tools/ttq.py):

    python tools/attn_peaks.py NAME [NAME ...]

prints, for the first attention block of G (on 64 samples, latents of seed 0) and of D (on 64 real validation faces):
the peak of each map as a multiple of the uniform share (max_i β_ji · N; 1 = uniform), its entropy as a share of
log N (1 = uniform), both averaged over queries and images, and the block's γ.
"""
import math, sys
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent

def block_maps(net, *args):
    "β [B, N, N_k] of the first SelfAttention block of `net` during `net(*args)`."
    from sagan_nb.attention import SelfAttention
    blk = next(m for m in net.modules() if isinstance(m, SelfAttention))
    got = []
    def hook(m, inp, out):
        if not got: got.append(None); got[0] = m(inp[0], return_attn=True)[1]
    h = blk.register_forward_hook(hook)
    try:
        with torch.no_grad(): net(*args)
    finally: h.remove()
    return got[0], blk.gamma.item()

def peaks(beta):
    n = beta.shape[-1]
    return (beta.amax(-1) * n).mean().item(), (-(beta.clamp_min(1e-12).log() * beta).sum(-1) / math.log(n)).mean().item()

def main(names):
    from sagan_nb.checkpoint import load_models
    from sagan_nb.data import make_dataset
    torch.set_num_threads(1)
    for name in names:
        for ck in sorted((ROOT/"runs"/"ttq").glob(f"{name}_s*/last.pt")):
            G, D, _ = load_models(ck)
            real = make_dataset("faces", resolution=G.resolution, split="valid").batch(list(range(64)))[0].float()
            torch.manual_seed(0)
            line = [f"{ck.parent.name}:"]
            for who, (beta, gamma) in (("G", block_maps(G, torch.randn(64, G.z_dim))), ("D", block_maps(D, real))):
                p, e = peaks(beta)
                line.append(f"{who} peak {p:5.1f}× entropy {e:.2f} γ {gamma:+.3f}")
            print("  ".join(line))

if __name__ == "__main__":
    if len(sys.argv) < 2: sys.exit(__doc__)
    main(sys.argv[1:])
