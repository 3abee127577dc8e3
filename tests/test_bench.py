"""`python -m sagan_nb.bench` as a user runs it: one JSON object with the promised figures, measured (not constant)."""
import json, subprocess, sys

def test_bench_prints_one_json_object(tmp_path):
    out = tmp_path/"figures"/"bench.json"
    r = subprocess.run([sys.executable, "-m", "sagan_nb.bench", "--quick", "--presets", "faces32", "--layouts", "faces32", "--out", str(out)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads(r.stdout)                                   # the whole of stdout is one JSON object
    assert json.loads(out.read_text()) == res                    # --out writes the same figures
    lay = res["layouts"]["faces32"]
    assert lay["speedup"] == round(lay["contiguous_s"] / lay["channels_last_s"], 2)
    assert {"device", "torch", "threads", "matmul_gflop_s", "train_img_per_s", "attention"} <= set(res)
    assert res["train_img_per_s"]["faces32"] > 0 and res["matmul_gflop_s"] > 0
    assert 0 < res["train"]["faces32"]["fraction_of_matmul"] < 1.5
    for side, paths in res["attention"].items():
        assert paths["explicit"]["ms"] > 0 and paths["sdpa"]["ms"] > 0
        assert paths["explicit"]["peak_mib"] > paths["sdpa"]["peak_mib"], side   # the N² map costs memory

def test_bench_rejects_an_unknown_preset():
    r = subprocess.run([sys.executable, "-m", "sagan_nb.bench", "--presets", "faces32,nope"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "nope" in r.stderr and "faces32" in r.stderr and not r.stdout

def test_bench_times_compiled_training():
    r = subprocess.run([sys.executable, "-m", "sagan_nb.bench", "--quick", "--presets", "faces32", "--compile", "faces32"],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads(r.stdout)
    c = res["train_compiled"]["faces32"]
    assert c["s_per_step"] > 0 and c["warmup_s"] > 0 and "gflop_per_step" not in c
    assert res["compile_speedup"]["faces32"] == round(res["train"]["faces32"]["s_per_step"] / c["s_per_step"], 2)
