"""The library as a hostile caller uses it: each bad input is one clear ValueError (or warning) naming what is wrong."""
import warnings
import pytest, torch
from PIL import Image
from sagan_nb.attention import SelfAttention

def one_line(e): return "\n" not in str(e.value)

# ---- SelfAttention: dtypes and empty batches --------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float64])
@pytest.mark.parametrize("return_attn", [False, True])
def test_attention_names_an_input_dtype_that_differs_from_its_weights(dtype, return_attn):
    blk = SelfAttention(16).eval()
    with pytest.raises(ValueError, match=f"x is {dtype} but the block's weights are torch.float32") as e:
        blk(torch.randn(2, 16, 4, 4, dtype=dtype), return_attn=return_attn)
    assert one_line(e)

@pytest.mark.parametrize("dtype", [torch.float64, torch.bfloat16])
def test_attention_in_another_dtype_works_when_the_block_is_converted_or_autocast(dtype):
    "The block converted to x's dtype gives the float32 result, to that dtype's precision; autocast is left to cast."
    ref = SelfAttention(16).eval()
    with torch.no_grad(): ref.gamma.fill_(0.5)
    x = torch.randn(2, 16, 8, 8)
    blk = SelfAttention(16).eval(); blk.load_state_dict(ref.state_dict()); blk.to(dtype)
    with torch.no_grad(): y, want = blk(x.to(dtype)), ref(x)
    assert y.dtype == dtype and torch.allclose(y.double(), want.double(), atol=1e-5 if dtype == torch.float64 else 0.1)
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        assert ref(x.bfloat16()).dtype == torch.bfloat16

@pytest.mark.parametrize("variant", ["paper", "official"])
@pytest.mark.parametrize("return_attn", [False, True])
def test_attention_on_an_empty_batch_returns_an_empty_batch(variant, return_attn):
    "B = 0 gives y [0, C, H, W] (and β [0, N, M]), as every conv of the model does, not a reshape error."
    blk = SelfAttention(16, variant=variant)
    out = blk(torch.randn(0, 16, 4, 4), return_attn=return_attn)
    y, beta = out if return_attn else (out, None)
    assert y.shape == (0, 16, 4, 4)
    if return_attn: assert beta.shape == (0, 16, 16 if variant == "paper" else 4)

# ---- make_models: attn_res ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("attn_res", [16, "16", 16.0])
def test_make_models_says_attn_res_is_a_list_of_sizes(attn_res):
    from sagan_nb.models import make_models, Generator
    with pytest.raises(ValueError, match=r"attn_res must be a list or tuple of feature-map sizes such as \(16,\)") as e:
        make_models("faces32", attn_res=attn_res)
    assert one_line(e) and repr(attn_res) in str(e.value)
    with pytest.raises(ValueError, match="attn_res must be a list"): Generator(32, 8, attn_res=attn_res)
    assert make_models("faces32", attn_res=[16])[0].attn_res == (16,)

# ---- Fréchet distance of features that are not finite -------------------------------------------------------------

@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_frechet_distance_of_nonfinite_features_says_so(bad):
    from sagan_nb.metrics import feature_stats, frechet_distance
    x = torch.randn(20, 4); y = x.clone(); y[3, 1] = bad
    with pytest.raises(ValueError, match="the features hold NaN or inf") as e: feature_stats(y)
    assert one_line(e) and "ill-conditioned" not in str(e.value) and "row 3" in str(e.value)
    mu, sigma = feature_stats(x)                              # stats given directly: checked before the square root
    with pytest.raises(ValueError, match=r"the Gaussians hold NaN or inf \(in mu2, sigma2\)") as e:
        frechet_distance(mu, sigma, torch.full_like(mu, bad), torch.full_like(sigma, bad))
    assert one_line(e)
    assert frechet_distance(mu, sigma, mu, sigma) == pytest.approx(0, abs=1e-6)

# ---- load_models: weights that are not finite ----------------------------------------------------------------------

def _checkpoint(path, **damage):
    "A faces32 checkpoint as sagan-train writes one (config, G, D), with `damage` = {state dict: key to fill with NaN}."
    from sagan_nb.models import make_models, preset_config
    G, D = make_models("faces32")
    ck = {"config": {**preset_config("faces32"), "preset": "faces32"}, "G": G.state_dict(), "D": D.state_dict()}
    for which, key in damage.items():
        ck[which] = dict(ck[which]); ck[which][key] = torch.full_like(ck[which][key], float("nan"))
    torch.save(ck, path)
    return path

@pytest.mark.parametrize("which", ["G", "D"])
def test_load_models_refuses_nan_weights_naming_the_file_and_tensor(tmp_path, which):
    from sagan_nb.checkpoint import load_models
    G, D, info = load_models(_checkpoint(tmp_path/"good.pt"))
    assert info["weights"] == "G" and D is not None
    key = next(k for k, v in G.state_dict().items() if v.is_floating_point()) if which == "G" else \
          next(k for k, v in D.state_dict().items() if v.is_floating_point())
    path = _checkpoint(tmp_path/"nan.pt", **{which: key})
    with pytest.raises(ValueError) as e: load_models(path)
    msg = str(e.value)
    assert one_line(e) and str(path) in msg and f"{which}.{key}" in msg and "NaN or inf" in msg

def test_load_models_refuses_all_nan_weights(tmp_path):
    from sagan_nb.checkpoint import load_models
    path = _checkpoint(tmp_path/"x.pt")
    ck = torch.load(path, weights_only=True)
    ck["G"] = {k: v.float().fill_(float("nan")) if v.is_floating_point() else v for k, v in ck["G"].items()}
    torch.save(ck, path)
    with pytest.raises(ValueError, match="x.pt is corrupt: .* of its G tensors hold NaN or inf, the first G.") as e:
        load_models(path)
    assert one_line(e)

# ---- the folder data set: files named as images that are not ------------------------------------------------------

def test_folder_warns_once_for_files_that_are_not_images(tmp_path):
    "Eight text files named .jpg beside four images: one warning with the count and one example, not one per file."
    from sagan_nb.data import make_dataset
    for i in range(4): Image.new("RGB", (40, 40), (i * 50, 0, 0)).save(tmp_path/f"img{i}.png")
    for i in range(8): (tmp_path/f"note{i}.jpg").write_text("not an image\n")
    (tmp_path/"readme.txt").write_text("no image name: not a candidate")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ds = make_dataset("folder", tmp_path, 32)
        xs = [ds[i][0] for i in range(len(ds))]
    msgs = [str(m.message) for m in w]
    assert len(msgs) == 1 and "skipping 8 of 12 files that are not images" in msgs[0] and "note0.jpg" in msgs[0], msgs
    assert len(ds) == 4 and ds.corrupt == [] and all(x.shape == (3, 32, 32) for x in xs)

def test_folder_of_only_non_images_says_so(tmp_path):
    from sagan_nb.data import make_dataset
    for i in range(3): (tmp_path/f"page{i}.png").write_bytes(b"<html>not found</html>")
    with pytest.raises(FileNotFoundError, match="no image files \\(3 named as images are not, e.g. page0.png\\)"):
        make_dataset("folder", tmp_path, 32)

def test_folder_keeps_a_truncated_image_for_the_loader_to_skip(tmp_path):
    "The header check passes every format's first bytes: a truncated JPEG is kept, to be skipped when read."
    from sagan_nb.data import make_dataset
    for ext in ("jpg", "png", "gif", "bmp", "webp", "tiff", "ppm"):
        Image.new("RGB", (16, 16), (10, 20, 30)).save(tmp_path/f"a.{ext}")
    (tmp_path/"a.jpg").write_bytes((tmp_path/"a.jpg").read_bytes()[:300])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ds = make_dataset("folder", tmp_path, 32)
    assert len(ds) == 7 and not w, [str(m.message) for m in w]


def test_load_models_needs_no_widgets(tmp_path):
    "load_models lives beside the checkpoint code: loading a model imports neither ipywidgets nor the explorers."
    import subprocess, sys, torch
    from sagan_nb.models import make_models
    G, D = make_models("faces32")
    ck = {"config": {"preset": "faces32", "resolution": 32, "ch": 8, "attn_res": [16]}, "G": G.state_dict(), "D": D.state_dict()}
    torch.save(ck, tmp_path/"ck.pt")
    code = ("import sys; from sagan_nb.checkpoint import load_models; G, D, info = load_models(sys.argv[1]); "
            "print(type(G).__name__, 'ipywidgets' in sys.modules, 'sagan_nb.explorers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path/"ck.pt")], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["Generator", "False", "False"], out

def test_explorer_trains_a_short_run_when_no_demo_is_found(monkeypatch, capsys):
    "With no demo checkpoint anywhere, explorer_models trains train_demo's short run instead, and says so."
    from sagan_nb import explorers
    monkeypatch.setattr(explorers, "demo_checkpoint_path", lambda: None)
    G, D, info = explorers.explorer_models(None, fallback_steps=2)
    assert type(G).__name__ == "Generator" and D is not None and G.attn_res and info["step"] == 2, info
    assert "training faces32 for 2 steps instead" in capsys.readouterr().out
