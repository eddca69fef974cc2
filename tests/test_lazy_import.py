"""``import pyestim`` and the CLI's parsing do not import TensorFlow (issue 11, point 9):
each is run in a fresh Python, which then reports whether ``tensorflow`` is in
``sys.modules``. The public names still load on first use, as before."""

import json
import subprocess
import sys
import textwrap

import pytest

from support.paths import REPO


# Runs the CLI as `python -m pyestim ARGS` does, in this process, then prints what it left.
_RUN_CLI = """
import json, runpy, sys
sys.argv = ["pyestim"] + json.loads(sys.argv[1])
try:
    runpy.run_module("pyestim", run_name="__main__", alter_sys=True)
    code = 0
except SystemExit as exit_:
    code = exit_.code
print(json.dumps({"code": code, "tensorflow": "tensorflow" in sys.modules,
                  "tensorflow_estimator": "tensorflow_estimator" in sys.modules}))
"""


def _fresh(code, *args):
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args],
                          capture_output=True, text=True, timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def _cli(argv):
    proc = _fresh(_RUN_CLI, json.dumps(argv))
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc


def test_import_pyestim_does_not_import_tensorflow():
    proc = _fresh("""
        import sys
        import pyestim, pyestim.errors, pyestim.cli
        print("tensorflow" in sys.modules, sorted(set(pyestim.__all__) - set(dir(pyestim))))
    """)
    assert proc.stdout.split()[0] == "False"
    assert "[]" in proc.stdout  # dir() lists every public name before they are loaded


@pytest.mark.parametrize("argv", [["--help"], ["mnist", "--help"], ["report", "--help"]])
def test_help_does_not_import_tensorflow(argv):
    result, proc = _cli(argv)
    assert result == {"code": 0, "tensorflow": False, "tensorflow_estimator": False}
    assert "usage: pyestim" in proc.stdout


@pytest.mark.parametrize("argv,message", [
    (["mnist", "--steps", "0"], "argument --steps: expected a number >= 1, got 0"),
    (["mnist", "--model", "nope"], "argument --model: invalid choice: 'nope'"),
    (["mnist", "--json", "/no/such/folder/m.json"], "its folder '/no/such/folder' does not exist"),
    (["mnist", "--plot", "/no/such/folder/loss.png"], "does not exist"),
    (["mnist", "--model-dir", __file__], "is a file, not a folder"),
    (["report", "/no/such/model_dir"], "MODEL_DIR '/no/such/model_dir' is not a directory"),
    (["nope"], "invalid choice: 'nope'"),
])
def test_argument_errors_do_not_import_tensorflow(argv, message):
    result, proc = _cli(argv)
    assert result == {"code": 2, "tensorflow": False, "tensorflow_estimator": False}
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_job_imports_tensorflow_after_checking():
    # a valid command line goes on to the job, which imports TensorFlow (and here fails on
    # the missing data with pyestim's error)
    result, proc = _cli(["mnist", "--steps", "1", "--data-dir", "/no/such/mnist",
                         "--plot", "none"])
    assert result == {"code": 2, "tensorflow": True, "tensorflow_estimator": True}
    assert "pyestim: error:" in proc.stderr and "/no/such/mnist" in proc.stderr


def test_public_names_load_on_first_use_and_keep_their_identity():
    proc = _fresh("""
        import sys, types
        import pyestim.live_predict       # the submodule first: the package's name is the function
        import pyestim
        from pyestim import estimator, predictor, train, tf, NanLossError
        from pyestim.live_predict import predictor as defined
        assert predictor is defined and pyestim.predictor is defined
        from pyestim.estimators import estimator as defined
        assert estimator is defined and pyestim.estimator is defined
        assert isinstance(pyestim.feature_columns, types.FunctionType)
        assert tf is sys.modules["pyestim.tf"] and pyestim.tf is tf
        assert pyestim.errors.NanLossError is NanLossError
        assert NanLossError.__module__ == "pyestim.errors"
        assert pyestim.datasets.iris().shape == (150, 5)
        import tensorflow
        assert issubclass(NanLossError, pyestim.PyestimError)
        from pyestim import engine
        assert issubclass(NanLossError, engine.NanLossDuringTrainingError)
        print("ok")
    """)
    assert proc.stdout.strip().endswith("ok")


#: Public names -> the module that defines them (some of them once shared a module's name).
_DEFINED_IN = {"predictor": "pyestim.live_predict", "Predictor": "pyestim.live_predict",
               "feature_columns": "pyestim.columns.selection",
               "column_numeric": "pyestim.columns.constructors",
               "estimator": "pyestim.estimators", "train_and_evaluate": "pyestim.training",
               "History": "pyestim.history", "run_config": "pyestim.config"}


@pytest.mark.parametrize("order", ["modules first", "names first", "interleaved"])
def test_public_names_stay_what_they_are_whatever_the_import_order(order):
    """Importing a module binds it on its package under its own name: no module shares a
    public name (tests/test_structure.py), so ``pyestim.predictor`` stays the function whether
    ``pyestim.live_predict`` is imported before or after the name is first used."""
    proc = _fresh("""
        import importlib, json, sys, types
        import pyestim
        defined, order = json.loads(sys.argv[1]), sys.argv[2]
        steps = [(kind, name) for name in sorted(defined) for kind in ("module", "name")]
        if order == "modules first":
            steps.sort(key=lambda step: step[0] != "module")
        elif order == "names first":
            steps.sort(key=lambda step: step[0] != "name")
        for kind, name in steps:
            if kind == "module":
                importlib.import_module(defined[name])
            else:
                getattr(pyestim, name)
        for name, module in defined.items():
            value = getattr(pyestim, name)
            assert not isinstance(value, types.ModuleType), (name, value)
            assert value.__module__ == module, (name, value.__module__)
            assert value is getattr(sys.modules[module], name), name
            namespace = {}
            exec(f"from pyestim import {name} as imported", namespace)
            assert namespace["imported"] is value, name
        print("ok")
    """, json.dumps(_DEFINED_IN), order)
    assert proc.stdout.strip().endswith("ok")


def test_the_first_use_sets_the_stack_up_before_tensorflow():
    # TF_USE_LEGACY_KERAS (current stack), the deprecation patch and the stack's log line
    # (once), whichever way pyestim is first used
    proc = _fresh("""
        import os, sys
        import pyestim.tf                 # as the R package does: a submodule, directly
        import pyestim
        from pyestim import engine, _first_tf_use, tf
        from pyestim.engine import tf216
        legacy = os.environ.get("TF_USE_LEGACY_KERAS")
        assert (legacy == "1") == (tf216.stack_name() == "current"), legacy
        if tf216.stack_name() == "current":
            assert tf.keras.__name__.startswith("tf_keras"), tf.keras.__name__
        assert engine.deprecation._call_location is _first_tf_use._robust_call_location
        est = pyestim.estimator(lambda features, labels, mode: None)
        engine.tf_logger(); engine.tf_logger()
        print("ok")
    """)
    assert proc.stdout.strip().endswith("ok")
    assert proc.stderr.count("pyestim: current stack:") + \
        proc.stderr.count("pyestim: reference stack:") == 1, proc.stderr[-2000:]


def test_the_cli_knows_the_model_names_without_importing_them():
    from pyestim import cli, jobs, models

    assert list(cli.MODEL_NAMES) == sorted(models.MODELS)
    assert set(jobs._DEFAULT_RATES) == set(models.MODELS)
