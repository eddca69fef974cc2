"""tests/parity/mutation-check.sh's verdicts, with a stand-in for the venv's Python: a mutation
counts as caught only when its own run wrote a report with DIFFERENT rows and pytest failed; a
report left by an earlier run never stands in for a run that wrote none. No R or TensorFlow
needed."""

import os
import pathlib
import subprocess

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parent / "mutation-check.sh"
DIFFERENT = "| case | losses | #1 vs #2 | DIFFERENT | step 3 |\n"
SAME = "| case | losses | #1 vs #2 | same |  |\n"

#: The stand-in for "$venv/bin/python -m pytest ...": does what FAKE_PYTEST says.
FAKE_PYTHON = """#!/usr/bin/env bash
case "$FAKE_PYTEST" in
  crash) echo "ImportError while loading conftest"; echo "1 error in 0.1s"; exit 4 ;;
  caught) printf '## S\\n\\n%s' "$FAKE_ROW" > "$PYESTIM_PARITY_REPORT"
          echo "1 failed, 2 passed in 1.0s"; exit 1 ;;
  missed) printf '## S\\n\\n%s' "$FAKE_ROW" > "$PYESTIM_PARITY_REPORT"
          echo "3 passed in 1.0s"; exit 0 ;;
esac
"""


def _run(tmp_path, behaviour, row=DIFFERENT, only="dropin-r", sections=None):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True, exist_ok=True)
    (venv / "bin" / "python").write_text(FAKE_PYTHON)
    (venv / "bin" / "python").chmod(0o755)
    env = dict(os.environ, PYESTIM_VENV=str(venv), FAKE_PYTEST=behaviour, FAKE_ROW=row,
               PYESTIM_MUTATION_REPORTS=str(tmp_path / "reports"),
               PYESTIM_MUTATION_ONLY=only, PYESTIM_MUTATION_SECTIONS=sections or "")
    out = tmp_path / "mutation-check.md"
    done = subprocess.run(["bash", str(SCRIPT), str(out)], env=env, capture_output=True,
                          text=True, timeout=60)
    return done.returncode, out.read_text()


def test_a_caught_mutation_passes(tmp_path):
    status, table = _run(tmp_path, "caught")
    assert status == 0, table
    assert "| `steps:dropin-r` | `tests/parity/test_dropin.py` |" in table
    assert "| 1 | 1 failed | 1 of 1 rows: case |" in table
    assert "Every mutation (1) made its comparison fail." in table


def test_a_run_that_writes_no_report_fails_despite_an_old_one(tmp_path):
    """The earlier report (with DIFFERENT rows) is deleted, not counted again."""
    old = tmp_path / "reports" / "steps_dropin-r.md"
    old.parent.mkdir(parents=True)
    old.write_text("## S\n\n" + DIFFERENT * 5)
    status, table = _run(tmp_path, "crash")
    assert status == 1
    assert not old.exists()
    assert "| 4 | 0 failed | NO REPORT WRITTEN" in table
    assert "Every mutation" not in table


@pytest.mark.parametrize("behaviour,row", [("missed", SAME), ("caught", SAME)])
def test_a_mutation_without_different_rows_fails(tmp_path, behaviour, row):
    status, table = _run(tmp_path, behaviour, row)
    assert status == 1
    assert "0 of 1 rows" in table


def test_sections_select_by_test_file_and_an_empty_selection_fails(tmp_path):
    status, table = _run(tmp_path, "caught", only="", sections="api dropin")
    assert status == 0, table
    assert table.count("| `steps:dropin-r` |") == 1 and "`signature:api-python`" in table
    assert "test_canned.py" not in table and "test_tutorial.py" not in table
    status, table = _run(tmp_path, "caught", only="", sections="nosuchsection")
    assert status == 1
    assert "NO MUTATION RAN" in table
