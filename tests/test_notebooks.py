"""Every notebook runs top to bottom through papermill with its CI parameters (IN_TEST=1, cwd nbs/)."""
import json, time
import pytest
from run_notebooks import notebooks, run, ROOT, PARAMS, KINDS

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

@pytest.mark.parametrize("kind", KINDS)
def test_params_name_real_notebooks(kind):
    "A typo in tools/notebook_params.json would silently run a notebook at full size."
    params = json.loads(PARAMS.read_text())[kind]
    stems = {p.stem for p in NOTEBOOKS}
    assert params and set(params) <= stems, set(params) - stems

def test_one_list_of_notebooks():
    "The book, the sync check and the runners all take their notebooks from run_notebooks.notebooks()."
    import book
    assert book.notebooks(ROOT/"nbs") == NOTEBOOKS and NOTEBOOKS[0].name == "index.ipynb"
    assert not any(p.name.startswith("_") for p in NOTEBOOKS)
