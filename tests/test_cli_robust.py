"""sagan-train as a hostile user runs it: resume keeps the saved run, no non-finite checkpoint, one run per --out,
crash-safe logs, a full disk, SIGTERM and Ctrl-C, corrupt checkpoints, and one-line errors for bad input."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest, torch

BIN = Path(sys.executable).parent
TINY = ["--preset", "faces32", "--batch-size", "4", "--sample-every", "0", "--log-every", "1", "--no-progress"]

def sagan_train(*args, **kw):
    return subprocess.run([str(BIN/"sagan-train"), *map(str, args)], capture_output=True, text=True, **kw)

def ckpt(out): return torch.load(Path(out)/"checkpoints"/"last.pt", map_location="cpu", weights_only=True)

def one_line_error(r, code=2, says=()):
    "Exit `code`, stderr is one line (after any warnings) that says each of `says`, and no traceback."
    lines = [l for l in r.stderr.splitlines() if l.strip() and "warning:" not in l]
    assert r.returncode == code, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr and len(lines) == 1, r.stderr[-2000:]
    for s in says: assert s in lines[0], (s, lines[0])
    return lines[0]

def logged_steps(out): return [json.loads(l)["step"] for l in (Path(out)/"metrics.jsonl").read_text().splitlines()]

@pytest.fixture(scope="module")
def run4(tmp_path_factory):
    "A finished 4-step run trained with non-default batch size and learning rate, at constant rates (checkpoints at 2 and 4)."
    out = tmp_path_factory.mktemp("run4")/"out"
    r = sagan_train(*TINY, "--lr-g", "1e-3", "--lr-decay", "none", "--steps", 4, "--ckpt-every", 2, "--out", out)
    assert r.returncode == 0, r.stderr
    return out

def copy_run(src, dst):
    import shutil; shutil.copytree(src, dst); return dst

# ---- 2. --resume continues the saved run ----------------------------------------------------------------

def test_resume_takes_every_setting_from_the_checkpoint(run4, tmp_path):
    out = copy_run(run4, tmp_path/"r")
    r = sagan_train("--out", out, "--resume", "--steps", 6)
    assert r.returncode == 0, r.stderr
    assert "batch 4 x 1" in r.stdout and "resuming with --steps 6 (was 4)" in r.stdout, r.stdout
    ck, cfg = ckpt(out), json.loads((out/"config.json").read_text())
    assert ck["step"] == 6 and cfg["steps"] == 6 and cfg == ck["config"]
    assert cfg["batch_size"] == 4 and cfg["lr_g"] == 1e-3
    assert [g["lr"] for g in ck["opt_G"]["param_groups"]] == [cfg["lr_g"]]      # what the optimiser runs at = config.json
    assert [g["lr"] for g in ck["opt_D"]["param_groups"]] == [cfg["lr_d"]]
    assert logged_steps(out) == [1, 2, 3, 4, 5, 6]

def test_resume_refuses_flags_that_change_the_run(run4, tmp_path):
    out = copy_run(run4, tmp_path/"r")
    r = sagan_train("--out", out, "--resume", "--no-ema")
    one_line_error(r, says=["--ema (saved True, given False)"])
    r = sagan_train("--out", out, "--resume", "--preset", "faces64", "--resolution", 64, "--ch", 16, "--attn-res", "32")
    one_line_error(r, says=["--preset (saved faces32, given faces64)", "--resolution (saved 32, given 64)",
                            "--ch (saved 8, given 16)", "--attn-res (saved (16,), given (32,))"])
    r = sagan_train("--out", out, "--resume", "--lr-g", "2e-4", "--batch-size", 32)
    one_line_error(r, says=["--batch-size (saved 4, given 32)", "--lr-g (saved 0.001, given 0.0002)"])
    assert ckpt(out)["step"] == 4                                              # nothing was touched

def test_resume_below_the_checkpoint_step_says_so(run4, tmp_path):
    out = copy_run(run4, tmp_path/"r")
    one_line_error(sagan_train("--out", out, "--resume", "--steps", 2), says=["at step 4, past --steps 2"])
    r = sagan_train("--out", out, "--resume")                                  # already done: nothing to do, not "D None"
    assert r.returncode == 0 and "nothing to do" in r.stdout and "None" not in r.stdout, r.stdout

# ---- 3. no non-finite checkpoint --------------------------------------------------------------------------

def test_exploding_run_writes_no_checkpoint(tmp_path):
    r = sagan_train(*TINY, "--attn-scores", "dot", "--lr-g", "1e15", "--lr-d", "1e15", "--ckpt-every", 1, "--steps", 4, "--out", tmp_path)   # dot scores are unbounded: the first step overflows
    line = one_line_error(r, code=3, says=["NaN or Inf", "no checkpoint was written before"])
    assert "last good state is" not in line
    assert not (tmp_path/"checkpoints"/"last.pt").exists()

def test_nan_after_a_good_checkpoint_names_it(tmp_path):
    "Train 2 good steps, then poison G: the message names the step-2 checkpoint, which stays finite."
    script = tmp_path/"poison.py"
    script.write_text("import sys, torch\nfrom sagan_nb import train, cli\n"
                      "orig = train.Trainer.train_step\n"
                      "def step(self):\n"
                      "    if self.step == 2:\n"
                      "        with torch.no_grad(): next(self.G.parameters()).fill_(float('inf'))\n"
                      "    return orig(self)\n"
                      "train.Trainer.train_step = step\ncli.main(sys.argv[1:])\n")
    out = tmp_path/"out"
    r = subprocess.run([sys.executable, str(script), *TINY, "--steps", "4", "--ckpt-every", "2", "--out", str(out)],
                       capture_output=True, text=True)
    one_line_error(r, code=3, says=[f"the last good state is {out/'checkpoints'/'last.pt'} (step 2)"])
    from sagan_nb.checkpoint import nonfinite
    ck = ckpt(out); assert ck["step"] == 2 and nonfinite(ck) == []

# ---- 4. one run per --out -----------------------------------------------------------------------------------

def test_second_run_on_a_busy_out_is_refused(tmp_path):
    p = subprocess.Popen([str(BIN/"sagan-train"), *TINY, "--steps", "100000", "--ckpt-every", "0", "--out", str(tmp_path)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while not (tmp_path/"metrics.jsonl").exists() and time.time() < deadline: time.sleep(0.1)
        r = sagan_train(*TINY, "--steps", 2, "--out", tmp_path)
        one_line_error(r, says=[f"in use by process {p.pid}", "sagan-train"])
        r = sagan_train("--out", tmp_path, "--resume")
        one_line_error(r, says=[f"in use by process {p.pid}"])
    finally: p.kill(); p.wait()

def test_fresh_run_never_appends_to_a_stale_log(tmp_path):
    (tmp_path/"metrics.jsonl").write_text('{"step": 7, "loss_d": 9.0}\n')      # an earlier run that saved no checkpoint
    r = sagan_train(*TINY, "--steps", 2, "--out", tmp_path)
    assert r.returncode == 0 and "metrics.jsonl.old" in r.stderr, r.stderr
    assert logged_steps(tmp_path) == [1, 2]
    assert (tmp_path/"metrics.jsonl.old").read_text() == '{"step": 7, "loss_d": 9.0}\n'

# ---- 5. crash-safe logs --------------------------------------------------------------------------------------

def test_resume_drops_a_torn_last_log_line(run4, tmp_path):
    out = copy_run(run4, tmp_path/"r")
    with open(out/"metrics.jsonl", "a") as f: f.write('{"step": 5, "loss_d": 1.2, "loss_')
    r = sagan_train("--out", out, "--resume", "--steps", 5)
    assert r.returncode == 0, r.stderr
    assert "warning" in r.stderr and str(out/"metrics.jsonl") in r.stderr and "torn" in r.stderr, r.stderr
    assert logged_steps(out) == [1, 2, 3, 4, 5]

FULL_DISK = """
import os, sys
from pathlib import Path
from sagan_nb import train, cli
out, where = Path(sys.argv[1]), sys.argv[2]
if where == "checkpoint":                  # the checkpoint's temporary file is a link to /dev/full: writes fail with ENOSPC
    os.symlink("/dev/full", out/"checkpoints"/f".last.pt.{os.getpid()}.tmp")
else:                                      # metrics.jsonl becomes a link to /dev/full once training starts
    fit = train.Trainer.fit
    def fit_on_full_disk(self):
        self.log_path.unlink(); os.symlink("/dev/full", self.log_path); return fit(self)
    train.Trainer.fit = fit_on_full_disk
cli.main(["--out", str(out), "--resume", "--steps", "6"])
"""

@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full to make a real ENOSPC")
@pytest.mark.parametrize("where", ["checkpoint", "log"])
def test_full_disk_is_one_line_and_keeps_the_checkpoint(run4, tmp_path, where):
    out = copy_run(run4, tmp_path/"r")
    (tmp_path/"full.py").write_text(FULL_DISK)
    r = subprocess.run([sys.executable, str(tmp_path/"full.py"), str(out), where], capture_output=True, text=True)
    path = out/"checkpoints"/"last.pt" if where == "checkpoint" else out/"metrics.jsonl"
    one_line_error(r, code=4, says=["no space left on device", str(path)])
    assert ckpt(out)["step"] == 4                                              # the previous checkpoint is intact
    assert not [p for p in (out/"checkpoints").iterdir() if p.name != "last.pt"], "no temporary file is left behind"

# ---- 6. preemption ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sig,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_checkpoints_and_prints_the_resume_command(tmp_path, sig, code):
    out = tmp_path/"out"
    p = subprocess.Popen([str(BIN/"sagan-train"), *TINY, "--steps", "100000", "--ckpt-every", "0", "--out", str(out)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while (not (out/"metrics.jsonl").exists() or len(logged_steps(out)) < 2) and time.time() < deadline: time.sleep(0.05)
    p.send_signal(sig)
    stdout, stderr = p.communicate(timeout=120)
    assert p.returncode == code, (p.returncode, stderr[-2000:])
    step = ckpt(out)["step"]
    assert step >= 2 and logged_steps(out)[-1] == step                         # nothing after the last checkpoint is lost
    cmd = stderr.split("Resume with: ")[1].strip().split()
    assert cmd == ["sagan-train", "--out", str(out), "--resume"], stderr
    r = sagan_train(*cmd[1:], "--steps", step + 1)
    assert r.returncode == 0 and f"resuming from step {step}" in r.stdout, r.stderr
    assert ckpt(out)["step"] == step + 1

def test_sigterm_to_the_process_group_with_loader_workers_checkpoints(tmp_path):
    "SLURM and `kill -TERM -PGID` signal every process of the group: the loader workers leave it to the main process."
    out = tmp_path/"out"
    p = subprocess.Popen([str(BIN/"sagan-train"), *TINY, "--num-workers", "2", "--steps", "100000", "--ckpt-every", "0",
                          "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 120
    while (not (out/"metrics.jsonl").exists() or len(logged_steps(out)) < 2) and time.time() < deadline: time.sleep(0.05)
    os.killpg(p.pid, signal.SIGTERM)                                           # the session leader's pid is the group's id
    _, stderr = p.communicate(timeout=120)
    assert p.returncode == 128 + signal.SIGTERM, (p.returncode, stderr[-2000:])
    assert "Traceback" not in stderr and stderr.count("SIGTERM: stopping") == 1, stderr[-2000:]
    step = ckpt(out)["step"]
    assert step >= 2 and logged_steps(out)[-1] == step

# ---- 7. corrupt checkpoints -----------------------------------------------------------------------------------

@pytest.fixture
def corrupt_runs(run4, tmp_path):
    good = (run4/"checkpoints"/"last.pt").read_bytes()
    runs = {}
    for name, data in {"truncated": good[:len(good) // 2], "zero-byte": b"", "random": os.urandom(len(good))}.items():
        out = tmp_path/name; (out/"checkpoints").mkdir(parents=True)
        (out/"checkpoints"/"last.pt").write_bytes(data); runs[name] = out
    return runs

def test_corrupt_checkpoints_are_one_line_errors(corrupt_runs):
    from sagan_nb.checkpoint import load_models
    for name, out in corrupt_runs.items():
        path = out/"checkpoints"/"last.pt"
        line = one_line_error(sagan_train("--out", out, "--resume"), says=[str(path), "is corrupt or not a checkpoint"])
        assert "weights_only=False" not in line, name
        with pytest.raises(ValueError, match="is corrupt or not a checkpoint") as e: load_models(path)
        assert "weights_only" not in str(e.value)

from test_train import _Payload                                            # unpickling it deletes a file

def test_malicious_checkpoint_keeps_torch_reason(tmp_path):
    victim = tmp_path/"victim.txt"; victim.write_text("still here")
    (tmp_path/"checkpoints").mkdir()
    torch.save({"step": 1, "G": _Payload(str(victim))}, tmp_path/"checkpoints"/"last.pt")
    line = one_line_error(sagan_train("--out", tmp_path, "--resume"), says=["refusing to load", "GLOBAL", "remove"])
    assert "weights_only=False" not in line and victim.exists()
    from sagan_nb.checkpoint import load_models
    with pytest.raises(ValueError, match="GLOBAL"): load_models(tmp_path/"checkpoints"/"last.pt")

def _set(**kw): return lambda ck: ck["config"].update(kw)
def _drop(k): return lambda ck: ck["config"].pop(k)

@pytest.mark.parametrize("damage,says", [
    (lambda ck: ck.update(config="faces32"), "its config is a str"),
    (_drop("resolution"), "lacks resolution"),
    (_drop("preset"), "lacks preset"),
    (_set(ch="8"), "ch is '8'"),
    (_set(ch=True), "ch is True"),
    (_set(attn_res=16), "attn_res is 16"),
    (_set(attn_res=["16"]), "attn_res is ['16']"),
    (_set(attn_res=[7]), "attn_res [7]"),
    (_set(resolution=48), "resolution is 48"),
    (_set(preset="nosuch"), "preset is 'nosuch'"),
    (_set(attn_variant=3), "attn_variant is 3"),
    (lambda ck: ck.update(n_classes="x"), "n_classes is 'x'"),
    (_set(ch=3), "positive multiple of 8"),
    (_set(attn_qk_div="2"), "attn_qk_div is '2'"),
    (_set(attn_qk_div=3), "divides channels"),
], ids=["config-str", "no-resolution", "no-preset", "ch-str", "ch-bool", "attn_res-int", "attn_res-strs", "attn_res-7",
        "resolution-48", "preset-unknown", "attn_variant-int", "n_classes-str", "ch-3", "qk_div-str", "qk_div-3"])
def test_load_models_names_a_bad_config_in_one_line(run4, tmp_path, damage, says):
    from sagan_nb.checkpoint import load_models
    ck = ckpt(run4); damage(ck); path = tmp_path/"bad.pt"; torch.save(ck, path)
    with pytest.raises(ValueError) as e: load_models(path)
    msg = str(e.value)
    assert "\n" not in msg and str(path) in msg and says in msg, msg

LIMITED = ("import resource, sys\n"
           "resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))\n"   # 8 GiB: a failed check dies here, not the machine
           "from sagan_nb import cli, explorers\n"
           "if sys.argv[1] == 'train': cli.main(sys.argv[2:])\n"
           "try: explorers.load_models(sys.argv[2])\n"
           "except ValueError as e: sys.exit(f'load_models: {e}')\n")

def test_checkpoint_claiming_a_huge_model_is_rejected_before_allocation(run4, tmp_path):
    "Its config says ch=400000 (about 10^14 parameters); its tensors are the real small model's."
    ck = ckpt(run4); ck["config"]["ch"] = 400000
    out = tmp_path/"huge"; (out/"checkpoints").mkdir(parents=True)
    torch.save(ck, out/"checkpoints"/"last.pt")
    r = subprocess.run([sys.executable, "-c", LIMITED, "train", "--out", str(out), "--resume"], capture_output=True, text=True)
    one_line_error(r, says=["does not match its own config", "ch=400000"])
    r = subprocess.run([sys.executable, "-c", LIMITED, "explorer", str(out/"checkpoints"/"last.pt")], capture_output=True, text=True)
    one_line_error(r, code=1, says=["load_models:", "does not match its own config"])

# ---- 8. one-line errors for bad input ---------------------------------------------------------------------------

@pytest.mark.parametrize("args,says", [
    (["--device", "tpu"], "--device must be"),
    (["--device", "mps"], "--device must be"),
    (["--attn-res", "foo"], "--attn-res"),
    (["--num-workers", "-1"], "--num-workers must be"),
    (["--seed", "-1"], "--seed must be"),
    (["--ch", "3"], "--ch 3"),
    (["--steps", "ten"], "--steps"),
], ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_bad_flags_are_one_line_errors(tmp_path, args, says):
    one_line_error(sagan_train(*TINY, *args, "--steps", 2, "--out", tmp_path/"o") if "--steps" not in args
                   else sagan_train(*TINY, *args, "--out", tmp_path/"o"), says=[says])

def test_out_that_cannot_be_written(tmp_path):
    f = tmp_path/"file"; f.write_text("x")
    one_line_error(sagan_train(*TINY, "--steps", 2, "--out", f), says=["is a file, not a folder"])
    one_line_error(sagan_train(*TINY, "--steps", 2, "--out", f/"sub"), says=["cannot write to --out"])
    one_line_error(sagan_train(*TINY, "--steps", 2, "--out", "/proc/sagan-nb-test"), says=["cannot write to --out"])

@pytest.mark.parametrize("content, says", [
    (b"\xff\xd8\xff\xe0 a JPEG header, then junk", ["--data-root", "none of the 3 image files could be read"]),
    (b"not a jpeg", ["no image files (3 named as images are not, e.g. 0.jpg)", "imgs"])])   # dropped when listed
def test_folder_without_readable_images(tmp_path, content, says):
    imgs = tmp_path/"imgs"; imgs.mkdir()
    for i in range(3): (imgs/f"{i}.jpg").write_bytes(content)
    one_line_error(sagan_train(*TINY, "--dataset", "folder", "--data-root", imgs, "--steps", 2, "--out", tmp_path/"o"),
                   says=says)

def _png_folder(d, n):
    from PIL import Image
    d.mkdir(parents=True)
    for i in range(n): Image.new("RGB", (32, 32), (i * 5 % 255, 80, 160)).save(d/f"{i:03d}.png")
    return d

def test_fid_every_without_a_validation_split_fails_at_start_up(tmp_path):
    imgs = _png_folder(tmp_path/"imgs", 8)
    one_line_error(sagan_train(*TINY, "--dataset", "folder", "--data-root", imgs, "--fid-every", 2, "--steps", 50,
                               "--out", tmp_path/"o"), says=["--fid-every", "validation split", "no valid/ subfolder"])
    assert not (tmp_path/"o"/"metrics.jsonl").exists(), "training started before the error"

def test_data_set_that_changed_under_a_run(tmp_path):
    big, small = _png_folder(tmp_path/"big", 40), _png_folder(tmp_path/"small", 8)
    out = tmp_path/"o"
    r = sagan_train(*TINY, "--dataset", "folder", "--data-root", big, "--steps", 6, "--ckpt-every", 6, "--out", out)
    assert r.returncode == 0, r.stderr
    one_line_error(sagan_train("--out", out, "--resume", "--steps", 8, "--data-root", small),
                   says=["does not fit this data set", "the data set or the batch size changed"])

def test_progress_bar_labels_the_gammas(tmp_path):
    r = sagan_train("--preset", "faces32", "--batch-size", 4, "--sample-every", 0, "--steps", 3, "--out", tmp_path)
    assert r.returncode == 0, r.stderr
    assert "γ_G=" in r.stdout and "γ_D=" in r.stdout, r.stdout[-500:]

# ---- found by a hostile-user review: run folders, checkpoint contents, logs, memory ------------------------------

def test_run_folder_parts_that_cannot_be_written(tmp_path):
    out = tmp_path/"a"; out.mkdir(); (out/"checkpoints").write_text("a file where a folder belongs")
    one_line_error(sagan_train(*TINY, "--steps", 2, "--out", out), says=["cannot write to --out", "checkpoints"])
    out = tmp_path/"b"; (out/"config.json").mkdir(parents=True)        # fails at the first write, before any step
    one_line_error(sagan_train(*TINY, "--steps", 2, "--out", out), code=4, says=["cannot write", "config.json"])
    one_line_error(sagan_train(*TINY, "--steps", 2, "--out", ""), says=["--out must name a folder"])

def _damaged(run4, tmp_path, name, damage):
    ck = ckpt(run4); damage(ck)
    out = tmp_path/name; (out/"checkpoints").mkdir(parents=True)
    torch.save(ck, out/"checkpoints"/"last.pt")
    return out

@pytest.mark.parametrize("name,damage", [
    ("config-str", lambda ck: ck.update(config="x")),
    ("attn-res-int", lambda ck: ck["config"].update(attn_res=16)),
    ("ch-text", lambda ck: ck["config"].update(ch="x")),
    ("step-text", lambda ck: ck.update(step="x")),
    ("G-text", lambda ck: ck.update(G="x")),
    ("opt-shape", lambda ck: ck["opt_G"]["state"][0].update(exp_avg=torch.zeros(3))),
    ("rng-text", lambda ck: ck["rng"].update(torch="x")),
    ("no-fixed-z", lambda ck: ck.pop("fixed_z")),
])
def test_checkpoint_with_damaged_contents(run4, tmp_path, name, damage):
    out = _damaged(run4, tmp_path, name, damage)
    path = out/"checkpoints"/"last.pt"
    line = one_line_error(sagan_train("--out", out, "--resume", "--steps", 6), says=[str(path)])
    assert "corrupt" in line or "not a sagan-train checkpoint" in line, line

def test_resume_drops_log_lines_that_are_not_records(run4, tmp_path):
    out = copy_run(run4, tmp_path/"r")
    with open(out/"metrics.jsonl", "ab") as f: f.write(b'5\n{"step": "x"}\n\xff\xfe\n')
    r = sagan_train("--out", out, "--resume", "--steps", 5)
    assert r.returncode == 0 and r.stderr.count("dropped line") == 3, r.stderr
    assert logged_steps(out) == [1, 2, 3, 4, 5]

def test_fid_samples_beyond_the_validation_split(tmp_path):
    one_line_error(sagan_train(*TINY, "--fid-every", 1, "--fid-samples", 12000, "--steps", 2, "--out", tmp_path),
                   says=["--fid-samples 12000 is more than the 10000 images"])

def test_out_of_memory_is_one_line(tmp_path):
    script = ("import resource, sys\nresource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))\n"
              "from sagan_nb import cli\ncli.main(sys.argv[1:])\n")
    r = subprocess.run([sys.executable, "-c", script, *TINY, "--ch", "100000", "--attn-res", "none", "--steps", "2",
                        "--out", str(tmp_path)], capture_output=True, text=True)
    one_line_error(r, says=["out of memory", "--batch-size or --ch"])

def test_second_ctrl_c_stops_at_once_in_one_line(tmp_path):
    out = tmp_path/"out"
    p = subprocess.Popen([str(BIN/"sagan-train"), *TINY, "--batch-size", "32", "--steps", "100000", "--ckpt-every", "2",
                          "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while (not (out/"metrics.jsonl").exists() or len(logged_steps(out)) < 3) and time.time() < deadline: time.sleep(0.05)
    p.send_signal(signal.SIGINT); time.sleep(0.05); p.send_signal(signal.SIGINT)
    _, stderr = p.communicate(timeout=120)
    one_line_error(subprocess.CompletedProcess(p.args, p.returncode, "", stderr), code=130, says=["sagan-train --out"])

def test_a_run_that_fails_to_start_leaves_no_folder(tmp_path):
    one_line_error(sagan_train("--out", tmp_path/"never", "--resume"), says=["no checkpoint at", "nothing to resume"])
    one_line_error(sagan_train(*TINY, "--dataset", "folder", "--data-root", tmp_path/"missing", "--steps", 2,
                               "--out", tmp_path/"new"), says=["no such folder"])
    assert not (tmp_path/"never").exists() and not (tmp_path/"new").exists()
