"""Wall time of ``pyestim mnist --help`` and of an argument error, before and after the CLI
parsed its arguments before importing TensorFlow (issue 11, point 9).

    python benchmarks/cli_startup.py                 # ~1-2 minutes
    python benchmarks/cli_startup.py --rounds 5 --before a99a5d1

"Before" is pyestim's source at ``--before`` (a git revision: ``git archive`` of its
``pyestim/`` into a temporary folder), "after" is this checkout's; both run with this Python
(``sys.executable``) and its packages, each first on ``PYTHONPATH``, as ``python -m pyestim
ARGS``. Each round runs every (version, command) once, the two versions alternating (the
first of each round swaps between rounds), so drift of the machine affects both alike. Time
is wall time of the whole process (``time.perf_counter()`` around ``subprocess.run``). One
unmeasured warm-up run of each fills the file cache first.

Writes ``benchmarks/results/cli_startup.json`` and ``cli_startup.md``. A benchmark, not a test.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
COMMANDS = {"pyestim mnist --help": ["mnist", "--help"],
            "pyestim mnist --steps 0 (argument error)": ["mnist", "--steps", "0"]}


def export(revision, into):
    """pyestim/ at ``revision`` into the folder ``into``."""
    archive = subprocess.run(["git", "-C", REPO, "archive", revision, "pyestim"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", into], input=archive, check=True)


def run_once(root, argv):
    env = dict(os.environ, PYTHONPATH=root, TF_CPP_MIN_LOG_LEVEL="2")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pyestim", *argv], env=env, cwd=root,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 2) or "usage: pyestim" not in proc.stdout + proc.stderr:
        raise RuntimeError(f"{root}: pyestim {' '.join(argv)} failed:\n{proc.stderr[-2000:]}")
    return seconds


def which_pyestim(root):
    env = dict(os.environ, PYTHONPATH=root)
    return subprocess.run([sys.executable, "-c", "import pyestim; print(pyestim.__file__)"],
                          env=env, cwd=root, capture_output=True, text=True).stdout.strip()


def measure(roots, rounds):
    times = {(v, c): [] for v in roots for c in COMMANDS}
    for version, root in roots.items():  # warm-up
        for argv in COMMANDS.values():
            run_once(root, argv)
    for r in range(rounds):
        order = list(roots) if r % 2 == 0 else list(reversed(roots))
        for command, argv in COMMANDS.items():
            for version in order:
                times[(version, command)].append(run_once(roots[version], argv))
    return times


def report(times, rounds, revision):
    rows = []
    for command in COMMANDS:
        before, after = times[("before", command)], times[("after", command)]
        ratios = [b / a for b, a in zip(before, after)]
        rows.append({"command": command,
                     "before_s": {"median": statistics.median(before), "min": min(before),
                                  "max": max(before)},
                     "after_s": {"median": statistics.median(after), "min": min(after),
                                 "max": max(after)},
                     "speedup_per_round": {"median": statistics.median(ratios),
                                           "min": min(ratios), "max": max(ratios)},
                     "before_all": before, "after_all": after})
    lines = [f"`python -m pyestim ...` wall time, {rounds} alternating rounds; before = "
             f"pyestim at {revision}, after = this checkout; load average at the start "
             f"{os.getloadavg()[0]:.2f}.", "",
             "| command | before, median s (min-max) | after, median s (min-max) | "
             "speed-up per round, median (min-max) |", "|---|---|---|---|"]
    for row in rows:
        b, a, s = row["before_s"], row["after_s"], row["speedup_per_round"]
        lines.append(f"| `{row['command']}` | {b['median']:.2f} ({b['min']:.2f}-{b['max']:.2f})"
                     f" | {a['median']:.2f} ({a['min']:.2f}-{a['max']:.2f}) | "
                     f"{s['median']:.0f}x ({s['min']:.0f}-{s['max']:.0f}) |")
    return rows, "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", default="a99a5d1",
                        help="git revision whose pyestim/ is 'before' (default: a99a5d1, the "
                             "last commit that imported TensorFlow before parsing)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pyestim-before-") as old:
        export(args.before, old)
        roots = {"before": old, "after": REPO}
        for version, root in roots.items():
            found = which_pyestim(root)
            if not found.startswith(root):
                raise RuntimeError(f"{version}: PYTHONPATH={root} imports {found}")
        times = measure(roots, args.rounds)
    rows, text = report(times, args.rounds, args.before)
    results = {"rounds": args.rounds, "before": args.before, "rows": rows,
               "python": platform.python_version(), "machine": platform.machine(),
               "loadavg_at_end": os.getloadavg()}
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "cli_startup.json"), "w") as f:
        json.dump(results, f, indent=2)
    with open(os.path.join(HERE, "results", "cli_startup.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
