"""Measurement helpers shared by the benchmark workers (worker.py, and worker.R through
reticulate). Every contender times itself with the same code from this module, so the
numbers differ only by what the contender does.

Nothing here imports pyestim: the plain tf.estimator and Keras contenders must not pay for
(or be changed by) pyestim's import-time adjustments.
"""

import gzip
import json
import os
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# ------------------------------------------------------------------------------ the clock

_T0 = float(os.environ.get("BENCH_T0", "nan"))  # epoch seconds, set by run.py before spawn


def since_spawn():
    """Seconds since run.py started this process (time.time() clocks of both)."""
    return time.time() - _T0


# ------------------------------------------------------------------------------ MNIST


def data_dir():
    """The folder with the four MNIST .gz files: $PYESTIM_DATA_DIR, else ../shared/datasets/mnist."""
    d = os.environ.get("PYESTIM_DATA_DIR")
    if d:
        return d
    return os.path.normpath(os.path.join(REPO, "..", "shared", "datasets", "mnist"))


def _idx(path):
    with gzip.open(path, "rb") as fh:
        data = fh.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_mnist(n_train=55000, n_test=10000):
    """MNIST as the tutorial has it (``load_dataset("mnist")``, TF1's split: the first 5,000
    images of the training file are the validation set, the other 55,000 are ``train``):
    float32 pixels in [0, 1] flattened to 784, int32 labels; and the 10,000 test images."""
    d = data_dir()
    tr_x = _idx(os.path.join(d, "train-images-idx3-ubyte.gz"))[5000:5000 + n_train]
    tr_y = _idx(os.path.join(d, "train-labels-idx1-ubyte.gz"))[5000:5000 + n_train]
    te_x = _idx(os.path.join(d, "t10k-images-idx3-ubyte.gz"))[:n_test]
    te_y = _idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"))[:n_test]

    def images(a):
        return a.reshape(a.shape[0], -1).astype(np.float32) * np.float32(1.0 / 255.0)

    return (images(tr_x), tr_y.astype(np.int32), images(te_x), te_y.astype(np.int32))


# ------------------------------------------------------------------------------ the stack


def plain_tensorflow():
    """TensorFlow with ``tf.estimator`` / ``tf.compat.v1.estimator`` importable on both stacks,
    for the plain tf.estimator contenders: TensorFlow 2.15 has them built in; on 2.16 and later
    (the current stack) pyestim's stack layer (``pyestim/engine/_stack.py`` and what it
    imports: ``engine/tf216.py``, ``_before_tf.py``, ``_root_errors.py``) sets up
    tensorflow-estimator over TensorFlow and attaches it, exactly as pyestim itself does.

    Nothing else of pyestim runs: ``pyestim`` and ``pyestim.engine`` are entered in
    ``sys.modules`` as bare namespaces over their folders (their ``__init__`` modules are not
    executed), so only those four files are. Returns the ``tensorflow`` module.
    """
    import importlib
    import sys
    import types

    if "pyestim.engine._stack" not in sys.modules:
        for name, folder in (("pyestim", "pyestim"),
                             ("pyestim.engine", os.path.join("pyestim", "engine"))):
            if name in sys.modules:
                continue
            package = types.ModuleType(name, "bare namespace: benchlib.plain_tensorflow()")
            package.__path__ = [os.path.join(REPO, folder)]
            sys.modules[name] = package
        importlib.import_module("pyestim.engine._stack")  # runs load(): tf.estimator attached
    import tensorflow as tf

    return tf


# ------------------------------------------------------------------------------ thread CPU


def thread_cpu():
    """CPU seconds (user + system) of every thread of this process so far, by thread:
    ``{tid: (name, seconds)}``, from /proc/self/task/*/stat ({} where there is no /proc)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    out = {}
    try:
        tids = os.listdir("/proc/self/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/self/task/{tid}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue  # the thread ended
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        out[int(tid)] = (name, (int(fields[11]) + int(fields[12])) / tick)
    return out


def _thread_group(name):
    """A thread's name reduced to its pool (tf.data_private_1 -> tf_data_private): TensorFlow
    and Python name threads by pool and number."""
    return name.rstrip("0123456789_/-").strip() or name


def thread_cpu_delta(before, after, wall):
    """CPU used by each pool of threads between two thread_cpu() snapshots, as a share of
    ``wall`` seconds (1.0 = one core busy all the time), largest first."""
    groups = {}
    for tid, (name, secs) in after.items():
        used = secs - before.get(tid, (name, 0.0))[1]
        key = "main (Python)" if tid == os.getpid() else _thread_group(name)
        g = groups.setdefault(key, [0.0, 0])
        g[0] += used
        g[1] += 1
    rows = sorted(((k, v[0] / wall, v[1]) for k, v in groups.items() if v[0] > 0),
                  key=lambda r: -r[1])
    return {"cores_total": sum(r[1] for r in rows),
            "by_pool": [{"pool": k, "cores": round(c, 4), "threads": n} for k, c, n in rows]}


# ------------------------------------------------------------------------------ step timing


def rate_summary(t_call, times, t_return, warmup, batch=None, last_batch=None):
    """Turns the after-step timestamps of one call into the reported numbers.

    ``times[i]`` is time.perf_counter() right after step i+1. The first ``warmup`` steps
    are skipped: the steady rate is (n - warmup) steps over times[n-1] - times[warmup-1].
    ``first_step_s`` is from the call (t_call) to the end of step 1: graph build, session
    creation (and the initial checkpoint, for an estimator) and the first step.
    """
    n = len(times)
    out = {"steps": n}
    if n == 0:
        return out
    out["first_step_s"] = times[0] - t_call
    if t_return is not None:
        out["call_s"] = t_return - t_call
        out["after_last_step_s"] = t_return - times[-1]
    k = max(1, min(int(warmup), n - 2))
    if n - k >= 1:
        span = times[-1] - times[k - 1]
        out["warmup_steps"] = k
        out["timed_steps"] = n - k
        out["steps_per_s"] = (n - k) / span if span > 0 else float("nan")
        gaps = np.diff(np.asarray(times[k - 1:]))
        out["step_ms_median"] = float(np.median(gaps) * 1e3)
        out["step_ms_p90"] = float(np.percentile(gaps, 90) * 1e3)
        out["step_ms_max"] = float(gaps.max() * 1e3)
        if batch:
            examples = batch * (n - k)
            if last_batch is not None:
                examples += last_batch - batch
            out["examples_per_s"] = examples / span if span > 0 else float("nan")
    return out


class _Timer:
    """What StepTimer and KerasStepTimer share: ``start()`` right before train() /
    evaluate() / predict() / fit(), ``stop()`` right after it returns (for predict, after
    the results are consumed), ``summary()`` for the numbers."""

    def _reset(self):
        self.t_call = None
        self.t_return = None
        self.times = []

    def start(self):
        self.times = []
        self.t_return = None
        self.t_call = time.perf_counter()

    def stop(self):
        self.t_return = time.perf_counter()
        return self.t_return - self.t_call

    def summary(self, warmup=1, batch=None, last_batch=None):
        return rate_summary(self.t_call, self.times, self.t_return, int(warmup), batch,
                            None if last_batch is None else int(last_batch))


def step_timer(profile_from=None, profile_to=None):
    """A SessionRunHook that records time.perf_counter() at after_run of every step.

    With ``profile_from`` / ``profile_to`` (step numbers, 1-based), it also takes the
    CPU time of every thread at those two steps: ``summary()`` then reports which pools of
    threads used the cores in between (``thread_cpu``), e.g. the tf.data threads of an
    input pipeline against the intra-op threads of the step.
    """
    import tensorflow as tf

    class StepTimer(_Timer, tf.compat.v1.train.SessionRunHook):
        def __init__(self):
            self._reset()
            self.cpu = {}

        def after_run(self, run_context, run_values):
            t = time.perf_counter()
            self.times.append(t)
            if len(self.times) in (profile_from, profile_to):
                self.cpu[len(self.times)] = (t, thread_cpu())
                if len(self.times) == profile_from and os.environ.get("BENCH_WARM_FILE"):
                    with open(os.environ["BENCH_WARM_FILE"], "w") as fh:  # reader_profile.py
                        fh.write(str(len(self.times)))

        def summary(self, warmup=1, batch=None, last_batch=None):
            out = _Timer.summary(self, warmup, batch, last_batch)
            if profile_from in self.cpu and profile_to in self.cpu:
                (t0, a), (t1, b) = self.cpu[profile_from], self.cpu[profile_to]
                out["thread_cpu"] = thread_cpu_delta(a, b, t1 - t0)
                cores = out["thread_cpu"]["cores_total"]
                out["cpu_cores_used"] = cores
                # CPU time per step, all threads: unlike steps/s, it hardly moves when other
                # processes share the cores, so it shows what an input pipeline adds.
                out["cpu_ms_per_step"] = cores * (t1 - t0) / (profile_to - profile_from) * 1e3
                for row in out["thread_cpu"]["by_pool"]:
                    row["ms_per_step"] = round(
                        row["cores"] * (t1 - t0) / (profile_to - profile_from) * 1e3, 3)
            return out

    return StepTimer()


def keras_step_timer():
    """The Keras twin of StepTimer: a callback recording the time at the end of each batch."""
    import tensorflow as tf

    class KerasStepTimer(_Timer, tf.keras.callbacks.Callback):
        def __init__(self):
            tf.keras.callbacks.Callback.__init__(self)
            self._reset()

        def on_train_batch_end(self, batch, logs=None):
            self.times.append(time.perf_counter())

    return KerasStepTimer()


class Clock:
    """Wall time of named phases: ``with clock("evaluate_10k"): ...`` (Python), or
    ``clock$tic(); ...; clock$toc("evaluate_10k")`` (R)."""

    def __init__(self):
        self.values = {}
        self._t = None

    def tic(self):
        self._t = time.perf_counter()

    def toc(self, name):
        self.values[name] = time.perf_counter() - self._t
        return self.values[name]

    def __call__(self, name):
        clock = self

        class _Phase:
            def __enter__(self):
                clock.tic()

            def __exit__(self, *exc):
                if exc[0] is None:
                    clock.toc(name)

        return _Phase()


# ------------------------------------------------------------------------------ results


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_result(path, metrics, info=None):
    """Writes a worker's result file (read by run.py)."""
    payload = {"ok": True, "metrics": _plain(metrics or {}), "info": _plain(info or {})}
    tmp = path + ".part"
    with open(tmp, "w") as fh:
        json.dump(payload, fh, indent=1, default=str)
    os.replace(tmp, path)


def write_error(path, error, info=None):
    payload = {"ok": False, "error": str(error), "info": _plain(info or {})}
    with open(path, "w") as fh:
        json.dump(payload, fh, indent=1, default=str)
