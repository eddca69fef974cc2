"""Where the CPU goes while the tutorial CNN trains, by reader: a `perf` profile of plain
tf.estimator fed by the stock numpy_input_fn (worker.py's `cnn_tf`) and by pyestim's
(`cnn_tf_pyreader`), and pyestim's train() with its own reader (`cnn_pyestim`).

    python benchmarks/reader_profile.py [--rounds 2] [--seconds 30] [--isa AVX2]

Each round runs every job in a fresh process (worker.py, 10,000 steps so that it is still
training), waits for the end of its warm-up (20 steps: the worker's step timer writes
BENCH_WARM_FILE), samples it with `perf record -F 499 -g -p PID -- sleep SECONDS`, stops it,
and sorts the samples by the code they fell in: oneDNN's JIT kernels (the convolutions and
matmuls), the rest of TensorFlow (Eigen, the executor), the kernel, Python, NumPy, tf.data and
the readers' ops, the C library (memcpy: copies). Needs `perf` (Linux; perf_event_paranoid
<= 2 for one's own processes). Writes results/reader-profile.{json,md}. A benchmark, not a
test; a share is of the process's CPU samples, so it holds on a busy machine too.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import run  # noqa: E402  (machine_info, REPO, RESULTS)

JOBS = ("cnn_tf", "cnn_tf_pyreader", "cnn_pyestim")
CATEGORIES = (  # first match wins: (name, test on the perf report line)
    ("tf.data and reader ops", lambda sym, dso: bool(re.search(
        r"data::|Iterator|PyFunc|Prefetch|Unbatch|FlatMap|Generator|FIFOQueue|QueueBase|"
        r"Enqueue|Dequeue", sym))),
    ("Python interpreter", lambda sym, dso: "libpython" in dso or "python3" in dso),
    ("NumPy", lambda sym, dso: "numpy" in dso or "_multiarray" in dso),
    ("oneDNN JIT kernels", lambda sym, dso: dso.startswith("[JIT]")),
    ("kernel (scheduling, page faults, futex)", lambda sym, dso: dso.startswith("[kernel")),
    ("C library (memcpy, malloc)", lambda sym, dso: "libc" in dso),
    ("TensorFlow (Eigen, executor, oneDNN)", lambda sym, dso: "tensorflow" in dso),
)


def categorise(report_text):
    shares = {}
    for line in report_text.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\S.*?)\s{2,}\[(.)\]\s+(.*)", line)
        if not m:
            continue
        pct, dso, sym = float(m.group(1)), m.group(2).strip(), m.group(4)
        name = next((n for n, test in CATEGORIES if test(sym, dso)), "other")
        shares[name] = shares.get(name, 0.0) + pct
    return shares


def profile(job, rnd, seconds, env, tmp):
    warm = os.path.join(tmp, f"{job}-{rnd}.warm")
    out = os.path.join(tmp, f"{job}-{rnd}.json")
    data = os.path.join(tmp, f"{job}-{rnd}.perf")
    cmd = [sys.executable, os.path.join(HERE, "worker.py"), job, "--out", out, "--tmp", tmp,
           "--steps", "10000", "--warmup", "20"]
    with open(os.path.join(tmp, f"{job}-{rnd}.log"), "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                env=dict(env, BENCH_WARM_FILE=warm), start_new_session=True)
    try:
        deadline = time.time() + 600
        while not os.path.exists(warm):
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"{job} ended or hung before its warm-up was over")
            time.sleep(0.5)
        subprocess.run(["perf", "record", "-q", "-F", "499", "-p", str(proc.pid), "-o", data,
                        "--", "sleep", str(seconds)], check=True, capture_output=True)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the worker's own process group
        proc.wait()
    rep = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", "dso,sym",
                          "-q", "-g", "none"], check=True, capture_output=True, text=True)
    return categorise(rep.stdout)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--seconds", type=int, default=30)
    p.add_argument("--isa", default=None, help="ONEDNN_MAX_CPU_ISA for the workers, e.g. AVX2")
    p.add_argument("--output", default="reader-profile")
    a = p.parse_args(argv)
    if shutil.which("perf") is None:
        raise SystemExit("reader_profile.py: perf is not installed (apt-get install linux-perf)")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
    if a.isa:
        env["ONEDNN_MAX_CPU_ISA"] = a.isa
    machine = run.machine_info(env)
    machine["onednn_max_cpu_isa"] = env.get("ONEDNN_MAX_CPU_ISA") or "default"
    results = {job: [] for job in JOBS}
    tmp = tempfile.mkdtemp(prefix="reader_profile_")
    try:
        for rnd in range(1, a.rounds + 1):
            for job in JOBS:
                shares = profile(job, rnd, a.seconds, env, tmp)
                results[job].append(shares)
                top = ", ".join(f"{k} {v:.2f}%" for k, v in sorted(shares.items(),
                                                                   key=lambda kv: -kv[1]))
                print(f"[{rnd}/{a.rounds}] {job}: {top}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    names = [n for n, _ in CATEGORIES] + ["other"]
    lines = [f"# Where the CPU goes while the tutorial CNN trains, by reader ({machine['cpu_model']}, "
             f"{machine['usable_cpus']} cores; oneDNN ISA limit: {machine['onednn_max_cpu_isa']}; "
             f"TensorFlow {machine['tensorflow']}; load average at the start "
             f"{' '.join(machine['loadavg_start'])})", "",
             f"`perf record -F 499` of the training process for {a.seconds} s after the "
             f"warm-up, {a.rounds} rounds (fresh processes, jobs alternating); share of the "
             "process's CPU samples, median over rounds (min–max).", "",
             "| code | " + " | ".join(f"`{j}`" for j in JOBS) + " |",
             "|---|" + "---|" * len(JOBS)]
    for name in names:
        cells = []
        for job in JOBS:
            vals = sorted(r.get(name, 0.0) for r in results[job])
            med = vals[len(vals) // 2] if len(vals) % 2 else sum(vals[len(vals) // 2 - 1:
                                                                    len(vals) // 2 + 1]) / 2
            cells.append(f"{med:.2f}% ({vals[0]:.2f}–{vals[-1]:.2f})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    md = "\n".join(lines)
    os.makedirs(run.RESULTS, exist_ok=True)
    with open(os.path.join(run.RESULTS, a.output + ".json"), "w") as fh:
        json.dump({"machine": machine, "seconds": a.seconds, "rounds": a.rounds,
                   "categories": names, "results": results}, fh, indent=1, default=str)
    with open(os.path.join(run.RESULTS, a.output + ".md"), "w") as fh:
        fh.write(md + "\n")
    print("\n" + md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
