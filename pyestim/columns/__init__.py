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

The modules, by job: :mod:`~pyestim.columns.kinds` (what a column is),
:mod:`~pyestim.columns.selection` (``feature_columns()``, names, patterns and scopes),
:mod:`~pyestim.columns.constructors` (the ``column_*()`` functions),
:mod:`~pyestim.columns.data_checks` (``input_layer()``, ``check_data_columns()``) and
:mod:`~pyestim.columns.parse_spec` (the parse-example specs).
"""

from .constructors import (column_bucketized, column_categorical_weighted,
                           column_categorical_with_hash_bucket, column_categorical_with_identity,
                           column_categorical_with_vocabulary_file,
                           column_categorical_with_vocabulary_list, column_crossed,
                           column_embedding, column_indicator, column_numeric)
from .data_checks import check_data_columns, input_layer
from .parse_spec import classifier_parse_example_spec, regressor_parse_example_spec
from .selection import (ColumnScope, ColumnSelection, feature_columns, scoped_columns,
                        set_columns, with_columns)

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
