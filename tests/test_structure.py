"""The rules of pyestim's structure (see docs/architecture.md): one seam to TensorFlow,
no import cycles, no imports inside functions to dodge one, ``__all__`` in every module, and
no function over 80 lines of code. Each rule is checked on the source, so a change that
breaks it fails here with the place named."""

import ast
import re

import pytest

from support.paths import PACKAGE as ROOT

ENGINE = ROOT / "engine"
MODULES = sorted(p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts)
MAX_LINES = 80


def _rel(path):
    return path.relative_to(ROOT.parent).as_posix()


def _module_name(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _tree(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported_modules(path, node):
    """The absolute module names an import statement imports (relative ones resolved)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    if node.level:
        base = package[:len(package) - node.level + 1]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    # `from . import x` may import a submodule x; count both the package and prefix.x.
    return [prefix] + [f"{prefix}.{a.name}" for a in node.names]


def _string_table(node):
    """The table of a ``_LAZY = {name: "module"}`` assignment whose values are all module names
    (strings), or of an ``_EXPORTS = {"module": ("name", ...)}`` assignment (the package's),
    as public name -> module; else {} (pyestim.tf's ``_LAZY`` holds builders, not modules)."""
    if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)):
        return {}
    targets = {t.id for t in node.targets if isinstance(t, ast.Name)}
    if "_EXPORTS" in targets:
        return {name: module for module, names in ast.literal_eval(node.value).items()
                for name in names}
    if "_LAZY" not in targets or not all(
            isinstance(v, ast.Constant) and isinstance(v.value, str) for v in node.value.values):
        return {}
    return ast.literal_eval(node.value)


def _lazy_table(path):
    """A module's ``_LAZY`` table (public name -> defining module, see pyestim/_lazy.py)."""
    for node in _tree(path).body:
        if _string_table(node):
            return _string_table(node)
    return {}


PACKAGE_LAZY = _lazy_table(ROOT / "__init__.py")


def _lazy_imports(path):
    """Imports made by name at run time, which an import statement does not show: the values
    of the module's ``_LAZY`` table and the string given to ``_lazy.load(...)``, each with the
    node that makes it."""
    tree = _tree(path)
    found = [(node, name) for node in tree.body for name in _string_table(node).values()]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "load" and isinstance(node.func.value, ast.Name) and \
                node.func.value.id == "_lazy":
            assert node.args and isinstance(node.args[0], ast.Constant), \
                f"{_rel(path)}:{node.lineno}: _lazy.load() needs a string literal"
            found.append((node, node.args[0].value))
    return found


def _imports(path):
    """(node, module) for every module a module imports: import statements, with a name the
    package loads lazily (``from pyestim import train``) resolved to the module defining it,
    and the lazy imports (:func:`_lazy_imports`)."""
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = _imported_modules(path, node)
            found += [(node, name) for name in names]
            if isinstance(node, ast.ImportFrom) and names[0] == "pyestim":
                found += [(node, PACKAGE_LAZY[a.name]) for a in node.names
                          if a.name in PACKAGE_LAZY]
    return found + _lazy_imports(path)


def test_the_checks_see_the_modules():
    names = {_module_name(p) for p in MODULES}
    assert {"pyestim.estimators", "pyestim.engine", "pyestim.engine._stack",
            "pyestim.canned.base", "pyestim._args"} <= names


@pytest.mark.parametrize("forbidden", ["tensorflow_estimator", "tensorflow.python"])
def test_only_the_engine_imports_tensorflow_internals(forbidden):
    offenders = [f"{_rel(p)}:{node.lineno} imports {name}"
                 for p in MODULES if ENGINE not in p.parents
                 for node, name in _imports(p)
                 if name == forbidden or name.startswith(forbidden + ".")]
    assert offenders == []


def _reaches_tf_estimator(node):
    """``tf.estimator`` / ``tensorflow.estimator`` / ``tf.compat.v1.estimator`` (any alias of
    the tensorflow module: tf, _tf, tensorflow)."""
    if not (isinstance(node, ast.Attribute) and node.attr == "estimator"):
        return False
    base = node.value
    while isinstance(base, ast.Attribute) and base.attr in ("compat", "v1", "v2"):
        base = base.value
    return isinstance(base, ast.Name) and base.id in ("tf", "_tf", "tensorflow")


def test_only_the_engine_reaches_tf_estimator():
    """tf.estimator is tensorflow_estimator under another name (and on the current stack is
    attached by the engine): outside the engine, pyestim asks the engine (engine.ModeKeys)."""
    offenders = [f"{_rel(p)}:{node.lineno}" for p in MODULES if ENGINE not in p.parents
                 for node in ast.walk(_tree(p)) if _reaches_tf_estimator(node)]
    assert offenders == []


def _tensorflow_estimator_imports(path, tree=None):
    """Where a module imports tensorflow_estimator: ``"<path>:<function>"`` for an import inside
    a function (the innermost one), ``"<path>:<module>"`` for one at module level (also inside
    an ``if``, ``try`` or class body, which run at import time)."""
    where = []

    def visit(node, function):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                n == "tensorflow_estimator" or n.startswith("tensorflow_estimator.")
                for n in _imported_modules(path, node)):
            where.append(f"{_rel(path)}:{function}")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            function = getattr(node, "name", "<lambda>")
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree or _tree(path), "<module>")
    return where


def test_only_one_engine_function_imports_tensorflow_estimator():
    where = sorted({w for p in ENGINE.rglob("*.py") for w in _tensorflow_estimator_imports(p)})
    assert where == ["pyestim/engine/_stack.py:load"]
    source = (ENGINE / "_stack.py").read_text(encoding="utf-8")
    load = source[source.index("def load("):]
    # The stack-compat hook runs before the first import of tensorflow_estimator.
    assert load.index("prepare_stack()") < load.index("from tensorflow_estimator")


def test_the_tensorflow_estimator_check_sees_module_level_imports():
    """Self-test: an engine module importing tensorflow_estimator at module level (plainly, in
    a try block or in a class body) is reported as such, an import in a function by the
    function's name, a nested function by the innermost one."""
    module = ENGINE / "_selftest_fake.py"  # a path only: the source below is its tree
    source = ("import os\n"
              "import tensorflow_estimator\n"
              "try:\n    from tensorflow_estimator.python import estimator\n"
              "except ImportError:\n    pass\n"
              "class K:\n    import tensorflow_estimator.python as tfe\n"
              "def load():\n    def inner():\n"
              "        from tensorflow_estimator.python.estimator import gc\n"
              "    import tensorflow as tf\n"
              "    from tensorflow_estimator.python.estimator import run_config\n")
    found = _tensorflow_estimator_imports(module, ast.parse(source))
    rel = "pyestim/engine/_selftest_fake.py"
    assert found == [f"{rel}:<module>"] * 3 + [f"{rel}:inner", f"{rel}:load"]


def test_no_import_of_pyestim_inside_a_function():
    offenders = []
    for p in MODULES:
        for fn in ast.walk(_tree(p)):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                        n == "pyestim" or n.startswith("pyestim.")
                        for n in _imported_modules(p, node)):
                    offenders.append(f"{_rel(p)}:{node.lineno} in {fn.name}()")
    assert offenders == []


def _graph():
    """Module -> the pyestim modules whose code must have run for it to import. A package
    importing its own submodules counts (``engine/__init__`` runs ``engine.state`` while the
    package itself is half made). A module naming one of its ancestor packages (``from . import
    _lang`` in pyestim/cli.py) is an edge to that package only when it takes from it a name that
    is neither a submodule nor a lazily loaded name, i.e. one the package's ``__init__`` must
    already have defined: the ancestor itself is always started before its submodules."""
    modules = {_module_name(p): p for p in MODULES}
    lazy = _lazy_table(ROOT / "__init__.py")
    graph = {}
    for name, path in modules.items():
        deps = set()
        for node, imported in _imports(path):
            if imported not in modules or imported == name:
                continue
            if name.startswith(imported + ".") and not (
                    isinstance(node, ast.ImportFrom) and imported == _from_module(path, node)
                    and any(f"{imported}.{a.name}" not in modules
                            and not (imported == ROOT.name and a.name in lazy)
                            for a in node.names)):
                continue
            deps.add(imported)
        graph[name] = deps
    return graph


def _from_module(path, node):
    """The module a ``from X import ...`` statement takes names from (relative ones resolved)."""
    return _imported_modules(path, node)[0]


def _cycle(graph):
    """A cycle of module-level imports among pyestim's modules (a list of names, the first
    repeated at the end), or None."""
    state = {}

    def visit(node, stack):
        state[node] = "open"
        for dep in sorted(graph[node]):
            if state.get(dep) == "open":
                return stack[stack.index(dep):] + [dep]
            if dep not in state:
                found = visit(dep, stack + [dep])
                if found:
                    return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_no_import_cycle():
    assert _cycle(_graph()) is None


def test_the_lazy_imports_are_edges_of_the_import_graph():
    graph = _graph()
    # `from . import _lazy; ... _lazy.load("pyestim.jobs")` in the CLI
    assert "pyestim.jobs" in graph["pyestim.cli"]
    # errors.py's _LAZY table
    assert "pyestim._nan_loss" in graph["pyestim.errors"]
    # `from . import estimator_spec`-style imports of a lazily loaded public name
    assert PACKAGE_LAZY["train"] == "pyestim.estimators"


def test_a_lazy_import_cycle_is_found():
    graph = _graph()
    graph["pyestim.engine"] = graph["pyestim.engine"] | {"pyestim.errors"}
    graph["pyestim._nan_loss"] = graph["pyestim._nan_loss"] | {"pyestim.engine"}
    assert _cycle(graph) is not None


def _synthetic_graph(monkeypatch, tmp_path, files):
    """The import graph of a made-up ``pyestim`` package written to tmp_path (path -> source),
    built by the same code as the real one's."""
    root = tmp_path / "pyestim"
    for name, source in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(source)
    monkeypatch.setitem(globals(), "ROOT", root)
    monkeypatch.setitem(globals(), "MODULES", sorted(root.rglob("*.py")))
    monkeypatch.setitem(globals(), "PACKAGE_LAZY", _lazy_table(root / "__init__.py"))
    return _graph()


def test_a_cycle_through_a_package_s_own_submodule_is_found(monkeypatch, tmp_path):
    """Self-test: engine/__init__ runs engine.state, which imports guards, which imports the
    half-made engine: a cycle, although its first edge goes from a package to its submodule."""
    graph = _synthetic_graph(monkeypatch, tmp_path, {
        "__init__.py": "", "engine/__init__.py": "from . import state\n",
        "engine/state.py": "from .. import guards\n", "guards.py": "from . import engine\n"})
    assert graph["pyestim.engine"] == {"pyestim.engine.state"}
    assert _cycle(graph) == ["pyestim.engine", "pyestim.engine.state", "pyestim.guards",
                             "pyestim.engine"]


def test_a_submodule_taking_a_name_from_its_half_made_package_is_a_cycle(monkeypatch, tmp_path):
    graph = _synthetic_graph(monkeypatch, tmp_path, {
        "__init__.py": "", "engine/__init__.py": "from .state import f\nHELPER = 1\n",
        "engine/state.py": "from pyestim.engine import HELPER\n"})
    assert _cycle(graph) == ["pyestim.engine", "pyestim.engine.state", "pyestim.engine"]


def test_importing_a_sibling_through_the_package_is_no_cycle(monkeypatch, tmp_path):
    """``from .. import _lang`` in engine/state.py names the package pyestim, which is always
    started before its submodules: only pyestim._lang must have run."""
    graph = _synthetic_graph(monkeypatch, tmp_path, {
        "__init__.py": "from . import engine\n", "_lang.py": "",
        "engine/__init__.py": "from . import state\n",
        "engine/state.py": "from .. import _lang\nfrom . import log\n", "engine/log.py": ""})
    assert graph["pyestim.engine.state"] == {"pyestim._lang", "pyestim.engine.log"}
    assert _cycle(graph) is None


def test_only_the_lazy_module_imports_by_name():
    pattern = re.compile(r"\bimport_module\(|\b__import__\(")
    offenders = [f"{_rel(p)}:{i}" for p in MODULES if p.name != "_lazy.py"
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    assert offenders == []


def _public_objects(init):
    """The public names of a package that stand for an object defined in another module: the
    names of its ``_EXPORTS`` / ``_LAZY`` table, and the names of a literal ``__all__`` that
    its ``__init__`` binds itself (def, class, assignment, ``from .x import name``). A name
    bound to its own submodule (``from . import x``), or left to the lazy loader's submodule
    fallback (``pyestim.tf``), is the submodule itself, not another object."""
    tree = _tree(init)
    package = _module_name(init)  # `from . import x` binds the submodule x itself
    bound = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.Assign):
            bound |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.ImportFrom) and _from_module(init, node) != package:
            bound |= {a.asname or a.name for a in node.names}
    declared = {e.value for node in tree.body if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
                and isinstance(node.value, (ast.List, ast.Tuple))
                for e in node.value.elts if isinstance(e, ast.Constant)}
    return set(_lazy_table(init)) | (declared & bound)


def _names_shared_with_submodules(root):
    """``package.name`` for every public name of a package under ``root`` (pyestim and its
    subpackages) that is also the name of one of the package's submodules."""
    shared = []
    for init in sorted(root.rglob("__init__.py")):
        if "__pycache__" in init.parts:
            continue
        here = init.parent
        submodules = {p.stem for p in here.glob("*.py") if p.name != "__init__.py"} | \
            {d.name for d in here.iterdir() if (d / "__init__.py").is_file()}
        package = _module_name(init)
        shared += [f"{package}.{name}" for name in sorted(_public_objects(init) & submodules)]
    return shared


def test_no_public_name_shares_a_submodule_s_name():
    """``pyestim.predictor`` is a function; were it defined in ``pyestim/predictor.py``, importing
    that module would bind the module on the package under the function's name. Name the module
    after what it holds instead (``live_predict.py``)."""
    assert _names_shared_with_submodules(ROOT) == []


def test_the_shared_name_check_sees_a_module_named_like_its_public_name(monkeypatch, tmp_path):
    """Self-test: the layout before issue 19 (``predictor()`` in ``predictor.py``, through the
    package's ``_EXPORTS``) and a subpackage re-exporting a same-named function are found; a
    submodule exported as itself (``from . import helpers``, the lazy ``tf``) is not."""
    root = tmp_path / "pyestim"
    files = {
        "__init__.py": '_EXPORTS = {"pyestim.predictor": ("Predictor", "predictor"),\n'
                       '            "pyestim.estimators": ("estimator",)}\n'
                       '_LAZY = {n: m for m, ns in _EXPORTS.items() for n in ns}\n'
                       '__all__ = ["tf", *_LAZY]\n',
        "predictor.py": "", "estimators.py": "", "tf.py": "",
        "canned/__init__.py": "from .keras import keras\nfrom . import helpers\n"
                              "__all__ = ['keras', 'helpers']\n",
        "canned/keras.py": "", "canned/helpers.py": "",
    }
    for name, source in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(source)
    monkeypatch.setitem(globals(), "ROOT", root)
    assert _names_shared_with_submodules(root) == ["pyestim.predictor", "pyestim.canned.keras"]


def test_every_public_name_is_loaded_from_the_module_that_defines_it():
    import importlib

    import pyestim

    for name in pyestim.__all__:
        if name in PACKAGE_LAZY:
            assert getattr(pyestim, name) is getattr(
                importlib.import_module(PACKAGE_LAZY[name]), name), name
        else:  # a submodule (pyestim.tf)
            assert getattr(pyestim, name) is importlib.import_module(f"pyestim.{name}"), name
    assert sorted(PACKAGE_LAZY) == sorted(n for n in pyestim.__all__ if n in PACKAGE_LAZY)
    assert set(pyestim.__all__) - set(PACKAGE_LAZY) == {"tf"}


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"pyestim.a": {"pyestim.b"}, "pyestim.b": {"pyestim.a"}}) is not None
    assert _cycle({"pyestim.a": {"pyestim.b"}, "pyestim.b": set()}) is None


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_every_module_declares_all(path):
    names = [t.id for node in _tree(path).body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)]
    assert "__all__" in names or path.name == "__main__.py"


def _code_lines(fn, source_lines):
    """Lines of ``fn`` that hold code: not blank, not comments, not docstrings."""
    doc_lines = set()
    for node in ast.walk(fn):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and \
                node.body and isinstance(node.body[0], ast.Expr) and \
                isinstance(node.body[0].value, ast.Constant) and \
                isinstance(node.body[0].value.value, str):
            doc_lines.update(range(node.body[0].lineno, node.body[0].end_lineno + 1))
    count = 0
    for n in range(fn.lineno, fn.end_lineno + 1):
        text = source_lines[n - 1].strip()
        if text and not text.startswith("#") and n not in doc_lines:
            count += 1
    return count


def test_code_lines_counts_code_only():
    source = 'def f():\n    """Doc.\n\n    More."""\n    # a comment\n\n    return 1\n'
    fn = ast.parse(source).body[0]
    assert _code_lines(fn, source.splitlines()) == 2


def test_no_function_over_80_lines_of_code():
    long = []
    for p in MODULES:
        lines = p.read_text(encoding="utf-8").splitlines()
        for fn in ast.walk(_tree(p)):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = _code_lines(fn, lines)
                if n > MAX_LINES:
                    long.append(f"{_rel(p)}:{fn.lineno} {fn.name}() has {n} lines of code")
    assert long == []


def test_kinds_are_told_apart_by_methods_not_getattr():
    pattern = re.compile(r"getattr\([^,]+,\s*\"(kind|args|canned|model_type|tf_version)\"")
    offenders = [f"{_rel(p)}:{i}" for p in MODULES
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    assert offenders == []


VERBS = ("train", "evaluate", "predict", "export_savedmodel")


def _verb_declarations(paths):
    """Where each verb is declared outside the engine (the seam to TensorFlow, whose
    functions of the same names call TensorFlow's): module-level functions, and methods
    whose body is more than one ``return`` of a call (a delegate is not a declaration)."""
    found = {verb: [] for verb in VERBS}
    for p in paths:
        if "engine" in p.parts:
            continue
        tree = _tree(p)
        methods = [m for c in ast.walk(tree) if isinstance(c, ast.ClassDef) for m in c.body]
        for fn in tree.body + methods:
            if isinstance(fn, ast.FunctionDef) and fn.name in VERBS:
                body = [s for s in fn.body if not (isinstance(s, ast.Expr) and
                                                   isinstance(s.value, ast.Constant))]
                delegate = fn in methods and len(body) == 1 and \
                    isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.Call)
                if not delegate:
                    where = _rel(p) if ROOT in p.parents else p.name
                    found[fn.name].append(f"{where}:{fn.lineno}")
    return found


def test_each_verb_is_declared_once():
    found = _verb_declarations(MODULES)
    assert {verb: len(where) for verb, where in found.items()} == dict.fromkeys(VERBS, 1), found


def test_the_verb_check_sees_a_second_declaration(tmp_path):
    (tmp_path / "a.py").write_text(
        "def train(object):\n    return 1\n"
        "class E:\n"
        "    def train(self):\n        '''doc'''\n        return train(self)\n"
        "    def predict(self):\n        x = 1\n        return predict(self, x)\n")
    (tmp_path / "b.py").write_text("def train(est):\n    pass\n")
    found = _verb_declarations([tmp_path / "a.py", tmp_path / "b.py"])
    assert found == {"train": ["a.py:1", "b.py:1"], "evaluate": [], "predict": ["a.py:7"],
                     "export_savedmodel": []}
