"""The rules of pyestim's structure (see README, "Architecture"): one seam to TensorFlow,
no import cycles, no imports inside functions to dodge one, ``__all__`` in every module, and
no function over 80 lines of code. Each rule is checked on the source, so a change that
breaks it fails here with the place named."""

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent / "pyestim"
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


def _imports(path):
    return [(node, name) for node in ast.walk(_tree(path))
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for name in _imported_modules(path, node)]


def test_the_checks_see_the_modules():
    names = {_module_name(p) for p in MODULES}
    assert {"pyestim.estimator", "pyestim.engine", "pyestim.engine._stack",
            "pyestim.canned.base", "pyestim._args"} <= names


@pytest.mark.parametrize("forbidden", ["tensorflow_estimator", "tensorflow.python"])
def test_only_the_engine_imports_tensorflow_internals(forbidden):
    offenders = [f"{_rel(p)}:{node.lineno} imports {name}"
                 for p in MODULES if ENGINE not in p.parents
                 for node, name in _imports(p)
                 if name == forbidden or name.startswith(forbidden + ".")]
    assert offenders == []


def test_only_one_engine_function_imports_tensorflow_estimator():
    where = []
    for p in ENGINE.rglob("*.py"):
        for fn in ast.walk(_tree(p)):
            if isinstance(fn, (ast.FunctionDef, ast.Module)):
                body = fn.body if isinstance(fn, ast.FunctionDef) else []
                for node in (n for stmt in body for n in ast.walk(stmt)):
                    if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                            n.startswith("tensorflow_estimator") for n in _imported_modules(p, node)):
                        where.append(f"{_rel(p)}:{fn.name}")
    assert sorted(set(where)) == ["pyestim/engine/_stack.py:load"]
    source = (ENGINE / "_stack.py").read_text(encoding="utf-8")
    load = source[source.index("def load("):]
    # The stack-compat hook runs before the first import of tensorflow_estimator.
    assert load.index("prepare_stack()") < load.index("from tensorflow_estimator")


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
    modules = {_module_name(p): p for p in MODULES}
    graph = {}
    for name, path in modules.items():
        deps = set()
        for node, imported in _imports(path):
            if isinstance(node, ast.ImportFrom) or imported in modules:
                if imported in modules and imported != name:
                    deps.add(imported)
        graph[name] = deps
    return graph


def _cycle(graph):
    """A cycle of module-level imports among pyestim's modules, or None. A package's
    ``__init__`` importing its own submodules is not a cycle (Python runs it first)."""
    state = {}

    def visit(node, stack):
        state[node] = "open"
        for dep in sorted(graph[node]):
            if node.startswith(dep + ".") or dep.startswith(node + ".") and \
                    graph.get(dep) is not None and node == dep.rsplit(".", 1)[0]:
                continue  # a module and the package holding it
            if state.get(dep) == "open":
                return stack[stack.index(dep):] + [dep] if dep in stack else [node, dep]
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
