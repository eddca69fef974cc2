"""Cross-stack parity: the tutorial CNN trained on both stacks with the same seed and data.

    python benchmarks/cross_stack.py                 # 200 steps on each stack (~1-2 min each)
    python benchmarks/cross_stack.py --steps 20000   # the tutorial's full run (~20 min each)

Each stack runs in its own Python (default: .venv-reference/bin/python and
.venv-current/bin/python, which `PYESTIM_STACK=reference bash dev.sh setup` and
`bash dev.sh setup` create; or --reference-python / --current-python). Both train
`pyestim.models.cnn_model_fn` on the 55,000 training images (batch 100, `numpy_input_fn(
shuffle=True)`, `run_config(tf_random_seed=1)`), record the loss of every step, then evaluate on
the 10,000 test images.

Within a stack pyestim is bit for bit reproducible (tests/parity). Across stacks the
initial weights and the batch order are the same (the same seeded TensorFlow random ops, the
same NumPy generator), but TensorFlow 2.15 and 2.21 run different kernels (oneDNN and Eigen
versions), so float32 sums are rounded differently and the runs drift apart as training goes
on. The tolerance, fixed before measuring:

* step 1's loss (same weights, same batch, one forward pass): relative difference <= 1e-5;
* every step's loss: absolute difference <= 0.05 + 5% of the reference loss (the noise of one
  batch's loss is larger than that);
* final test accuracy: within 1 percentage point; with --steps 20000 both >= 96.5%.

Writes benchmarks/results/cross-stack-STEPS.json and .md, and prints the table. Exit status 1
when a tolerance is not met. A benchmark, not a test: nothing under tests/ runs it.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
STACKS = ("reference", "current")
SEED = 1
FIRST_STEP_RTOL = 1e-5
STEP_ATOL, STEP_RTOL = 0.05, 0.05
ACCURACY_POINTS = 1.0
FULL_RUN_ACCURACY = 0.965


def worker(steps, out):
    """Runs inside one stack's Python: train, evaluate, write the numbers."""
    import numpy as np

    import pyestim
    from pyestim import models

    data = pyestim.tf.contrib.learn.datasets.load_dataset("mnist")
    model_dir = tempfile.mkdtemp(prefix="cross_stack_")
    classifier = pyestim.estimator(model_fn=models.cnn_model_fn, model_dir=model_dir,
                                   config=pyestim.run_config(tf_random_seed=SEED))
    train_fn = pyestim.numpy_input_fn(
        x={"x": data.train.images}, y=data.train.labels.astype(np.int32), batch_size=100,
        num_epochs=None, shuffle=True)
    t0 = time.perf_counter()
    history = pyestim.train(classifier, input_fn=train_fn, steps=steps,
                            hooks=pyestim.hook_history_saver(every_n_step=1))
    train_s = time.perf_counter() - t0
    eval_fn = pyestim.numpy_input_fn(
        x={"x": data.test.images}, y=data.test.labels.astype(np.int32), num_epochs=1,
        shuffle=False)
    metrics = pyestim.evaluate(classifier, input_fn=eval_fn, simplify=False)
    import tensorflow as tf

    result = {"tensorflow": tf.__version__, "numpy": np.__version__,
              "python": sys.version.split()[0], "steps": list(history.steps),
              "losses": list(history.mean_losses), "accuracy": float(metrics["accuracy"]),
              "eval_loss": float(metrics["loss"]), "train_s": train_s}
    with open(out, "w") as fh:
        json.dump(result, fh)


def run_stack(python, steps, out):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYESTIM_TF_VERBOSITY="WARNING")
    env.setdefault("PYESTIM_DATA_DIR", os.path.join(REPO, "..", "shared", "datasets", "mnist"))
    subprocess.run([python, os.path.abspath(__file__), "--worker", out, "--steps", str(steps)],
                   check=True, env=env, cwd=REPO)
    with open(out) as fh:
        return json.load(fh)


def compare(ref, cur, steps):
    assert ref["steps"] == cur["steps"], "the stacks recorded different steps"
    pairs = list(zip(ref["losses"], cur["losses"]))
    diffs = [abs(a - b) for a, b in pairs]
    first_rel = diffs[0] / abs(pairs[0][0])
    worst = max(range(len(pairs)), key=lambda i: diffs[i] - STEP_RTOL * abs(pairs[i][0]))
    outside = [i for i, (a, _) in enumerate(pairs) if diffs[i] > STEP_ATOL + STEP_RTOL * abs(a)]
    acc_points = abs(ref["accuracy"] - cur["accuracy"]) * 100
    checks = {
        "first step loss, relative difference <= 1e-5": first_rel <= FIRST_STEP_RTOL,
        "every step's loss within 0.05 + 5%": not outside,
        "final accuracy within 1 point": acc_points <= ACCURACY_POINTS,
    }
    if steps >= 20000:
        checks["both >= 96.5% test accuracy"] = min(ref["accuracy"], cur["accuracy"]) >= FULL_RUN_ACCURACY
    identical = sum(1 for a, b in pairs if a == b)
    return {
        "steps": steps, "first_step_relative_difference": first_rel,
        "identical_steps": identical, "first_different_step": next(
            (ref["steps"][i] for i, (a, b) in enumerate(pairs) if a != b), None),
        "max_abs_difference": max(diffs), "mean_abs_difference": sum(diffs) / len(diffs),
        "worst_step": ref["steps"][worst], "steps_outside_tolerance": len(outside),
        "accuracy_difference_points": acc_points, "checks": checks,
        "ok": all(checks.values()),
    }


def markdown(results, summary):
    ref, cur = results["reference"], results["current"]
    rows = [
        "| | reference | current |", "|---|---|---|",
        f"| TensorFlow / numpy / Python | {ref['tensorflow']} / {ref['numpy']} / {ref['python']} "
        f"| {cur['tensorflow']} / {cur['numpy']} / {cur['python']} |",
        f"| loss at step 1 | {ref['losses'][0]:.6f} | {cur['losses'][0]:.6f} |",
        f"| loss at step {ref['steps'][-1]} | {ref['losses'][-1]:.6f} | {cur['losses'][-1]:.6f} |",
        f"| test accuracy | {ref['accuracy']:.4f} | {cur['accuracy']:.4f} |",
        f"| test loss | {ref['eval_loss']:.4f} | {cur['eval_loss']:.4f} |",
        f"| training time (s) | {ref['train_s']:.1f} | {cur['train_s']:.1f} |",
        "",
        f"Per-step losses over {summary['steps']} steps: {summary['identical_steps']} identical, "
        f"first difference at step {summary['first_different_step']}; step 1 relative "
        f"difference {summary['first_step_relative_difference']:.2e}; max |diff| "
        f"{summary['max_abs_difference']:.2e} (step {summary['worst_step']}), mean |diff| "
        f"{summary['mean_abs_difference']:.2e}; accuracy difference "
        f"{summary['accuracy_difference_points']:.2f} points.",
        "",
    ]
    rows += [f"- [{'x' if ok else ' '}] {name}" for name, ok in summary["checks"].items()]
    return "\n".join(rows) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--worker", help=argparse.SUPPRESS)
    for stack in STACKS:
        p.add_argument(f"--{stack}-python",
                       default=os.path.join(REPO, f".venv-{stack}", "bin", "python"))
    p.add_argument("--output", default=None, help="file name stem under benchmarks/results")
    a = p.parse_args(argv)
    if a.worker:
        worker(a.steps, a.worker)
        return 0
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for stack in STACKS:
            print(f"[cross_stack] {stack}: {a.steps} steps", flush=True)
            results[stack] = run_stack(getattr(a, f"{stack}_python"), a.steps,
                                       os.path.join(tmp, f"{stack}.json"))
    summary = compare(results["reference"], results["current"], a.steps)
    stem = os.path.join(HERE, "results", a.output or f"cross-stack-{a.steps}")
    with open(stem + ".json", "w") as fh:
        json.dump({"summary": summary, "runs": results}, fh, indent=1)
    text = markdown(results, summary)
    with open(stem + ".md", "w") as fh:
        fh.write(f"# Cross-stack parity, tutorial CNN, {a.steps} steps\n\n" + text)
    print(text)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
