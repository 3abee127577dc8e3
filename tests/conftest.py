import os

# tools/ is importable in the tests through pyproject.toml's `pythonpath`
os.environ.setdefault("MPLBACKEND", "Agg")
