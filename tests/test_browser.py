"""A real browser drives JupyterLab: open 10_explorers, run all cells, click on the attention explorer's image, and see it change.

Chromium is Debian's /usr/bin/chromium (playwright's own browser downloads are not used). The notebook runs with its CI
parameters (tests/ci_params.json, injected as papermill would) and IN_TEST=1, in a temporary copy of the repository.
Set SAGAN_BROWSER_SHOTS=<folder> to keep the screenshots.
"""
import json, os, shutil, socket, subprocess, sys, time, secrets, urllib.request
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
NB = "10_explorers.ipynb"
EXPLORER = ".sagan-attn-explorer"                 # the AttentionExplorer's outer box (add_class in the notebook)
CLICK_GRID = f"{EXPLORER} .sagan-query-picker"     # its QueryPicker: an Image with transparent buttons laid over it
LAYER_IMG = f"{EXPLORER} .sagan-layer-g img"       # the first generator attention layer's overlay image
RUN_WAIT_MS = 1000 * int(os.environ.get("SAGAN_BROWSER_RUN_WAIT_S", 150))   # running all cells, CI parameters

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

def _prepare(tmp):
    "A copy of the repository's package, data and notebook, with the notebook's CI parameters injected."
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook
    for d in ("sagan_nb", "data"):
        shutil.copytree(ROOT/d, tmp/d, ignore=shutil.ignore_patterns("__pycache__", "*.ipynb_checkpoints"))
    (tmp/"nbs").mkdir()
    params = json.loads((ROOT/"tests"/"ci_params.json").read_text()).get(Path(NB).stem, {})
    nb = parameterize_notebook(load_notebook_node(str(ROOT/"nbs"/NB)), params)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}  # no kernel dialog
    nbformat.write(nb, tmp/"nbs"/NB)

@pytest.fixture
def lab(tmp_path):
    "A JupyterLab server on 127.0.0.1 with a random port and token, rooted at a temporary copy; killed at teardown."
    if not Path(CHROMIUM).exists(): pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium: apt-get install chromium)")
    root = tmp_path/"repo"; root.mkdir(); _prepare(root)
    home = tmp_path/"home"; home.mkdir()
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, PYTHONPATH=str(root), IN_TEST="1", MPLBACKEND="Agg", HOME=str(home),
               JUPYTER_CONFIG_DIR=str(home/"config"), JUPYTER_RUNTIME_DIR=str(home/"runtime"), IPYTHONDIR=str(home/"ipython"))
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
           f"--LabApp.user_settings_dir={home/'settings'}", f"--LabApp.workspaces_dir={home/'workspaces'}",
           "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0: cmd.append("--allow-root")     # CI containers run as root
    log = open(tmp_path/"lab.log", "wb")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None: raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{(tmp_path/'lab.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200: break
            except OSError: pass
            if time.monotonic() > deadline: raise TimeoutError(f"jupyter lab did not answer within 90 s:\n{(tmp_path/'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()
        try: proc.wait(timeout=15)
        except subprocess.TimeoutExpired: proc.kill(); proc.wait(timeout=15)
        log.close()

@pytest.mark.timeout(300)
def test_click_on_attention_explorer_changes_it(lab, tmp_path):
    from playwright.sync_api import sync_playwright
    base, token = lab
    shots = Path(os.environ.get("SAGAN_BROWSER_SHOTS", tmp_path/"shots")); shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, timeout=60_000,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                                          "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        try:
            page.goto(f"{base}/lab/tree/nbs/{NB}?token={token}", timeout=90_000)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            dialog = page.locator(".jp-Dialog .jp-mod-accept")           # a "Select Kernel" dialog, should one appear anyway
            try: dialog.click(timeout=3_000)
            except Exception: pass
            # the kernel must be up before "Run All Cells" does anything
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
            # Run ▸ Run All Cells, as a learner would
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            page.wait_for_selector(CLICK_GRID, timeout=RUN_WAIT_MS)
            # every cell done: no "[*]" prompt left, and the kernel idle again
            page.wait_for_function("""() => ![...document.querySelectorAll('.jp-InputPrompt')].some(e => e.textContent.includes('*'))""",
                                   timeout=RUN_WAIT_MS, polling=500)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
            tracebacks = page.locator(".jp-OutputArea-output", has_text="Traceback (most recent call last)")
            assert tracebacks.count() == 0, tracebacks.first.inner_text()[:3000]

            picker_img = page.locator(f"{CLICK_GRID} img").first
            layer_img = page.locator(LAYER_IMG).first
            layer_img.scroll_into_view_if_needed()
            page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=layer_img.element_handle(), timeout=30_000)
            explorer = page.locator(EXPLORER).first
            explorer.screenshot(path=str(shots/"before.png"))
            before_layer, before_src = layer_img.screenshot(), layer_img.get_attribute("src")

            # click ON the image, a fifth of the way in from its top-left corner: the buttons laid over it take the click
            box = picker_img.bounding_box()
            page.mouse.click(box["x"] + 0.2 * box["width"], box["y"] + 0.2 * box["height"])
            page.wait_for_function("([el, old]) => el.getAttribute('src') !== old && el.complete && el.naturalWidth > 0",
                                   arg=[layer_img.element_handle(), before_src], timeout=30_000)
            time.sleep(0.5)
            explorer.screenshot(path=str(shots/"after.png"))
            after_layer = layer_img.screenshot()
            assert after_layer != before_layer, "the attention overlay looks the same after clicking a new query"
            # the fallback sliders followed the click: the query row is now in the top fifth of the grid
            row = page.locator(f"{CLICK_GRID} .widget-slider", has_text="query row").locator(".widget-readout").first
            grid = int(page.locator(f"{CLICK_GRID} .sagan-query-grid button").count() ** 0.5)
            assert int(row.inner_text()) == int(0.2 * grid), row.inner_text()
        except Exception:
            page.screenshot(path=str(shots/"failure.png"), full_page=True)
            raise
        finally:
            browser.close()
