"""Single-image prediction latency: predict() against predictor(), the tutorial CNN.

    python benchmarks/predictor_latency.py                  # ~1 minute
    python benchmarks/predictor_latency.py --calls 500 --predict-calls 20

Trains the tutorial CNN (pyestim.models.cnn_model_fn) for a few steps into a temporary
model_dir, then times, in this one process, with time.perf_counter() around each call:

* ``predict()``: one call per image (numpy_input_fn over one image): graph build, session,
  checkpoint restore, the run, the DataFrame; the first call is reported apart (it imports
  and warms up TensorFlow's code paths);
* ``predictor()``: the first call (graph build + restore), then one ``p({"x": image})`` per
  image, after 10 warm-up calls;
* the predictor on a batch of 100 images (per image).

Writes ``benchmarks/results/predictor.json`` and ``predictor.md`` (median, min-max, p90)
and prints the table. The target (issue 13): under 5 ms per image for the predictor on
this machine. A benchmark, not a test: it never fails on a number.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import benchlib  # noqa: E402

TARGET_MS = 5.0


def summary(seconds):
    ms = sorted(1000.0 * s for s in seconds)
    p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
    return {"n": len(ms), "median_ms": statistics.median(ms), "min_ms": ms[0],
            "max_ms": ms[-1], "p90_ms": p90}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="predictor calls timed")
    parser.add_argument("--predict-calls", type=int, default=10, help="predict() calls timed")
    parser.add_argument("--train-steps", type=int, default=20)
    parser.add_argument("--output", default="predictor")
    args = parser.parse_args(argv)

    os.environ.setdefault("PYESTIM_TF_VERBOSITY", "WARNING")
    import numpy as np

    import pyestim
    from pyestim.models import cnn_model_fn

    train_x, train_y, test_x, _ = benchlib.load_mnist(n_train=5000, n_test=1000)
    model_dir = tempfile.mkdtemp(prefix="pyestim_bench_predictor_")
    est = pyestim.estimator(cnn_model_fn, model_dir=model_dir,
                            config=pyestim.run_config(tf_random_seed=1))
    pyestim.train(est, pyestim.numpy_input_fn({"x": train_x}, train_y, batch_size=100,
                                              num_epochs=None, shuffle=True),
                  steps=args.train_steps)

    def predict_one(i):
        return pyestim.predict(est, pyestim.numpy_input_fn({"x": test_x[i:i + 1]},
                                                           shuffle=False))

    started = time.perf_counter()
    predict_one(0)
    predict_first = time.perf_counter() - started
    predict_times = []
    for i in range(1, args.predict_calls + 1):
        started = time.perf_counter()
        predict_one(i)
        predict_times.append(time.perf_counter() - started)

    with pyestim.predictor(est) as p:
        started = time.perf_counter()
        p({"x": test_x[0:1]})
        first = time.perf_counter() - started
        for i in range(10):
            p({"x": test_x[i:i + 1]})
        times = []
        for i in range(args.calls):
            image = test_x[i % len(test_x)][None]
            started = time.perf_counter()
            p({"x": image})
            times.append(time.perf_counter() - started)
        batch_times = []
        for i in range(10):
            batch = test_x[100 * i:100 * (i + 1)]
            started = time.perf_counter()
            p({"x": batch})
            batch_times.append((time.perf_counter() - started) / len(batch))

    result = {
        "predict_first_call_ms": 1000.0 * predict_first,
        "predict_one_image": summary(predict_times),
        "predictor_first_call_ms": 1000.0 * first,
        "predictor_one_image": summary(times),
        "predictor_batch_100_per_image": summary(batch_times),
        "target_ms": TARGET_MS,
        "machine": {"python": platform.python_version(), "processor": platform.processor(),
                    "cpus": os.cpu_count(), "load_avg_at_start": os.getloadavg()[0]},
        "versions": {"pyestim": pyestim.__version__,
                     "tensorflow": __import__("tensorflow").__version__,
                     "numpy": np.__version__},
        "settings": vars(args),
    }
    one, pr = result["predictor_one_image"], result["predict_one_image"]
    met = "met" if one["median_ms"] < TARGET_MS else "missed"
    lines = [
        "# Single-image prediction latency, tutorial CNN",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')} · Python {platform.python_version()} · "
        f"TensorFlow {result['versions']['tensorflow']} · {os.cpu_count()} CPUs · load "
        f"average {result['machine']['load_avg_at_start']:.2f} at the start",
        "",
        "| call | median ms | min–max ms | p90 ms | n |",
        "|---|---|---|---|---|",
        f"| `predict()`, one image | {pr['median_ms']:.1f} | {pr['min_ms']:.1f}–"
        f"{pr['max_ms']:.1f} | {pr['p90_ms']:.1f} | {pr['n']} |",
        f"| `predictor()` call, one image | {one['median_ms']:.3f} | {one['min_ms']:.3f}–"
        f"{one['max_ms']:.3f} | {one['p90_ms']:.3f} | {one['n']} |",
        f"| `predictor()` call, batch of 100 (per image) | "
        f"{result['predictor_batch_100_per_image']['median_ms']:.3f} | "
        f"{result['predictor_batch_100_per_image']['min_ms']:.3f}–"
        f"{result['predictor_batch_100_per_image']['max_ms']:.3f} | "
        f"{result['predictor_batch_100_per_image']['p90_ms']:.3f} | 10 |",
        "",
        f"First calls: `predict()` {result['predict_first_call_ms']:.0f} ms, the predictor "
        f"{result['predictor_first_call_ms']:.0f} ms (graph build and restore).",
        "",
        f"Target: the predictor under {TARGET_MS:g} ms per image: **{met}** "
        f"({one['median_ms']:.3f} ms median; {pr['median_ms'] / one['median_ms']:.0f}x "
        "faster than predict()).",
        "",
    ]
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", args.output + ".json"), "w") as fh:
        json.dump(result, fh, indent=2)
    with open(os.path.join(HERE, "results", args.output + ".md"), "w") as fh:
        fh.write("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
