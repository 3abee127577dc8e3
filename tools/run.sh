#!/usr/bin/env bash
# The main job: train SAGAN on the synthetic faces with sagan-train's defaults (preset faces32, CPU or GPU),
# printing progress as it goes; samples and attention maps land in runs/faces32/samples/.
#   bash tools/run.sh                 # the defaults; run it again to continue an interrupted run
#   bash tools/run.sh --steps 3000    # any sagan-train flag (see: sagan-train --help)
source "$(dirname "$0")/env.sh"
if [ $# -eq 0 ] && [ -f runs/faces32/checkpoints/last.pt ]; then
  echo "runs/faces32 holds a run: continuing it (delete runs/faces32 to start over)"
  set -- --resume
fi
exec sagan-train "$@"
