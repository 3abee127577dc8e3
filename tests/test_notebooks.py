"""Every notebook runs top to bottom through papermill with its CI parameters (IN_TEST=1, cwd nbs/)."""
import json, time
import pytest
from run_notebooks import notebooks, run, ROOT

NOTEBOOKS = notebooks()

def test_there_are_notebooks():
    assert any(p.name == "01_attention.ipynb" for p in NOTEBOOKS)
    assert any(p.name == "index.ipynb" for p in NOTEBOOKS)

@pytest.mark.timeout(600)
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_under_papermill(nb, tmp_path):
    secs = run(nb, tmp_path, ci=True)
    print(f"{nb.name}: {secs:.1f} s under papermill")
    out = json.loads((tmp_path/nb.name).read_text())
    errors = [o for c in out["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors

def test_ci_params_name_real_notebooks():
    "A typo in tests/ci_params.json would silently run a notebook at full size."
    params = json.loads((ROOT/"tests"/"ci_params.json").read_text())
    stems = {p.stem for p in NOTEBOOKS}
    assert set(params) <= stems, set(params) - stems
