#!/usr/bin/env bash
# The main job, measured: `sagan-train` on its defaults (what `bash tools/run.sh` runs) for one seed, in its own folder,
# then its record in results/experiments.jsonl as "main_seedS" (FPD, spread, found, and the attention of every layer
# counted over every sample, beside an untrained control and D on real faces).
#   bash tools/main_job.sh 0     # seed 0 into runs/main/seed0; run it again to resume an interrupted run
source "$(dirname "$0")/env.sh"
SEED=${1:-0}
OUT=runs/main/seed$SEED
start=$SECONDS
if [ -f "$OUT/checkpoints/last.pt" ]; then
  echo "$OUT holds a run: continuing it with the settings it was started with (delete $OUT to start over)"
  sagan-train --out "$OUT" --resume --no-progress
else
  sagan-train --out "$OUT" --seed "$SEED" --no-progress
fi
python tools/experiment.py "main_seed$SEED" --measure-only "$OUT" --seconds $((SECONDS-start)) --note "tools/main_job.sh $SEED: sagan-train's defaults, seed $SEED, $(nproc --all) cores, ${OMP_NUM_THREADS:-all} thread(s)"
