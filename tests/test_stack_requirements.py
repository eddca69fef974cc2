"""The `current` stack installs on the newer Pythons it claims (docs/stacks.md, "Support matrix"):
every version pinned in requirements-lock-current.txt has a wheel for Python 3.12 and 3.13.

pip resolves the pins for the other Python (``--python-version``, ``--only-binary=:all:``,
``--no-deps``) with ``--dry-run`` into a temporary target: nothing is installed, and pip reads
the wheels' metadata from the index rather than downloading TensorFlow's 500 MB wheels, so each
Python takes ~20 s. Needs the package index (CI has it).
"""

import json
import os
import re
import subprocess
import sys

import pytest
from support.ci import in_ci
from support.paths import REPO
from support.process import child_env

LOCK = REPO / "requirements-lock-current.txt"
# Test-only packages without wheels on the index: built from source against the system's R.
SOURCE_ONLY = {"rpy2"}


def pins(lock=LOCK):
    found = {}
    for line in lock.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"{lock.name}: {line!r} is not pinned with =="
            found[name.lower().replace("_", "-")] = version
    return found


def test_the_lock_pins_the_current_stack():
    pinned = pins()
    assert pinned["tensorflow"].startswith("2.21.")
    assert pinned["tf-keras"].startswith("2.21.")
    assert pinned["tensorflow-estimator"] == "2.15.0"
    assert pinned["numpy"].startswith("2.")
    assert "tensorflow-cpu" not in pinned  # tf-keras needs the full wheel; both clash
    assert SOURCE_ONLY <= set(pinned)


def wheel_fits(filename, python):
    """Whether a wheel's tags (name-version-python-abi-platform.whl) run on CPython `python`."""
    tags = filename[:-len(".whl")].split("-")
    py_tags, abi_tags = tags[-3].split("."), tags[-2].split(".")
    cp = "cp" + python.replace(".", "")
    if cp in py_tags:
        return True
    if "abi3" in abi_tags:  # stable ABI from some older CPython 3 on
        return any(re.fullmatch(r"cp3(\d+)", t) and int(t[3:]) <= int(python.split(".")[1])
                   for t in py_tags)
    return abi_tags == ["none"] and "py3" in py_tags


@pytest.mark.network
@pytest.mark.parametrize("python", ["3.12", "3.13"])
def test_every_pinned_package_has_a_wheel_for(python, tmp_path):
    wanted = {name: version for name, version in pins().items() if name not in SOURCE_ONLY}
    report = tmp_path / "report.json"
    out = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "install", "--dry-run",
         "--no-deps", "--ignore-installed", "--only-binary=:all:", "--python-version", python,
         "--target", str(tmp_path / "target"), "--report", str(report),
         *[f"{name}=={version}" for name, version in wanted.items()]],
        capture_output=True, text=True, timeout=600, env=child_env())
    assert out.returncode == 0, (f"the current stack's pins do not all have wheels for Python "
                                 f"{python}:\n{out.stderr[-3000:]}")
    chosen = {item["metadata"]["name"].lower().replace("_", "-"):
              (item["metadata"]["version"], item["download_info"]["url"].rsplit("/", 1)[-1])
              for item in json.loads(report.read_text())["install"]}
    assert {name: v for name, (v, _) in chosen.items()} == wanted
    misfits = [f for _, f in chosen.values() if not wheel_fits(f, python)]
    assert misfits == []
    assert re.search(rf"tensorflow-2\.21\.\d+-cp{python.replace('.', '')}-",
                     chosen["tensorflow"][1])


def test_wheel_tags_are_read_as_pip_does():
    assert wheel_fits("numpy-2.4.6-cp313-cp313-manylinux_2_27_x86_64.whl", "3.13")
    assert not wheel_fits("numpy-2.4.6-cp312-cp312-manylinux_2_27_x86_64.whl", "3.13")
    assert wheel_fits("protobuf-7.36.2-cp310-abi3-manylinux2014_x86_64.whl", "3.12")
    assert not wheel_fits("protobuf-7.36.2-cp314-abi3-manylinux2014_x86_64.whl", "3.12")
    assert wheel_fits("six-1.17.0-py2.py3-none-any.whl", "3.13")
    assert wheel_fits("libclang-18.1.1-py2.py3-none-manylinux2010_x86_64.whl", "3.12")


PANDAS3 = REPO / "requirements-pandas3.txt"


def test_pyestim_takes_pandas_2_and_3():
    """pyproject's pandas requirement admits the locks' pandas 2 and requirements-pandas3.txt's
    pandas 3 (a user with pandas 3 installs pyestim without a downgrade)."""
    from packaging.requirements import Requirement

    text = (REPO / "pyproject.toml").read_text()
    wanted = Requirement(re.search(r'"(pandas[^"]*)"', text)[1])
    versions = {pins(REPO / f"requirements-lock-{s}.txt")["pandas"] for s in ("current", "reference")}
    versions.add(pins(PANDAS3)["pandas"])
    assert {v.split(".")[0] for v in versions} >= {"2", "3"}
    assert [v for v in versions if not wanted.specifier.contains(v)] == []


def test_the_run_has_the_pandas_it_asked_for():
    """CI tests each pandas major: the reference and current stacks with their locks' pandas 2,
    the Python 3.13 run with pandas 3 (PYESTIM_PANDAS=3 makes dev.sh install
    requirements-pandas3.txt's). A venv with another pandas would test neither."""
    import pandas

    stack = os.environ.get("PYESTIM_STACK", "current")
    lock = PANDAS3 if os.environ.get("PYESTIM_PANDAS") == "3" else \
        REPO / f"requirements-lock-{stack}.txt"
    wanted = pins(lock)["pandas"]
    if pandas.__version__ != wanted and not in_ci():
        pytest.skip(f"pandas {pandas.__version__} here, not {lock.name}'s {wanted} (a venv not "
                    "made by dev.sh)")
    assert pandas.__version__ == wanted, f"{lock.name} pins pandas {wanted}"
