#!/usr/bin/env bash
# Install everything into .venv, then run every check: sync, nbdev_test, pytest (its summary is printed last).
#   bash tools/test.sh
source "$(dirname "$0")/env.sh"
start=$SECONDS
echo "== notebooks clean, library exported, no orphans, README in sync"
python tools/check_sync.py
echo "== nbdev_test (slow and cuda cells skipped)"
nbdev_test --n_workers 2 --timing
echo "== pytest: every notebook through papermill, the wheel in a fresh venv, and the rest"
echo "   (setup took $((SECONDS-start)) s so far)"
exec python -m pytest tests -v --durations=0 -p no:cacheprovider
