"""The parity report with a column per TensorFlow stack.

Each stack's test run writes its own report (``build/parity-report-reference.md``,
``build/parity-report-current.md``: dev.sh sets ``PYESTIM_PARITY_REPORT``). After both, .ci/run
calls this module to put them side by side in ``build/parity-report.md``: one row per
comparison (section, case, what was compared), with each stack's result ("same", "DIFFERENT",
or "not run" where that stack's report has no such row), and per stack the number of
comparisons and of different ones. The run numbers of the two reports are not comparable (each
run numbers its own), so they are not repeated: each stack's report names its runs.

    python tests/parity/stacks.py build/parity-report-reference.md \\
        build/parity-report-current.md -o build/parity-report.md

It exits with status 1 (after writing the combined report) when a row is DIFFERENT on some
stack, or a comparison one stack made is missing on another, naming each such row on stderr.
"""

import argparse
import pathlib
import re
import sys

__all__ = ["read_report", "combine", "problems", "main"]

_ROW = re.compile(r"^\| (?P<case>.*?) \| (?P<compared>.*?) \| #\d+ vs #\d+ \| "
                  r"(?P<result>[^|]+?) \|")


def read_report(text):
    """The report's header line (date, versions), its rows as an ordered dict
    ``{(section, case, compared): result}`` and the number of rows. A comparison made more than
    once in a section (the same case and compared, other runs) is one key here, with the worse
    result, and counts once per row in the number."""
    header, section, rows, count = "", None, {}, 0
    for line in text.splitlines():
        if not header and re.match(r"^\d{4}-\d\d-\d\d ", line):
            header = line.strip().rstrip(".")
        if line.startswith("## "):
            section = line[3:].strip()
            continue
        found = _ROW.match(line)
        if found and section is not None:
            count += 1
            key = (section, found["case"], found["compared"])
            if key in rows and rows[key] != found["result"]:
                rows[key] = "DIFFERENT"  # a repeated comparison: the worse result counts
            else:
                rows.setdefault(key, found["result"])
    return header, rows, count


def combine(reports):
    """``reports``: [(stack name, report text)] -> the combined report's markdown."""
    read = [(name, *read_report(text)) for name, text in reports]
    keys = []
    for _, _, rows, _ in read:
        keys += [k for k in rows if k not in keys]
    names = [name for name, _, _, _ in read]
    lines = ["# pyestim parity report, per TensorFlow stack", "",
             "Each stack's own report (build/parity-report-STACK.md) names the two runs behind "
             "each row; this table puts the results side by side. 'not run': that stack's "
             "report has no such row.", ""]
    for name, header, rows, count in read:
        different = sum(1 for r in rows.values() if r == "DIFFERENT")
        lines.append(f"* **{name}**: {header or 'no header'}; {count} comparisons ({len(rows)} "
                     f"distinct), {different} different.")
    section = None
    for key in keys:
        if key[0] != section:
            section = key[0]
            lines += ["", f"## {section}", "", "| case | compared | " + " | ".join(names) + " |",
                      "|---|---|" + "---|" * len(names)]
        cells = [rows.get(key, "not run") for _, _, rows, _ in read]
        lines.append(f"| {key[1]} | {key[2]} | " + " | ".join(cells) + " |")
    missing = sum(1 for key in keys for _, _, rows, _ in read if key not in rows)
    different = {name: sum(1 for r in rows.values() if r == "DIFFERENT")
                 for name, _, rows, _ in read}
    lines += ["", f"{len(keys)} distinct comparisons; different: "
              + ", ".join(f"{n} {different[n]}" for n in names)
              + f"; rows missing on a stack: {missing}."]
    return "\n".join(lines) + "\n"


def problems(reports):
    """``reports``: [(stack name, report text)] -> one line per row that fails the run: a
    DIFFERENT result on a stack, or a comparison missing on a stack that another one made."""
    read = [(name, read_report(text)[1]) for name, text in reports]
    keys = []
    for _, rows in read:
        keys += [k for k in rows if k not in keys]
    found = []
    for key in keys:
        for name, rows in read:
            where = f"{key[0]}: {key[1]} ({key[2]})"
            if key not in rows:
                found.append(f"{name}: not run: {where}")
            elif rows[key] == "DIFFERENT":
                found.append(f"{name}: DIFFERENT: {where}")
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", nargs="+", help="parity-report-STACK.md files")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    reports = []
    for path in map(pathlib.Path, args.reports):
        name = re.sub(r"^parity-report-?", "", path.stem) or path.stem
        if not path.is_file():
            print(f"parity report {path} is missing (did that stack's tests run?)",
                  file=sys.stderr)
            return 1
        reports.append((name, path.read_text()))
    out = pathlib.Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = combine(reports)
    out.write_text(text)
    print(text.rstrip().splitlines()[-1])
    bad = problems(reports)
    for line in bad:
        print(line, file=sys.stderr)
    if bad:
        print(f"{len(bad)} rows different or missing on a stack (see {out})", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
