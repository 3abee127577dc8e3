"""Build the wheel, install it (with its dependencies) into a fresh venv outside the repo, and use it there."""
import subprocess, sys, os, venv
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent

@pytest.mark.timeout(900)
def test_wheel_installs_and_runs_in_fresh_venv(tmp_path):
    dist = tmp_path/"dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], check=True,
                   capture_output=True)
    wheels = list(dist.glob("sagan_nb-*.whl"))
    assert len(wheels) == 1, wheels
    env_dir = tmp_path/"venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir/"bin"/"python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheels[0]),
                    "torch==2.14.1", "torchvision==0.29.1"], check=True)
    code = ("import sagan_nb, torch; from sagan_nb.attention import SelfAttention\n"
            "assert 'site-packages' in sagan_nb.__file__, sagan_nb.__file__\n"
            "m = SelfAttention(32, variant='official'); x = torch.randn(2, 32, 8, 8)\n"
            "y, beta = m(x, return_attn=True)\n"
            "assert torch.equal(y, x) and beta.shape == (2, 64, 16)\n"
            "print('ok', sagan_nb.__version__)")
    out = subprocess.run([str(py), "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("ok"), out.stderr


@pytest.mark.timeout(600)
def test_wheel_and_sdist_pass_twine_check(tmp_path):
    "The package's metadata is publish-ready: the long description (README) renders and the required fields are there."
    dist = tmp_path/"dist"
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], check=True, capture_output=True)
    files = sorted(dist.iterdir())
    assert [f.suffix for f in files] == [".whl", ".gz"], files
    r = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, files)], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.count("PASSED") == 2, r.stdout + r.stderr
