#!/usr/bin/env bash
# The main job. Until the trainer lands it executes every notebook with papermill (their own defaults) into runs/notebooks/.
#   bash tools/run.sh
source "$(dirname "$0")/env.sh"
python tools/run_notebooks.py --out runs/notebooks "$@"
