"""Feature columns: ``feature_columns()``, the ``column_*`` constructors, ``input_layer()`` and
the parse-spec helpers ``classifier_parse_example_spec()`` / ``regressor_parse_example_spec()``.

A feature column says how one input (a column of the data) becomes model input. The
constructors build TensorFlow's own feature columns (``tf.feature_column.*``), which both the
TF2 canned estimators and ``tf.compat.v1.feature_column.input_layer`` accept.

Names and patterns
------------------
As in tfestimators, the constructors that take feature names (``column_numeric``,
``column_categorical_*``) accept several names and return a list of columns when given more
than one (a single column when given one). Names may be given as separate arguments or as a
list (R's character vector).

R selects names with tidyselect inside ``feature_columns(..., names = )``. pyestim's Python
equivalent is a *pattern*: a string containing ``*``, ``?`` or ``[`` is a shell-style glob
(``"Sepal*"``), and a compiled regular expression (``re.compile("^Petal")``) is searched
for. A constructor given a pattern cannot know the data's names yet, so it returns a
:class:`ColumnSelection` that ``feature_columns(..., names=...)`` resolves::

    feature_columns(column_numeric("Sepal*", "Petal*"), names=iris)

``feature_columns()`` also takes bare names and patterns, which stand for numeric columns:
``feature_columns("Sepal*", names=iris)`` is ``feature_columns(column_numeric("Sepal*"),
names=iris)``.

Column scopes
-------------
tfestimators' selection scope, in Python's idiom: :func:`with_columns` is a ``with`` block
(or a decorator) inside which the names are those of its data, :func:`scoped_columns` the same
meant as a decorator (R's ``scoped_columns()`` sets them until the calling function returns;
here, while the decorated function runs) and :func:`set_columns` sets them until set again.
Inside a scope, the constructors resolve patterns at once and check plain names against the
scope's, and ``feature_columns()`` takes the scope's names when given none::

    with with_columns(iris):
        columns = feature_columns(column_numeric("Sepal*"), "Petal.Width")
"""

import contextlib
import contextvars
import fnmatch
import numbers
import re

import numpy as np
import tensorflow as tf

from .. import engine
from .._args import as_bool, as_count, as_float, as_list, as_path, as_shape
from .._lang import code, idiom, shown
from ..errors import InputDataError, PyestimTypeError, PyestimValueError

# TensorFlow's feature-column classes (private modules, reached through the engine).
_fc_v1, _fc_v2, _fc_types = engine.fc_v1, engine.fc_v2, engine.fc_types

_GLOB_CHARS = re.compile(r"[*?\[]")


# --------------------------------------------------------------------------------------------
# Helpers


def is_feature_column(obj):
    """True for a TensorFlow feature column (v2 ``FeatureColumn`` or v1 ``_FeatureColumn``)."""
    return isinstance(obj, (_fc_types.FeatureColumn, _fc_v1._FeatureColumn))  # noqa: SLF001


def _is_categorical(obj):
    return isinstance(obj, (_fc_v2.CategoricalColumn, _fc_v1._CategoricalColumn))  # noqa: SLF001


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


# --------------------------------------------------------------------------------------------
# Column scopes

_SCOPE = contextvars.ContextVar("pyestim_column_names", default=None)


def _scope_names():
    return _SCOPE.get()


def set_columns(columns):
    """Set the feature names that patterns and names choose from, until set again (see the
    module notes).

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


def _create_columns(args, what, build):
    """tfestimators' create_columns(): one column per name; one column is returned as it is,
    several as a list; patterns defer the choice to feature_columns(), unless a column scope
    gives the names (then they are chosen, and plain names checked, at once)."""
    names = _flatten_names(args, what)
    if not names:
        raise PyestimValueError(
            f"{what}() needs at least one feature name, e.g. {what}(\"x\").")
    scope = _scope_names()
    if scope is not None:
        names = _match(names, scope, what)
    elif any(_is_pattern(n) for n in names):
        return ColumnSelection(what, names, build)
    columns = [build(n) for n in names]
    return columns[0] if len(columns) == 1 else columns


def as_dtype(value, name, default=None):
    """A TensorFlow dtype from a ``tf.DType``, a NumPy dtype or a name such as ``"float32"``."""
    if value is None:
        return default
    try:
        return tf.as_dtype(value)
    except TypeError:
        raise PyestimTypeError(
            f"{name} must be a TensorFlow type such as {code('tf.float32')} or a name such as "
            f"\"float32\", \"int64\", \"string\"; got {shown(value)}.") from None


def _categorical(column, name):
    if isinstance(column, ColumnSelection):
        raise PyestimValueError(
            f"{name} is a pattern selection ({shown(column)}); a single categorical column is "
            "needed. Give the feature's name instead of a pattern.")
    if isinstance(column, list) and len(column) == 1:
        column = column[0]
    if not _is_categorical(column):
        raise PyestimTypeError(
            f"{name} must be a categorical column (from column_categorical_with_*() or "
            f"column_crossed()), got {type(column).__name__}.")
    return column


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


# --------------------------------------------------------------------------------------------
# feature_columns()


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
    available = object_names(names) if names is not None else _scope_names()
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
            out.extend(_numeric(n) for n in selected)
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


# --------------------------------------------------------------------------------------------
# Column constructors


def _numeric(key, shape=(1,), default_value=None, dtype=tf.float32, normalizer_fn=None):
    return tf.feature_column.numeric_column(key, shape=shape, default_value=default_value,
                                            dtype=dtype, normalizer_fn=normalizer_fn)


def column_numeric(*args, shape=1, default_value=None, dtype=tf.float32, normalizer_fn=None):
    """Construct a real-valued column.

    Parameters
    ----------
    *args
        Name(s) of the input feature(s) (or a list of names, or patterns; see the module
        notes). Used as the column name and the dictionary key for feature parsing configs,
        feature tensors and feature columns.
    shape : int, list of int or TensorShape
        The shape of the tensor. An integer means a single-dimension tensor of that width;
        a list (``[28, 28]``), a tuple or a :func:`shape` (``shape(784)``, a ``TensorShape``)
        gives each dimension.
        The tensor representing the column will have the shape ``[batch_size] + shape``.
    default_value : number or list, optional
        The value the column takes on during parsing if data is missing. ``None`` makes
        ``tf.parse_example`` fail if an example does not contain this column.
    dtype : tf.DType or str
        The type of the values, by default ``tf.float32``; a non-quantized real integer or
        floating point type.
    normalizer_fn : callable, optional
        Applied to the tensor after ``default_value``, e.g. ``lambda x: (x - 3.0) / 4.2``.

    Returns
    -------
    A numeric column, a list of them when several names are given, or a
    :class:`ColumnSelection` for patterns.
    """
    shape = as_shape(shape)
    dtype = as_dtype(dtype, "dtype")
    if not (dtype.is_floating or dtype.is_integer):
        raise PyestimValueError(
            f"column_numeric() needs a real integer or floating point dtype, got {dtype.name}.")
    if normalizer_fn is not None and not callable(normalizer_fn):
        raise PyestimTypeError(
            f"normalizer_fn must be a function, got {type(normalizer_fn).__name__}.")
    if default_value is not None and not isinstance(default_value, (list, tuple)):
        default_value = as_float(default_value, "default_value", allow_none=True) \
            if dtype.is_floating else \
            as_count(default_value, "default_value", minimum=-(2 ** 63))
    return _create_columns(args, "column_numeric", lambda key: _numeric(
        key, shape=shape, default_value=default_value, dtype=dtype, normalizer_fn=normalizer_fn))


def column_bucketized(source_column, boundaries):
    """Construct a bucketized column, representing discretized dense input.

    Buckets include the left boundary and exclude the right boundary: ``boundaries = c(0, 1,
    2)`` makes the buckets ``(-inf, 0)``, ``[0, 1)``, ``[1, 2)`` and ``[2, +inf)``.

    Parameters
    ----------
    source_column : numeric column
        A one-dimensional dense column, as generated by :func:`column_numeric`.
    boundaries : list of float
        A sorted (strictly increasing) list of boundaries.

    Returns
    -------
    A bucketized column.
    """
    if isinstance(source_column, list) and len(source_column) == 1:
        source_column = source_column[0]
    if not isinstance(source_column, (_fc_v2.NumericColumn, _fc_v1._NumericColumn)):  # noqa: SLF001
        raise PyestimTypeError(
            "source_column must be a numeric column from column_numeric(), got "
            f"{type(source_column).__name__}.")
    if len(source_column.shape) > 1:
        raise PyestimValueError(
            f"source_column must be one-dimensional; {shown(source_column.key)} has shape "
            f"{source_column.shape}.")
    if isinstance(boundaries, np.ndarray):
        boundaries = boundaries.tolist()
    if isinstance(boundaries, numbers.Real) and not isinstance(boundaries, bool):
        boundaries = [boundaries]
    if not isinstance(boundaries, (list, tuple)) or not boundaries:
        raise PyestimValueError(
            f"boundaries must be a non-empty sorted list of numbers, got {shown(boundaries)}.")
    values = [as_float(b, "boundaries") for b in boundaries]
    for i in range(len(values) - 1):
        if values[i] >= values[i + 1]:
            raise PyestimValueError(
                "boundaries must be sorted in strictly increasing order; got "
                f"{shown(values[i])} before {shown(values[i + 1])} (position {i + 1} and "
                f"{i + 2}) in {shown(values)}. Sort them and drop duplicates, e.g. "
                f"{idiom('sorted(set(boundaries))', 'sort(unique(boundaries))')}.")
    return tf.feature_column.bucketized_column(source_column, values)


def column_categorical_with_identity(*args, num_buckets, default_value=None):
    """Construct a categorical column that returns identity values.

    Use this when the inputs are integers in ``[0, num_buckets)`` and the value itself is the
    category ID. Values outside this range become ``default_value`` if given, otherwise they
    fail.

    Parameters
    ----------
    *args
        Name(s) of the input feature(s), as for :func:`column_numeric`.
    num_buckets : int
        Number of unique values: the range of inputs and outputs is ``[0, num_buckets)``.
    default_value : int, optional
        The ID for out-of-range inputs; must be in ``[0, num_buckets)``.

    Returns
    -------
    A categorical column (or a list of them).
    """
    num_buckets = as_count(num_buckets, "num_buckets", allow_none=False, minimum=1)
    if default_value is not None:
        default_value = as_count(default_value, "default_value")
        if default_value >= num_buckets:
            raise PyestimValueError(
                f"default_value must be in [0, num_buckets) = [0, {num_buckets}), got "
                f"{default_value}.")
    return _create_columns(args, "column_categorical_with_identity", lambda key: (
        tf.feature_column.categorical_column_with_identity(
            key, num_buckets=num_buckets, default_value=default_value)))


def _vocabulary(vocabulary_list):
    if isinstance(vocabulary_list, np.ndarray):
        vocabulary_list = vocabulary_list.tolist()
    if isinstance(vocabulary_list, (str, numbers.Number)):
        vocabulary_list = [vocabulary_list]
    if not isinstance(vocabulary_list, (list, tuple)) or not vocabulary_list:
        raise PyestimValueError(
            f"vocabulary_list must be a non-empty list of strings or integers, got "
            f"{shown(vocabulary_list)}.")
    if all(isinstance(v, str) for v in vocabulary_list):
        vocab = list(vocabulary_list)
    elif all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in vocabulary_list):
        vocab = [as_count(v, "vocabulary_list", minimum=-(2 ** 63)) for v in vocabulary_list]
    else:
        raise PyestimTypeError(
            "vocabulary_list must hold only strings or only whole numbers, got "
            f"{shown(vocabulary_list)}.")
    dupes = sorted({v for v in vocab if vocab.count(v) > 1}, key=str)
    if dupes:
        raise PyestimValueError(f"vocabulary_list has duplicate entries {dupes}.")
    return vocab


def column_categorical_with_vocabulary_list(*args, vocabulary_list, dtype=None,
                                            default_value=-1, num_oov_buckets=0):
    """Construct a categorical column with an in-memory vocabulary.

    Each value is mapped to its index in ``vocabulary_list``. Out-of-vocabulary values get
    ``default_value`` (-1: ignored) or, with ``num_oov_buckets > 0``, a hash bucket in
    ``[len(vocabulary_list), len(vocabulary_list) + num_oov_buckets)``.

    Parameters
    ----------
    *args
        Name(s) of the input feature(s), as for :func:`column_numeric`.
    vocabulary_list : list of str or int
        An ordered list defining the vocabulary.
    dtype : tf.DType or str, optional
        The type of features (string or integer); inferred from ``vocabulary_list`` if None.
    default_value : int
        The ID of values not in the vocabulary.
    num_oov_buckets : int
        Number of out-of-vocabulary buckets; cannot be combined with a ``default_value``
        other than -1.

    Returns
    -------
    A categorical column (or a list of them).
    """
    vocab = _vocabulary(vocabulary_list)
    dtype = as_dtype(dtype, "dtype")
    if dtype is not None and not (dtype == tf.string or dtype.is_integer):
        raise PyestimValueError(f"dtype must be a string or integer type, got {dtype.name}.")
    default_value = as_count(default_value, "default_value", minimum=-1, allow_none=False)
    num_oov_buckets = as_count(num_oov_buckets, "num_oov_buckets", allow_none=False)
    if num_oov_buckets and default_value != -1:
        raise PyestimValueError(
            f"Give either num_oov_buckets ({num_oov_buckets}) or default_value "
            f"({default_value}), not both.")
    return _create_columns(args, "column_categorical_with_vocabulary_list", lambda key: (
        tf.feature_column.categorical_column_with_vocabulary_list(
            key, vocabulary_list=vocab, dtype=dtype, default_value=default_value,
            num_oov_buckets=num_oov_buckets)))


def column_categorical_with_vocabulary_file(*args, vocabulary_file, vocabulary_size,
                                            num_oov_buckets=0, default_value=None,
                                            dtype=tf.string):
    """Construct a categorical column with a vocabulary file (one value per line).

    Parameters
    ----------
    *args
        Name(s) of the input feature(s), as for :func:`column_numeric`.
    vocabulary_file : str
        The vocabulary file name.
    vocabulary_size : int or None
        Number of elements in the vocabulary; no greater than the number of lines in the file
        (later lines are ignored). ``None`` counts the lines.
    num_oov_buckets : int
        Number of out-of-vocabulary buckets, assigned by hash; cannot be combined with
        ``default_value``.
    default_value : int, optional
        The ID of out-of-vocabulary values (-1 when None and no OOV buckets).
    dtype : tf.DType or str
        The type of features: string or integer.

    Returns
    -------
    A categorical column (or a list of them).
    """
    vocabulary_file = as_path(vocabulary_file, "vocabulary_file", allow_none=False)
    if not tf.io.gfile.exists(vocabulary_file):
        raise PyestimValueError(f"vocabulary_file {shown(vocabulary_file)} does not exist.")
    vocabulary_size = as_count(vocabulary_size, "vocabulary_size", minimum=1)
    num_oov_buckets = as_count(num_oov_buckets, "num_oov_buckets", allow_none=False)
    if default_value is not None:
        default_value = as_count(default_value, "default_value", minimum=-1)
        if num_oov_buckets:
            raise PyestimValueError(
                f"Give either num_oov_buckets ({num_oov_buckets}) or default_value "
                f"({default_value}), not both.")
    dtype = as_dtype(dtype, "dtype")
    if not (dtype == tf.string or dtype.is_integer):
        raise PyestimValueError(f"dtype must be a string or integer type, got {dtype.name}.")
    return _create_columns(args, "column_categorical_with_vocabulary_file", lambda key: (
        tf.feature_column.categorical_column_with_vocabulary_file(
            key, vocabulary_file=vocabulary_file, vocabulary_size=vocabulary_size,
            num_oov_buckets=num_oov_buckets, default_value=default_value, dtype=dtype)))


def column_categorical_with_hash_bucket(*args, hash_bucket_size, dtype=tf.string):
    """Construct a categorical column whose IDs are set by hashing:
    ``id = Hash(value) % hash_bucket_size``.

    Parameters
    ----------
    *args
        Name(s) of the input feature(s), as for :func:`column_numeric`.
    hash_bucket_size : int
        The number of buckets, > 1.
    dtype : tf.DType or str
        The type of features: string or integer.

    Returns
    -------
    A categorical column (or a list of them).
    """
    hash_bucket_size = as_count(hash_bucket_size, "hash_bucket_size", allow_none=False)
    if hash_bucket_size <= 1:
        raise PyestimValueError(
            f"hash_bucket_size must be larger than 1, got {hash_bucket_size}.")
    dtype = as_dtype(dtype, "dtype")
    if not (dtype == tf.string or dtype.is_integer):
        raise PyestimValueError(f"dtype must be a string or integer type, got {dtype.name}.")
    return _create_columns(args, "column_categorical_with_hash_bucket", lambda key: (
        tf.feature_column.categorical_column_with_hash_bucket(
            key, hash_bucket_size=hash_bucket_size, dtype=dtype)))


def column_categorical_weighted(categorical_column, weight_feature_key, dtype=tf.float32):
    """Construct a weighted categorical column: each ID comes with a weight, read from the
    feature ``weight_feature_key`` (e.g. terms with their frequencies).

    Parameters
    ----------
    categorical_column : categorical column
        Created by a ``column_categorical_*()`` function.
    weight_feature_key : str
        The name of the feature holding the weights.
    dtype : tf.DType or str
        Type of the weights (float or integer).

    Returns
    -------
    A categorical column.
    """
    categorical_column = _categorical(categorical_column, "categorical_column")
    if not isinstance(weight_feature_key, str) or not weight_feature_key:
        raise PyestimTypeError(
            "weight_feature_key must be a feature name (a string), got "
            f"{shown(weight_feature_key)}.")
    dtype = as_dtype(dtype, "dtype")
    if not (dtype.is_floating or dtype.is_integer):
        raise PyestimValueError(f"dtype must be a float or integer type, got {dtype.name}.")
    return tf.feature_column.weighted_categorical_column(
        categorical_column, weight_feature_key, dtype=dtype)


def column_indicator(categorical_column):
    """Represent a categorical column as multi-hot (one-hot for one value per row), e.g. to
    feed a DNN.

    Parameters
    ----------
    categorical_column : categorical column
        Created by a ``column_categorical_*()`` function or :func:`column_crossed`.

    Returns
    -------
    An indicator column.
    """
    return tf.feature_column.indicator_column(_categorical(categorical_column,
                                                           "categorical_column"))


_COMBINERS = ("mean", "sqrtn", "sum")


def column_embedding(categorical_column, dimension, combiner="mean", initializer=None,
                     ckpt_to_load_from=None, tensor_name_in_ckpt=None, max_norm=None,
                     trainable=True):
    """Construct a dense column that embeds a categorical column.

    Parameters
    ----------
    categorical_column : categorical column
        Produces the sparse IDs that are inputs to the embedding lookup.
    dimension : int
        The dimension of the embedding, > 0.
    combiner : str
        How to reduce several entries in a row: ``"mean"`` (default), ``"sqrtn"`` or
        ``"sum"``.
    initializer : callable, optional
        Variable initializer; by default a truncated normal with mean 0 and standard deviation
        ``1 / sqrt(dimension)``.
    ckpt_to_load_from, tensor_name_in_ckpt : str, optional
        A checkpoint and the tensor in it to restore the embedding from (both or neither).
    max_norm : float, optional
        If given, embeddings are l2-normalized to this value.
    trainable : bool
        Whether the embedding is trainable.

    Returns
    -------
    A dense (embedding) column.
    """
    categorical_column = _categorical(categorical_column, "categorical_column")
    dimension = as_count(dimension, "dimension", allow_none=False, minimum=1)
    if combiner not in _COMBINERS:
        raise PyestimValueError(
            f"combiner must be one of {', '.join(shown(c) for c in _COMBINERS)}; got "
            f"{shown(combiner)}.")
    if initializer is not None and not callable(initializer):
        raise PyestimTypeError(
            f"initializer must be an initializer (a function), got {type(initializer).__name__}.")
    if (ckpt_to_load_from is None) != (tensor_name_in_ckpt is None):
        raise PyestimValueError(
            "Give both ckpt_to_load_from and tensor_name_in_ckpt, or neither.")
    max_norm = as_float(max_norm, "max_norm", allow_none=True)
    trainable = as_bool(trainable, "trainable")
    return tf.feature_column.embedding_column(
        categorical_column, dimension, combiner=combiner, initializer=initializer,
        ckpt_to_load_from=ckpt_to_load_from, tensor_name_in_ckpt=tensor_name_in_ckpt,
        max_norm=max_norm, trainable=trainable)


def column_crossed(keys, hash_bucket_size, hash_key=None):
    """Construct a crossed column: ``Hash(cartesian product of the features) %
    hash_bucket_size``.

    Parameters
    ----------
    keys : list
        At least two features to cross, each a feature name (a string feature) or a
        categorical column (not a hashed one).
    hash_bucket_size : int
        The number of buckets, > 1.
    hash_key : int, optional
        The hash key used by ``FingerprintCat64`` to combine the crosses' fingerprints.

    Returns
    -------
    A crossed (categorical) column.
    """
    flat = []
    for k in ([keys] if is_feature_column(keys) else as_list(keys)):
        if isinstance(k, list):
            flat.extend(k)
        else:
            flat.append(k)
    if len(flat) < 2:
        raise PyestimValueError(
            f"column_crossed() needs at least two keys to cross, got {len(flat)}.")
    for k in flat:
        if not (isinstance(k, str) or _is_categorical(k)):
            raise PyestimTypeError(
                "keys of column_crossed() must be feature names or categorical columns, got "
                f"{type(k).__name__} {shown(k, 60)}.")
        hashed = (_fc_v2.HashedCategoricalColumn, _fc_v1._HashedCategoricalColumn)  # noqa: SLF001
        if isinstance(k, hashed):
            raise PyestimValueError(
                f"column_crossed() cannot cross the hashed column {shown(k.key)}; cross the "
                f"feature name {shown(k.key)} instead.")
    hash_bucket_size = as_count(hash_bucket_size, "hash_bucket_size", allow_none=False)
    if hash_bucket_size <= 1:
        raise PyestimValueError(
            f"hash_bucket_size must be larger than 1, got {hash_bucket_size}.")
    if hash_key is not None:
        hash_key = as_count(hash_key, "hash_key")
    return tf.feature_column.crossed_column(flat, hash_bucket_size, hash_key=hash_key)


# --------------------------------------------------------------------------------------------
# Using columns


def input_layer(features, feature_columns, weight_collections=None, trainable=True):
    """Construct an input layer: a dense tensor ``[batch_size, first_layer_dimension]`` of
    float32 built from ``features`` by dense feature columns.

    Call it inside a model function (it builds graph ops). Columns are laid out in the order
    of their names, as TensorFlow does.

    Parameters
    ----------
    features : dict
        A mapping from feature name to tensor; columns look up their key in it.
    feature_columns : list
        Dense columns: numeric, bucketized, indicator, embedding. Wrap categorical columns in
        :func:`column_indicator` or :func:`column_embedding`.
    weight_collections : list of str, optional
        Collections to which created variables are added.
    trainable : bool
        Whether created variables are trainable.

    Returns
    -------
    Tensor
    """
    if not isinstance(features, dict):
        raise PyestimTypeError(
            f"features must be a named list (dict) of tensors, got {type(features).__name__}. "
            "Canned estimators and input_fn() give features as a dict.")
    columns = as_column_list(feature_columns)
    missing = sorted({k for c in columns for k in _fc_keys(c)} - set(features))
    if missing:
        raise PyestimValueError(
            f"The feature columns use feature(s) {shown(missing)} that are not in features "
            f"(which has {shown(sorted(features))}).")
    for c in columns:
        if not isinstance(c, (_fc_v2.DenseColumn, _fc_v1._DenseColumn)):  # noqa: SLF001
            raise PyestimTypeError(
                f"input_layer() takes dense columns; {shown(c.name)} is categorical. Wrap it in "
                "column_indicator() or column_embedding().")
    return tf.compat.v1.feature_column.input_layer(
        features, columns, weight_collections=weight_collections,
        trainable=as_bool(trainable, "trainable"))


def _fc_keys(column):
    """Raw feature names a column reads."""
    spec = tf.feature_column.make_parse_example_spec([column])
    return list(spec)


def _kind_of(arr):
    kind = np.asarray(arr).dtype.kind
    return "text" if kind in "OUS" else "integer" if kind in "biu" else \
        "numeric" if kind in "fc" else str(np.asarray(arr).dtype)


def check_data_columns(columns, data):
    """Check the data against the feature columns of a canned estimator before TensorFlow
    sees it: every raw feature a column reads must be a data column (``data``: names ->
    arrays), numbers where the column parses numbers (``column_numeric``, the ids of
    ``column_categorical_with_identity``), text where it parses strings. Raises
    InputDataError naming the column, what it holds and what it should hold."""
    try:
        spec = tf.feature_column.make_parse_example_spec(list(columns))
    except (TypeError, ValueError):
        return  # feature columns pyestim does not know: TensorFlow will say
    missing = sorted(key for key in spec if key not in data)
    if missing:
        raise InputDataError(
            f"The feature column(s) read data column(s) {shown(missing)}, which the input does "
            f"not have; its columns are {shown(sorted(data))}. Add them to the input's features (input_fn(data, "
            "features = ...)) or rename the feature columns to match.")
    for key, feature in spec.items():
        want = feature.dtype
        have = _kind_of(data[key])
        if want == tf.string and have != "text":
            expected = "text (strings)"
        elif want.is_integer and have not in ("integer",):
            expected = "whole numbers (integer ids)"
        elif want.is_floating and have not in ("integer", "numeric"):
            expected = "numbers"
        else:
            continue
        raise InputDataError(
            f"Data column {shown(key)} holds {have} values, but its feature column expects "
            f"{expected}. Convert the column (e.g. as.numeric() / as.character() in R, "
            "astype() in pandas), or use a feature column of its kind (column_numeric for "
            "numbers, column_categorical_with_vocabulary_list / _hash_bucket for text, "
            "column_categorical_with_identity for integer ids).")


def _label_key(label_key):
    if not isinstance(label_key, str) or not label_key:
        raise PyestimValueError(
            f"label_key must name the label feature (a string), got {shown(label_key)}.")
    return label_key


def as_weight_column(weight_column):
    if weight_column is None or isinstance(weight_column, str):
        return weight_column
    if isinstance(weight_column, list) and len(weight_column) == 1:
        weight_column = weight_column[0]
    if isinstance(weight_column, (_fc_v2.NumericColumn, _fc_v1._NumericColumn)):  # noqa: SLF001
        return weight_column
    raise PyestimTypeError(
        "weight_column must be a feature name or a numeric column from column_numeric(), got "
        f"{type(weight_column).__name__}.")


def classifier_parse_example_spec(feature_columns, label_key, label_dtype=tf.int64,
                                  label_default=None, weight_column=None):
    """Generate the parsing spec for ``tf.train.Example`` protos read by classifiers: the
    features' specs plus the label's (and the weight's).

    Parameters
    ----------
    feature_columns : list
        All the feature columns.
    label_key : str
        The key under which examples store the label.
    label_dtype : tf.DType or str
        The type of labels: ``tf.int64`` by default; ``tf.string`` with a label vocabulary;
        ``tf.float32`` only for binary classification.
    label_default : optional
        The label of examples without one (e.g. 0 when only positive examples carry it);
        None makes parsing fail on a missing label.
    weight_column : str or numeric column, optional
        The feature holding example weights.

    Returns
    -------
    dict
        Feature key -> ``FixedLenFeature`` or ``VarLenFeature``.
    """
    return engine.classifier_parse_example_spec(
        as_column_list(feature_columns), _label_key(label_key),
        label_dtype=as_dtype(label_dtype, "label_dtype"), label_default=label_default,
        weight_column=as_weight_column(weight_column))


def regressor_parse_example_spec(feature_columns, label_key, label_dtype=tf.float32,
                                 label_default=None, label_dimension=1, weight_column=None):
    """Generate the parsing spec for ``tf.train.Example`` protos read by regressors: the
    features' specs plus the label's (and the weight's).

    Parameters
    ----------
    feature_columns : list
        All the feature columns.
    label_key : str
        The key under which examples store the label.
    label_dtype : tf.DType or str
        The type of labels, ``tf.float32`` by default.
    label_default : optional
        The label of examples without one; None makes parsing fail on a missing label.
    label_dimension : int
        Number of regression targets per example.
    weight_column : str or numeric column, optional
        The feature holding example weights.

    Returns
    -------
    dict
        Feature key -> ``FixedLenFeature`` or ``VarLenFeature``.
    """
    return engine.regressor_parse_example_spec(
        as_column_list(feature_columns), _label_key(label_key),
        label_dtype=as_dtype(label_dtype, "label_dtype"), label_default=label_default,
        label_dimension=as_count(label_dimension, "label_dimension", allow_none=False,
                                 minimum=1),
        weight_column=as_weight_column(weight_column))


__all__ = [
    "ColumnSelection",
    "ColumnScope",
    "check_data_columns",
    "feature_columns",
    "set_columns",
    "with_columns",
    "scoped_columns",
    "column_numeric",
    "column_bucketized",
    "column_categorical_with_identity",
    "column_categorical_with_vocabulary_list",
    "column_categorical_with_vocabulary_file",
    "column_categorical_with_hash_bucket",
    "column_categorical_weighted",
    "column_indicator",
    "column_embedding",
    "column_crossed",
    "input_layer",
    "classifier_parse_example_spec",
    "regressor_parse_example_spec",
]
