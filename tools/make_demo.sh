#!/usr/bin/env bash
# Make the explorers' demo checkpoint with one command: about 55 minutes on this project's 2-core CPU (one thread, with
# another run beside it), minutes on a GPU. Interrupted? Run the same command again: it resumes from its last checkpoint.
#   bash tools/make_demo.sh                   # seed 0: train runs/demo/seed0, measure it, and write the slim data/demo_faces32.pt
#   bash tools/make_demo.sh 1                 # another seed: train and measure runs/demo/seed1 only (data/ is left alone)
#   bash tools/make_demo.sh 0 --device cuda   # the same training on a GPU (any further sagan-train flag is passed on)
# The recipe is the faces32 preset with two changes, both for the explorers, which need attention that follows the query:
# similarity scores (cosine scores with a shared f, τ = 20; see 01_attention), whose maps tell the face's parts apart where
# the paper's dot scores stay flat at this width, and 9,000 steps whose learning rates fall linearly to 0,
# averaged over about the last 1,000 (EMA decay 0.999; faces32's 0.99 is for its 2,500-step runs). FPD is scored
# every 1,000 steps. The measures (FPD, spread, found on 512 faces; the attention of G and D counted over every sample,
# beside an untrained control) are appended to results/experiments.jsonl as "demo_sim9k_sS".
# One thread: results on a CPU depend on the thread count, and the shipped file was trained on one.
source "$(dirname "$0")/env.sh"
SEED=${1:-0}; shift || true
OUT=runs/demo/seed$SEED
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
start=$SECONDS
if [ -f "$OUT/checkpoints/last.pt" ]; then
  sagan-train --out "$OUT" --resume --no-progress "$@"
else
  sagan-train --out "$OUT" --seed "$SEED" --attn-scores similarity --steps 9000 --lr-decay linear --ema-decay 0.999 \
    --fid-every 1000 --sample-every 1000 --no-progress "$@"
fi
python tools/experiment.py "demo_sim9k_s$SEED" --threads "$OMP_NUM_THREADS" --measure-only "$OUT" --seconds $((SECONDS-start)) \
  --note "tools/make_demo.sh $SEED: sagan-train --seed $SEED --attn-scores similarity --steps 9000 --lr-decay linear --ema-decay 0.999 (faces32 otherwise), $OMP_NUM_THREADS thread(s)"
if [ "$SEED" = 0 ]; then
  python -c "from sagan_nb.explorers import slim_checkpoint; slim_checkpoint('$OUT/checkpoints/last.pt', 'data/demo_faces32.pt')"
  echo "wrote data/demo_faces32.pt ($(du -h data/demo_faces32.pt | cut -f1))"
fi
