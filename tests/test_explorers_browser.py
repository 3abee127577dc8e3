"""A real browser drives JupyterLab: open a notebook that builds an AttentionExplorer, run all, click on the face, see it change.

Chromium is Debian's /usr/bin/chromium driven by Playwright (playwright's own browser downloads are not used). The notebook is
a small one generated here (a few cells: import, build the explorer on the shipped demo model, or on a fresh faces32 G when
the demo is missing), so the test takes well under a minute; `nbs/10_explorers.ipynb` itself runs under papermill elsewhere.
Set SAGAN_BROWSER_SHOTS=<folder> to keep the screenshots.
"""
import os, socket, subprocess, sys, time, secrets, urllib.request
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
NB = "explorer_demo.ipynb"
EXPLORER = ".sagan-attn-explorer"                  # AttentionExplorer's outer box (add_class in 10_explorers)
PICKER = f"{EXPLORER} .sagan-query-picker"          # its QueryPicker: an Image with transparent buttons laid over it
LAYER_IMG = f"{EXPLORER} .sagan-layer-g img"        # the first G attention layer's overlay
CELLS = ["import torch; torch.set_num_threads(1)\n"
         "from sagan_nb.explorers import AttentionExplorer, demo_checkpoint_path\n"
         "from sagan_nb.models import make_models",
         "torch.manual_seed(0)\n"
         "ex = AttentionExplorer(demo_checkpoint_path() or make_models('faces32')[0])\n"
         "ex"]

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

def _write_notebook(folder):
    import nbformat
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}  # no kernel dialog
    nbformat.write(nb, folder/NB)

def _wait_ready(proc, url, log, seconds=40):
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None: raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200: return
        except OSError: pass
        if time.monotonic() > deadline: raise TimeoutError(f"jupyter lab did not answer within {seconds} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)

@pytest.fixture
def lab(tmp_path):
    "JupyterLab on 127.0.0.1, a free port and a random token, rooted at a temporary folder; killed in `finally`."
    if not Path(CHROMIUM).exists(): pytest.skip(f"{CHROMIUM} is missing (Debian: apt-get install chromium); .ci/run installs it")
    try: import playwright.sync_api  # noqa: F401
    except ImportError as e: pytest.skip(f"playwright cannot be imported ({e}); install the dev extra: pip install -e .[dev]")
    root, home = tmp_path/"nb", tmp_path/"home"; root.mkdir(); home.mkdir()
    _write_notebook(root)
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]), IN_TEST="1", MPLBACKEND="Agg",
               HOME=str(home), JUPYTER_CONFIG_DIR=str(home/"config"), JUPYTER_RUNTIME_DIR=str(home/"runtime"), IPYTHONDIR=str(home/"ipython"),
               OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
           f"--LabApp.user_settings_dir={home/'settings'}", f"--LabApp.workspaces_dir={home/'workspaces'}",
           "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0: cmd.append("--allow-root")     # CI containers run as root
    log_path = tmp_path/"lab.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(proc, f"{base}/api/status?token={token}", log_path)
            yield base, token
        finally:
            proc.terminate()
            try: proc.wait(timeout=10)
            except subprocess.TimeoutExpired: proc.kill(); proc.wait(timeout=10)

def test_click_on_attention_explorer_changes_it(lab, tmp_path):
    from playwright.sync_api import sync_playwright
    base, token = lab
    shots = Path(os.environ.get("SAGAN_BROWSER_SHOTS", tmp_path/"shots")); shots.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, timeout=30_000,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        try:
            page.goto(f"{base}/lab/tree/{NB}?token={token}", timeout=45_000)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=45_000)
            try: page.locator(".jp-Dialog .jp-mod-accept").click(timeout=2_000)   # a "Select Kernel" dialog, should one appear
            except Exception: pass
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=45_000)
            # Run ▸ Run All Cells, as a learner would
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            page.wait_for_selector(PICKER, timeout=45_000)
            tracebacks = page.locator(".jp-OutputArea-output", has_text="Traceback (most recent call last)")
            assert tracebacks.count() == 0, tracebacks.first.inner_text()[:3000]

            picker_img = page.locator(f"{PICKER} img").first
            layer_img = page.locator(LAYER_IMG).first
            layer_img.scroll_into_view_if_needed()
            page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=layer_img.element_handle(), timeout=15_000)
            page.locator(EXPLORER).first.screenshot(path=str(shots/"before.png"))
            before_shot, before_src = layer_img.screenshot(), layer_img.get_attribute("src")
            before_face = picker_img.get_attribute("src")

            # click ON the image, a fifth of the way in from its top-left corner: the transparent buttons over it take the click
            picker_img.scroll_into_view_if_needed(); time.sleep(0.3)     # the overlay above may have scrolled the face out of view
            box = picker_img.bounding_box()
            page.mouse.click(box["x"] + 0.2 * box["width"], box["y"] + 0.2 * box["height"])
            page.wait_for_function("([el, old]) => el.getAttribute('src') !== old && el.complete && el.naturalWidth > 0",
                                   arg=[layer_img.element_handle(), before_src], timeout=15_000)
            time.sleep(0.3)
            page.locator(EXPLORER).first.screenshot(path=str(shots/"after.png"))
            assert layer_img.get_attribute("src") != before_src, "the attention overlay's image bytes did not change"
            assert layer_img.screenshot() != before_shot, "the attention overlay looks the same after clicking a new query"
            assert picker_img.get_attribute("src") != before_face, "the query ring on the face did not move"
            # the fallback sliders followed the click: the query is now in the top-left fifth of the grid
            grid = int(round(page.locator(f"{PICKER} .sagan-query-grid button").count() ** 0.5))
            readouts = page.locator(f"{PICKER} .widget-slider .widget-readout")
            assert [int(readouts.nth(i).inner_text()) for i in (0, 1)] == [int(0.2 * grid)] * 2
        except Exception:
            page.screenshot(path=str(shots/"failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    print(f"browser part: {time.monotonic() - t0:.1f} s")
