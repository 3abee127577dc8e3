"""README.md stays equal to nbs/index.ipynb, and .ci/run calls README's test command."""
import re, subprocess, sys, json
from readme import render, ROOT

def test_readme_in_sync_with_index():
    assert (ROOT/"README.md").read_text(encoding="utf-8") == render(), "run `python tools/readme.py`"

def test_render_notices_drift(tmp_path):
    nb = json.loads((ROOT/"nbs"/"index.ipynb").read_text())
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": ["an edit made only in the notebook"]})
    (tmp_path/"index.ipynb").write_text(json.dumps(nb))
    assert render(tmp_path/"index.ipynb") != (ROOT/"README.md").read_text(encoding="utf-8")

def _commands(text):
    return re.findall(r"```(?:bash|sh)\n(.*?)```", text, re.S)

def test_readme_has_exactly_two_setup_commands_and_ci_calls_the_test_one():
    blocks = _commands((ROOT/"README.md").read_text(encoding="utf-8"))
    setup = [b.strip() for b in blocks if "tools/run.sh" in b or "tools/test.sh" in b]
    assert len(setup) == 2, setup
    test_cmd = [b for b in setup if "tools/test.sh" in b][0].splitlines()[-1].strip()
    ci = (ROOT/".ci"/"run").read_text()
    assert test_cmd.replace("cd sagan-nb && ", "") in ci or "bash tools/test.sh" in ci
