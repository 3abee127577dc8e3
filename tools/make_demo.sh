#!/usr/bin/env bash
# Make the explorers' demo checkpoint with one command (about 8 minutes on a 2-core CPU).
#   bash tools/make_demo.sh        # seed 0: train runs/demo/seed0, measure it, and write the slim data/demo_faces32.pt
#   bash tools/make_demo.sh 1      # another seed: train and measure runs/demo/seed1 only (to check the recipe is not one lucky seed)
# The run is sagan-train on its defaults (the faces32 preset; see 05_models and 10a_time_to_quality),
# i.e. the README's main job with its own output folder. The shipped data/demo_faces32.pt was made by the earlier preset
# (similarity scores, linear decay, 1,500 steps). Its measures (FPD, spread, found on 512 faces, and
# the attention of every layer of G and D on 256 faces) are appended to results/experiments.jsonl as "demo_seedS".
source "$(dirname "$0")/env.sh"
SEED=${1:-0}
OUT=runs/demo/seed$SEED
start=$SECONDS
if [ -f "$OUT/checkpoints/last.pt" ]; then sagan-train --out "$OUT" --resume; else sagan-train --out "$OUT" --seed "$SEED"; fi
python tools/experiment.py "demo_seed$SEED" --measure-only "$OUT" --seconds $((SECONDS-start)) --note "tools/make_demo.sh $SEED: the faces32 preset, seed $SEED"
if [ "$SEED" = 0 ]; then
  python -c "from sagan_nb.explorers import slim_checkpoint; slim_checkpoint('$OUT/checkpoints/last.pt', 'data/demo_faces32.pt')"
  echo "wrote data/demo_faces32.pt ($(du -h data/demo_faces32.pt | cut -f1))"
fi
