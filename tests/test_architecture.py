"""One module map: docs/architecture.md names every module of the Python package and every R
file of the R package, and nothing that does not exist.

The map's tables are read as text: the first column of each row of the sections "Module map
(Python)" (paths relative to ``pyestim/``) and "Module map (R)" (paths relative to ``r/``),
every path in backticks there. A new module without a row, or a row whose module was
removed or renamed, fails with the path named and what to do.
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
