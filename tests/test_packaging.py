"""Building pyestim from a checkout (``pip install <checkout>``, ``pip wheel``) leaves the
source tree as it was: setuptools' build/ and pyestim.egg-info go to a temporary folder
(setup.py). Checked on a copy of the sources, which must come out unchanged."""

import os
import shutil
import subprocess
import sys
import zipfile

from support.paths import REPO as ROOT


def _tree(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob("*")
                  if "__pycache__" not in p.parts)


def test_building_a_wheel_leaves_the_source_tree_clean(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "pyestim", src / "pyestim",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    before = _tree(src)
    out = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out),
                    str(src)], check=True, env={**os.environ, "PIP_NO_INPUT": "1"})
    assert _tree(src) == before  # no build/, no pyestim.egg-info
    wheels = list(out.glob("pyestim-*.whl"))
    assert len(wheels) == 1
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "pyestim/response_levels.py" in names and "pyestim/datasets/data/iris.csv" in names
