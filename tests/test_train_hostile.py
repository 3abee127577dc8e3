"""sagan-train against a hostile environment: SIGHUP, leftovers of kill -9, --resume on nothing, an --out that cannot be
written (read-only, full disk, a name too long), stale logs, a resumed linear decay, and signals to the process
group."""
import errno, json, os, re, signal, subprocess, sys, time
from pathlib import Path
import pytest, torch
from sagan_nb import train, cli, checkpoint

BIN = Path(sys.executable).parent
TINY = ["--preset", "faces32", "--batch-size", "4", "--sample-every", "0", "--log-every", "1", "--no-progress"]
SIGTERM_CODE = 128 + signal.SIGTERM

def sagan_train(*args, **kw):
    return subprocess.run([str(BIN/"sagan-train"), *map(str, args)], capture_output=True, text=True, **kw)

def ckpt(out): return torch.load(Path(out)/"checkpoints"/"last.pt", map_location="cpu", weights_only=True)

def one_line_error(code, stderr, want_code=2, says=()):
    "Exit `want_code`; stderr is one line (after any warnings) that says each of `says`, and no traceback."
    lines = [l for l in stderr.splitlines() if l.strip() and "warning:" not in l]
    assert code == want_code, (code, stderr[-2000:])
    assert "Traceback" not in stderr and len(lines) == 1, stderr[-2000:]
    for s in says: assert s in lines[0], (s, lines[0])
    return lines[0]

def main_in_process(capsys, *args):
    "(exit code, stderr) of `sagan-train args` run in this process (so that a test can monkeypatch the library)."
    with pytest.raises(SystemExit) as e: cli.main([*map(str, args)])
    return e.value.code, capsys.readouterr().err

def start_long_run(out, *extra, **kw):
    "A run that would train for hours, once its first log line is written."
    cmd = [str(BIN/"sagan-train"), *TINY, *extra, "--steps", "100000", "--ckpt-every", "0", "--out", str(out)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    log, deadline = Path(out)/"metrics.jsonl", time.time() + 120
    while not (log.exists() and log.read_text().strip()) and time.time() < deadline and p.poll() is None:
        time.sleep(0.05)
    assert p.poll() is None, p.communicate()
    return p

# ---- 1. SIGHUP (a closed terminal, a lost ssh session) stops like SIGTERM ------------------------------------------

def test_sighup_checkpoints_and_exits_like_sigterm(tmp_path):
    out = tmp_path/"out"
    p = start_long_run(out)
    p.send_signal(signal.SIGHUP)
    _, stderr = p.communicate(timeout=120)
    assert p.returncode == SIGTERM_CODE, (p.returncode, stderr[-2000:])
    assert "SIGHUP: stopping after this step, with a checkpoint" in stderr, stderr
    assert f"checkpoint {out/'checkpoints'/'last.pt'} holds it. Resume with: sagan-train --out {out} --resume" in stderr
    assert "Traceback" not in stderr
    assert ckpt(out)["step"] > 0

# ---- 2. temporary files that a kill -9 left behind -----------------------------------------------------------------

def test_stale_temporary_files_are_removed_at_start(tmp_path):
    out = tmp_path/"out"
    stale = [out/"checkpoints"/".last.pt.4194999.tmp", out/".metrics.jsonl.4194998.tmp"]
    def plant():
        for p in stale: p.parent.mkdir(parents=True, exist_ok=True); p.write_bytes(b"half a checkpoint")
    plant()
    r = sagan_train(*TINY, "--steps", 1, "--ckpt-every", 1, "--out", out)
    assert r.returncode == 0, r.stderr
    assert not [p for p in stale if p.exists()]
    plant()
    r = sagan_train("--out", out, "--resume", "--steps", 2)
    assert r.returncode == 0, r.stderr
    assert not [p for p in stale if p.exists()] and ckpt(out)["step"] == 2
    assert sorted(p.name for p in (out/"checkpoints").iterdir()) == ["last.pt"]

# ---- 3. --resume on nothing creates nothing ------------------------------------------------------------------------

def test_resume_on_an_empty_or_missing_folder_creates_nothing(tmp_path, capsys):
    empty = tmp_path/"empty"; empty.mkdir()
    for out in (empty, tmp_path/"missing"):
        code, err = main_in_process(capsys, "--out", out, "--resume")
        one_line_error(code, err, says=[f"no checkpoint at {out/'checkpoints'/'last.pt'}", "nothing to resume"])
    assert list(empty.iterdir()) == [] and not (tmp_path/"missing").exists()

# ---- 4. an --out that cannot be written: exit 2, as --help says --------------------------------------------------

def test_help_says_which_code_an_unwritable_out_exits_with():
    r = sagan_train("--help")
    assert r.returncode == 0, r.stderr
    text = " ".join(r.stdout.split())
    assert re.search(r"2 bad input \([^)]*an --out that cannot be created or written", text), text[-800:]
    assert re.search(r"4 a full disk", text), text[-800:]
    assert "an --out that cannot be written 4" not in cli._start.__doc__, cli._start.__doc__

def test_read_only_out_is_exit_2_in_one_line(tmp_path, capsys, monkeypatch):
    "As a user without write permission sees it (EACCES from mkdir), simulated so that it runs as root too."
    out = tmp_path/"ro"/"run"
    def mkdir(self, *a, **kw): raise PermissionError(errno.EACCES, "Permission denied", str(self))
    monkeypatch.setattr(Path, "mkdir", mkdir)
    code, err = main_in_process(capsys, *TINY, "--steps", 2, "--out", out)
    one_line_error(code, err, says=[f"cannot write to --out {out}", "Permission denied"])

def test_read_only_out_for_real(tmp_path):
    if os.geteuid() == 0: pytest.skip("running as root: file permissions are not enforced")
    ro = tmp_path/"ro"; ro.mkdir(); ro.chmod(0o555)
    try:
        r = sagan_train(*TINY, "--steps", 2, "--out", ro/"run")
        one_line_error(r.returncode, r.stderr, says=[f"cannot write to --out {ro/'run'}", "Permission denied"])
        r = sagan_train(*TINY, "--steps", 2, "--out", ro)
        one_line_error(r.returncode, r.stderr, says=[f"cannot write to --out {ro}", "Permission denied"])
        assert list(ro.iterdir()) == []
    finally: ro.chmod(0o755)

# ---- 5. a full disk at start names the file and says the disk is full --------------------------------------------

def test_full_disk_at_start_names_the_path(tmp_path, capsys, monkeypatch):
    def lock(self): raise OSError(errno.ENOSPC, "No space left on device")      # as write() raises it: no filename
    monkeypatch.setattr(checkpoint.RunFolder, "lock", lock)
    out = tmp_path/"run"
    code, err = main_in_process(capsys, *TINY, "--steps", 2, "--out", out)
    line = one_line_error(code, err, want_code=4, says=[f"no space left on device while writing {out/'.lock'}"])
    assert "None" not in line, line
    assert not out.exists(), "a run that failed to start leaves no folder"

# ---- 6. a name longer than the file system allows ------------------------------------------------------------------

def test_out_name_too_long_is_one_line(tmp_path, capsys):
    out = tmp_path/("a" * 256)
    for args in ([*TINY, "--steps", 2, "--out", out], ["--out", out, "--resume"]):
        code, err = main_in_process(capsys, *args)
        one_line_error(code, err, says=[f"cannot write to --out {out}", os.strerror(errno.ENAMETOOLONG)])

# ---- 7. a stale metrics.jsonl.old is kept ---------------------------------------------------------------------------

def test_moved_logs_never_overwrite_older_ones(tmp_path, capsys):
    (tmp_path/"metrics.jsonl.old").write_text('{"step": 1}\n')
    for k in (1, 2):
        (tmp_path/"metrics.jsonl").write_text(f'{{"step": {k + 1}}}\n')
        run = checkpoint.RunFolder(tmp_path)
        try: run.new_log()
        finally: run.release()
        assert f"moved it to metrics.jsonl.old.{k}" in capsys.readouterr().err
    assert [(tmp_path/n).read_text() for n in ("metrics.jsonl.old", "metrics.jsonl.old.1", "metrics.jsonl.old.2")] == \
           ['{"step": 1}\n', '{"step": 2}\n', '{"step": 3}\n']
    assert not (tmp_path/"metrics.jsonl").exists()

# ---- 8. resuming a decaying schedule with another --steps ----------------------------------------------------

@pytest.mark.parametrize("kind, first, then, says", [
    # trained 2 of 2: step 1 ran at 1 − 1/2 = 0.5×; with --steps 6, step 2 runs at 1 − 2/6 ≈ 0.667×
    ("linear", 2, 6, "from 0.5× to 0.667×"),
    # trained 4 of 4: step 3 ran at min(1, 2(1 − 3/4)) = 0.5×; with --steps 8, step 4 runs at min(1, 2(1 − 4/8)) = 1×
    ("late", 4, 8, "from 0.5× to 1×")], ids=["linear", "late"])
def test_resuming_a_decay_with_other_steps_warns(tmp_path, kind, first, then, says):
    out = tmp_path/"out"
    r = sagan_train(*TINY, "--lr-decay", kind, "--steps", first, "--ckpt-every", first, "--out", out)
    assert r.returncode == 0, r.stderr
    r = sagan_train("--out", out, "--resume", "--steps", then)
    assert r.returncode == 0, r.stderr
    warns = [l for l in r.stderr.splitlines() if "warning:" in l and f"--lr-decay {kind}" in l]
    assert len(warns) == 1, r.stderr
    for s in (f"--steps {then} (was {first})", says, f"0 at step {then}"): assert s in warns[0], (s, warns[0])

# ---- 9. a signal to the whole process group: the loader workers leave it to the main process -------------------

@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGHUP], ids=["SIGINT", "SIGHUP"])
def test_signal_to_the_group_with_loader_workers_warns_once(tmp_path, sig):
    out = tmp_path/"out"
    p = start_long_run(out, "--num-workers", "2", start_new_session=True)
    os.killpg(p.pid, sig)                                          # the session leader's pid is the group's id
    _, stderr = p.communicate(timeout=120)
    assert p.returncode == (130 if sig == signal.SIGINT else SIGTERM_CODE), (p.returncode, stderr[-2000:])
    assert "Traceback" not in stderr and stderr.count(f"{sig.name}: stopping") == 1, stderr[-2000:]
    assert ckpt(out)["step"] > 0

def test_a_checkpoint_of_more_processes_resumed_by_one_warns_of_the_batch(tmp_path, capsys):
    "A DDP checkpoint (one noise state per rank) resumed by one process says that the effective batch changes."
    out = tmp_path/"run"
    cli.main([*TINY, "--steps", "2", "--out", str(out)])
    ck = ckpt(out); ck["rng"]["z"] = ck["rng"]["z"] * 2                 # as two ranks would have saved it
    torch.save(ck, out/"checkpoints"/"last.pt")
    capsys.readouterr()
    cli.main(["--out", str(out), "--resume", "--steps", "3"])
    err = capsys.readouterr().err
    assert "saved by 2 process(es), an effective batch of 2 × 4 = 8" in err and "resuming with 1 gives 1 × 4 = 4" in err, err
    cli.main(["--out", str(out), "--resume", "--steps", "4"])          # its own checkpoint now: one process
    assert "effective batch" not in capsys.readouterr().err

def _ranks(launcher_pid):
    "{LOCAL_RANK: pid} of the processes that torchrun (pid `launcher_pid`) started, read from /proc."
    ranks = {}
    for task in Path(f"/proc/{launcher_pid}/task").iterdir():
        for child in (task/"children").read_text().split():
            try: env = Path(f"/proc/{child}/environ").read_bytes().split(b"\0")
            except FileNotFoundError: continue
            for kv in env:
                if kv.startswith(b"LOCAL_RANK="): ranks[int(kv[11:])] = int(child)
    return ranks

@pytest.mark.timeout(600)
def test_ddp_warns_nothing_about_grad_strides(tmp_path):
    "Channels-last 1×1 kernels keep the standard strides, so DDP's reducer does not warn on every rank at every step."
    r = subprocess.run([str(BIN/"torchrun"), "--standalone", "--nproc_per_node=2", "--no-python", str(BIN/"sagan-train"),
                        *TINY, "--steps", "3", "--ckpt-every", "0", "--out", str(tmp_path)],
                       capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Grad strides do not match" not in r.stderr, r.stderr[-3000:]

@pytest.mark.timeout(600)
def test_a_killed_rank_leaves_one_line_on_the_other(tmp_path):
    "kill -9 of one DDP rank: the other says in one line that a process of the run was lost, and where to resume, without a traceback."
    out = tmp_path/"run"
    p = subprocess.Popen([str(BIN/"torchrun"), "--standalone", "--nproc_per_node=2", "--no-python", str(BIN/"sagan-train"),
                          *TINY, "--steps", "100000", "--ckpt-every", "2", "--out", str(out)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    deadline = time.time() + 300
    while not (out/"checkpoints"/"last.pt").exists() and time.time() < deadline and p.poll() is None: time.sleep(0.1)
    assert p.poll() is None, p.communicate()
    os.kill(_ranks(p.pid)[1], signal.SIGKILL)
    _, stderr = p.communicate(timeout=300)
    assert p.returncode != 0
    assert "[rank0]" not in stderr and stderr.count("Traceback") <= 1, stderr[-4000:]   # at most torchrun's own report
    lost = [l for l in stderr.splitlines() if "lost" in l and "sagan-train:" in l]
    assert len(lost) == 1 and "--resume" in lost[0] and "checkpoint" in lost[0], stderr[-4000:]
    assert ckpt(out)["step"] >= 2
