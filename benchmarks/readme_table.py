"""The README's performance table (issue 20, point 3), written by the benchmark, never by hand.

benchmarks/run.py calls update(report) after a full run or with --readme, and
update_from_results(path) for --readme-only. Each takes the table's rows (ROWS: per-round
ratios, the targets of issue 20) that the run measured, merges them into
benchmarks/results/readme.json (rows the run did not measure keep their own values and their
own run's description), and rewrites the README between START and END from that file alone.
render(data) is a pure function of readme.json's contents, so tests/test_benchmark_readme.py
checks that the README's block is render(readme.json) (a hand edit or a stale table fails).

readme.json is written only here: a partial run without --readme (`bash dev.sh bench --only
cnn_tf,cnn_pyestim`) rewrites results/latest.* but neither readme.json nor the README.

    python benchmarks/readme_table.py     # re-render the README from results/readme.json
"""

import json
import os
import sys

__all__ = ["ROWS", "START", "END", "rows_from_report", "merge", "render", "replace_block",
           "update", "update_from_results", "main"]

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
README = os.path.join(REPO, "README.md")
DATA = os.path.join(HERE, "results", "readme.json")

START = ("<!-- benchmark table: written by benchmarks/run.py (--readme, --readme-only), "
         "do not edit -->")
END = "<!-- end of the benchmark table -->"

# (key, what, run.py's comparison "a/b" of steps/s, target: the median ratio at least)
ROWS = [
    ("cnn", "Tutorial CNN: pyestim / plain tf.estimator", "cnn_pyestim/cnn_tf", 0.98),
    ("input", "Input-bound softmax regression: pyestim's numpy_input_fn / the stock one",
     "input_pyestim/input_stock", 1.39),
    ("small_k32", "Small DNN: pyestim steps_per_run 32 / Keras steps_per_execution 32",
     "small_pyestim_k32/small_keras_spe32", 1.0),
    ("small_r_k1", "Small DNN, steps_per_run 1: pyestim from R / from Python",
     "small_r_k1/small_pyestim_k1", 0.95),
    ("small_r_k32", "Small DNN, steps_per_run 32: R / Python",
     "small_r_k32/small_pyestim_k32", 0.95),
    ("small_hooks", "Small DNN, steps_per_run 1: pyestim.train() / without its default hooks",
     "small_pyestim_k1/small_pyestim_k1_bare", 0.95),
]


def _extensions(flags):
    flags = set(flags or ())
    if "avx512f" in flags:
        return "AVX-512 and AVX2"
    if "avx2" in flags:
        return "AVX2, no AVX-512"
    return "no AVX2"


def _run_of(report):
    """What the table says about the run: its date, stack, CPU, load."""
    m, s = report["machine"], report["settings"]
    load = m.get("loadavg_start") or []
    return {"date": report["started"], "tensorflow": m.get("tensorflow"),
            "cpu": m.get("cpu_model"), "extensions": _extensions(m.get("cpu_flags")),
            "isa": s.get("isa"), "cpus": m.get("usable_cpus"),
            "load": float(load[0]) if load else None, "rounds": s.get("repeats"),
            # not rendered, for whoever reads the file
            "git_commit": m.get("git_commit"), "python": m.get("python"),
            "loadavg_end": m.get("loadavg_end")}


def rows_from_report(report):
    """The ROWS a run measured: {key: {"median", "min", "max", "n"}} (rows it did not measure
    are left out)."""
    out = {}
    for key, _, comparison, _ in ROWS:
        r = (report.get("comparisons") or {}).get(comparison)
        if r:
            out[key] = {k: r[k] for k in ("median", "min", "max", "n")}
    return out


def merge(data, report):
    """readme.json's contents with the rows `report` measured replaced by this run's; the
    other rows keep theirs (with their run). Runs no row refers to any more are dropped."""
    data = {"runs": dict((data or {}).get("runs", {})),
            "rows": dict((data or {}).get("rows", {}))}
    measured = rows_from_report(report)
    if measured:
        run = _run_of(report)
        data["runs"][run["date"]] = run
        for key, value in measured.items():
            data["rows"][key] = dict(value, run=run["date"])
    used = {row["run"] for row in data["rows"].values()}
    data["runs"] = {k: v for k, v in data["runs"].items() if k in used}
    return data


def _describe(run):
    date = run["date"][:16].replace("T", " ") + (" UTC" if run["date"].endswith("+00:00")
                                                 else run["date"][19:])
    isa = f", oneDNN limited to {run['isa']} (`--isa`)" if run.get("isa") else ""
    load = f"{run['load']:.1f}" if run.get("load") is not None else "?"
    end = run.get("loadavg_end")
    end = f" ({float(end[0]):.1f} at the end)" if end else ""
    return (f"{date}, TensorFlow {run['tensorflow']}, {run['cpu']} ({run['cpus']} CPUs, "
            f"{run['extensions']}{isa}), load average {load} at the start{end}, "
            f"{run['rounds']} rounds")


def _ratio(row):
    text = f"{row['median']:.3f}x"
    if row["n"] > 1:
        text += f" ({row['min']:.3f}–{row['max']:.3f})"
    return text


def render(data):
    """The README's block (between START and END, markers excluded) for readme.json's data."""
    runs = sorted((data or {}).get("runs", {}).values(), key=lambda r: r["date"])
    rows = (data or {}).get("rows", {})
    tag = {r["date"]: f"run {chr(ord('a') + i)}" for i, r in enumerate(runs)}
    if len(runs) == 1:
        head = f"Measured by one run of `benchmarks/run.py`: {_describe(runs[0])}."
    elif runs:
        head = "Measured by runs of `benchmarks/run.py`: " + "; ".join(
            f"{tag[r['date']]}: {_describe(r)}" for r in runs) + "."
    else:
        head = "Not measured yet."
    lines = [head + " Each ratio: steps/s of the two, per round, median (min–max); a "
             "target is met when the median reaches it.", "",
             "| what | ratio | target | |", "|---|---|---|---|"]
    straddled = False
    for key, what, _, least in ROWS:
        row = rows.get(key)
        if row is None:
            lines.append(f"| {what} | not measured | >= {least:.2f}x | not measured |")
            continue
        mark = f" ({tag[row['run']]})" if len(runs) > 1 else ""
        status = "met" if row["median"] >= least else "**missed**"
        if row["n"] > 1 and row["min"] < least <= row["max"]:
            status += " †"
            straddled = True
        lines.append(f"| {what}{mark} | {_ratio(row)} | >= {least:.2f}x | {status} |")
    lines += ["", ("† the target lies within the rounds' min–max. " if straddled else "")
              + "Method, absolute numbers and profiles: [benchmarks/README.md]"
              "(benchmarks/README.md)."]
    return "\n".join(lines)


def replace_block(text, block):
    """`text` with what lies between START and END replaced by `block`."""
    i, j = text.find(START), text.find(END)
    if i < 0 or j < i:
        raise ValueError(f"README.md lacks the benchmark table's markers: put {START} and "
                         f"{END} on lines of their own where the table goes")
    return text[:i + len(START)] + "\n" + block + "\n" + text[j:]


def _load(path=DATA):
    try:
        with open(path) as fh:
            return json.load(fh)
    except FileNotFoundError:
        return {"runs": {}, "rows": {}}


def _write(data, readme=README, path=DATA):
    with open(path, "w") as fh:
        json.dump(data, fh, indent=1, sort_keys=True)
        fh.write("\n")
    with open(readme) as fh:
        text = fh.read()
    with open(readme, "w") as fh:
        fh.write(replace_block(text, render(data)))


def update(report, readme=README, path=DATA):
    """Merges a run's rows into readme.json and rewrites the README's table."""
    measured = rows_from_report(report)
    data = merge(_load(path), report)
    _write(data, readme, path)
    kept = [k for k, _, _, _ in ROWS if k not in measured and k in data["rows"]]
    missing = [k for k, _, _, _ in ROWS if k not in data["rows"]]
    print(f"README.md's benchmark table: rows from this run {sorted(measured) or 'none'}; "
          f"kept from earlier runs {kept or 'none'}; not measured {missing or 'none'} "
          f"(benchmarks/results/readme.json)")
    return 0


def update_from_results(results_json, readme=README, path=DATA):
    """run.py --readme-only: the rows of a results file (no measuring)."""
    with open(results_json) as fh:
        report = json.load(fh)
    if report.get("settings", {}).get("quick"):
        raise SystemExit(f"{results_json} is a --quick run (a harness check): its numbers do "
                         "not go in the README")
    return update(report, readme, path)


def main():
    _write(_load())
    print("README.md's benchmark table re-rendered from benchmarks/results/readme.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
