"""Predictor parity: seed 003's Layers-API CNN, trained once, predicted three ways on the same
float32 batches of MNIST test images: R's ``predictor()`` (the R model function from
r/inst/models.R, an R estimator on the model directory), Python's ``pyestim.predictor()`` and
``pyestim.predict()`` (a fresh graph and session per call, through tf.estimator). Classes and
probabilities must be equal bit for bit, at the first checkpoint and, after more training, at
the newer one, which the live predictors must restore by themselves.

"Bit for bit" is per batch: TensorFlow's CPU kernels may round an example differently in
batches of different sizes, so every side is fed the same batches of BATCH rows.
"""

import __main__
import shutil

import numpy as np
import pytest

from pyestim import estimator, numpy_input_fn, predict, predictor, run_config, train
from pyestim.models import layers_cnn_model_fn

from .helpers import Run, mutated, r_collect, r_value
from .runners import Settings, mnist_arrays

SECTION = "Predictor parity (R predictor / Python predictor / predict())"
BATCH, N_IMAGES, SEED, STEPS = 50, 150, 3, 3
_X = "_pyestim_parity_predictor_x"  # where R finds the images (reticulate's py$)


def _predict(est, x):
    rows = predict(est, numpy_input_fn({"x": x}, batch_size=BATCH, shuffle=False),
                   simplify=False)
    return {"classes": np.array([r["classes"] for r in rows], dtype=np.int64),
            "probabilities": np.stack([r["probabilities"] for r in rows])}


def _batches(p, x):
    parts = [p({"x": x[i:i + BATCH]}) for i in range(0, len(x), BATCH)]
    return {"classes": np.concatenate([np.asarray(q["classes"]) for q in parts]).astype(np.int64),
            "probabilities": np.concatenate([np.asarray(q["probabilities"]) for q in parts])}


def _r_batches(r):
    """R's predictor on the same batches; R's doubles hold the float32 values exactly."""
    out = r_value(r, f"""
        parts <- lapply(seq(1L, nrow(parity_px), by = {BATCH}L), function(i)
          parity_p(list(x = reticulate::np_array(
            parity_px[i:min(i + {BATCH}L - 1L, nrow(parity_px)), , drop = FALSE],
            dtype = "float32"))))
        list(classes = as.numeric(unlist(lapply(parts, function(q) as.vector(q$classes)))),
             probabilities = as.numeric(t(do.call(rbind, lapply(parts,
                                                               function(q) q$probabilities)))),
             checkpoint = local({{
               v <- attr(parity_p, "py_predictor")$checkpoint_path
               if (inherits(v, "python.builtin.object")) reticulate::py_to_r(v) else v
             }}))""")
    probs = np.asarray(out["probabilities"], dtype=np.float32).reshape(-1, 10)
    return {"classes": np.asarray(out["classes"], dtype=np.int64), "probabilities": probs,
            "checkpoint": out["checkpoint"][0]}


@pytest.fixture(scope="module")
def runs(r, tmp_path_factory):
    """Train, then the three sides at the first checkpoint; train more, then all three again
    (the predictors are the same live objects): {(side, step): Run}."""
    data = mnist_arrays(Settings(model="layers_cnn"))
    x = data["eval_data"][:N_IMAGES]
    model_dir = str(tmp_path_factory.mktemp("predictor_parity"))
    est = estimator(layers_cnn_model_fn, model_dir=model_dir,
                    config=run_config(tf_random_seed=SEED))
    train_fn = numpy_input_fn({"x": data["train_data"]}, data["train_labels"], batch_size=50,
                              num_epochs=None, shuffle=True)
    train(est, train_fn, steps=STEPS)
    setattr(__main__, _X, x)
    # The mutation check (tests/parity/README.md) gives the R side a copy of the model
    # directory trained one step further, so that its predictions must differ.
    r_dir, note = model_dir, mutated("predictor-r", SEED, STEPS)[2]
    if note:
        r_dir = model_dir + "_mutated"
        shutil.copytree(model_dir, r_dir)
        train(estimator(layers_cnn_model_fn, model_dir=r_dir,
                        config=run_config(tf_random_seed=SEED)), train_fn, steps=1)
    r_collect(r, f"""
        parity_pest <- estimator(model_fn = parity_models$layers_cnn, model_dir = "{r_dir}",
                                 config = run_config(tf_random_seed = {SEED}L))
        parity_px <- reticulate::py_eval("__import__('__main__').{_X}")
        parity_p <- predictor(parity_pest)""")
    p = predictor(est)
    how = f"layers_cnn, seed {SEED}, {N_IMAGES} test images in batches of {BATCH}"
    out = {}
    for step in (STEPS, 2 * STEPS):
        if step > STEPS:
            train(est, train_fn, steps=STEPS)
        out["R", step] = Run("R", f"predictor(est) from R{note}; {how}; step {step}",
                             _r_batches(r))
        out["Python", step] = Run("Python", f"pyestim.predictor(est); {how}; step {step}",
                                  dict(_batches(p, x), checkpoint=p.checkpoint_path))
        out["predict", step] = Run("Python", f"pyestim.predict(est); {how}; step {step}",
                                   _predict(est, x))
    p.close()
    r_collect(r, "close(parity_p); rm(parity_p, parity_pest, parity_px)")
    delattr(__main__, _X)
    return out


@pytest.mark.parametrize("step", [STEPS, 2 * STEPS])
@pytest.mark.parametrize("a, b", [("R", "Python"), ("R", "predict"), ("Python", "predict")])
def test_predictors_match_predict(runs, report, step, a, b):
    ra, rb = runs[a, step], runs[b, step]
    bad = []
    for key in ("classes", "probabilities"):
        va, vb = ra.value[key], rb.value[key]
        ok = va.shape == vb.shape and va.dtype == vb.dtype and va.tobytes() == vb.tobytes()
        detail = "" if ok else f"shapes {va.shape} / {vb.shape}, " \
            f"{int(np.sum(va != vb)) if va.shape == vb.shape else '?'} values differ"
        if not report.check(f"predictor at step {step}", f"{key} ({a} vs {b})", ok, detail,
                            runs=(ra, rb)):
            bad.append(key)
    assert not bad, f"{a} vs {b} at step {step}: {bad} differ"


def test_live_predictors_restored_the_newer_checkpoint(runs, report):
    for side in ("R", "Python"):
        first, later = runs[side, STEPS], runs[side, 2 * STEPS]
        ok = (first.value["checkpoint"].endswith(f"model.ckpt-{STEPS}")
              and later.value["checkpoint"].endswith(f"model.ckpt-{2 * STEPS}"))
        assert report.check("predictor re-restores", f"{side} checkpoint path", ok,
                            f"{first.value['checkpoint']} then {later.value['checkpoint']}",
                            runs=(first, later))
        changed = first.value["probabilities"].tobytes() != later.value["probabilities"].tobytes()
        assert report.check("predictor re-restores", f"{side} probabilities changed", changed,
                            runs=(first, later))
