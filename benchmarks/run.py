"""pyestim's benchmarks: one command, contenders measured side by side, ratios from one run.

    python benchmarks/run.py                  # the full run (about 15-18 minutes on 2 cores)
    python benchmarks/run.py --quick          # check the harness (a few minutes, numbers meaningless)
    python benchmarks/run.py --only cnn --repeats 7
    python benchmarks/run.py --list           # the contenders and groups

Each measurement runs in a fresh process (Python: benchmarks/worker.py, R: benchmarks/
worker.R), so graph, TensorFlow state and memory never leak from one contender to the next.
The contenders are interleaved round-robin (A B C ... A B C ...), so a machine that slows
down or speeds up during the run affects all of them alike, and every ratio is computed per
round from measurements taken minutes apart at most. Results: benchmarks/results/latest.json
and latest.md (--quick writes quick.json / quick.md instead, so a harness check never
overwrites a real run). A benchmark, not a test: it never fails on a number.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import readme_table  # noqa: E402  (the README's performance table, from a run's report)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results")

# ------------------------------------------------------------------------------ contenders


@dataclass
class Contender:
    name: str
    group: str
    label: str
    lang: str  # "python" or "R"
    unavailable: str = ""  # the reason, when it cannot run on this machine
    runs: list = field(default_factory=list)
    python: str = ""  # the Python that runs worker.py (default: this one); stacks.py sets it
    job: str = ""  # worker.py's job (default: the name)


CONTENDERS = [
    Contender("cnn_tf", "cnn", "plain tf.estimator + stock numpy_input_fn (seed 001)", "python"),
    Contender("cnn_pyestim", "cnn", "pyestim from Python", "python"),
    Contender("cnn_r", "cnn", "pyestim from R (seed 000 model_fn)", "R"),
    Contender("cnn_keras", "cnn", "Keras model.fit, same network", "python"),
    Contender("peak", "cnn", "float32 matmul peak (roofline)", "python"),
    Contender("cnn_tf_pyreader", "reader", "plain tf.estimator fed by pyestim's numpy_input_fn",
              "python"),
    Contender("cnn_pyestim_stockreader", "reader", "pyestim's train() fed by the stock numpy_input_fn",
              "python"),
    Contender("input_stock", "input", "stock tf.estimator.inputs.numpy_input_fn", "python"),
    Contender("input_pyestim", "input", "pyestim numpy_input_fn", "python"),
    Contender("input_tfdata", "input", "tf.data (from_tensor_slices, shuffle, batch, repeat, prefetch)",
              "python"),
    Contender("api_tf", "api", "plain tf.estimator (seed 001)", "python"),
    Contender("api_pyestim", "api", "pyestim from Python", "python"),
    Contender("api_r", "api", "pyestim from R", "R"),
    # the small-model group: benchmarks/small_model.py's contenders, one measurement each
    Contender("small_tf_plain", "small", "plain tf.estimator DNNClassifier + its numpy_input_fn",
              "python", job="tf_plain"),
    Contender("small_pyestim_k1", "small", "pyestim.train(), steps_per_run 1", "python",
              job="pyestim_k1"),
    Contender("small_pyestim_k1_bare", "small", "the same estimator, tf.estimator's own train() "
              "(pyestim's default hooks off)", "python", job="pyestim_k1_bare"),
    Contender("small_pyestim_k32", "small", "pyestim.train(), steps_per_run 32", "python",
              job="pyestim_k32"),
    Contender("small_r_k1", "small", "pyestim from R, steps_per_run 1", "R", job="r_k1"),
    Contender("small_r_k32", "small", "pyestim from R, steps_per_run 32", "R", job="r_k32"),
    Contender("small_keras_spe1", "small", "Keras fit, steps_per_execution 1", "python",
              job="keras_spe1"),
    Contender("small_keras_spe32", "small", "Keras fit, steps_per_execution 32", "python",
              job="keras_spe32"),
]
GROUPS = {
    "cnn": "1. tutorial CNN training throughput (batch 100) and the roofline",
    "reader": "1b. tutorial CNN with the readers swapped (where a gap between pyestim and plain "
              "tf.estimator comes from)",
    "input": "2. input-bound training: softmax regression, three input pipelines",
    "api": "3-4. evaluate / predict throughput and fixed costs (train(steps=1), evaluate / predict on 100 images)",
    "small": "6. small models: DNN [64, 32] over 20 numeric columns, batch 128 (small_model.py), "
             "steps_per_run 1 and 32 against Keras steps_per_execution 1 and 32",
}

FULL = dict(repeats=5, cnn_steps=160, cnn_warmup=20, input_steps=2000, input_warmup=200,
            small_steps=4000, small_warmup=640, eval_n=10000, matmul_sizes="2048,3072,4096", matmul_reps=5, timeout=900)
QUICK = dict(repeats=2, cnn_steps=12, cnn_warmup=4, input_steps=300, input_warmup=50,
             small_steps=320, small_warmup=64, eval_n=1000, matmul_sizes="1024,2048", matmul_reps=2, timeout=600)

# ------------------------------------------------------------------------------ FLOPs


def cnn_flops(batch=100):
    """FLOPs of one training step of the tutorial CNN, counted by hand (see benchmarks/README.md).

    Forward: multiply-adds of the two convolutions and two dense layers, x2 FLOPs each.
    Backward: about twice the forward (one product for the gradient with respect to the
    weights, one with respect to the layer's input). Pooling, ReLU, bias, softmax, dropout
    and the SGD update are left out (under 1% together).
    """
    layers = [
        # name, output positions per image, multiply-adds per output position
        ("conv1 5x5x1 -> 32, 28x28 out", 28 * 28 * 32, 5 * 5 * 1),
        ("conv2 5x5x32 -> 64, 14x14 out", 14 * 14 * 64, 5 * 5 * 32),
        ("dense 3136 -> 1024", 1024, 7 * 7 * 64),
        ("logits 1024 -> 10", 10, 1024),
    ]
    rows = []
    fwd_macs = 0
    for name, outputs, per in layers:
        macs = outputs * per
        fwd_macs += macs
        rows.append({"layer": name, "macs_per_image": macs, "macs_per_batch": macs * batch})
    forward = 2 * fwd_macs * batch
    step = 3 * forward
    conv1_input_grad = 2 * layers[0][1] * layers[0][2] * batch  # not computed: x is data
    return {"batch": batch, "layers": rows, "forward_macs_per_image": fwd_macs,
            "forward_flops": forward, "backward_flops": 2 * forward, "step_flops": step,
            "step_flops_exact": step - conv1_input_grad}


# ------------------------------------------------------------------------------ machine


def _read(path):
    try:
        with open(path) as fh:
            return fh.read()
    except OSError:
        return ""


def _version(dist):
    from importlib import metadata

    for name in ([dist] if isinstance(dist, str) else dist):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def _run(cmd, env=None, timeout=120):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except (OSError, subprocess.TimeoutExpired) as err:
        return None, "", str(err)


def machine_info(env):
    cpuinfo = _read("/proc/cpuinfo")
    model, flags, mhz, cores = None, set(), None, set()
    phys = core = None
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "model name" and model is None:
            model = value
        elif key == "flags" and not flags:
            flags = set(value.split())
        elif key == "cpu MHz" and mhz is None:
            mhz = value
        elif key == "physical id":
            phys = value
        elif key == "core id":
            core = value
            cores.add((phys, core))
    mem_kb = None
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count()
    rc, out, _ = _run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"])
    commit = out.strip() if rc == 0 else None
    rc, out, _ = _run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"])
    dirty = bool(out.strip()) if rc == 0 else None
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu_model": model,
        "cpu_mhz": mhz,
        "cpu_flags": sorted(f for f in ("avx", "avx2", "fma", "avx512f", "avx512_bf16",
                                        "avx512_vnni", "amx_tile") if f in flags),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable,
        "physical_cores": len(cores) or None,
        "memory_gb": round(mem_kb / 1024 ** 2, 1) if mem_kb else None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "tensorflow": _version(["tensorflow-cpu", "tensorflow"]),
        "tensorflow_estimator": _version("tensorflow-estimator"),
        "keras": _version("keras"),
        "numpy": _version("numpy"),
        "pandas": _version("pandas"),
        "pyestim": _version("pyestim"),
        "git_commit": commit,
        "git_dirty": dirty,
        "loadavg_start": _read("/proc/loadavg").split()[:3],
    }


R_PROBE = r"""
cat("R_VERSION=", R.version$major, ".", R.version$minor, "\n", sep = "")
cat("RETICULATE=", tryCatch(as.character(packageVersion("reticulate")), error = function(e) "none"), "\n", sep = "")
ok <- requireNamespace("pyestim", quietly = TRUE)
cat("PYESTIM=", if (ok) as.character(packageVersion("pyestim")) else "none", "\n", sep = "")
"""


def probe_r(env):
    """R's version, and why the R contenders cannot run ("" when they can)."""
    rscript = shutil.which("Rscript", path=env.get("PATH"))
    if rscript is None:
        return {}, "Rscript not found on PATH"
    rc, out, err = _run([rscript, "--vanilla", "-e", R_PROBE], env=env)
    if rc != 0:
        return {}, f"Rscript failed: {(err or out).strip()[-300:]}"
    found = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    info = {"r": found.get("R_VERSION"), "reticulate": found.get("RETICULATE"),
            "pyestim_r": found.get("PYESTIM")}
    if found.get("RETICULATE", "none") == "none":
        return info, "the R package reticulate is not installed"
    if found.get("PYESTIM", "none") == "none":
        where = env.get("R_LIBS") or "R's default libraries"
        if not os.path.exists(os.path.join(REPO, "r", "DESCRIPTION")):
            return info, "the R package does not exist yet (no r/DESCRIPTION)"
        return info, (f"the R package pyestim is not installed in {where} (bash dev.sh setup "
                      "installs it; or R CMD INSTALL --library=DIR r and R_LIBS=DIR)")
    return info, ""


# ------------------------------------------------------------------------------ running


def command(c, s, out, model_tmp):
    if c.group == "small":  # small_model.py runs the R contenders' Rscript itself
        return [c.python or sys.executable, os.path.join(HERE, "small_model.py"), "--worker",
                c.job, "--out", out, "--tmp", os.path.join(model_tmp, "model"),
                "--steps", str(s["small_steps"]), "--warmup", str(s["small_warmup"]),
                "--timeout", str(s["timeout"])]
    if c.lang == "R":
        steps, warmup = (s["cnn_steps"], s["cnn_warmup"])
        return [shutil.which("Rscript") or "Rscript", "--vanilla", os.path.join(HERE, "worker.R"), c.name, out, str(steps),
                str(warmup), str(s["eval_n"]), model_tmp]
    cmd = [c.python or sys.executable, os.path.join(HERE, "worker.py"), c.job or c.name, "--out", out,
           "--tmp", model_tmp, "--eval-n", str(s["eval_n"]),
           "--matmul-sizes", s["matmul_sizes"], "--matmul-reps", str(s["matmul_reps"])]
    if c.group == "input":
        cmd += ["--steps", str(s["input_steps"]), "--warmup", str(s["input_warmup"])]
    else:
        cmd += ["--steps", str(s["cnn_steps"]), "--warmup", str(s["cnn_warmup"])]
    return cmd


def _tail(path, n=12):
    try:
        with open(path, errors="replace") as fh:
            lines = [ln.rstrip() for ln in fh.readlines() if ln.strip()]
        return "\n".join(lines[-n:])
    except OSError:
        return ""


def measure(c, s, round_no, run_dir, env):
    """One measurement: a fresh process, its result file, its peak RSS (wait4) and wall time."""
    base = os.path.join(run_dir, f"{c.name}-{round_no}")
    out, log = base + ".json", base + ".log"
    model_tmp = base + ".models"
    os.makedirs(model_tmp, exist_ok=True)
    cmd = command(c, s, out, model_tmp)
    run_env = dict(env)
    record = {"round": round_no, "ok": False}
    with open(log, "w") as log_fh:
        t0 = time.time()
        run_env["BENCH_T0"] = repr(t0)
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, stdout=log_fh, stderr=subprocess.STDOUT, env=run_env,
                                    cwd=REPO, start_new_session=True)
        except OSError as err:
            record["error"] = f"could not start {cmd[0]}: {err}"
            return record
        status, usage, timed_out = None, None, False
        while status is None:
            pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, usage = st, ru
                break
            if time.perf_counter() - start > s["timeout"]:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)  # the worker's own process group
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
    record["wall_s"] = time.perf_counter() - start
    record["peak_rss_mb"] = usage.ru_maxrss / 1024.0  # Linux: kilobytes
    record["returncode"] = proc.returncode
    record["log"] = os.path.relpath(log, REPO)
    shutil.rmtree(model_tmp, ignore_errors=True)
    result = None
    try:
        with open(out) as fh:
            result = json.load(fh)
    except (OSError, ValueError):
        pass
    if timed_out:
        record["error"] = f"timed out after {s['timeout']} s"
    elif result is None:
        record["error"] = (f"exit status {proc.returncode}, no result; log tail:\n"
                           + _tail(log))
    elif not result.get("ok"):
        record["error"] = result.get("error") or "failed"
    else:
        record["ok"] = True
    if result:
        record["metrics"] = result.get("metrics", {})
        record["info"] = result.get("info", {})
    return record


# ------------------------------------------------------------------------------ statistics


def stats(values):
    values = sorted(v for v in values if isinstance(v, (int, float)) and v == v)
    if not values:
        return None
    q = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    return {"n": len(values), "median": statistics.median(values), "min": values[0],
            "max": values[-1], "q1": q[0], "q3": q[2]}


def metric_values(c, key):
    """The values of one metric over the successful rounds ('peak_rss_mb', 'wall_s' and
    'info.<name>' are read from the record, everything else from the worker's metrics)."""
    out = {}
    for r in c.runs:
        if not r.get("ok"):
            continue
        if key in ("peak_rss_mb", "wall_s"):
            v = r.get(key)
        elif key.startswith("info."):
            v = r.get("info", {}).get(key[5:])
        else:
            v = r.get("metrics", {}).get(key)
        if isinstance(v, (int, float)) and v == v:
            out[r["round"]] = float(v)
    return out


def contender_stats(c):
    keys = {"peak_rss_mb", "wall_s"}
    for r in c.runs:
        if r.get("ok"):
            keys.update(k for k, v in r.get("metrics", {}).items() if isinstance(v, (int, float)))
            keys.update("info." + k for k, v in r.get("info", {}).items()
                        if isinstance(v, (int, float)) and k.endswith("_s"))
    return {k: stats(metric_values(c, k).values()) for k in sorted(keys)}


def paired_ratio(a, b, key, key_b=None):
    """Per-round ratios a/b of one metric (both measured in the same round)."""
    va, vb = metric_values(a, key), metric_values(b, key_b or key)
    ratios = [va[r] / vb[r] for r in va if r in vb and vb[r] > 0]
    s = stats(ratios)
    return s


# ------------------------------------------------------------------------------ report


def fmt(v, digits=3):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.{digits}f}"


def cell(s, scale=1.0, spread=True):
    if not s:
        return "-"
    text = fmt(s["median"] * scale)
    if spread and s["n"] > 1:
        text += f" ({fmt(s['min'] * scale)}–{fmt(s['max'] * scale)})"
    return text


def ratio_cell(s):
    if not s:
        return "-"
    text = f"{s['median']:.3f}x"
    if s["n"] > 1:
        text += f" ({s['min']:.3f}–{s['max']:.3f})"
    return text


SMALL_TARGETS = [  # small_model.TARGETS, on run.py's contender names
    ("small model: pyestim steps_per_run 32 >= 1.0x Keras steps_per_execution 32",
     "small_pyestim_k32", "small_keras_spe32", 1.0),
    ("small model: pyestim R >= 0.95x Python (steps_per_run 1)", "small_r_k1",
     "small_pyestim_k1", 0.95),
    ("small model: pyestim R >= 0.95x Python (steps_per_run 32)", "small_r_k32",
     "small_pyestim_k32", 0.95),
    ("small model: pyestim's default hooks cost <= 5% (steps_per_run 1, with / without them "
     ">= 0.95)", "small_pyestim_k1", "small_pyestim_k1_bare", 0.95),
]
SMALL_RATIOS = [(a, b) for _, a, b, _ in SMALL_TARGETS] + [
    ("small_pyestim_k1", "small_tf_plain"), ("small_keras_spe1", "small_tf_plain"),
    ("small_pyestim_k32", "small_tf_plain"), ("small_keras_spe32", "small_tf_plain")]


def build_report(contenders, settings, machine, flops, started, finished):
    by = {c.name: c for c in contenders}
    st = {c.name: contender_stats(c) for c in contenders}

    def S(name, key):
        return st.get(name, {}).get(key)

    def status(name):
        c = by.get(name)
        if c is None:
            return "not run (--only)"
        if c.unavailable:
            return f"unavailable: {c.unavailable}"
        if not any(r.get("ok") for r in c.runs):
            errs = [r.get("error", "") for r in c.runs]
            return "failed: " + (errs[0].splitlines()[0] if errs and errs[0] else "no result")
        return ""

    # roofline
    peak = S("peak", "gflops")
    roof = None
    if peak:
        best = peak["max"]
        roof = {"peak_gflops_best": best, "peak_gflops_median": peak["median"],
                "step_flops": flops["step_flops"],
                "max_steps_per_s": best * 1e9 / flops["step_flops"]}

    comparisons = {}

    def compare(key, a, b, metric="steps_per_s"):
        if a in by and b in by and not status(a) and not status(b):
            comparisons[key] = paired_ratio(by[a], by[b], metric)
        else:
            comparisons[key] = None

    compare("cnn_pyestim/cnn_tf", "cnn_pyestim", "cnn_tf")
    compare("cnn_r/cnn_pyestim", "cnn_r", "cnn_pyestim")
    compare("cnn_pyestim/cnn_keras", "cnn_pyestim", "cnn_keras")
    compare("cnn_tf/cnn_keras", "cnn_tf", "cnn_keras")
    compare("cnn_r/cnn_tf", "cnn_r", "cnn_tf")
    compare("cnn_keras/cnn_tf", "cnn_keras", "cnn_tf")
    compare("cnn_tf_pyreader/cnn_tf", "cnn_tf_pyreader", "cnn_tf")
    compare("cnn_pyestim_stockreader/cnn_tf", "cnn_pyestim_stockreader", "cnn_tf")
    compare("cnn_pyestim/cnn_pyestim_stockreader", "cnn_pyestim", "cnn_pyestim_stockreader")
    for a, b in (("cnn_pyestim", "cnn_tf"), ("cnn_tf_pyreader", "cnn_tf"),
                 ("cnn_pyestim", "cnn_pyestim_stockreader")):
        compare(f"{a}/{b}:cpu_ms_per_step", a, b, "cpu_ms_per_step")
    compare("input_pyestim/input_stock", "input_pyestim", "input_stock")
    compare("input_tfdata/input_stock", "input_tfdata", "input_stock")
    for a, b in SMALL_RATIOS:
        compare(f"{a}/{b}", a, b)
    for m in ("evaluate_examples_per_s", "predict_examples_per_s"):
        compare(f"api_pyestim/api_tf:{m}", "api_pyestim", "api_tf", m)
        compare(f"api_r/api_pyestim:{m}", "api_r", "api_pyestim", m)

    roof_frac = {}
    if roof:
        for name in ("cnn_tf", "cnn_pyestim", "cnn_r", "cnn_keras"):
            s = S(name, "steps_per_s")
            if s and not status(name):
                roof_frac[name] = {k: (s[k] / roof["max_steps_per_s"] if k != "n" else s[k])
                                   for k in s}

    def target(text, value, threshold, what, needs):
        if value is None:
            why = "; ".join(f"{n}: {status(n)}" for n in needs if status(n)) or "no result"
            return {"target": text, "status": "not measured", "detail": what, "why": why}
        met = value["median"] >= threshold
        line = {"target": text, "status": "met" if met else "missed", "threshold": threshold,
                "ratio_median": value["median"], "ratio_min": value["min"],
                "ratio_max": value["max"], "n": value["n"], "detail": what}
        if value["n"] > 1 and value["min"] < threshold <= value["max"]:
            line["note"] = "the threshold lies within the spread"
        return line

    targets = [
        target("pyestim Python >= 0.98x plain tf.estimator (CNN steps/s)",
               comparisons.get("cnn_pyestim/cnn_tf"), 0.98, "cnn_pyestim / cnn_tf",
               ["cnn_pyestim", "cnn_tf"]),
        target("pyestim R >= 0.95x pyestim Python (CNN steps/s)",
               comparisons.get("cnn_r/cnn_pyestim"), 0.95, "cnn_r / cnn_pyestim",
               ["cnn_r", "cnn_pyestim"]),
        target("pyestim >= 1.0x Keras fit on the same network (CNN steps/s)",
               comparisons.get("cnn_pyestim/cnn_keras"), 1.0, "cnn_pyestim / cnn_keras",
               ["cnn_pyestim", "cnn_keras"]),
        target("pyestim training >= 60% of the roofline",
               roof_frac.get("cnn_pyestim"), 0.60,
               "cnn_pyestim steps/s / (best matmul GFLOP/s / FLOPs per step)",
               ["cnn_pyestim", "peak"]),
        target("input-bound: pyestim numpy_input_fn >= 2x stock numpy_input_fn (steps/s)",
               comparisons.get("input_pyestim/input_stock"), 2.0,
               "input_pyestim / input_stock", ["input_pyestim", "input_stock"]),
    ] + [target(text, comparisons.get(f"{a}/{b}"), least, f"{a} / {b}", [a, b])
         for text, a, b, least in SMALL_TARGETS]

    report = {
        "machine": machine,
        "settings": settings,
        "started": started,
        "finished": finished,
        "flops": flops,
        "roofline": roof,
        "roofline_fraction": roof_frac,
        "comparisons": comparisons,
        "targets": targets,
        "contenders": {
            c.name: {"label": c.label, "group": c.group, "lang": c.lang,
                     "status": status(c.name) or "ok", "stats": st[c.name], "runs": c.runs}
            for c in contenders},
    }
    return report


def markdown(report):
    m, s, f = report["machine"], report["settings"], report["flops"]
    cons = report["contenders"]
    lines = []
    add = lines.append

    def S(name, key):
        c = cons.get(name)
        return c["stats"].get(key) if c else None

    def label(name):
        c = cons.get(name)
        if c is None:
            return None
        text = f"{c['label']} (`{name}`)"
        if c["status"] != "ok":
            text += f" — **{c['status']}**"
        return text

    add(f"# pyestim benchmarks{' — QUICK MODE: harness check, numbers not meaningful' if s['quick'] else ''}")
    add("")
    add(f"Run {report['started']} to {report['finished']} ({s['elapsed_min']:.1f} min), "
        f"{s['repeats']} rounds, contenders interleaved round-robin, one fresh process per "
        "measurement. Cells: median (min–max over rounds). Ratios: median of the per-round "
        "ratios (min–max).")
    add("")
    add("## Machine")
    add("")
    add("| | |")
    add("|---|---|")
    add(f"| CPU | {m['cpu_model']} ({m.get('cpu_mhz') or '?'} MHz; {', '.join(m['cpu_flags']) or 'no AVX flags'}) |")
    add(f"| oneDNN ISA limit (ONEDNN_MAX_CPU_ISA) | {m.get('onednn_max_cpu_isa', '-')} |")
    add(f"| cores | {m['usable_cpus']} usable, {m['logical_cpus']} logical, {m['physical_cores'] or '?'} physical |")
    add(f"| memory | {m['memory_gb']} GB |")
    add(f"| load average (1/5/15 min) | start {' '.join(m['loadavg_start'])}, end {' '.join(m.get('loadavg_end', []))} |")
    add(f"| Python | {m['python']} |")
    add(f"| TensorFlow | {m['tensorflow']} (estimator {m['tensorflow_estimator']}, Keras {m['keras']}) |")
    add(f"| NumPy / pandas | {m['numpy']} / {m['pandas']} |")
    add(f"| R | {m.get('r') or '-'} (reticulate {m.get('reticulate') or '-'}, pyestim R package {(m.get('pyestim_r') or '-').replace('none', 'not installed')}) |")
    add(f"| pyestim | {m['pyestim']} (git {m['git_commit']}{', uncommitted changes' if m['git_dirty'] else ''}) |")
    add(f"| kernel | {m['kernel']} |")
    add(f"| date | {m['date']} |")
    add("")

    # targets first: what the reader came for
    add("## Targets")
    add("")
    for t in report["targets"]:
        if t["status"] == "not measured":
            add(f"- **not measured**: {t['target']} ({t['why']})")
            continue
        spread = (f" ({t['ratio_min']:.3f}–{t['ratio_max']:.3f}, {t['n']} rounds)"
                  if t["n"] > 1 else "")
        note = f"; {t['note']}" if t.get("note") else ""
        add(f"- **{t['status']}**: {t['target']}: {t['ratio_median']:.3f}{spread}{note}")
    add("")

    roof = report["roofline"]
    if any(n in cons for n in ("cnn_tf", "cnn_pyestim", "cnn_r", "cnn_keras", "peak", "cnn_tf_pyreader",
                                   "cnn_pyestim_stockreader")):
        add("## 1. Tutorial CNN training, batch 100")
        add("")
        add(f"{s['cnn_steps']} steps per measurement; steps/s over the last "
            f"{s['cnn_steps'] - s['cnn_warmup']} (the first {s['cnn_warmup']} are warm-up). "
            "First step: from the train() / fit() call to the end of step 1 (graph build, "
            "session, initial checkpoint, first step). End: from the last step to the call's "
            "return (final checkpoint).")
        add("")
        add("| contender | steps/s | vs plain tf.estimator | % of roofline | CPU ms per step | first step (s) | end (s) | peak RSS (MB) |")
        add("|---|---|---|---|---|---|---|---|")
        for name in ("cnn_tf", "cnn_pyestim", "cnn_r", "cnn_keras", "cnn_tf_pyreader",
                     "cnn_pyestim_stockreader"):
            if name not in cons:
                continue
            vs = "1x (reference)" if name == "cnn_tf" else ratio_cell(
                report["comparisons"].get(f"{name}/cnn_tf"))
            rf = report["roofline_fraction"].get(name)
            add(f"| {label(name)} | {cell(S(name, 'steps_per_s'))} | {vs} | "
                f"{cell(rf, 100) + '%' if rf else '-'} | {cell(S(name, 'cpu_ms_per_step'))} | "
                f"{cell(S(name, 'first_step_s'))} | "
                f"{cell(S(name, 'after_last_step_s'))} | {cell(S(name, 'peak_rss_mb'))} |")
        add("")
        add("Ratios (per round, then median and min–max):")
        add("")
        names = {"cnn_pyestim/cnn_tf": "pyestim Python / plain tf.estimator",
                 "cnn_r/cnn_pyestim": "pyestim R / pyestim Python",
                 "cnn_pyestim/cnn_keras": "pyestim Python / Keras fit",
                 "cnn_tf/cnn_keras": "plain tf.estimator / Keras fit",
                 "cnn_tf_pyreader/cnn_tf": "readers swapped: plain tf.estimator with pyestim's "
                                           "reader / with the stock one",
                 "cnn_pyestim/cnn_pyestim_stockreader": "readers swapped: pyestim with its "
                                                        "reader / with the stock one",
                 "cnn_pyestim_stockreader/cnn_tf": "pyestim with the stock reader / plain "
                                                   "tf.estimator"}
        for key, text in names.items():
            if key in report["comparisons"]:
                add(f"- {text}: {ratio_cell(report['comparisons'].get(key))}")
        add("")
        add("CPU ms per step: the CPU time of all the process's threads between the end of the "
            "warm-up and the last step, per step (benchlib.StepTimer's thread profile, from "
            "/proc/self/task). Unlike steps/s it hardly moves when other processes share the "
            "cores, so a reader that costs the step something shows here as extra CPU. Ratios:")
        add("")
        for a, b in (("cnn_pyestim", "cnn_tf"), ("cnn_tf_pyreader", "cnn_tf"),
                     ("cnn_pyestim", "cnn_pyestim_stockreader")):
            r = report["comparisons"].get(f"{a}/{b}:cpu_ms_per_step")
            if r:
                add(f"- `{a}` / `{b}`: {ratio_cell(r)}")
        add("")
        add(f"Roofline: one training step of batch {f['batch']} is "
            f"{f['step_flops'] / 1e9:.3f} GFLOP (derivation in benchmarks/README.md; "
            f"{f['step_flops_exact'] / 1e9:.3f} without the unneeded gradient of conv1's input). ")
        if roof:
            add(f"Measured float32 matmul peak: {roof['peak_gflops_best']:.1f} GFLOP/s best "
                f"(median of rounds {roof['peak_gflops_median']:.1f}; "
                f"{cell(S('peak', 'gflops'))} over rounds; sizes {s['matmul_sizes']}, best of "
                f"{s['matmul_reps']}) → at most **{roof['max_steps_per_s']:.2f} steps/s**."
                + (" (Quick mode: small matrices, so the peak is underestimated.)"
                   if s["quick"] else ""))
        else:
            add("The matmul peak was not measured in this run.")
        add("")

    if any(n in cons for n in ("input_stock", "input_pyestim", "input_tfdata")):
        add("## 2. Input-bound training: softmax regression (seed 002), batch 100")
        add("")
        add(f"tf.estimator.Estimator + pyestim.models.softmax_model_fn, {s['input_steps']} steps, "
            f"steps/s over the last {s['input_steps'] - s['input_warmup']}. "
            "Pipeline alone: the input function's batches fetched in a bare session "
            "(no model, no estimator hooks).")
        add("")
        add("| input function | steps/s | vs stock | CPU ms per step | pipeline alone (batches/s) | pipeline alone, CPU ms per batch | first step (s) | peak RSS (MB) |")
        add("|---|---|---|---|---|---|---|---|")
        for name, key in (("input_stock", None), ("input_pyestim", "input_pyestim/input_stock"),
                          ("input_tfdata", "input_tfdata/input_stock")):
            if name not in cons:
                continue
            vs = "1x (reference)" if key is None else ratio_cell(report["comparisons"].get(key))
            add(f"| {label(name)} | {cell(S(name, 'steps_per_s'))} | {vs} | "
                f"{cell(S(name, 'cpu_ms_per_step'))} | {cell(S(name, 'pipeline_batches_per_s'))} | "
                f"{cell(S(name, 'pipeline_cpu_ms_per_batch'))} | {cell(S(name, 'first_step_s'))} | "
                f"{cell(S(name, 'peak_rss_mb'))} |")
        add("")

    if any(n in cons for n in ("api_tf", "api_pyestim", "api_r")):
        add(f"## 3. Evaluate and predict on {s['eval_n']:,} test images (examples/s)")
        add("")
        add("End to end: the whole evaluate() / predict() call (graph, session, checkpoint "
            "restore, the results as the API returns them: pyestim gives a data frame). "
            "Steady: batches 2..n only (batch 128).")
        add("")
        add("| contender | evaluate | evaluate, steady | predict | predict, steady |")
        add("|---|---|---|---|---|")
        for name in ("api_tf", "api_pyestim", "api_r"):
            if name not in cons:
                continue
            add(f"| {label(name)} | {cell(S(name, 'evaluate_examples_per_s'))} | "
                f"{cell(S(name, 'evaluate_steady_examples_per_s'))} | "
                f"{cell(S(name, 'predict_examples_per_s'))} | "
                f"{cell(S(name, 'predict_steady_examples_per_s'))} |")
        add("")
        for key, text in (("api_pyestim/api_tf", "pyestim Python / plain tf.estimator"),
                          ("api_r/api_pyestim", "pyestim R / pyestim Python")):
            ev = report["comparisons"].get(f"{key}:evaluate_examples_per_s")
            pr = report["comparisons"].get(f"{key}:predict_examples_per_s")
            add(f"- {text}: evaluate {ratio_cell(ev)}, predict {ratio_cell(pr)}")
        add("")
        add("## 4. Fixed costs (seconds, wall time of one call)")
        add("")
        add("Measured inside the process (R: Sys.time() around the call, after library(pyestim) "
            "and a first use of `tf`). train(steps=1): graph build, session, checkpoints at "
            "step 0 and 1; the first call in the process, then a second one. "
            "Start-up: from spawning the process to pyestim / TensorFlow imported.")
        add("")
        add("| contender | train(steps=1), first | train(steps=1), again | evaluate(100 images) | predict(100 images) | start-up + import | peak RSS (MB) |")
        add("|---|---|---|---|---|---|---|")
        for name in ("api_tf", "api_pyestim", "api_r"):
            if name not in cons:
                continue
            add(f"| {label(name)} | {cell(S(name, 'train_1_first_s'))} | "
                f"{cell(S(name, 'train_1_again_s'))} | {cell(S(name, 'evaluate_100_s'))} | "
                f"{cell(S(name, 'predict_100_s'))} | {cell(S(name, 'info.spawn_to_imported_s'))} | "
                f"{cell(S(name, 'peak_rss_mb'))} |")
        if "api_r" in cons and S("api_r", "info.library_s"):
            add("")
            add(f"R start-up, split: R to the script {cell(S('api_r', 'info.spawn_to_main_s'))} s, "
                f"library(pyestim) {cell(S('api_r', 'info.library_s'))} s, first use of `tf` "
                f"(Python, TensorFlow, pyestim) {cell(S('api_r', 'info.import_s'))} s.")
        add("")

    small = [n for n, c in cons.items() if c["group"] == "small"]
    if small:
        add("## 6. Small models: DNN [64, 32], 20 numeric columns, batch 128 (small_model.py)")
        add("")
        add(f"{s.get('small_steps')} steps per measurement, steps/s after the first "
            f"{s.get('small_warmup')} (a record after every session.run / execution).")
        add("")
        add("| contender | steps/s | vs plain tf.estimator | peak RSS (MB) |")
        add("|---|---|---|---|")
        for name in small:
            vs = ("1x (reference)" if name == "small_tf_plain"
                  else ratio_cell(report["comparisons"].get(f"{name}/small_tf_plain")))
            add(f"| {label(name)} | {cell(S(name, 'steps_per_s'))} | {vs} | "
                f"{cell(S(name, 'peak_rss_mb'))} |")
        add("")
        add("Where a target is missed: `python benchmarks/small_model.py --only A,B` prints the "
            "cProfile of the slower contender.")
        add("")

    add("## 5. Memory: peak RSS of each measurement's process (MB)")
    add("")
    add("| contender | peak RSS | wall time of the process (s) |")
    add("|---|---|---|")
    for name, c in cons.items():
        add(f"| {label(name)} | {cell(S(name, 'peak_rss_mb'))} | {cell(S(name, 'wall_s'))} |")
    add("")

    failures = [(name, r) for name, c in cons.items() for r in c["runs"] if not r.get("ok")]
    if failures:
        add("## Failed measurements")
        add("")
        for name, r in failures:
            err = (r.get("error") or "").strip().replace("\n", " / ")
            add(f"- `{name}` round {r['round']}: {err[:400]} (log: {r.get('log', '-')})")
        add("")
    return "\n".join(lines)


# ------------------------------------------------------------------------------ main


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="pyestim benchmarks: contenders interleaved round-robin, one fresh "
                    "process per measurement; writes benchmarks/results/latest.{json,md}.")
    p.add_argument("--quick", action="store_true",
                   help="tiny settings to check the harness (2 rounds, few steps); writes "
                        "results/quick.{json,md}")
    p.add_argument("--repeats", type=int, default=None,
                   help=f"rounds (measurements per contender); default {FULL['repeats']}, "
                        f"{QUICK['repeats']} with --quick")
    p.add_argument("--only", default=None,
                   help="comma-separated contenders or groups (cnn, reader, input, api) to run")
    p.add_argument("--list", action="store_true", help="list the contenders and exit")
    p.add_argument("--cnn-steps", type=int, default=None, help="CNN training steps per measurement")
    p.add_argument("--cnn-warmup", type=int, default=None, help="CNN steps not timed")
    p.add_argument("--input-steps", type=int, default=None, help="input-bound steps per measurement")
    p.add_argument("--input-warmup", type=int, default=None)
    p.add_argument("--small-steps", type=int, default=None,
                   help="small-model steps per measurement")
    p.add_argument("--small-warmup", type=int, default=None, help="small-model steps not timed")
    p.add_argument("--eval-n", type=int, default=None, help="test images for evaluate/predict")
    p.add_argument("--timeout", type=int, default=None, help="seconds before a measurement is killed")
    p.add_argument("--isa", default=None,
                   help="ONEDNN_MAX_CPU_ISA for every worker (e.g. AVX2: oneDNN's convolutions "
                        "and matmuls use AVX2 kernels on an AVX-512 machine, to approximate an "
                        "AVX2-only one; TensorFlow's own Eigen kernels are not affected)")
    p.add_argument("--output", default=None,
                   help="results file name without extension (default: latest, or quick)")
    p.add_argument("--readme", action="store_true",
                   help="after the run, put its README rows into results/readme.json and "
                        "rewrite the README's performance table (a full run does this anyway)")
    p.add_argument("--readme-only", nargs="?", const=os.path.join(RESULTS, "latest.json"),
                   default=None, metavar="RESULTS_JSON",
                   help="measure nothing: take the README rows of a results file (default "
                        "results/latest.json) into results/readme.json and rewrite the table")
    return p.parse_args(argv)


def select(only):
    if not only:
        return list(CONTENDERS)
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    names = {c.name for c in CONTENDERS}
    unknown = [w for w in wanted if w not in names and w not in GROUPS]
    if unknown:
        raise SystemExit(f"run.py: unknown contender or group {unknown}; see --list")
    return [c for c in CONTENDERS if c.name in wanted or c.group in wanted]


def main(argv=None):
    a = parse_args(argv)
    if a.list:
        for g, text in GROUPS.items():
            print(f"{g}: {text}")
            for c in CONTENDERS:
                if c.group == g:
                    print(f"  {c.name:22s} {c.label} [{c.lang}]")
        return 0
    s = dict(QUICK if a.quick else FULL)
    if a.readme_only:
        return readme_table.update_from_results(a.readme_only)
    if a.quick and a.readme:
        raise SystemExit("run.py: --quick measures too little for the README table; drop "
                         "--readme (or --quick)")
    for key in ("repeats", "cnn_steps", "cnn_warmup", "input_steps", "input_warmup",
                "small_steps", "small_warmup", "eval_n", "timeout"):
        if getattr(a, key) is not None:
            s[key] = getattr(a, key)
    if s["repeats"] < 1:
        raise SystemExit("run.py: --repeats must be >= 1")
    s["cnn_warmup"] = min(s["cnn_warmup"], max(1, s["cnn_steps"] - 2))
    s["input_warmup"] = min(s["input_warmup"], max(1, s["input_steps"] - 2))
    s["small_warmup"] = min(s["small_warmup"], max(1, s["small_steps"] - 64))
    s["isa"] = a.isa
    s["quick"] = bool(a.quick)
    contenders = select(a.only)

    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("RETICULATE_PYTHON", sys.executable)
    env.setdefault("PYTHONUNBUFFERED", "1")
    if not env.get("PYESTIM_DATA_DIR"):
        d = os.path.normpath(os.path.join(REPO, "..", "shared", "datasets", "mnist"))
        if os.path.isdir(d):
            env["PYESTIM_DATA_DIR"] = d
    if a.isa:
        env["ONEDNN_MAX_CPU_ISA"] = a.isa
    machine = machine_info(env)
    machine["onednn_max_cpu_isa"] = env.get("ONEDNN_MAX_CPU_ISA") or "default (all the CPU has)"
    if any(c.lang == "R" for c in contenders):
        r_info, why = probe_r(env)
        machine.update(r_info)
        for c in contenders:
            if c.lang == "R" and why:
                c.unavailable = why
    else:
        machine.update(probe_r(env)[0])

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    tmp_root = os.path.join(RESULTS, "tmp")
    run_dir = os.path.join(tmp_root, f"run-{stamp}")
    os.makedirs(run_dir, exist_ok=True)
    old = sorted(d for d in os.listdir(tmp_root) if d.startswith("run-"))[:-3]
    for d in old:  # keep the logs of the last three runs
        shutil.rmtree(os.path.join(tmp_root, d), ignore_errors=True)

    runnable = [c for c in contenders if not c.unavailable]
    print(f"pyestim benchmarks{' (quick: harness check)' if a.quick else ''}: "
          f"{len(runnable)} contenders x {s['repeats']} rounds, round-robin; "
          f"logs in {os.path.relpath(run_dir, REPO)}", flush=True)
    for c in contenders:
        if c.unavailable:
            print(f"  {c.name}: unavailable: {c.unavailable}", flush=True)
    load = float(machine["loadavg_start"][0]) if machine["loadavg_start"] else 0.0
    if load > 0.5:
        print(f"  note: load average {load:.2f} at start: other work is running; numbers "
              "will be noisy", flush=True)

    started = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    t_start = time.perf_counter()
    for rnd in range(1, s["repeats"] + 1):
        for c in runnable:
            rec = measure(c, s, rnd, run_dir, env)
            c.runs.append(rec)
            mt = rec.get("metrics", {})
            if rec["ok"]:
                if "steps_per_s" in mt:
                    what = f"{mt['steps_per_s']:.2f} steps/s" + (
                        f", first step {mt['first_step_s']:.2f} s" if "first_step_s" in mt
                        else "")
                elif "gflops" in mt:
                    what = f"{mt['gflops']:.1f} GFLOP/s"
                else:
                    what = (f"evaluate {mt.get('evaluate_examples_per_s', 0):.0f} ex/s, predict "
                            f"{mt.get('predict_examples_per_s', 0):.0f} ex/s, train(steps=1) "
                            f"{mt.get('train_1_first_s', 0):.2f} s")
            else:
                what = "FAILED: " + (rec.get("error") or "").strip().splitlines()[0][:200] \
                    if rec.get("error") else "FAILED"
            print(f"[{rnd}/{s['repeats']}] {c.name:22s} {what}  "
                  f"({rec.get('wall_s', 0):.1f} s, {rec.get('peak_rss_mb', 0):.0f} MB)", flush=True)
        if rnd == 1 and s["repeats"] > 1:
            per_round = time.perf_counter() - t_start
            print(f"  round 1 took {per_round:.0f} s; about {per_round * s['repeats'] / 60:.1f} "
                  "min in all", flush=True)
    elapsed = time.perf_counter() - t_start
    s["elapsed_min"] = elapsed / 60
    machine["loadavg_end"] = _read("/proc/loadavg").split()[:3]
    finished = datetime.datetime.now().astimezone().isoformat(timespec="seconds")

    report = build_report(contenders, s, machine, cnn_flops(100), started, finished)
    md = markdown(report)
    name = a.output or ("quick" if a.quick else "latest")
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, name + ".json"), "w") as fh:
        json.dump(report, fh, indent=1, default=str)
    with open(os.path.join(RESULTS, name + ".md"), "w") as fh:
        fh.write(md + "\n")
    print()
    print(md)
    print(f"\nwritten: benchmarks/results/{name}.json, benchmarks/results/{name}.md "
          f"({elapsed / 60:.1f} min)")
    if a.readme or (not a.only and not a.quick):
        readme_table.update(report)
    ok = any(r.get("ok") for c in contenders for r in c.runs)
    return 0 if ok or not runnable else 1


if __name__ == "__main__":
    sys.exit(main())
