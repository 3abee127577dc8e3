"""What the 06_data notebook cannot check cheaply: worker processes and a real torch.distributed process group."""
import os, socket
import pytest, torch
import torch.distributed as dist
import torch.multiprocessing as mp
from sagan_nb.data import SyntheticFaces, BatchStream

def _take(stream, n): return [next(stream) for _ in range(n)]

@pytest.mark.timeout(120)
def test_workers_give_the_same_batches_and_resume():
    "num_workers=2 gives the batches of num_workers=0, across an epoch boundary, and after load_state_dict."
    ds = SyntheticFaces(40, 32, seed=4)
    ref = _take(BatchStream(ds, 8, seed=3, num_workers=0), 7)            # 5 batches per epoch: crosses into epoch 1
    par = BatchStream(ds, 8, seed=3, num_workers=2)
    got = _take(par, 4); state = par.state_dict(); got += _take(par, 3)
    for (xa, ya), (xb, yb) in zip(ref, got): assert torch.equal(xa, xb) and torch.equal(ya, yb)
    resumed = BatchStream(ds, 8, seed=3, num_workers=2); resumed.load_state_dict(state)
    for (xa, _), (xb, _) in zip(ref[4:], _take(resumed, 3)): assert torch.equal(xa, xb)

WORKERS = ("import sys\n"
           "from sagan_nb.data import SyntheticFaces, BatchStream\n"
           "st = BatchStream(SyntheticFaces(40, 32), 4, num_workers=2); next(st)\n"
           "print(*[w.pid for w in st._it._workers], flush=True); sys.stdin.readline()\n"
           "x, y = next(st); next(st); print(tuple(x.shape), flush=True)\n")   # exits with the loader still running

@pytest.mark.timeout(120)
def test_workers_leave_signals_to_the_main_process_yet_exit_with_it():
    "A worker ignores SIGINT and a stranger's SIGTERM; multiprocessing's SIGTERM at exit still ends it, so exit never hangs."
    import signal, subprocess, sys, time
    p = subprocess.Popen([sys.executable, "-c", WORKERS], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    pids = [int(w) for w in p.stdout.readline().split()]
    for w in pids: os.kill(w, signal.SIGTERM); os.kill(w, signal.SIGINT)   # this test is not their parent: ignored
    time.sleep(1)
    out, err = p.communicate("go\n", timeout=60)                           # batches still come, and exit does not hang
    assert p.returncode == 0 and out.strip() == "(4, 3, 32, 32)", (p.returncode, err[-2000:])
    for w in pids: assert not os.path.exists(f"/proc/{w}"), f"worker {w} outlived the main process"

def _rank(rank, world, port, out):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        st = BatchStream(SyntheticFaces(42, 32), 4, seed=9, num_workers=0)   # distributed=None: follows the group
        out[rank] = (st.rank, st.world, [st.epoch_indices(e).tolist() for e in range(2)], next(st)[0].shape)
    finally: dist.destroy_process_group()

@pytest.mark.timeout(120)
def test_distributed_split():
    "Under an initialised gloo group of 2, each rank takes a disjoint half of every epoch."
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    out = mp.Manager().dict()
    mp.spawn(_rank, args=(2, port, out), nprocs=2, join=True)
    (r0, w0, e0, shape), (r1, w1, e1, _) = out[0], out[1]
    assert (r0, w0, r1, w1) == (0, 2, 1, 2) and tuple(shape) == (4, 3, 32, 32)
    for e in range(2):
        assert not set(e0[e]) & set(e1[e]) and len(e0[e]) == len(e1[e]) == 20
    assert e0[0] != e0[1]
