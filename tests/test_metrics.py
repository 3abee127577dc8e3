"sagan_nb.metrics outside the notebook: torch-fidelity stays optional, and the shipped segmenter loads safely."
import subprocess, sys, textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def _run(code):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=120)

def test_metrics_import_without_torch_fidelity():
    "Blocking torch_fidelity: the module imports, FD/IS work, and the Inception helpers ask for the package."
    r = _run("""
        import sys; sys.modules["torch_fidelity"] = None          # make `import torch_fidelity` fail
        import torch
        from sagan_nb.metrics import frechet_distance, inception_score, InceptionFeatures
        assert abs(frechet_distance(torch.zeros(2), torch.eye(2), torch.ones(2), torch.eye(2)) - 2) < 1e-12
        assert abs(inception_score(torch.eye(4).repeat(10, 1))[0] - 4) < 1e-12
        try: InceptionFeatures(); raise SystemExit("no error")
        except ImportError as e: assert "pip install torch-fidelity" in str(e), e
    """)
    assert r.returncode == 0, r.stderr

def test_shipped_face_segmenter_is_small_and_weights_only():
    import torch
    f = ROOT/"sagan_nb"/"assets"/"face_segmenter.pt"
    assert f.is_file() and f.stat().st_size < 1_000_000
    ck = torch.load(f, weights_only=True)
    assert {"parts", "width", "state_dict"} <= set(ck) and "left_eye" in ck["parts"] and "right_eye" in ck["parts"]
