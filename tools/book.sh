#!/usr/bin/env bash
# Build the book of the notebooks into _book/ with Sphinx (myst-nb, sphinx-book-theme; tools/book_conf/conf.py): index.html,
# NN_topic.html for each notebook with its stored outputs (nothing is executed), api.html (the API reference, from the
# docstrings) and search.html. It works offline: open _book/index.html.
#   bash tools/book.sh                   # installs the dev extra into .venv first (Sphinx, and MathJax from jupyter-server-mathjax)
#   bash tools/book.sh --src DIR         # from another folder of notebooks; --out DIR writes elsewhere (see tools/book.py)
source "$(dirname "$0")/env.sh"
exec python tools/book.py "$@"
