"""The small-model group (issue 20, point 2): a DNN [64, 32] over 20 numeric columns, batch
128, 100,000 rows (the usual tfestimators model), trained by

  tf_plain        plain tf.estimator (tensorflow_estimator's DNNClassifier, its own
                  numpy_input_fn), no pyestim
  pyestim_k1      pyestim.train(), run_config() as default (steps_per_run = 1)
  pyestim_k1_bare the same estimator's TensorFlow object trained by tf.estimator's own
                  train() with pyestim's input function: pyestim without its default hooks
                  (history saver, progress bar, guards), to measure what they cost
  pyestim_k32     pyestim.train(), run_config(steps_per_run = 32)
  r_k1, r_k32     the same from R (library(pyestim), Rscript), steps_per_run 1 and 32
  keras_spe1/32   tf.keras Sequential Dense 64 relu, Dense 32 relu, Dense 2, Adagrad 0.05
                  (DNNClassifier's defaults), fit() with steps_per_execution 1 and 32, on
                  tf.data batches of the same rows

Same data (``data()``: a fixed NumPy generator, 100,000 x 20 float32, labels of a linear
rule), same clock: every contender records (time.perf_counter(), steps done) after each
session.run / execution (a SessionRunHook, a Keras callback; R passes the same Python hook);
the rate is the steps between the first record at or after the warm-up and the last, over
their time. One fresh process per measurement, contenders interleaved per round; the median
over rounds is reported, ratios per round then their median.

  python benchmarks/small_model.py [--rounds 3] [--steps 4000] [--warmup 640]

(benchmarks/run.py runs the same contenders as its group ``small``, each measurement through
``small_model.py --worker JOB --out RESULT.json``, interleaved with its other groups.)

writes benchmarks/results/small_model.json and .md (the table, the targets met or missed,
and for a missed target the profile of the slower contender: cProfile's top functions by
internal time). A benchmark, never a test.
"""

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time

__all__ = ["data", "clock_hook", "main"]

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # benchlib, for the result files of run.py's small-model group
ROWS, COLUMNS, BATCH, HIDDEN = 100_000, 20, 128, [64, 32]
PY = ["tf_plain", "pyestim_k1", "pyestim_k1_bare", "pyestim_k32", "keras_spe1", "keras_spe32"]
R = ["r_k1", "r_k32"]
TARGETS = [  # (name, numerator, denominator, at least)
    ("pyestim K=32 >= 1.0x Keras steps_per_execution=32", "pyestim_k32", "keras_spe32", 1.0),
    ("R >= 0.95x Python (K=1)", "r_k1", "pyestim_k1", 0.95),
    ("R >= 0.95x Python (K=32)", "r_k32", "pyestim_k32", 0.95),
    ("pyestim's default hooks cost <= 5% at K=1", "pyestim_k1", "pyestim_k1_bare", 0.95),
]


def data():
    import numpy as np

    rng = np.random.default_rng(20)
    x = rng.normal(size=(ROWS, COLUMNS)).astype(np.float32)
    y = (x @ rng.normal(size=COLUMNS) > 0).astype(np.int32)
    return {f"x{i}": x[:, i] for i in range(COLUMNS)}, y, x


class _Clock:
    def __init__(self):
        self.records = []

    def rate(self, warmup):
        after = [r for r in self.records if r[1] >= warmup]
        (t0, s0), (t1, s1) = after[0], after[-1]
        return (s1 - s0) / (t1 - t0)


def clock_hook(steps_per_run=1):
    """A SessionRunHook recording (time, steps done) after every run."""
    import tensorflow as tf

    class ClockHook(_Clock, tf.compat.v1.train.SessionRunHook):
        def __init__(self):
            _Clock.__init__(self)
            self.steps = 0

        def begin(self):
            self.records, self.steps = [], 0
            done = tf.compat.v1.get_collection("pyestim_steps_done")
            self._done = done[-1] if done else None

        def before_run(self, run_context):
            return tf.compat.v1.train.SessionRunArgs(self._done) if self._done is not None \
                else None

        def after_run(self, run_context, run_values):
            self.steps += int(run_values.results) if self._done is not None else 1
            self.records.append((time.perf_counter(), self.steps))

    return ClockHook()


def _keras_clock(k):
    import tensorflow as tf

    class KerasClock(_Clock, tf.keras.callbacks.Callback):
        def __init__(self):
            tf.keras.callbacks.Callback.__init__(self)
            _Clock.__init__(self)

        def on_train_batch_end(self, batch, logs=None):
            # with steps_per_execution k, called once per execution with its last batch
            self.records.append((time.perf_counter(), batch + 1))

    return KerasClock()


def _columns(pe_or_tf):
    return [pe_or_tf.feature_column.numeric_column(f"x{i}") for i in range(COLUMNS)]


def run_python(job, steps, warmup, tmp):
    import tensorflow as tf

    features, y, x = data()
    if job.startswith("keras"):
        k = int(job[len("keras_spe"):])
        model = tf.keras.Sequential([tf.keras.Input((COLUMNS,)),
                                     tf.keras.layers.Dense(HIDDEN[0], activation="relu"),
                                     tf.keras.layers.Dense(HIDDEN[1], activation="relu"),
                                     tf.keras.layers.Dense(2)])
        model.compile(tf.keras.optimizers.Adagrad(0.05), steps_per_execution=k,
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(ROWS).repeat().batch(BATCH)
        clock = _keras_clock(k)
        model.fit(ds.prefetch(2), steps_per_epoch=steps, epochs=1, verbose=0,
                  callbacks=[clock])
        return clock.rate(warmup)
    clock = clock_hook()
    if job == "tf_plain":
        # tf.estimator through pyestim's stack layer only (it makes tensorflow-estimator
        # importable beside TensorFlow >= 2.16); nothing else of pyestim
        from pyestim.engine import estimator_api_v1 as v1

        est = v1.DNNClassifier(HIDDEN, _columns(tf), model_dir=tmp)
        fn = v1.inputs.numpy_input_fn(
            features, y, batch_size=BATCH, num_epochs=None, shuffle=True)
        est.train(fn, steps=steps, hooks=[clock])
        return clock.rate(warmup)
    import pyestim as pe

    k = 32 if job.endswith("k32") else 1
    est = pe.dnn_classifier(HIDDEN, pe.feature_columns(pe.column_numeric(*features)),
                            model_dir=tmp, config=pe.run_config(steps_per_run=k))
    fn = pe.numpy_input_fn(features, y, batch_size=BATCH, num_epochs=None, shuffle=True)
    if job == "pyestim_k1_bare":
        est.estimator.train(fn, steps=steps, hooks=[clock])
    else:
        pe.train(est, fn, steps=steps, hooks=clock)
    return clock.rate(warmup)


R_WORKER = """
args <- commandArgs(trailingOnly = TRUE)
k <- as.integer(args[[1]]); steps <- as.integer(args[[2]]); warmup <- as.integer(args[[3]])
suppressPackageStartupMessages(library(pyestim))
sm <- reticulate::import_from_path("small_model", path = args[[4]], convert = FALSE)
d <- reticulate::py_to_r(sm$data())
features <- d[[1]]; y <- d[[2]]
est <- dnn_classifier(hidden_units = c(64L, 32L),
                      feature_columns = feature_columns(column_numeric(names(features))),
                      model_dir = args[[5]], config = run_config(steps_per_run = k))
clock <- sm$clock_hook()
profiling <- length(args) >= 6
if (profiling) {
  prof <- reticulate::import("cProfile")$Profile()
  prof$enable()
}
invisible(train(est, numpy_input_fn(features, y, batch_size = 128L, num_epochs = NULL,
                                    shuffle = TRUE), steps = steps, hooks = list(clock)))
if (profiling) {
  prof$disable()
  prof$dump_stats(args[[6]])
}
cat(sprintf("RATE %.6f\\n", reticulate::py_to_r(clock$rate(warmup))))
"""


def measure(job, args, profile_to=None):
    with tempfile.TemporaryDirectory() as tmp:
        if job in R:
            script = os.path.join(tmp, "worker.R")
            with open(script, "w") as f:
                f.write(R_WORKER)
            cmd = ["Rscript", script, job[len("r_k"):], str(args.steps), str(args.warmup),
                   HERE, os.path.join(tmp, "model")] + ([profile_to] if profile_to else [])
        else:
            cmd = [sys.executable, __file__, "--worker", job, "--steps", str(args.steps),
                   "--warmup", str(args.warmup), "--tmp", os.path.join(tmp, "model")]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
        for line in proc.stdout.splitlines():
            if line.startswith("RATE "):
                return float(line.split()[1])
        sys.stderr.write(f"{job} failed:\n{proc.stderr[-2000:]}\n")
        return None


def profile(job, args):
    """cProfile's top functions (internal time) of one run of a contender: in this process
    (Python), or of the embedded Python in Rscript (R)."""
    with tempfile.TemporaryDirectory() as tmp:
        if job in R:
            stats_file = os.path.join(tmp, "r.prof")
            measure(job, args, profile_to=stats_file)
            stats = pstats.Stats(stats_file, stream=io.StringIO())
        else:
            prof = cProfile.Profile()
            prof.enable()
            run_python(job, args.steps, args.warmup, os.path.join(tmp, "model"))
            prof.disable()
            stats = pstats.Stats(prof, stream=io.StringIO())
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("tottime").print_stats(12)
    top = [line for line in out.getvalue().splitlines() if line.strip()][-14:]
    # the hooks' share: their before_run / after_run, cumulative
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("cumulative").print_stats(r"(before_run|after_run)", 16)
    hooks = [line for line in out.getvalue().splitlines() if line.strip()][-18:]
    return "\n".join(["by internal time:", *top, "", "hooks' before_run / after_run, "
                      "cumulative:", *hooks])


def _cpu():
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
    except OSError:
        return platform.processor(), []
    name = next((line.split(":", 1)[1].strip() for line in info.splitlines()
                 if line.startswith("model name")), "?")
    flags = next((line.split(":", 1)[1].split() for line in info.splitlines()
                  if line.startswith("flags")), [])
    return name, [f for f in ("avx", "avx2", "avx512f", "fma") if f in flags]


def report(rates, args):
    import tensorflow as tf

    cpu, ext = _cpu()
    rates = {j: [r for r in v if r] for j, v in rates.items()}
    med = {j: statistics.median(v) for j, v in rates.items() if v}
    lines = ["# Small-model group (DNN [64, 32], 20 numeric columns, batch 128, 100,000 rows)",
             "", f"CPU: {cpu} ({', '.join(ext)}), {os.cpu_count()} cores; TensorFlow "
             f"{tf.__version__}; {args.rounds} rounds of {args.steps} steps "
             f"({args.warmup} warm-up); median steps/s [min-max]; load average at the "
             f"start {args.load:.2f} (a busy machine widens the spread).", "",
             "| contender | steps/s | vs tf_plain |", "|---|---|---|"]
    for job in PY + R:
        v = rates.get(job) or []
        if not v:
            lines.append(f"| {job} | failed | |")
            continue
        ratio = (f"{med[job] / med['tf_plain']:.2f}x" if "tf_plain" in med else "")
        lines.append(f"| {job} | {med[job]:.0f} [{min(v):.0f}-{max(v):.0f}] | {ratio} |")
    lines += ["", "| target | ratio (median per round) | |", "|---|---|---|"]
    missed = []
    for name, a, b, least in TARGETS:
        pairs = [x / y for x, y in zip(rates.get(a, []), rates.get(b, [])) if x and y]
        if not pairs:
            lines.append(f"| {name} | not measured | |")
            continue
        r = statistics.median(pairs)
        ok = r >= least
        lines.append(f"| {name} | {r:.3f} | {'met' if ok else 'MISSED'} |")
        if not ok:
            missed.append((name, a))
    for name, job in missed:
        if args.no_profile:
            continue
        lines += ["", f"## Profile of {job} ({name}: missed)", "", "```", profile(job, args),
                  "```"]
    return "\n".join(lines) + "\n", med


def _worker(args):
    """One measurement of one contender in this process (Python) or in an Rscript it starts
    (R); prints RATE and, with --out, writes run.py's result file (benchlib.write_result)."""
    import benchlib

    try:
        if args.worker in R:
            rate = measure(args.worker, args)
        elif args.worker in PY:
            rate = run_python(args.worker, args.steps, args.warmup, args.tmp)
        else:
            raise SystemExit(f"small_model.py: unknown contender {args.worker!r}; one of "
                             f"{', '.join(PY + R)}")
        if rate is None:
            raise RuntimeError(f"{args.worker} gave no rate (its error is above)")
    except Exception as err:
        if args.out:
            benchlib.write_error(args.out, f"{type(err).__name__}: {err}")
        raise
    print(f"RATE {rate:.6f}")
    if args.out:
        benchlib.write_result(args.out, {"steps_per_s": rate},
                              {"steps": args.steps, "warmup": args.warmup})
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=4000)
    p.add_argument("--warmup", type=int, default=640)
    p.add_argument("--timeout", type=int, default=900)
    p.add_argument("--only", default=None, help="comma-separated contenders")
    p.add_argument("--no-profile", action="store_true")
    p.add_argument("--output", default="small_model")
    p.add_argument("--worker"), p.add_argument("--tmp")
    p.add_argument("--out", help="with --worker: also write run.py's result file (the "
                                 "small-model group of benchmarks/run.py)")
    args = p.parse_args(argv)
    if args.worker:
        return _worker(args)
    jobs = args.only.split(",") if args.only else PY + R
    args.load = os.getloadavg()[0]
    rates = {j: [] for j in jobs}
    for rnd in range(args.rounds):
        for job in jobs:
            rate = measure(job, args)
            print(f"round {rnd + 1} {job}: {rate}", flush=True)
            rates[job].append(rate)
    text, med = report(rates, args)
    out = os.path.join(HERE, "results", args.output)
    with open(out + ".json", "w") as f:
        json.dump({"rates": rates, "median": med, "steps": args.steps,
                   "warmup": args.warmup, "cpu": _cpu()}, f, indent=1)
    with open(out + ".md", "w") as f:
        f.write(text)
    print(text)
    return 0 if med else 1


if __name__ == "__main__":
    sys.exit(main())
