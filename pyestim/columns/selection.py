"""``feature_columns()`` and its selection of names: bare names and patterns (globs, regular
expressions), :class:`ColumnSelection` (a constructor's patterns waiting for the data's names),
the names an object offers (``object_names()``), the column scopes (``set_columns()``,
``with_columns()``, ``scoped_columns()``), ``create_columns()`` (the constructors' one column
per name) and ``as_column_list()`` (what a user passes as feature columns, as a list). See
:mod:`pyestim.columns` for the rules."""

import contextlib
import contextvars
import fnmatch
import re

import numpy as np

from .._lang import shown
from ..errors import PyestimTypeError, PyestimValueError
from .kinds import is_feature_column, numeric_column

__all__ = ["ColumnSelection", "ColumnScope", "object_names", "scope_names", "set_columns",
           "with_columns", "scoped_columns", "create_columns", "as_column_list",
           "feature_columns"]


_GLOB_CHARS = re.compile(r"[*?\[]")


def _is_pattern(x):
    return isinstance(x, re.Pattern) or (isinstance(x, str) and bool(_GLOB_CHARS.search(x)))


def _describe(x):
    if isinstance(x, re.Pattern):
        return f"re.compile({x.pattern!r})"
    return repr(x)


def object_names(obj):
    """The feature names an object offers: a list of names as it is, a DataFrame's columns,
    a dict's keys, a structured array's field names."""
    if obj is None:
        return None
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        pd = None
    if pd is not None and isinstance(obj, pd.DataFrame):
        return [str(c) for c in obj.columns]
    if isinstance(obj, dict):
        return [str(k) for k in obj]
    if isinstance(obj, np.ndarray) and obj.dtype.names:
        return list(obj.dtype.names)
    if isinstance(obj, str):
        return [obj]
    if pd is not None and isinstance(obj, pd.Index):
        return [str(c) for c in obj]
    if isinstance(obj, (list, tuple, np.ndarray)):
        out = []
        for item in np.asarray(obj, dtype=object).reshape(-1):
            if not isinstance(item, str):
                raise PyestimTypeError(
                    f"names must be strings (or a data frame, dict or structured array to take "
                    f"the names of); got {type(item).__name__} {shown(item)}.")
            out.append(item)
        return out
    raise PyestimTypeError(
        f"names must be a list of names, a data frame, a dict or a structured array, got "
        f"{type(obj).__name__}.")


def _flatten_names(args, what):
    """Flatten names given as separate arguments and/or lists into one list."""
    out = []
    for a in args:
        if is_feature_column(a):
            raise PyestimTypeError(
                f"{what}() takes feature names, got the feature column {shown(a.name)}; give its "
                "name instead.")
        if isinstance(a, (str, re.Pattern)):
            out.append(a)
        elif isinstance(a, (list, tuple)) or (isinstance(a, np.ndarray) and a.ndim <= 1):
            out.extend(_flatten_names(list(a), what))
        elif isinstance(a, np.str_):
            out.append(str(a))
        else:
            raise PyestimTypeError(
                f"{what}() takes feature names (strings) or patterns, got {type(a).__name__} "
                f"{shown(a, 60)}.")
    return out


def _match(patterns, names, what):
    """Names selected by ``patterns`` (exact names, globs, regexes), in the order of ``names``
    for each pattern, without duplicates."""
    selected = []
    for p in patterns:
        if isinstance(p, re.Pattern):
            hits = [n for n in names if p.search(n)]
        elif _is_pattern(p):
            hits = [n for n in names if fnmatch.fnmatchcase(n, p)]
        else:
            if p not in names:
                raise PyestimValueError(
                    f"{what}: feature {shown(p)} is not among the available names "
                    f"{shown(names)}. Check the spelling or the names= given to feature_columns().")
            hits = [p]
        if not hits:
            raise PyestimValueError(
                f"{what}: pattern {_describe(p)} matches none of the available names "
                f"{shown(names)}.")
        selected.extend(h for h in hits if h not in selected)
    return selected


class ColumnSelection:
    """Feature columns selected by pattern, waiting for the data's names.

    Returned by a ``column_*`` constructor given a glob or a regular expression; resolved by
    ``feature_columns(..., names=...)``.
    """

    def __init__(self, what, patterns, build):
        self.what = what
        self.patterns = list(patterns)
        self._build = build

    def resolve(self, names):
        if names is None:
            raise PyestimValueError(
                f"{self.what}({', '.join(_describe(p) for p in self.patterns)}) selects feature "
                "names by pattern; give the names to choose from: "
                "feature_columns(..., names = <data or names>).")
        return [self._build(n) for n in _match(self.patterns, names, self.what)]

    def __repr__(self):
        return (f"<pyestim ColumnSelection {self.what}("
                f"{', '.join(_describe(p) for p in self.patterns)})>")


_SCOPE = contextvars.ContextVar("pyestim_column_names", default=None)


def scope_names():
    """The names of the current column scope, or None."""
    return _SCOPE.get()


def set_columns(columns):
    """Set the feature names that patterns and names choose from, until set again (see
    :mod:`pyestim.columns`).

    Parameters
    ----------
    columns : list of str, DataFrame, dict or structured array, or None
        The names: a list of names, or a data frame, dict or structured array whose (column)
        names are taken. None clears them.

    Returns
    -------
    list of str or None
        The names set before.
    """
    old = _SCOPE.get()
    _SCOPE.set(object_names(columns))
    return old


class ColumnScope(contextlib.ContextDecorator):
    """The names of :func:`with_columns` / :func:`scoped_columns`: in effect inside a ``with``
    block, or while a decorated function runs; the names before come back after."""

    def __init__(self, columns):
        self.names = object_names(columns)
        self._tokens = []

    def __enter__(self):
        self._tokens.append(_SCOPE.set(self.names))
        return self.names

    def __exit__(self, *exc):
        _SCOPE.reset(self._tokens.pop())
        return False

    def __repr__(self):
        return f"<pyestim ColumnScope {shown(self.names, 60)}>"


def with_columns(columns):
    """Choose feature names from ``columns`` inside a ``with`` block (R: ``with_columns(columns,
    expr)``, the names set while ``expr`` is evaluated).

    Parameters
    ----------
    columns : list of str, DataFrame, dict or structured array
        The names, or an object whose (column) names are taken.

    Returns
    -------
    ColumnScope
        A context manager (``with with_columns(iris): ...``), also usable as a decorator.
    """
    return ColumnScope(columns)


def scoped_columns(columns):
    """Choose feature names from ``columns`` while the decorated function runs (R's
    ``scoped_columns()`` sets them until the calling function returns; Python has no hook on
    the caller's return, so the function to scope is decorated: ``@scoped_columns(iris)``).
    ``columns`` is as for :func:`with_columns`; the :class:`ColumnScope` returned is a
    decorator, and a context manager too.
    """
    return ColumnScope(columns)


def create_columns(args, what, build):
    """tfestimators' create_columns(): one column per name; one column is returned as it is,
    several as a list; patterns defer the choice to feature_columns(), unless a column scope
    gives the names (then they are chosen, and plain names checked, at once)."""
    names = _flatten_names(args, what)
    if not names:
        raise PyestimValueError(
            f"{what}() needs at least one feature name, e.g. {what}(\"x\").")
    scope = scope_names()
    if scope is not None:
        names = _match(names, scope, what)
    elif any(_is_pattern(n) for n in names):
        return ColumnSelection(what, names, build)
    columns = [build(n) for n in names]
    return columns[0] if len(columns) == 1 else columns


def as_column_list(columns, name="feature_columns", allow_none=False):
    """Flatten what a user passes as feature columns into a list of TensorFlow columns."""
    if columns is None:
        if allow_none:
            return None
        raise PyestimValueError(
            f"{name} is required: build it with feature_columns(column_numeric(...), ...).")
    out = []

    def walk(x):
        if is_feature_column(x):
            out.append(x)
        elif isinstance(x, (list, tuple)):
            for item in x:
                walk(item)
        elif isinstance(x, ColumnSelection):
            x.resolve(None)  # raises with a message saying what to do
        elif isinstance(x, str):
            raise PyestimTypeError(
                f"{name} holds the name {shown(x)}; give feature columns, e.g. "
                f"feature_columns(column_numeric({shown(x)})) or feature_columns({shown(x)}).")
        else:
            raise PyestimTypeError(
                f"{name} must hold feature columns (from column_*() or feature_columns()), got "
                f"{type(x).__name__} {shown(x, 60)}.")

    walk(columns)
    if not out and not allow_none:
        raise PyestimValueError(f"{name} is empty; give at least one feature column.")
    return out


def feature_columns(*columns, names=None):
    """Define feature columns.

    Parameters
    ----------
    *columns
        Feature columns (from the ``column_*()`` functions), lists of them, pattern selections
        (``column_numeric("Sepal*")``), and bare feature names or patterns, which stand for
        numeric columns (``"x"`` is ``column_numeric("x")``). A string containing ``*``,
        ``?`` or ``[`` is a shell-style glob; a compiled regular expression is searched for.
    names : list of str, DataFrame, dict or structured array, optional
        Available feature names (for selection / pattern matching), or an object whose names
        are taken (a data frame's columns, a dict's keys); by default those of the current
        column scope (:func:`with_columns`, :func:`set_columns`), if any. Needed when patterns
        are used; when given, plain names are checked against it.

    Returns
    -------
    list
        The feature columns, flattened, in the order given (a pattern yields its matches in the
        order of ``names``); a column given twice is kept once.
    """
    available = object_names(names) if names is not None else scope_names()
    out = []

    def walk(x):
        if is_feature_column(x):
            out.append(x)
        elif isinstance(x, (list, tuple)):
            for item in x:
                walk(item)
        elif isinstance(x, ColumnSelection):
            out.extend(x.resolve(available))
        elif isinstance(x, (str, re.Pattern)):
            if available is None and _is_pattern(x):
                ColumnSelection("feature_columns", [x], None).resolve(None)
            selected = _match([x], available, "feature_columns") if available is not None else [x]
            out.extend(numeric_column(n) for n in selected)
        else:
            raise PyestimTypeError(
                "feature_columns() takes feature columns, names and patterns; got "
                f"{type(x).__name__} {shown(x, 60)}.")

    walk(list(columns))
    unique = []
    for column in out:  # a column selected twice (by name and by pattern) counts once
        if not any(column is u or column == u for u in unique):
            unique.append(column)
    return unique
