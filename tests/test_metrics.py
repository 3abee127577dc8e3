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

def test_missing_inception_weights_name_file_and_folder(tmp_path):
    "An empty folder: the error names the weights file, the folder searched, and where to download it."
    from sagan_nb.metrics import find_inception_weights, INCEPTION_WEIGHTS_FILE
    try: find_inception_weights(tmp_path); raise AssertionError("no error")
    except FileNotFoundError as e: msg = str(e)
    assert INCEPTION_WEIGHTS_FILE in msg and str(tmp_path) in msg and "https://" in msg, msg

def test_inception_weights_env_folder_is_searched_first(tmp_path, monkeypatch):
    from sagan_nb.metrics import inception_weight_dirs, find_inception_weights, INCEPTION_WEIGHTS_FILE
    monkeypatch.setenv("SAGAN_NB_INCEPTION_WEIGHTS", str(tmp_path))
    assert inception_weight_dirs()[0] == tmp_path
    (tmp_path/INCEPTION_WEIGHTS_FILE).write_bytes(b"")
    assert find_inception_weights() == tmp_path/INCEPTION_WEIGHTS_FILE

def test_checkpoints_with_pickled_code_are_refused(tmp_path):
    "Files that carry a pickled object (not just tensors) are refused by both loaders, with a ValueError."
    import argparse, torch
    from sagan_nb.metrics import load_face_segmenter, load_inception_state_dict, FaceSegmenter
    seg = FaceSegmenter(["background", "face", "left_eye", "right_eye"], 4)
    ok = {"parts": seg.parts, "width": 4, "state_dict": seg.state_dict()}
    torch.save(ok, tmp_path/"ok.pt")
    assert load_face_segmenter(tmp_path/"ok.pt").parts == seg.parts
    torch.save({**ok, "cfg": argparse.Namespace(a=1)}, tmp_path/"bad.pt")
    torch.save({"fc.weight": torch.zeros(1008, 2048), "cfg": argparse.Namespace(a=1)}, tmp_path/"bad.pth")
    for load, f in ((load_face_segmenter, "bad.pt"), (load_inception_state_dict, "bad.pth")):
        try: load(tmp_path/f); raise AssertionError(f"{load.__name__} accepted pickled code")
        except ValueError as e: assert "weights_only=True" in str(e), e
