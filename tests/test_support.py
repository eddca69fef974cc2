"""tests/support/ is the one home of what the test suites share (tests/ and tests/parity/):
the checkout's paths, in_ci() and the no-silent-skip rule, R's locations, child processes,
TensorFlow's log capture, the IDX reader and the toy model. These checks read every other
Python file under tests/ and fail, with the place named, where one of those is written again:

* a name that a support module exports (its ``__all__``) defined again (a ``def``, a
  ``class`` or a module-level assignment: ``REPO = ...``, ``def in_ci(): ...``);
* a folder computed by climbing from ``__file__`` (``Path(__file__).parents[1]``,
  ``.parent.parent``, ``dirname(dirname(__file__))``): the checkout's folders are in
  ``support.paths``;
* a ``logging.Handler`` subclass (TensorFlow's log capture is ``support.tflog``) or
  ``np.frombuffer`` (the IDX reader is ``support.idx``).

Each check is also run on a planted example, so that it is seen to fail.
"""

import ast
import importlib
import pkgutil

import pytest

import support
from support.paths import REPO, TESTS

__all__ = []

SUPPORT = TESTS / "support"
#: Names a support module exports that a test file may still define, with the reason.
ALLOWED = {
    ("tests/parity/helpers.py", "N_FEATURES"): "the parity behaviour model's own sizes "
                                               "(tests/parity/r/behaviour.R's twin)",
    ("tests/parity/helpers.py", "N_CLASSES"): "the parity behaviour model has 3 classes, the "
                                              "toy problem of support.models 10",
    ("tests/parity/test_behaviour.py", "recording_hook"): "records the order of a hook's "
                                                          "callbacks and what it fetched",
    ("tests/_cluster_worker.py", "linear_model"): "the cluster job's regression (squared "
                                                  "loss), not the toy softmax regression",
}


def support_names():
    """{name: "support.<module>"} for every name in a support module's ``__all__``."""
    names = {}
    for info in pkgutil.iter_modules([str(SUPPORT)]):
        module = importlib.import_module(f"support.{info.name}")
        for name in module.__all__:
            names[name] = module.__name__
    return names


def checked_files():
    return sorted(p for p in TESTS.rglob("*.py")
                  if SUPPORT not in p.parents and "__pycache__" not in p.parts)


def _defined(tree):
    """(name, line) of each def / class anywhere and each module-level assignment target."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name, node.lineno
    for node in tree.body:
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign))
                   else [])
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name):
                    yield sub.id, node.lineno


def redefinitions(rel, source, names):
    """Where ``source`` (the file ``rel``) defines again a name of ``names``."""
    return [f"{rel}:{line}: {name} is defined in {names[name]}: import it from there"
            for name, line in _defined(ast.parse(source))
            if name in names and (rel, name) not in ALLOWED]


def _mentions_file(node):
    return any(isinstance(n, ast.Name) and n.id == "__file__" for n in ast.walk(node))


def climbs_from_file(rel, source):
    """Where ``source`` computes a folder above its own from ``__file__``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
                and node.value.attr == "parents" and _mentions_file(node):
            found.append(node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr == "parent" \
                and isinstance(node.value, ast.Attribute) and node.value.attr == "parent" \
                and _mentions_file(node):
            found.append(node.lineno)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "dirname" \
                and any(isinstance(a, ast.Call) and getattr(a.func, "attr", None) == "dirname"
                        and _mentions_file(a) for a in node.args):
            found.append(node.lineno)
    return [f"{rel}:{line}: a folder climbed to from __file__: use support.paths (REPO, "
            "TESTS, PACKAGE, R_PACKAGE, DATA)" for line in sorted(set(found))]


def rewritten_readers(rel, source):
    """Where ``source`` writes a log handler or decodes bytes with np.frombuffer again."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Attribute) and b.attr == "Handler" for b in node.bases):
            found.append(f"{rel}:{node.lineno}: a logging.Handler: capture TensorFlow's log "
                         "with support.tflog.capture_tf_log")
        if isinstance(node, ast.Attribute) and node.attr == "frombuffer":
            found.append(f"{rel}:{node.lineno}: np.frombuffer: read IDX files with "
                         "support.idx")
    return found


def _problems(check, *args):
    out = []
    for path in checked_files():
        rel = path.relative_to(REPO).as_posix()
        out += check(rel, path.read_text(encoding="utf-8"), *args)
    return out


def test_support_is_the_package_in_tests():
    assert SUPPORT.is_dir() and (SUPPORT / "__init__.py").is_file()
    assert support.__file__ == str(SUPPORT / "__init__.py")
    assert REPO / "tests" == TESTS and (REPO / "pyestim" / "__init__.py").is_file()


def test_the_checks_see_the_files_and_names():
    rels = {p.relative_to(TESTS).as_posix() for p in checked_files()}
    assert {"conftest.py", "parity/conftest.py", "parity/runners.py", "_crash_child.py",
            "test_support.py"} <= rels
    assert not any(r.startswith("support/") for r in rels)
    names = support_names()
    assert {"REPO", "TESTS", "DATA", "in_ci", "unavailable", "capture_tf_log", "read_idx",
            "linear_model", "child_env", "r_library"} <= set(names)
    assert names["REPO"] == "support.paths" and names["in_ci"] == "support.ci"


def test_no_support_name_is_defined_again():
    problems = _problems(redefinitions, support_names())
    assert not problems, "\n".join(problems)


def test_no_folder_is_climbed_to_from_file():
    problems = _problems(climbs_from_file)
    assert not problems, "\n".join(problems)


def test_no_log_capture_or_idx_reader_is_written_again():
    problems = _problems(rewritten_readers)
    assert not problems, "\n".join(problems)


def test_the_allowed_exceptions_exist():
    """An ALLOWED row whose definition went away must go too."""
    for (rel, name), reason in ALLOWED.items():
        defined = dict(_defined(ast.parse((REPO / rel).read_text(encoding="utf-8"))))
        assert name in defined, f"{rel} no longer defines {name}: drop its ALLOWED row"
        assert name in support_names() and reason


@pytest.mark.parametrize("source, line", [
    ("from pathlib import Path\nREPO = Path(__file__).resolve().parents[1]\n", 2),
    ("import os\n\ndef in_ci():\n    return os.environ.get('CI') == 'true'\n", 3),
    ("class Holder:\n    def read_idx(self, path):\n        pass\n", 2),
    ("TESTS, other = 1, 2\n", 1),
])
def test_a_redefinition_is_found(source, line):
    [problem] = redefinitions("tests/test_x.py", source, support_names())
    assert problem.startswith(f"tests/test_x.py:{line}: ")
    assert redefinitions("tests/test_x.py", "from support.paths import REPO\n",
                         support_names()) == []


@pytest.mark.parametrize("source", [
    "from pathlib import Path\nROOT = Path(__file__).resolve().parents[1]\n",
    "import pathlib\nROOT = pathlib.Path(__file__).resolve().parent.parent / 'pyestim'\n",
    "import os\nROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n",
])
def test_a_climb_from_file_is_found(source):
    assert len(climbs_from_file("tests/test_x.py", source)) == 1
    assert climbs_from_file(
        "tests/test_x.py", "from pathlib import Path\nHERE = Path(__file__).parent\n") == []


def test_a_rewritten_log_capture_or_reader_is_found():
    source = ("import logging\nimport numpy as np\n\nclass Collect(logging.Handler):\n"
              "    pass\n\nx = np.frombuffer(b'', dtype=np.uint8)\n")
    problems = rewritten_readers("tests/test_x.py", source)
    assert [p.split(":")[1] for p in problems] == ["4", "7"]
