"""The attention measures against values computed independently: a stub generator whose β is built by hand from the
true part masks of real synthetic faces, so every expected share is a sum over pixels done here, not by the library."""
import math
import pytest, torch, torch.nn as nn
from sagan_nb.data import SyntheticFaces
from sagan_nb.attention_maps import measure_attention, query_dependence, part_queries, PARTS

R, S = 32, 16                                        # image side, attention map side
CELL = R // S


def faces(n):
    ds = SyntheticFaces(n, resolution=R, seed=1)
    return torch.stack([ds[i][0] for i in range(n)]), torch.stack([ds.mask(i) for i in range(n)])


class _Gamma(nn.Module):
    def __init__(self): super().__init__(); self.gamma = nn.Parameter(torch.tensor(0.25))


class StubG(nn.Module):
    "Returns fixed real faces and a hand-made β: every query of image b looks at one key cell (or uniformly)."
    def __init__(self, images, target_cells=None):
        super().__init__()
        self.images, self.target_cells = images, target_cells
        self.z_dim, self.n_classes, self.resolution = 4, 0, R
        self.attn = nn.ModuleDict({str(S): _Gamma()})
        self.w = nn.Parameter(torch.zeros(()))       # a parameter, for the device
        self.seen = 0

    def forward(self, z, y=None, return_attn=False):
        b = len(z); img = self.images[self.seen:self.seen + b]; self.seen += b
        if self.target_cells is None: beta = torch.full((b, S * S, S * S), 1 / (S * S))
        else:
            beta = torch.zeros(b, S * S, S * S)
            beta[torch.arange(b), :, self.target_cells[self.seen - b:self.seen]] = 1.0   # one-hot on the target cell
        return img, [(S, beta)]


def cell_of(rc):
    r, c = int(rc[0] * S / R), int(rc[1] * S / R)
    return r * S + c


def test_uniform_attention_scores_one_everywhere_and_zero_dependence():
    imgs, _ = faces(8)
    rep = measure_attention(StubG(imgs), n=8, regions="segment", batch_size=4)
    layer = rep["G16"]
    assert layer["qd"] == pytest.approx(0.0, abs=1e-6)
    assert layer["eye_mouth_dist"] == pytest.approx(0.0, abs=1e-6)
    for k, v in layer.items():
        if k.startswith(("eye_", "mouth_")) and k != "eye_mouth_dist" and not math.isnan(v): assert v == pytest.approx(1.0, abs=1e-5), k
    assert layer["gamma"] == pytest.approx(0.25)


def test_right_eye_share_matches_a_pixel_count_of_the_true_masks():
    imgs, masks = faces(12)
    right, eye = PARTS.index("right_eye"), PARTS.index("left_eye")
    # each image's queries all look at the key cell under its right eye's centroid (from the true mask)
    rr, cc = torch.meshgrid(torch.arange(R).float(), torch.arange(R).float(), indexing="ij")
    cells = []
    for m in masks:
        w = (m == right).float()
        cells.append(cell_of(((rr * w).sum() / w.sum(), (cc * w).sum() / w.sum())))
    cells = torch.tensor(cells)
    rep = measure_attention(StubG(imgs, cells), n=12, regions="mean", batch_size=6)
    # expected, by hand: with the mean masks, mass = the target cell's mean right-eye cover; uniform = the image's mean right-eye cover
    ds = SyntheticFaces(512, resolution=R, seed=0)
    mean_right = torch.stack([(ds.mask(i) == right).float() for i in range(512)]).mean(0)   # [R, R]
    cover = [float(mean_right[c // S * CELL:(c // S + 1) * CELL, c % S * CELL:(c % S + 1) * CELL].mean()) for c in cells.tolist()]
    expected = sum(cover) / (len(cover) * float(mean_right.mean()))
    assert rep["G16"]["eye_right_eye"] == pytest.approx(expected, rel=1e-4)
    assert rep["G16"]["eye_right_eye"] > 5                     # looking straight at the right eye is far above chance
    assert rep["G16"]["qd"] == pytest.approx(0.0, abs=1e-6)    # every query of an image looks at the same cell


def test_query_dependence_against_scipy_style_pairwise_distances():
    beta = torch.softmax(torch.randn(3, 20, 20) * 2, -1)
    import numpy
    for b in range(3):
        x = beta[b].double().numpy()
        unit = x / numpy.linalg.norm(x, axis=1, keepdims=True)
        d = 1 - unit @ unit.T
        expected = (d.sum() - numpy.trace(d)) / (20 * 19)
        assert float(query_dependence(beta[b])) == pytest.approx(expected, abs=1e-6)


def test_part_queries_are_the_centroids_and_nan_when_missing():
    _, masks = faces(3)
    onehot = torch.nn.functional.one_hot(masks, len(PARTS)).permute(0, 3, 1, 2).float()
    onehot[1, PARTS.index("mouth")] = 0                         # image 1 has no mouth
    q = part_queries(onehot)
    m = masks[0] == PARTS.index("left_eye")
    ys, xs = m.nonzero(as_tuple=True)
    assert q[0, 0].tolist() == pytest.approx([ys.float().mean().item(), xs.float().mean().item()])
    assert q[1, 1].isnan().all() and not q[1, 0].isnan().any()

def test_attention_samples_measures_the_faces_that_generate_draws():
    "G's own loop and D reading metrics.generate's images see the same faces; a conditional G is given its classes too."
    from sagan_nb.models import make_models
    from sagan_nb.metrics import generate
    from sagan_nb.attention_maps import attention_samples
    torch.manual_seed(0); G, D = make_models("faces32")
    own = attention_samples(G, 12, seed=7, D=D, batch_size=5)
    read = attention_samples(images=generate(G, 12, seed=7), D=D, batch_size=5)
    assert own["D16"].keys() == read["D16"].keys()
    for k in own["D16"]: torch.testing.assert_close(own["D16"][k], read["D16"][k], equal_nan=True)
    other = attention_samples(images=generate(G, 12, seed=8), D=D)            # another seed: other faces, other maps
    assert not torch.allclose(other["D16"]["eye_right_eye"], own["D16"]["eye_right_eye"])
    Gc, _ = make_models("faces32", n_classes=3)
    assert len(attention_samples(Gc, 4, seed=1)["G16"]["eye_right_eye"]) == 4


def test_fixed_queries_count_every_sample_against_a_hand_sum():
    "The unselected measure: per-image shares at the mean part masks, and a mean over every image, zeros included."
    from sagan_nb.attention_maps import attention_samples
    imgs, _ = faces(8)
    right = PARTS.index("right_eye")
    ds = SyntheticFaces(512, resolution=R, seed=0)
    mean_right = torch.stack([(ds.mask(i) == right).float() for i in range(512)]).mean(0)   # [R, R], by hand
    rr, cc = torch.meshgrid(torch.arange(R).float(), torch.arange(R).float(), indexing="ij")
    eye_cell = cell_of(((rr * mean_right).sum() / mean_right.sum(), (cc * mean_right).sum() / mean_right.sum()))
    cells = torch.tensor([eye_cell, 0] * 4)          # images 0, 2, 4, 6 look at the right eye; 1, 3, 5, 7 at a corner
    got = attention_samples(StubG(imgs, cells), n=8, batch_size=3)["G16"]
    def cover(c): return float(mean_right[c // S * CELL:(c // S + 1) * CELL, c % S * CELL:(c % S + 1) * CELL].mean())
    expected = torch.tensor([cover(c) / float(mean_right.mean()) for c in cells.tolist()])
    torch.testing.assert_close(got["eye_right_eye"].double(), expected.double(), rtol=1e-4, atol=1e-6)
    assert expected[0] > 5 and expected[1] < 0.05   # the check can tell a hit from a miss
    torch.testing.assert_close(got["eye_mouth_dist"], torch.zeros(8), atol=1e-6, rtol=0)   # one map for both queries
    # every image counted: the report's mean is over all 8, not over the 4 that found the eye
    from sagan_nb.attention_maps import mean_interval
    assert mean_interval(got["eye_right_eye"])[0] == pytest.approx(float(expected.mean()), rel=1e-4)
    assert float(expected.mean()) < 0.6 * float(expected[::2].mean())


def test_untrained_control_is_a_fresh_generator_of_the_same_architecture():
    "untrained_like against a Generator built here with the same arguments and seed, γ copied by hand."
    from sagan_nb.models import Generator
    from sagan_nb.attention_maps import untrained_like, attention_report, attention_samples, mean_interval
    torch.manual_seed(3)
    G = Generator(32, 8, attn_res=(16,), attn_scores="dot", attn_qk_div=2).eval()
    with torch.no_grad(): G.attn["16"].gamma.fill_(0.3)
    ctrl = untrained_like(G, seed=0)
    torch.manual_seed(0)
    ref = Generator(32, 8, attn_res=(16,), attn_scores="dot", attn_qk_div=2).eval()
    with torch.no_grad(): ref.attn["16"].gamma.fill_(0.3)
    want, got = ref.state_dict(), ctrl.state_dict()
    assert want.keys() == got.keys()
    for k in want: assert torch.equal(want[k], got[k]), k
    assert ctrl.attn["16"].f.out_channels == 16 and ctrl.attn["16"].qk_div == 2   # the trained G's width, not the paper's
    assert not torch.equal(G.attn["16"].f.weight, ctrl.attn["16"].f.weight)       # fresh weights
    rep = attention_report(G, n=8)
    by_hand = attention_samples(ref, 8)["G16"]
    for k, v in by_hand.items(): assert rep["G16_untrained"][k] == pytest.approx(mean_interval(v), abs=1e-4), k
