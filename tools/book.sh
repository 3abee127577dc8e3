#!/usr/bin/env bash
# Build the static HTML book of the notebooks into _book/ (index.html, then NN_topic.html for each notebook), from the
# notebooks as committed, with their stored outputs (nothing is executed). It works offline: open _book/index.html.
#   bash tools/book.sh                   # installs the dev extra into .venv first (MathJax comes from jupyter-server-mathjax)
#   bash tools/book.sh --src DIR         # from another folder of notebooks; --out DIR writes elsewhere (see tools/book.py)
source "$(dirname "$0")/env.sh"
exec python tools/book.py "$@"
