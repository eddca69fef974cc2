"""feature_columns() and its selection of names (pyestim/columns/selection.py): globs and
regular expressions over names, pattern selections resolved by feature_columns(), the column
scopes (with_columns(), scoped_columns(), set_columns())."""

import re

import pandas as pd
import pytest

import pyestim as pe
from pyestim.columns import ColumnSelection

IRIS_NAMES = ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width", "Species"]


def test_feature_columns_globs_and_regexes_over_names():
    iris = pd.DataFrame({n: [] for n in IRIS_NAMES})
    cols = pe.feature_columns("Sepal*", names=iris)
    assert [c.key for c in cols] == ["Sepal.Length", "Sepal.Width"]
    cols = pe.feature_columns(re.compile(r"\.Width$"), names=IRIS_NAMES)
    assert [c.key for c in cols] == ["Sepal.Width", "Petal.Width"]
    # patterns inside a constructor wait for feature_columns() to resolve them
    selection = pe.column_numeric("Petal.?????")
    assert isinstance(selection, ColumnSelection)
    cols = pe.feature_columns(selection, pe.column_numeric("Sepal.Width"), names=IRIS_NAMES)
    assert [c.key for c in cols] == ["Petal.Width", "Sepal.Width"]
    # bracket globs and duplicates: each name once, in the order of names
    cols = pe.feature_columns("[SP]*.Length", "Sepal.Length", names=IRIS_NAMES)
    assert [c.key for c in cols] == ["Sepal.Length", "Petal.Length"]


def test_feature_columns_flattens_lists_of_columns():
    a, b = pe.column_numeric("a", "b")
    cols = pe.feature_columns([a, [b]], pe.column_indicator(
        pe.column_categorical_with_identity("c", num_buckets=3)))
    assert [c.name for c in cols] == ["a", "b", "c_indicator"]


def test_feature_columns_errors():
    with pytest.raises(pe.PyestimValueError, match="not among the available names"):
        pe.feature_columns("Sepal.Lenght", names=IRIS_NAMES)
    with pytest.raises(pe.PyestimValueError, match="matches none"):
        pe.feature_columns("Leaf*", names=IRIS_NAMES)
    with pytest.raises(pe.PyestimValueError, match="names = "):
        pe.feature_columns("Sepal*")
    with pytest.raises(pe.PyestimValueError, match="by pattern"):
        pe.feature_columns(pe.column_numeric("Sepal*"))
    with pytest.raises(pe.PyestimTypeError, match="feature columns, names and patterns"):
        pe.feature_columns(3)
    # a canned estimator given an unresolved pattern says how to resolve it
    with pytest.raises(pe.PyestimValueError, match="feature_columns"):
        pe.linear_regressor(pe.column_numeric("Sepal*"))



def _keys(columns):
    return [c.key for c in ([columns] if not isinstance(columns, list) else columns)]


def test_with_columns_scopes_patterns_and_names():
    """tfestimators' column scope in Python's idiom (issue 22, point 11)."""
    iris = pd.DataFrame({name: [1.0] for name in IRIS_NAMES})
    assert isinstance(pe.column_numeric("Sepal*"), ColumnSelection)  # no scope: deferred
    with pe.with_columns(iris) as names:
        assert names == IRIS_NAMES
        assert _keys(pe.column_numeric("Sepal*")) == ["Sepal.Length", "Sepal.Width"]
        assert _keys(pe.column_numeric(re.compile("Width$"))) == ["Sepal.Width", "Petal.Width"]
        columns = pe.feature_columns(pe.column_numeric("Petal*"), "Sepal.Length")
        assert _keys(columns) == ["Petal.Length", "Petal.Width", "Sepal.Length"]
        with pytest.raises(ValueError, match="'Sepal.Lenght' is not among the available"):
            pe.column_numeric("Sepal.Lenght")
        with pe.with_columns(["a", "b"]):  # nested: the inner names, then the outer again
            assert _keys(pe.feature_columns("*")) == ["a", "b"]
        assert _keys(pe.feature_columns("Species")) == ["Species"]
    assert isinstance(pe.column_numeric("Sepal*"), ColumnSelection)  # the scope has ended


def test_scoped_columns_decorates_and_set_columns_sets_until_set_again():
    @pe.scoped_columns({"x1": [1], "x2": [2], "y": [0]})
    def build():
        return pe.feature_columns(pe.column_numeric("x*"))

    assert _keys(build()) == ["x1", "x2"]
    assert isinstance(pe.column_numeric("x*"), ColumnSelection)
    try:
        assert pe.set_columns(["u", "v"]) is None
        assert _keys(pe.column_numeric("?")) == ["u", "v"]
        assert pe.set_columns(["w"]) == ["u", "v"]
        assert _keys(pe.column_numeric("*")) == ["w"]
    finally:
        pe.set_columns(None)
    assert isinstance(pe.column_numeric("*"), ColumnSelection)

