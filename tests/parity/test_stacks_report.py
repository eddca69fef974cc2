"""The per-stack parity report (tests/parity/stacks.py), on reports written here by hand: rows
are matched by section, case and what was compared, each stack's result gets its column, and a
row one stack lacks says "not run". No R or TensorFlow needed."""

from .stacks import combine, main, problems, read_report

REFERENCE = """# pyestim parity report

2026-11-30 12:00, Python 3.11.7, TensorFlow 2.15.1, R version 4.2.2.

## Tutorial parity

| case | compared | runs | result | detail |
|---|---|---|---|---|
| cnn: R vs Python | per-step losses | #1 vs #2 | same |  |
| cnn: R vs Python | final variables | #1 vs #2 | same |  |

Runs compared in this section:

| run | side | how |
|---|---|---|
| #1 | R | x |

## Errors

| case | compared | runs | result | detail |
|---|---|---|---|---|
| steps = -1 | class and message | #3 vs #4 | same | detail with | a pipe |
| train: unknown argument | class and message | #5 vs #6 | n/a | intentional (differences.csv) |
"""

CURRENT = """# pyestim parity report

2026-11-30 12:30, Python 3.11.7, TensorFlow 2.21.0, R version 4.2.2.

## Tutorial parity

| case | compared | runs | result | detail |
|---|---|---|---|---|
| cnn: R vs Python | per-step losses | #7 vs #9 | DIFFERENT | step 3 |
| cnn: R vs Python | final variables | #7 vs #9 | same |  |
| cnn: R vs Python | final variables | #8 vs #9 | same |  |
"""


def test_read_report_keeps_rows_by_section_case_and_comparison():
    header, rows, count = read_report(REFERENCE)
    assert header == "2026-11-30 12:00, Python 3.11.7, TensorFlow 2.15.1, R version 4.2.2"
    assert count == 4
    assert rows == {("Tutorial parity", "cnn: R vs Python", "per-step losses"): "same",
                    ("Tutorial parity", "cnn: R vs Python", "final variables"): "same",
                    ("Errors", "steps = -1", "class and message"): "same",
                    ("Errors", "train: unknown argument", "class and message"): "n/a"}


def test_combined_report_has_a_column_per_stack():
    text = combine([("reference", REFERENCE), ("current", CURRENT)])
    lines = text.splitlines()
    assert "| case | compared | reference | current |" in lines
    assert "| cnn: R vs Python | per-step losses | same | DIFFERENT |" in lines
    assert "| cnn: R vs Python | final variables | same | same |" in lines
    assert "| steps = -1 | class and message | same | not run |" in lines
    assert "| train: unknown argument | class and message | n/a | not run |" in lines
    # the current report makes one comparison twice (other runs): 3 rows, 2 distinct
    assert any("**current**" in line and "3 comparisons (2 distinct), 1 different" in line
               for line in lines)
    assert lines[-1] == ("4 distinct comparisons; different: reference 0, current 1; rows "
                         "missing on a stack: 2.")


def test_main_names_a_missing_report(tmp_path, capsys):
    ref = tmp_path / "parity-report-reference.md"
    ref.write_text(REFERENCE)
    out = tmp_path / "parity-report.md"
    assert main([str(ref), str(tmp_path / "parity-report-current.md"), "-o", str(out)]) == 1
    assert "parity-report-current.md is missing" in capsys.readouterr().err
    same = tmp_path / "parity-report-same.md"
    same.write_text(REFERENCE)
    assert main([str(ref), str(same), "-o", str(out)]) == 0
    assert "| reference | same |" in out.read_text()


def test_main_fails_on_a_different_or_missing_row(tmp_path, capsys):
    """The combined report is written, and the run fails naming each row that is DIFFERENT on
    a stack or missing on one."""
    ref, cur = tmp_path / "parity-report-reference.md", tmp_path / "parity-report-current.md"
    ref.write_text(REFERENCE)
    cur.write_text(CURRENT)
    out = tmp_path / "parity-report.md"
    assert main([str(ref), str(cur), "-o", str(out)]) == 1
    assert "| reference | current |" in out.read_text()
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "current: DIFFERENT: Tutorial parity: cnn: R vs Python (per-step losses)",
        "current: not run: Errors: steps = -1 (class and message)",
        "current: not run: Errors: train: unknown argument (class and message)",
        f"3 rows different or missing on a stack (see {out})"]
    # only a missing row (the current report without its DIFFERENT one) also fails
    cur.write_text(CURRENT.replace("| DIFFERENT | step 3 |", "| same |  |"))
    assert main([str(ref), str(cur), "-o", str(out)]) == 1
    assert problems([("reference", REFERENCE), ("current", REFERENCE)]) == []
