#!/usr/bin/env bash
# Install everything into .venv, then run every check: sync, nbdev_test, pytest (its summary is printed last).
#   bash tools/test.sh
source "$(dirname "$0")/env.sh"
start=$SECONDS
if [ ! -x /usr/bin/chromium ]; then   # the explorer's real-browser test drives Debian's chromium (playwright cannot download one)
  echo "== installing Debian's chromium for the real-browser test"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  ( $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null ) \
    || echo "   chromium could not be installed here: the browser test will be skipped, with its reason in pytest's summary"
fi
echo "== notebooks clean, library exported, no orphans, README in sync"
python tools/check_sync.py
echo "== nbdev_test (slow and cuda cells skipped)"
nbdev_test --n_workers 2 --timing
echo "== pytest: every notebook through papermill, the wheel in a fresh venv, and the rest"
echo "   (setup took $((SECONDS-start)) s so far)"
exec python -m pytest tests -v --durations=0 -p no:cacheprovider
