"""sagan-train as a user runs it: --help, bad input, kill -9 and resume bit for bit, DDP under torchrun (gloo, CPU), and --compile against eager."""
import os, signal, subprocess, sys, time
from pathlib import Path
import pytest, torch

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
TINY = ["--preset", "faces32", "--batch-size", "4", "--sample-every", "0", "--log-every", "5", "--no-progress"]

def sagan_train(*args, **kw):
    return subprocess.run([str(BIN/"sagan-train"), *args], capture_output=True, text=True, **kw)

def weights(path):
    ck = torch.load(path, map_location="cpu", weights_only=True)
    return ck["step"], {f"{m}.{k}": v for m in ("G", "D", "G_ema", "opt_G", "opt_D") for k, v in _flat(ck[m]).items()}

def _flat(d, prefix=""):
    out = {}
    for k, v in d.items():
        if isinstance(v, dict): out.update(_flat(v, f"{prefix}{k}."))
        elif isinstance(v, (list, tuple)): out.update(_flat(dict(enumerate(v)), f"{prefix}{k}."))
        else: out[f"{prefix}{k}"] = v
    return out

def same(a, b):
    assert a.keys() == b.keys()
    return all(torch.equal(a[k], b[k]) if torch.is_tensor(a[k]) else a[k] == b[k] for k in a)

def test_help_lists_the_flags():
    r = sagan_train("--help")
    assert r.returncode == 0
    for flag in ("--dataset", "--data-root", "--resolution", "--steps", "--batch-size", "--out", "--device", "--resume", "--ckpt-every"):
        assert flag in r.stdout, flag

def test_bad_input_is_a_clear_error(tmp_path):
    r = sagan_train("--preset", "nope", "--out", str(tmp_path))
    assert r.returncode != 0 and "unknown preset" in r.stderr and "Traceback" not in r.stderr
    r = sagan_train("--dataset", "celeba", "--data-root", str(tmp_path/"missing"), "--out", str(tmp_path))
    assert r.returncode != 0 and "img_align_celeba" in r.stderr

@pytest.mark.timeout(600)
def test_kill_and_resume_is_bit_exact(tmp_path):
    steps = ["--steps", "40", "--ckpt-every", "5"]
    ref = sagan_train(*TINY, *steps, "--out", str(tmp_path/"ref"))
    assert ref.returncode == 0, ref.stderr
    out = tmp_path/"run"; last = out/"checkpoints"/"last.pt"
    p = subprocess.Popen([str(BIN/"sagan-train"), *TINY, *steps, "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 300
    while not last.exists() and time.time() < deadline and p.poll() is None: time.sleep(0.05)
    time.sleep(0.3)
    p.send_signal(signal.SIGKILL); p.wait()
    killed_at, _ = weights(last)
    assert 0 < killed_at < 40, f"the run was not interrupted mid-way (checkpoint at step {killed_at})"
    res = sagan_train(*TINY, *steps, "--out", str(out), "--resume")
    assert res.returncode == 0, res.stderr
    assert f"resuming from step {killed_at}" in res.stdout
    (s1, w1), (s2, w2) = weights(tmp_path/"ref"/"checkpoints"/"last.pt"), weights(last)
    assert s1 == s2 == 40 and same(w1, w2)
    steps_logged = [int(l.split('"step": ')[1].split(",")[0]) for l in (out/"metrics.jsonl").read_text().splitlines()]
    assert steps_logged == sorted(set(steps_logged)), "log lines after the checkpoint must not be duplicated on resume"

@pytest.mark.timeout(600)
def test_ddp_two_processes_under_torchrun(tmp_path):
    r = subprocess.run([str(BIN/"torchrun"), "--standalone", "--nproc_per_node=2", "--no-python", str(BIN/"sagan-train"),
                        *TINY, "--steps", "6", "--ckpt-every", "3", "--out", str(tmp_path)],
                       capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert r.returncode == 0, r.stderr[-3000:]
    assert "x 2 process(es)" in r.stdout and r.stdout.count("sagan-train: preset") == 1   # rank 0 alone prints
    step, w = weights(tmp_path/"checkpoints"/"last.pt")
    assert step == 6

DDP_SCRIPT = """
import sys, torch, torch.distributed as dist
from sagan_nb.train import Trainer
t = Trainer(preset="faces32", batch_size=4, steps=5, out=sys.argv[1], ckpt_every=0, sample_every=0, log_every=1, progress=False)
t.fit()
torch.save({"G": t.G.state_dict(), "D": t.D.state_dict(), "opt_G": t.opt_G.state_dict(), "opt_D": t.opt_D.state_dict()},
           f"{sys.argv[1]}/rank{dist.get_rank()}.pt")
dist.destroy_process_group()
"""

@pytest.mark.timeout(600)
def test_ddp_ranks_hold_identical_weights(tmp_path):
    (tmp_path/"ddp.py").write_text(DDP_SCRIPT)
    r = subprocess.run([str(BIN/"torchrun"), "--standalone", "--nproc_per_node=2", str(tmp_path/"ddp.py"), str(tmp_path)],
                       capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert r.returncode == 0, r.stderr[-3000:]
    w0 = _flat(torch.load(tmp_path/"rank0.pt", weights_only=True))
    w1 = _flat(torch.load(tmp_path/"rank1.pt", weights_only=True))
    assert same(w0, w1), "the two ranks' models or optimisers differ after DDP training"
    from sagan_nb.models import make_models
    torch.manual_seed(0); G0 = make_models("faces32")[0]                  # the trainer's initial G (seed 0)
    moved = [k for k, v in G0.state_dict().items() if k.endswith("original") and not torch.equal(v, w0[f"G.{k}"])]
    assert moved, "G's weights did not move: the ranks may agree only because nothing trained"

KILL_IN_SAVE = """
import os, signal, sys
from sagan_nb import train, cli
real_replace, calls = os.replace, [0]
def dying_replace(src, dst):               # the second checkpoint: its temporary file is half written when we die like kill -9
    if str(dst).endswith("last.pt"):
        calls[0] += 1
        if calls[0] == 2:
            with open(src, "r+b") as fh: fh.truncate(os.path.getsize(src) // 3)
            os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst)
train.os.replace = dying_replace
cli.main(sys.argv[1:])
"""

def test_kill_during_checkpoint_write_keeps_the_previous_one(tmp_path):
    (tmp_path/"kill.py").write_text(KILL_IN_SAVE)
    out = tmp_path/"run"
    r = subprocess.run([sys.executable, str(tmp_path/"kill.py"), *TINY, "--steps", "20", "--ckpt-every", "4", "--out", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == -signal.SIGKILL, (r.returncode, r.stderr[-2000:])
    assert any(p.name.endswith(".tmp") for p in (out/"checkpoints").iterdir()), "the torn write should be a temporary file"
    step, _ = weights(out/"checkpoints"/"last.pt")           # still loadable, and it is the first checkpoint
    assert step == 4
    res = sagan_train(*TINY, "--steps", "8", "--ckpt-every", "4", "--out", str(out), "--resume")
    assert res.returncode == 0 and "resuming from step 4" in res.stdout, res.stderr

class _Payload:
    def __init__(self, victim): self.victim = victim
    def __reduce__(self): return (os.remove, (self.victim,))

def test_checkpoint_with_pickled_code_is_refused(tmp_path):
    victim = tmp_path/"victim.txt"; victim.write_text("still here")
    (tmp_path/"checkpoints").mkdir()
    torch.save({"step": 1, "G": _Payload(str(victim))}, tmp_path/"checkpoints"/"last.pt")
    r = sagan_train(*TINY, "--steps", "2", "--out", str(tmp_path), "--resume")
    assert r.returncode == 2 and "refusing to load" in r.stderr and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert victim.exists(), "the payload ran"

def short_run(out, **overrides):
    "Three steps of faces32 at batch 8 from seed 0: the [3, 2] losses (D, G) and the total update of G's and of D's parameters."
    from sagan_nb.train import Trainer
    tr = Trainer(preset="faces32", steps=3, seed=0, batch_size=8, out=out, ckpt_every=0, sample_every=0, log_every=0,
                 progress=False, **overrides)
    params = lambda m: torch.cat([p.detach().float().flatten() for p in m.parameters()])   # parameters only: buffers (u, BN stats) move at any lr
    start = {"G": params(tr.G), "D": params(tr.D)}
    losses = torch.stack([torch.stack(tr.train_step()) for _ in range(3)])
    return {"losses": losses, "G": params(tr.G) - start["G"], "D": params(tr.D) - start["D"]}

# Each figure of `training_gap` is a difference relative to the size of what it compares, so that a tolerance means the same
# at any scale. Compiled kernels fuse and reorder float sums, so compiled training differs from eager in the last digits:
#  - losses: the hinge losses are means of logits (here of size ~10), and a rounding error in the logits reaches a loss as an
#    absolute error whatever the loss's own size (a G loss of 0.09 is a mean of logits of ±10). The differences of the losses
#    are therefore scaled by the largest loss of the reference run, not each by its own loss.
#  - G, D: each model's total update of its parameters. Adam steps every weight by about lr whatever its gradient's size, so a
#    weight whose gradient is near 0 steps by up to ±lr in a direction that rounding decides. Comparing in L1 (mean absolute
#    difference over mean absolute update) counts those weights by their number; in L2 the few big differences would dominate.
# Measured on a 2-core x86 CPU: compiled vs eager, losses 4e-4, G 4%, D 0.4%; a halved lr: losses >= 7e-2, and that model's
# update ~50% (Adam's steps scale with lr). The tolerances sit between, with room for other CPUs' rounding.
TRAINING_TOL = {"losses": 1e-2, "G": 0.15, "D": 0.15}

def training_gap(ref, run):
    "How far `run` is from `ref` (both from `short_run`), each figure relative to the scale of what it compares."
    gap = {"losses": ((run["losses"] - ref["losses"]).abs().max() / ref["losses"].abs().max()).item()}
    gap.update({m: ((run[m] - ref[m]).abs().mean() / ref[m].abs().mean()).item() for m in "GD"})
    return gap

def same_training(ref, run):
    "True when `run` trains like `ref` within `TRAINING_TOL`; also returns the figures, for the failure message."
    gap = training_gap(ref, run)
    return all(gap[k] <= TRAINING_TOL[k] for k in TRAINING_TOL), gap

@pytest.fixture(scope="module")
def eager_run(tmp_path_factory):
    run = short_run(tmp_path_factory.mktemp("eager"))
    assert run["G"].abs().mean() > 0 and run["D"].abs().mean() > 0     # training moved the weights
    return run

def test_compiled_training_matches_eager(tmp_path, eager_run):
    "`--compile` (torch.compile of G and D, inductor on the CPU) trains the same model as eager mode: the same losses and weight updates."
    compiled = short_run(tmp_path, compile=True)
    same, gap = same_training(eager_run, compiled)
    print("compiled vs eager:", gap)
    assert same, (gap, TRAINING_TOL, eager_run["losses"], compiled["losses"])

@pytest.mark.parametrize("halved", ["lr_g", "lr_d"])
def test_training_check_rejects_a_halved_learning_rate(tmp_path, eager_run, halved):
    "The check above has teeth: a run with one learning rate halved is told apart from the reference, by its losses and by that model's update."
    from sagan_nb.train import TrainConfig
    lr = getattr(TrainConfig(preset="faces32").resolved(), halved)
    same, gap = same_training(eager_run, short_run(tmp_path, **{halved: lr / 2}))
    print(f"{halved} halved vs eager:", gap)
    assert not same, gap
    model = "G" if halved == "lr_g" else "D"
    assert gap["losses"] > TRAINING_TOL["losses"] and gap[model] > TRAINING_TOL[model], gap   # each of the two rejects it alone

BARE = """
import sys
for name in ("fastcore", "ipywidgets", "IPython", "scipy", "torch_fidelity", "nbdev", "papermill"):
    sys.modules[name] = None                                   # importing any of these now raises ImportError
from sagan_nb import cli, bench
cli.main(sys.argv[1:])
"""

def test_trainer_needs_only_torch_and_the_plotting_basics(tmp_path):
    "tools/gpu_check.sh promises that torch, torchvision, numpy, pillow, matplotlib and tqdm are enough to train."
    r = subprocess.run([sys.executable, "-c", BARE, *TINY, "--steps", "2", "--ckpt-every", "2", "--sample-every", "2",
                        "--out", str(tmp_path)], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr[-3000:]
    assert (tmp_path/"checkpoints"/"last.pt").exists() and (tmp_path/"samples"/"attention_last.png").exists()


@pytest.mark.parametrize("kind, factors", [("linear", (1, 0.75, 0.5, 0.25)),    # 1 − t/4
                                          ("late", (1, 1, 1, 0.5))],             # min(1, 2(1 − t/4))
                         ids=["linear", "late"])
def test_lr_decay_follows_the_step(tmp_path, kind, factors):
    "Step t of a 4-step run trains at lr × λ(t), the factors worked out by hand."
    from sagan_nb.train import Trainer
    t = Trainer(preset="faces32", steps=4, batch_size=4, out=str(tmp_path/"run"), lr_decay=kind, progress=False,
                sample_every=0, ckpt_every=0, log_every=0, num_workers=0)
    seen = []
    for _ in range(4):
        t.train_step()                                          # trains step t.step, then counts it
        seen.append((t.opt_G.param_groups[0]["lr"], t.opt_D.param_groups[0]["lr"]))
    for (lr_g, lr_d), f in zip(seen, factors):
        assert lr_g == pytest.approx(t.cfg.lr_g * f) and lr_d == pytest.approx(t.cfg.lr_d * f)


def test_a_config_saved_before_the_new_settings_resumes_as_it_trained():
    """Runs saved before attn_scores, lr_decay and ema_decay existed used the paper's dot scores, a constant rate and an
    EMA decay of 0.999, whatever the preset says now (faces32's EMA decay is 0.99)."""
    from dataclasses import asdict
    from sagan_nb.train import TrainConfig, resume_config
    saved = asdict(TrainConfig(steps=40).resolved())
    assert saved["ema_decay"] == 0.99
    for k in ("attn_scores", "lr_decay", "ema_decay"): saved.pop(k)
    cfg, _ = resume_config(saved, {})
    assert (cfg.attn_scores, cfg.lr_decay, cfg.ema_decay) == ("dot", "none", 0.999)

def test_fid_every_on_faces_logs_the_scores_of_the_experiments(tmp_path):
    """--fid-every on the faces logs FPD, spread and found of the EMA G: the numbers recomputed here from its checkpoint with
    the metrics' primitives (not with the scorer the trainer calls), on the first 32 validation faces and seed 12345."""
    import json
    from sagan_nb.checkpoint import load_models
    from sagan_nb.data import make_dataset
    from sagan_nb.metrics import generate, face_part_fd, mean_pair_distance, parts_found
    r = subprocess.run([str(BIN/"sagan-train"), *TINY, "--steps", "3", "--fid-every", "3", "--fid-samples", "32",
                        "--out", str(tmp_path)], capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert r.returncode == 0, r.stderr[-2000:]
    rec = [json.loads(l) for l in (tmp_path/"metrics.jsonl").read_text().splitlines() if '"fpd"' in l][-1]
    G, _, _ = load_models(tmp_path/"checkpoints"/"last.pt")
    real = make_dataset("faces", resolution=32, split="valid").batch(list(range(32)))[0].float()   # [32, 3, 32, 32]
    fake = generate(G, 32, seed=12345)
    want = dict(fpd=face_part_fd(real, fake), spread=mean_pair_distance(fake) / mean_pair_distance(real),
                found=float(parts_found(fake).float().mean()))
    assert rec["step"] == 3, rec
    for k, v in want.items(): assert abs(rec[k] - v) < 1e-3, (k, rec[k], v)

def test_centred_scores_train_and_reload(tmp_path):
    "A run with --attn-scores centred reloads with centred blocks, whose maps match f(x_i)ᵀ(g(x_j) − mean_j g(x_j)) from the convs."
    from sagan_nb.checkpoint import load_models
    from sagan_nb.attention import SelfAttention
    r = sagan_train(*TINY, "--attn-scores", "centred", "--steps", "3", "--ckpt-every", "3", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    G, D, _ = load_models(tmp_path/"checkpoints"/"last.pt")
    blocks = [m for m in (*G.modules(), *D.modules()) if isinstance(m, SelfAttention)]
    assert blocks and all(b.scores == "centred" for b in blocks)
    blk = blocks[0]
    x = torch.randn(2, blk.channels, 8, 8) + 1.0                        # a shared mean, so centring matters
    with torch.no_grad():
        _, beta = blk(x, return_attn=True)                              # [2, 64, 64]
        f, g = blk.f(x).flatten(2), blk.g(x).flatten(2)                 # [2, C/8, 64] keys f(x_i), queries g(x_j)
        s = (g - g.mean(-1, keepdim=True)).transpose(1, 2) @ f          # [2, j, i]
        dot = torch.softmax(g.transpose(1, 2) @ f, -1)                  # the paper's map from the same convs
    torch.testing.assert_close(beta, torch.softmax(s, -1))
    assert (beta - dot).abs().max() > 1e-3
    r = sagan_train(*TINY, "--attn-scores", "centered", "--steps", "1", "--out", str(tmp_path/"bad"))
    assert r.returncode != 0 and "--attn-scores must be one of dot, centred" in r.stderr
