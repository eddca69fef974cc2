"""``R CMD check --no-manual`` of the R package (r/) finds nothing to report: its man pages
(written by hand) document every export with the functions' own formals, and its imports are
declared. The package's tests are left out (``--no-tests``): they run on their own (R
testthat, before pytest, in ``bash dev.sh test``)."""

import os
import re
import subprocess

from support.paths import R_PACKAGE
from support.r import r_library, r_program


def test_r_cmd_check_reports_nothing(tmp_path):
    r_program("R", "R is not installed", "CI=true but R is not installed: R CMD check cannot run.")
    env = dict(os.environ, R_LIBS=r_library(), _R_CHECK_FORCE_SUGGESTS_="false")
    built = subprocess.run(["R", "CMD", "build", str(R_PACKAGE)], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    [tarball] = tmp_path.glob("pyestim_*.tar.gz")
    checked = subprocess.run(["R", "CMD", "check", "--no-manual", "--no-tests", tarball.name],
                             cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=600)
    out = checked.stdout + checked.stderr
    problems = re.findall(r"^\* checking [^\n]*\.\.\. (?:NOTE|WARNING|ERROR)\n.*?(?=^\* )",
                          out, flags=re.M | re.S)
    assert "Status: OK" in out and checked.returncode == 0, "".join(problems) or out
