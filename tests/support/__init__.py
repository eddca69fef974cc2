"""What both test suites share (tests/ and tests/parity/): one home for each.

* :mod:`support.paths` -- the checkout's folders (``REPO``, ``PACKAGE``, ``DATA``, ...);
* :mod:`support.ci` -- ``in_ci()`` and the rule that a CI run fails where a local run skips;
* :mod:`support.r` -- where R's library and ``Rscript`` are;
* :mod:`support.process` -- child processes: their environment and a time limit;
* :mod:`support.tflog` -- what TensorFlow's logger writes during a block;
* :mod:`support.idx` -- the tests' own reader of MNIST's IDX files (independent of pyestim's);
* :mod:`support.models` -- the toy problem, its softmax regression and its NumPy reference;
* :mod:`support.checks` -- small probes: ``is_pyestim_error()``, ``recording_hook()``;
* :mod:`support.model_dirs` -- model directories for the reliability tests: a fixed-shape
  model, a trained directory (the ``trained`` fixture of the modules that import it), file
  trees compared byte for byte, tests/_crash_child.py run and read line by line.

How the import works: pytest (rootdir = the checkout, default "prepend" import mode) puts
``tests/`` at the front of ``sys.path`` for tests/conftest.py and every test module (tests/
has no ``__init__.py``; tests/parity/ is the package ``parity`` under it), so ``import
support`` works however pytest is started (``pytest``, ``pytest tests/x.py``,
``pytest tests/parity``, dev.sh, .ci/run). A child process started by a test puts ``tests/``
on its own path (``sys.path.insert(0, str(paths.TESTS))``) before importing from here.

Nothing else under tests/ may define these names again: tests/test_structure.py checks it.
"""

__all__ = []
