"""The two stacks side by side: pyestim on TensorFlow 2.15 (reference) and 2.21 (current).

    python benchmarks/stacks.py              # 5 rounds (~15 minutes on 2 cores)
    python benchmarks/stacks.py --quick      # 2 short rounds: checks the harness, numbers rough

Same method as benchmarks/run.py (whose `measure()` and statistics it uses): one fresh process
per measurement, the stacks interleaved round-robin (reference, current, reference, ...), median
and min-max over rounds, current/reference ratios computed per round. The two contenders run
worker.py's `cnn_pyestim` job (tutorial CNN, batch 100: steps/s after warm-up, first-step time)
and `api_pyestim` job (evaluate / predict throughput on the test images, fixed costs), each in
its stack's own Python (default .venv-reference/bin/python and .venv-current/bin/python; or
--reference-python / --current-python); peak memory is each process's peak RSS.

Writes benchmarks/results/stacks.{json,md} (--quick: stacks-quick.*). A benchmark, not a test.
"""

import argparse
import datetime
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import run  # noqa: E402  (benchmarks/run.py: measure, stats, paired_ratio)

STACKS = ("reference", "current")
JOBS = ("cnn_pyestim", "api_pyestim")
ROWS = [  # (job, metric, label, scale, higher is better)
    ("cnn_pyestim", "steps_per_s", "tutorial CNN training, steps/s", 1.0, True),
    ("cnn_pyestim", "first_step_s", "first step (graph, session, step-0 checkpoint), s", 1.0, False),
    ("cnn_pyestim", "peak_rss_mb", "peak memory, training (MB)", 1.0, False),
    ("api_pyestim", "evaluate_steady_examples_per_s", "evaluate, images/s", 1.0, True),
    ("api_pyestim", "predict_steady_examples_per_s", "predict, images/s", 1.0, True),
    ("api_pyestim", "train_1_first_s", "train(steps = 1), first call in the process, s", 1.0, False),
    ("api_pyestim", "peak_rss_mb", "peak memory, evaluate/predict (MB)", 1.0, False),
    ("cnn_pyestim", "info.import_s", "import tensorflow + pyestim, s", 1.0, False),
]


def cell(s):
    if not s:
        return "-"
    return f"{run.fmt(s['median'])} ({run.fmt(s['min'])}–{run.fmt(s['max'])})"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--repeats", type=int)
    for stack in STACKS:
        p.add_argument(f"--{stack}-python",
                       default=os.path.join(run.REPO, f".venv-{stack}", "bin", "python"))
    a = p.parse_args(argv)
    s = dict(run.QUICK if a.quick else run.FULL)
    if a.repeats:
        s["repeats"] = a.repeats
    contenders = {(job, stack): run.Contender(f"{job}-{stack}", job, f"{job} on {stack}",
                                              "python", python=getattr(a, f"{stack}_python"),
                                              job=job)
                  for job in JOBS for stack in STACKS}
    env = dict(os.environ, PYTHONUNBUFFERED="1", TF_CPP_MIN_LOG_LEVEL="2")
    env.setdefault("PYESTIM_DATA_DIR", os.path.join(run.REPO, "..", "shared", "datasets", "mnist"))
    run_dir = os.path.join(run.RESULTS, "tmp", "stacks-" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))
    os.makedirs(run_dir, exist_ok=True)
    started = datetime.datetime.now().isoformat(timespec="seconds")
    for round_no in range(1, s["repeats"] + 1):
        for job in JOBS:
            for stack in STACKS:
                c = contenders[(job, stack)]
                record = run.measure(c, s, round_no, run_dir, env)
                c.runs.append(record)
                state = "ok" if record.get("ok") else "FAILED: " + record.get("error", "")[:300]
                print(f"[stacks] round {round_no} {c.name}: {state}", flush=True)

    versions = {}
    for stack in STACKS:
        info = next((r["info"] for r in contenders[("cnn_pyestim", stack)].runs if r.get("ok")), {})
        versions[stack] = f"TensorFlow {info.get('tensorflow', '?')}, numpy {info.get('numpy', '?')}"
    lines = [f"# pyestim: reference vs current stack ({'quick' if a.quick else 'full'} run)", "",
             f"Started {started}; {s['repeats']} rounds; CNN {s['cnn_steps']} steps "
             f"({s['cnn_warmup']} warm-up); evaluate/predict on {s['eval_n']} images. Median "
             "(min–max over rounds); the ratio is current/reference per round.", "",
             f"| | reference ({versions['reference']}) | current ({versions['current']}) "
             "| current / reference |", "|---|---|---|---|"]
    table = []
    for job, key, label, _, _ in ROWS:
        ref, cur = contenders[(job, "reference")], contenders[(job, "current")]
        sr, sc = run.stats(run.metric_values(ref, key).values()), run.stats(run.metric_values(cur, key).values())
        ratio = run.paired_ratio(cur, ref, key)
        lines.append(f"| {label} | {cell(sr)} | {cell(sc)} | {cell(ratio)} |")
        table.append({"job": job, "metric": key, "label": label, "reference": sr, "current": sc,
                      "ratio_current_over_reference": ratio})
    failures = [f"{c.name} round {r['round']}: {r.get('error', '')[:200]}"
                for c in contenders.values() for r in c.runs if not r.get("ok")]
    if failures:
        lines += ["", "Failed measurements:", *[f"- {f}" for f in failures]]
    text = "\n".join(lines) + "\n"
    stem = os.path.join(run.RESULTS, "stacks-quick" if a.quick else "stacks")
    with open(stem + ".json", "w") as fh:
        json.dump({"settings": s, "started": started, "versions": versions, "table": table,
                   "runs": {c.name: c.runs for c in contenders.values()}}, fh, indent=1)
    with open(stem + ".md", "w") as fh:
        fh.write(text)
    print(text)
    return 0 if any(r.get("ok") for c in contenders.values() for r in c.runs) else 1


if __name__ == "__main__":
    sys.exit(main())
