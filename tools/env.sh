# Sourced by tools/*.sh: make .venv (once) and install the project with its pinned dev toolchain into it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
echo "== installing sagan-nb with its dev extra into .venv (torch takes about a minute the first time)"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
export PATH="$PWD/.venv/bin:$PATH"
export MPLBACKEND=Agg PYTHONUNBUFFERED=1
