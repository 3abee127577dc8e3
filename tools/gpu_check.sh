#!/usr/bin/env bash
# GPU smoke check of sagan-nb, about 8 minutes at most on one GPU (sized for an H200):
#   1. bench:  python -m sagan_nb.bench, eager and torch.compile'd (one JSON object of figures)
#   2. train:  the celeba64 preset on the synthetic faces, bf16, killed with SIGKILL after its first checkpoint
#   3. resume: --resume from that checkpoint to the last step
#   4. summary: GPU, torch, bench figures, training img/s, the step killed at, final losses, wall time
# It exits non-zero, naming the stage and showing its log's tail, if any stage fails or runs out of time.
#
#   bash tools/gpu_check.sh                                  # from a clone, with torch (CUDA build) installed
#   PYTHON=.venv/bin/python bash tools/gpu_check.sh          # choose the interpreter (default python3)
#   GPU_CHECK_DEVICE=cpu PYTHON=.venv/bin/python bash tools/gpu_check.sh   # CPU rehearsal, a few minutes
#
# Settings (environment): GPU_CHECK_DEVICE (cuda, cuda:N or cpu), GPU_CHECK_STEPS, GPU_CHECK_CKPT_EVERY,
# GPU_CHECK_TRAIN_ARGS (extra trainer flags), GPU_CHECK_BENCH_ARGS (bench flags), GPU_CHECK_BUDGET_S (total
# seconds), GPU_CHECK_KEEP=1 (keep the temporary folder; it is always kept when a stage fails).
# On the CPU the defaults shrink (6 steps, batch 8, ch 16, no bf16, a quick bench without torch.compile) so that
# the rehearsal takes a few minutes; it checks the script and the code paths, not the GPU figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."                 # the repository root: the package runs from the source tree
PY=${PYTHON:-python3}
export PYTHONPATH=".${PYTHONPATH:+:$PYTHONPATH}" MPLBACKEND=Agg PYTHONUNBUFFERED=1
DEV=${GPU_CHECK_DEVICE:-cuda}
if [ "$DEV" = cpu ]; then    # small sizes: the same code paths, minutes instead of hours on a CPU
  STEPS=${GPU_CHECK_STEPS:-6}; CKPT=${GPU_CHECK_CKPT_EVERY:-2}
  TRAIN_ARGS=${GPU_CHECK_TRAIN_ARGS:---amp off --batch-size 8 --ch 16}
  BENCH_ARGS=${GPU_CHECK_BENCH_ARGS:---quick --presets faces32}   # add --compile faces32: +3 min
else
  STEPS=${GPU_CHECK_STEPS:-300}; CKPT=${GPU_CHECK_CKPT_EVERY:-100}
  TRAIN_ARGS=${GPU_CHECK_TRAIN_ARGS:---amp bf16}
  BENCH_ARGS=${GPU_CHECK_BENCH_ARGS:---presets faces32,faces64,celeba64 --compile faces32,faces64}
fi
BUDGET=${GPU_CHECK_BUDGET_S:-470}                       # every stage's timeout is cut to what is left of this

# 0. the device: fail fast, in one line, when torch sees no GPU (before anything is written)
if [ "$DEV" != cpu ]; then
  MSG=$("$PY" -c "import sys, torch; torch.cuda.is_available() or sys.exit(f\"device '$DEV' \
asked for, but torch {torch.__version__} sees no GPU (torch.cuda.is_available() is False); for a CPU rehearsal set GPU_CHECK_DEVICE=cpu\")" \
        2>&1 >/dev/null) || { echo "gpu_check: FAILED at stage 'env': $(echo "${MSG:-$PY failed}" | tail -n 1)" >&2; exit 1; }
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sagan_gpu_check.XXXXXX"); OUT=$TMP/run
echo "gpu_check: device $DEV, logs in $TMP"

fail() {  # fail STAGE MESSAGE [LOG]: say which stage failed, show the log's tail, keep the folder
  echo "gpu_check: FAILED at stage '$1': $2" >&2
  if [ -n "${3:-}" ] && [ -s "$3" ]; then echo "---- last lines of $3" >&2; tail -n 30 "$3" >&2; fi
  echo "gpu_check: logs and run kept in $TMP" >&2; exit 1
}
left() { local l=$((BUDGET - SECONDS)); [ "$l" -gt 0 ] || fail "$1" "out of time (budget ${BUDGET}s)"; echo $(( l < $2 ? l : $2 )); }
stage() {  # stage NAME CAP_S LOG CMD...: run CMD under timeout, stdout+stderr to LOG (unless CMD redirects)
  local name=$1 t; t=$(left "$1" "$2"); local log=$3; shift 3
  echo "gpu_check: [$((SECONDS))s] $name (timeout ${t}s)"
  local rc=0; timeout "$t" "$@" >>"$log" 2>&1 || rc=$?
  [ "$rc" = 0 ] || fail "$name" "exit $rc$([ "$rc" = 124 ] && echo ", timed out after ${t}s")" "$log"
}
TRAIN=("$PY" -m sagan_nb.train --preset celeba64 --dataset faces --device "$DEV" --steps "$STEPS"
       --ckpt-every "$CKPT" --log-every "$(( STEPS >= 100 ? 25 : 1 ))" --sample-every 0 --no-progress $TRAIN_ARGS)

stage env 60 "$TMP/env.log" "$PY" -c "import torch, torchvision, numpy, PIL, matplotlib, tqdm"

# 1. bench: its stdout is the JSON object, its stderr the log
stage bench 270 "$TMP/bench.log" bash -c '"$@" >"'"$TMP"'/bench.json"' _ "$PY" -m sagan_nb.bench --device "$DEV" $BENCH_ARGS

# 2. train, then SIGKILL once the first checkpoint exists (as tests/test_train.py does), mid-way through the run
T=$(left train 150); echo "gpu_check: [$((SECONDS))s] train $STEPS steps, killed after the first checkpoint (timeout ${T}s)"
"${TRAIN[@]}" --out "$OUT" >"$TMP/train.log" 2>&1 & PID=$!
END=$((SECONDS + T))
until [ -f "$OUT/checkpoints/last.pt" ] || ! kill -0 "$PID" 2>/dev/null || [ "$SECONDS" -ge "$END" ]; do sleep 0.2; done
sleep 0.5
if ! kill -0 "$PID" 2>/dev/null; then
  wait "$PID" && rc=0 || rc=$?; fail train "the run ended (exit $rc) before it could be killed" "$TMP/train.log"
fi
kill -9 "$PID"; wait "$PID" 2>/dev/null || true
[ -f "$OUT/checkpoints/last.pt" ] || fail train "no checkpoint after ${T}s" "$TMP/train.log"
KILLED=$("$PY" -c "import torch, sys; print(torch.load(sys.argv[1], map_location='cpu', weights_only=True)['step'])" \
         "$OUT/checkpoints/last.pt" 2>>"$TMP/train.log") || fail train "cannot read the checkpoint" "$TMP/train.log"
[ "$KILLED" -gt 0 ] && [ "$KILLED" -lt "$STEPS" ] || fail train "checkpoint at step $KILLED: the run was not interrupted mid-way" "$TMP/train.log"

# 3. resume to the end: every setting comes from the checkpoint, so the folder is all it needs
stage resume 150 "$TMP/resume.log" "$PY" -m sagan_nb.train --out "$OUT" --resume
grep -q "resuming from step $KILLED" "$TMP/resume.log" || fail resume "did not say 'resuming from step $KILLED'" "$TMP/resume.log"

# 4. summary, from the bench's JSON and the run's metrics.jsonl (and checks on both)
stage summary 60 "$TMP/summary.log" "$PY" - "$TMP/bench.json" "$OUT" "$STEPS" "$KILLED" <<'EOF'
import json, math, statistics, sys, torch
bench, out, steps, killed = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
recs = [json.loads(l) for l in open(f"{out}/metrics.jsonl") if l.strip()]
last = torch.load(f"{out}/checkpoints/last.pt", map_location="cpu", weights_only=True)
print(f"device    {bench['device']}")   # torch.cuda.get_device_name, as the bench saw it
print(f"torch     {torch.__version__}")
for p, ips in bench["train_img_per_s"].items():
    comp = bench.get("train_compiled", {}).get(p, {}).get("img_per_s")
    print(f"bench     {p:9s} train img/s eager {ips}" + (f", compiled {comp}, speedup x{bench['compile_speedup'][p]}" if comp else ""))
for side, r in bench["attention"].items():
    e, s = r["explicit"], r["sdpa"]
    print(f"attention {side:7s} explicit {e['ms']} ms {e['peak_mib']} MiB, sdpa {s['ms']} ms {s['peak_mib']} MiB")
ips = [r["img_per_s"] for r in recs]   # the median: the first interval after start and after resume hold the warm-up
print(f"training  celeba64 on faces: median {statistics.median(ips)} img/s over {len(ips)} logged intervals")
print(f"resume    killed at step {killed}, resumed to step {last['step']}; final loss_d {recs[-1]['loss_d']}, loss_g {recs[-1]['loss_g']}")
assert last["step"] == steps == recs[-1]["step"], f"the run ended at step {last['step']} (log: {recs[-1]['step']}), not {steps}"
assert all(math.isfinite(recs[-1][k]) for k in ("loss_d", "loss_g")), "final losses are not finite"
EOF
cat "$TMP/summary.log"
echo "gpu_check: all stages passed in ${SECONDS}s"
[ "${GPU_CHECK_KEEP:-0}" = 1 ] && echo "gpu_check: run kept in $TMP" || rm -rf "$TMP"
