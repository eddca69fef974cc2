"""The cost of numpy_input_fn's non-finite check (issue 11) on MNIST's training images.

    python benchmarks/nonfinite_check.py            # ~20 seconds

Times, with time.perf_counter(), in one process: the check alone
(``pyestim.guards.data.check_finite`` over the 55,000 x 784 float32 training images: one sum, the
exact count only when the sum is not finite), and ``numpy_input_fn()`` over those images
with the check (the default) and without it (``allow_nonfinite=True``), each ``--repeats``
times, after one warm-up call. It also times the same check on images holding one NaN (the
refusal path, which counts and locates the bad values). Compared with one training step of
the tutorial CNN (batch 100, ~60 ms on this machine: benchmarks/README.md, Results), the check is
paid once per input function, not per step.

Writes ``benchmarks/results/nonfinite.json`` and ``nonfinite.md``. A benchmark, not a test.
"""

import argparse
import json
import os
import platform
import statistics
import time

import numpy as np

import pyestim
from pyestim import errors
from pyestim.guards.data import check_finite

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(call, repeats):
    call()
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000.0)
    return {"median_ms": statistics.median(out), "min_ms": min(out), "max_ms": max(out)}


def refused(images):
    try:
        check_finite({"x": images})
    except errors.NonFiniteInputError:
        return


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    images = pyestim.datasets.read_data_sets(args.data_dir).train.images
    labels = np.zeros(images.shape[0], np.int32)
    bad = images.copy()
    bad[54_321, 400] = np.nan
    results = {
        "rows": int(images.shape[0]), "values": int(images.size), "dtype": str(images.dtype),
        "check alone": timed(lambda: check_finite({"x": images}), args.repeats),
        "numpy_input_fn (checked)": timed(
            lambda: pyestim.numpy_input_fn({"x": images}, labels, shuffle=True), args.repeats),
        "numpy_input_fn (allow_nonfinite=True)": timed(
            lambda: pyestim.numpy_input_fn({"x": images}, labels, shuffle=True,
                                           allow_nonfinite=True), args.repeats),
        "check, one NaN (refusal)": timed(lambda: refused(bad), args.repeats),
        "python": platform.python_version(), "numpy": np.__version__,
        "machine": platform.processor() or platform.machine(),
    }
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "nonfinite.json"), "w") as f:
        json.dump(results, f, indent=2)
    lines = ["| MNIST train images (55,000 x 784 float32) | median ms | min-max ms |",
             "|---|---|---|"]
    for key, value in results.items():
        if isinstance(value, dict):
            lines.append(f"| {key} | {value['median_ms']:.1f} | "
                         f"{value['min_ms']:.1f}-{value['max_ms']:.1f} |")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(HERE, "results", "nonfinite.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
