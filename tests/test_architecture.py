"""One module map: docs/architecture.md names every module of the Python package and every R
file of the R package, and nothing that does not exist; its test map gives every test file
``tests/test_*.py`` one row, naming the modules it tests, each of which exists.

The map's tables are read as text: the first column of each row of the sections "Module map
(Python)" (paths relative to ``pyestim/``) and "Module map (R)" (paths relative to ``r/``),
every path in backticks there. A new module without a row, or a row whose module was
removed or renamed, fails with the path named and what to do. The section "Test map" is read
the same way: its first column names test files (relative to ``tests/``), its second the
modules each tests (``*.py`` in backticks, relative to ``pyestim/``) or a concern in
parentheses (``(packaging)``); a test file without a row, a row whose file is gone and a row
naming a module that does not exist fail alike.
"""

import re

import pytest

from support.paths import REPO

MAP = REPO / "docs" / "architecture.md"

__all__ = []


def section(text, title):
    """The lines of the section ``## title`` (up to the next ``## `` heading)."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == f"## {title}"]
    assert len(starts) == 1, f"docs/architecture.md must have one section '## {title}'"
    body = []
    for line in lines[starts[0] + 1:]:
        if line.startswith("## "):
            break
        body.append(line)
    return body


def first_column_paths(lines):
    """The backticked names in the first cell of each table row (not the header rows)."""
    out = []
    for line in lines:
        if not line.startswith("|") or set(line.replace("|", "").strip()) <= set("-: "):
            continue
        first = line.split("|")[1]
        out.extend(re.findall(r"`([^`]+)`", first))
    return out


def mapped(title):
    return first_column_paths(section(MAP.read_text(encoding="utf-8"), title))


def python_modules():
    root = REPO / "pyestim"
    return {p.relative_to(root).as_posix() for p in root.rglob("*.py")
            if "__pycache__" not in p.parts}


def r_files():
    root = REPO / "r"
    return {p.relative_to(root).as_posix() for p in (root / "R").glob("*.R")}


def test_first_column_paths_reads_the_module_cells_only():
    table = ["| module | holds |", "|---|---|", "| `a.py`, `b/c.py` | `not_me.py` |",
             "text with `x.py`", "| `d.R` | the `e.R` |"]
    assert first_column_paths(table) == ["a.py", "b/c.py", "d.R"]


#: each map section -> the folder its paths are relative to, and what it must name
MAPS = {"Module map (Python)": ("pyestim", python_modules, "the module"),
        "Module map (R)": ("r", r_files, "the file")}


@pytest.mark.parametrize("title", sorted(MAPS))
def test_the_map_names_every_module(title):
    root, present, what = MAPS[title]
    missing = sorted(present() - set(mapped(title)))
    assert not missing, (
        f"docs/architecture.md's '{title}' has no row for "
        + ", ".join(f"{root}/{m}" for m in missing)
        + f": add one (the path relative to {root}/ in backticks in the first column, and "
          f"what {what} holds), at its place in the table.")


@pytest.mark.parametrize("title", sorted(MAPS))
def test_the_map_names_only_modules_that_exist(title):
    root, _, _ = MAPS[title]
    named = mapped(title)
    assert named, f"docs/architecture.md's '{title}' names nothing"
    gone = sorted(n for n in set(named) if not (REPO / root / n).is_file())
    assert not gone, (
        f"docs/architecture.md's '{title}' names what does not exist: "
        + ", ".join(f"{root}/{n}" for n in gone) + ": remove or rename their rows.")
    repeated = sorted({n for n in named if named.count(n) > 1})
    assert not repeated, f"'{title}' names {repeated} in more than one row"


def test_the_readme_leaves_the_map_to_docs():
    """One map: the README links to docs/architecture.md and has no module table of its own."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/architecture.md" in readme
    rows = [line for line in readme.splitlines() if line.startswith("| `")
            and re.match(r"\| `[\w/]+\.(py|R)`", line)]
    assert not rows, f"README.md has module-map rows of its own: {rows[:3]}"


# --------------------------------------------------------------------------------------------
# The test map: tests/test_*.py -> the modules it tests

MODULE = re.compile(r"^[\w/]+\.py$")


def map_rows(lines):
    """{test file: [module paths and "(concern)"s]} of the table rows of ``lines``."""
    rows = {}
    for line in lines:
        if not line.startswith("|") or set(line.replace("|", "").strip()) <= set("-: "):
            continue
        cells = line.split("|")
        for name in re.findall(r"`([^`]+)`", cells[1]):
            rows.setdefault(name, []).extend(
                n for n in re.findall(r"`([^`]+)`", cells[2])
                if MODULE.match(n) or n.startswith("("))
    return rows


def map_problems(lines, test_files, modules):
    """What is wrong with the test map's ``lines``, given the files ``tests/test_*.py``
    (names relative to tests/) and the modules of pyestim/ (relative to pyestim/)."""
    rows = map_rows(lines)
    named = [n for line in lines if line.startswith("|")
             for n in re.findall(r"`([^`]+)`", line.split("|")[1])]
    problems = [f"tests/{f} has no row in docs/architecture.md's 'Test map': add one (the file "
                f"in backticks in the first column, the modules it tests, relative to pyestim/ "
                f"and in backticks, in the second)" for f in sorted(set(test_files) - set(rows))]
    problems += [f"docs/architecture.md's 'Test map' has a row for tests/{f}, which does not "
                 f"exist: remove the row, or rename it to the file's new name"
                 for f in sorted(set(rows) - set(test_files))]
    problems += [f"docs/architecture.md's 'Test map' names tests/{f} in more than one row: "
                 f"keep one" for f in sorted({n for n in named if named.count(n) > 1})]
    for f, covered in sorted(rows.items()):
        if not covered:
            problems.append(f"the 'Test map' row of tests/{f} names no module: name the modules "
                            f"it tests (relative to pyestim/, in backticks) or its concern in "
                            f"parentheses, e.g. `(packaging)`")
        problems += [f"the 'Test map' row of tests/{f} names pyestim/{m}, which does not exist: "
                     f"name the module the tests exercise now" for m in covered
                     if not m.startswith("(") and m not in modules]
    return problems


def existing_test_files():
    return {p.name for p in (REPO / "tests").glob("test_*.py")}


def test_every_test_file_has_a_row_naming_modules_that_exist():
    lines = section(MAP.read_text(encoding="utf-8"), "Test map")
    assert len(map_rows(lines)) > 40, "the 'Test map' has (almost) no rows"
    problems = map_problems(lines, existing_test_files(), python_modules())
    assert not problems, "\n".join(problems)


PLANTED = ["| test file | tests |", "|---|---|",
           "| `test_a.py` | `a.py`, the `code()` it calls |",
           "| `test_gone.py` | `a.py` |",
           "| `test_b.py` | `b/c.py`, `(R package)` |",
           "| `test_d.py` | `d.py` |",
           "| `test_e.py` | plain words |"]


def test_a_missing_or_stale_test_map_row_fails_naming_the_file_and_the_fix():
    problems = map_problems(PLANTED, {"test_a.py", "test_b.py", "test_new.py",
                                           "test_d.py", "test_e.py"}, {"a.py", "b/c.py"})
    assert problems == [
        "tests/test_new.py has no row in docs/architecture.md's 'Test map': add one (the file "
        "in backticks in the first column, the modules it tests, relative to pyestim/ and in "
        "backticks, in the second)",
        "docs/architecture.md's 'Test map' has a row for tests/test_gone.py, which does not "
        "exist: remove the row, or rename it to the file's new name",
        "the 'Test map' row of tests/test_d.py names pyestim/d.py, which does not exist: name "
        "the module the tests exercise now",
        "the 'Test map' row of tests/test_e.py names no module: name the modules it tests "
        "(relative to pyestim/, in backticks) or its concern in parentheses, e.g. `(packaging)`"]
    assert map_rows(PLANTED)["test_b.py"] == ["b/c.py", "(R package)"]
    assert map_problems(PLANTED[:3] + PLANTED[4:6], {"test_a.py", "test_b.py", "test_d.py"},
                             {"a.py", "b/c.py", "d.py"}) == []
    assert map_problems(PLANTED + ["| `test_a.py` | `a.py` |"],
                             {"test_a.py", "test_b.py", "test_d.py", "test_e.py", "test_gone.py"},
                             {"a.py", "b/c.py", "d.py"})[:1] == [
        "docs/architecture.md's 'Test map' names tests/test_a.py in more than one row: keep one"]
