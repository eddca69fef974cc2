"""Input functions: ``numpy_input_fn()``, ``input_fn()``, and the rules that turn the
closures R users write into the zero-argument functions tf.estimator calls.

``numpy_input_fn`` keeps the signature of ``tf.estimator.inputs.numpy_input_fn`` but is built
on ``tf.data`` instead of threads feeding a shuffling queue, so that with a graph seed
(``run_config(tf_random_seed=)``) the order of examples is the same on every run. No Python
runs per batch: the arrays enter TensorFlow once per iterator (one element of a
``from_generator`` dataset, never a graph constant), the row indices once per epoch (one
seeded NumPy permutation, about 65,536 indices per call), and TensorFlow gathers each batch
(``tf.gather``) and prefetches it.
"""

import collections
import contextlib
import contextvars
import inspect
import math

import numpy as np
import pandas as pd
import tensorflow as tf

from . import engine, response_levels as _levels
from ._args import as_bool, as_count
from ._lang import code, idiom, language, shown
from .errors import InputDataError, InputFnError, PyestimTypeError, PyestimValueError
from .guards.data import check_finite

__all__ = ["input_fn", "numpy_input_fn", "InputFunction", "resolve_input_fn", "NumpyInput",
           "call_mode", "encoding_notes", "TF_INPUT_FN_ARGS"]

#: The arguments tf.estimator itself passes to an input function, by name.
TF_INPUT_FN_ARGS = frozenset({"params", "config", "mode", "input_context"})

# The mode of the estimator call that is resolving an input function ("train", "eval",
# "infer"), read by input_fn(shuffle="auto").
_CALL_MODE = contextvars.ContextVar("pyestim_call_mode", default=None)


@contextlib.contextmanager
def call_mode(mode):
    token = _CALL_MODE.set(mode)
    try:
        yield
    finally:
        _CALL_MODE.reset(token)


def _as_array(value, name):
    try:
        arr = np.asarray(value)  # also turns np.matrix (np$asmatrix in the R tutorial) into an array
    except Exception as err:  # noqa: BLE001 - report what could not be converted
        raise PyestimTypeError(f"{name} could not be turned into an array: {err}") from None
    if arr.ndim == 0:
        raise PyestimValueError(
            f"{name} is a single value (shape ()); numpy_input_fn needs one row per example.")
    if arr.ndim > 1 and 0 in arr.shape[1:]:
        # Also keeps TensorFlow's unbatching of empty rows (a segmentation fault) away.
        raise PyestimValueError(
            f"{name} has shape {arr.shape}: each example holds no values. Drop the feature, "
            "or give it at least one value per row.")
    if arr.dtype.kind in "US" or (arr.dtype == object and arr.size and
                                  isinstance(arr.flat[0], (str, bytes))):
        flat = arr.reshape(-1)
        odd = [v for v in flat if not isinstance(v, (str, bytes))]
        if odd:
            raise PyestimTypeError(
                f"{name} mixes strings with other values (e.g. {type(odd[0]).__name__} "
                f"{shown(odd[0], 40)}); a feature holds either numbers or strings. Convert the "
                "column to one type (and missing values to \"\" or a number).")
        try:
            arr = np.array([v.encode() if isinstance(v, str) else v for v in flat],
                           dtype=object).reshape(arr.shape)
        except UnicodeEncodeError as err:
            raise PyestimValueError(
                f"{name} holds text that is not valid Unicode ({err.reason} at "
                f"{shown(err.object[err.start:err.end])}); clean the strings first.") from None
    elif arr.dtype == object:
        raise PyestimTypeError(
            f"{name} holds Python objects (dtype object) that are not strings; give numbers "
            "or strings.")
    elif arr.dtype.kind not in "biuf":
        raise PyestimTypeError(
            f"{name} has dtype {arr.dtype}, which TensorFlow cannot feed; give numbers or "
            "strings.")
    return arr


_MAX_COUNT = 2 ** 31 - 1


def _tf_dtype(arr):
    return tf.string if arr.dtype == object else tf.as_dtype(arr.dtype)


def _factor_codes(value, name, encodings):
    """A factor (a pandas Categorical, or a categorical Series: what an R factor becomes) as
    its 0-based integer codes, its levels recorded in ``encodings``; anything else as it is."""
    if isinstance(value, (pd.Series, pd.Categorical)) and \
            isinstance(value.dtype, pd.CategoricalDtype):
        return _column_values(value, name, encodings)
    return value


def _collect(x, y):
    encodings = {}
    if isinstance(x, dict):
        if not x:
            raise PyestimValueError("x is an empty dict; give at least one feature array.")
        features = collections.OrderedDict(
            (str(k), _as_array(_factor_codes(v, str(k), encodings), f"x[{shown(k)}]"))
            for k, v in x.items())
        single_x = False
    elif x is None:
        raise PyestimTypeError(
            f"x is {code('None')}; numpy_input_fn needs "
            + idiom("a dict of feature arrays.", "a named list of feature arrays."))
    else:
        features = collections.OrderedDict(
            [("__x__", _as_array(_factor_codes(x, "x", encodings), "x"))])
        single_x = True
    if y is None:
        targets, single_y = None, False
    elif isinstance(y, dict):
        if not y:
            raise PyestimValueError(
                idiom("y is an empty dict", "y is an empty list")
                + f"; use {code('None')} for no labels.")
        targets = collections.OrderedDict(
            (str(k), _as_array(_factor_codes(v, str(k), encodings), f"y[{shown(k)}]"))
            for k, v in sorted(y.items()))
        clash = sorted(set(targets) & set(features))
        if clash:
            raise PyestimValueError(f"Keys {clash} are in both x and y; rename one of them.")
        single_y = False
    else:
        targets = collections.OrderedDict(
            [("__y__", _as_array(_factor_codes(y, "y", encodings), "y"))])
        single_y = True
    _log_encodings(encodings, "numpy_input_fn()")
    lengths = {k: v.shape[0] for k, v in features.items()}
    if targets:
        lengths.update({k: v.shape[0] for k, v in targets.items()})
    if len(set(lengths.values())) != 1:
        described = ", ".join(
            f"{'x' if k == '__x__' else 'y' if k == '__y__' else k}: {n}"
            for k, n in lengths.items())
        raise PyestimValueError(
            f"x and y must have the same number of rows (examples), got {described}. "
            "Check that features and labels come from the same rows.")
    n = next(iter(lengths.values()))
    if n == 0:
        raise PyestimValueError(
            "The input has no rows (0 examples); nothing to train or evaluate on.")
    return features, single_x, targets, single_y, n


#: At most about this many row indices are computed per call of numpy_input_fn's index
#: generator (once per epoch for data of up to this many rows).
_INDICES_PER_CALL = 1 << 16


class NumpyInput:
    """What pyestim knows of an input function :func:`numpy_input_fn` made, read before
    anything is built: the guards check its labels and its end, the estimator its features.

    The function carries it (``numpy_input_fn()`` returns a plain function, as TensorFlow's
    does); :meth:`of` is the one way to ask a function for it, None for any other function.

    Attributes
    ----------
    n : int
        The number of rows (examples).
    batch_size : int
        The rows per batch.
    features : dict of numpy.ndarray or None
        The feature arrays by name (None when ``x`` was a single array).
    labels : numpy.ndarray or None
        The labels (None when ``y`` was absent or a dict).
    num_epochs : int or None
        The passes over the data; None repeats forever.
    shuffle : bool
        Whether the rows are shuffled.
    """

    _ATTRIBUTE = "pyestim_numpy_input"

    def __init__(self, n, batch_size, features, labels, num_epochs, shuffle):
        self.n = n
        self.batch_size = batch_size
        self.features = features
        self.labels = labels
        self.num_epochs = num_epochs
        self.shuffle = shuffle

    def attach(self, fn):
        """``fn`` (the input function) carrying this description; returns ``fn``."""
        setattr(fn, self._ATTRIBUTE, self)
        return fn

    @classmethod
    def of(cls, fn):
        """The :class:`NumpyInput` of ``fn`` if :func:`numpy_input_fn` made it, else None."""
        found = getattr(fn, cls._ATTRIBUTE, None)
        return found if isinstance(found, cls) else None

    @property
    def repeats_forever(self):
        """True when the data repeats forever (``num_epochs`` None / NULL)."""
        return self.num_epochs is None


def _seeded_rng():
    """A RandomState seeded from the graph seed and the op count, as TensorFlow seeds its
    own random ops; fresh entropy when the graph has no seed."""
    graph_seed, op_seed = tf.compat.v1.get_seed(None)
    if graph_seed is None:
        return np.random.RandomState()
    words = []
    for s in (int(graph_seed), int(op_seed or 0)):
        s &= (1 << 64) - 1
        words += [s & 0xFFFFFFFF, s >> 32]
    return np.random.RandomState(words)


def _index_blocks(n, batch_size, num_epochs, shuffle, rng):
    """The row indices of the batches, several batches per array (``[k, batch_size]``, about
    ``_INDICES_PER_CALL`` indices): epochs follow each other without a gap (as the stock queue
    does), each a fresh ``rng.permutation(n)`` when shuffling; a final short batch
    (``[1, rows]``) only when the number of epochs is finite. One permutation per epoch and a
    reshape: no Python runs per batch."""
    per_block = max(1, _INDICES_PER_CALL // batch_size)
    pending, size, epoch = [], 0, 0
    while num_epochs is None or epoch < num_epochs:
        pending.append(rng.permutation(n) if shuffle else np.arange(n, dtype=np.int64))
        size += n
        epoch += 1
        if size < per_block * batch_size and (num_epochs is None or epoch < num_epochs):
            continue
        stream = np.concatenate(pending) if len(pending) > 1 else pending[0]
        full = stream.size // batch_size
        if full:
            yield from np.array_split(stream[:full * batch_size].reshape(full, batch_size),
                                      max(1, full // per_block))
        pending, size = [stream[full * batch_size:]], stream.size - full * batch_size
    if size:
        yield np.concatenate(pending).reshape(1, -1)


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None,
                   queue_capacity=1000, num_threads=1, allow_nonfinite=False):
    """Input function that feeds a dict of NumPy arrays into the model.

    Parameters
    ----------
    x : dict of numpy.ndarray, or numpy.ndarray
        Features, one array per feature, all with the same number of rows. A single array
        is fed as one feature tensor.
    y : numpy.ndarray or dict of numpy.ndarray, optional
        Labels; ``None`` if absent (prediction).
    batch_size : int
        Size of the batches to return.
    num_epochs : int, optional
        Number of passes over the data; ``None`` repeats forever.
    shuffle : bool
        Whether to shuffle the rows (a new order every epoch). Must be given, as in
        TensorFlow: True for training, False for evaluation and prediction.
    queue_capacity : int
        Number of examples to keep ready ahead of the model (rounded up to whole batches).
    num_threads : int
        Accepted for compatibility; reading is single-threaded so that the order of examples
        is reproducible (the arrays are in memory, so threads would add nothing).
    allow_nonfinite : bool
        Accept features holding NaN, NA or infinite values. By default they are refused
        (:class:`~pyestim.errors.NonFiniteInputError` names the feature, the first row and
        the count), in every mode; allow them only for a model that handles missing values.

    Returns
    -------
    callable
        A zero-argument input function returning a ``tf.data.Dataset`` of
        ``(features, labels)`` (``features`` alone when ``y`` is None).

    Notes
    -----
    With a graph seed (``run_config(tf_random_seed=...)``) the shuffled order is derived
    from the seed, so every call that builds the same graph reads the same order.
    """
    if not isinstance(shuffle, (bool, np.bool_)):
        raise PyestimValueError(
            f"shuffle must be given explicitly as {code('True/False')}; it is recommended to set "
            f"it to {code('True')} for training and {code('False')} for evaluation. Got "
            f"{shown(shuffle)}.")
    shuffle = bool(shuffle)
    batch_size = as_count(batch_size, "batch_size", minimum=1, allow_none=False)
    num_epochs = as_count(num_epochs, "num_epochs", minimum=1)
    queue_capacity = as_count(queue_capacity, "queue_capacity", minimum=1, allow_none=False)
    for name, value in (("batch_size", batch_size), ("queue_capacity", queue_capacity)):
        if value > _MAX_COUNT:
            raise PyestimValueError(
                f"{name} must be at most {_MAX_COUNT} (TensorFlow indexes rows with 32-bit "
                f"integers here), got {value}.")
    as_count(num_threads, "num_threads", minimum=1, allow_none=False)
    features, single_x, targets, single_y, n = _collect(x, y)
    check_finite({"x" if k == "__x__" else k: v for k, v in features.items()},
                 as_bool(allow_nonfinite, "allow_nonfinite"))
    prefetch = max(1, math.ceil(queue_capacity / batch_size))
    rows = batch_size if num_epochs is None else None
    columns = list(features.items()) + (list(targets.items()) if targets else [])
    names = [k for k, _ in columns]
    arrays = tuple(v for _, v in columns)
    data_signature = tuple(tf.TensorSpec(shape=v.shape, dtype=_tf_dtype(v)) for v in arrays)

    def shape(batch):
        f = {k: batch[k] for k in features}
        out = f["__x__"] if single_x else f
        if not targets:
            return out
        t = {k: batch[k] for k in targets}
        return out, (t["__y__"] if single_y else t)

    def input_fn():
        rng = _seeded_rng() if shuffle else None  # first: the op seed counts the graph's ops

        def index_blocks():
            return _index_blocks(n, batch_size, num_epochs, shuffle, rng)

        def whole_arrays():
            yield arrays

        # The arrays enter TensorFlow once per iterator, as one element (no graph constant,
        # so no 2 GB limit and nothing written into graph.pbtxt), and the indices once per
        # epoch; each batch is then gathered by TensorFlow alone, with no Python.
        indices = tf.data.Dataset.from_generator(
            index_blocks, output_signature=tf.TensorSpec((None, rows), tf.int64)).unbatch()

        def batches(*data):
            return indices.map(
                lambda idx: shape({k: tf.gather(v, idx) for k, v in zip(names, data)}))

        dataset = tf.data.Dataset.from_generator(whole_arrays, output_signature=data_signature)
        return dataset.flat_map(batches).prefetch(prefetch)

    return NumpyInput(n, batch_size, features=None if single_x else dict(features),
                      labels=targets["__y__"] if single_y else None, num_epochs=num_epochs,
                      shuffle=shuffle).attach(input_fn)


def _columns_of(data, name):
    if isinstance(data, pd.DataFrame):
        return {str(c): data[c] for c in data.columns}
    if isinstance(data, dict):
        return {str(k): v for k, v in data.items()}
    if isinstance(data, np.ndarray) and data.dtype.names:
        # A structured (record) array: R's matrix with column names.
        return {str(k): data[k] for k in data.dtype.names}
    if isinstance(data, np.ndarray) and data.ndim == 2:
        raise PyestimTypeError(
            f"cannot create input function from matrix without column names: {name} is a "
            f"plain {data.shape[0]} x {data.shape[1]} array. Give the columns names, e.g. "
            + idiom("pandas.DataFrame(matrix, columns=[...]) or a structured array.",
                    "colnames(matrix) <- c(...), or a data frame."))
    raise PyestimTypeError(
        f"{name} must be a data frame (a pandas DataFrame), a named list of columns (a dict of "
        "arrays, or of lists of sequences) or a matrix with column names (a structured "
        f"array), got {type(data).__name__}.")


def _nested_values(col, name):
    """A list of sequences (tfestimators' input_fn.list): one array with a row per example;
    whole numbers become int64, as tfestimators makes them."""
    try:
        arr = np.asarray(col)
    except ValueError:
        arr = None
    if arr is None or arr.dtype == object:
        lengths = sorted({len(v) if hasattr(v, "__len__") else 1 for v in col})
        raise PyestimValueError(
            f"Column {shown(name)} is a list of sequences of different lengths ({lengths}); pad "
            "them to one length first (each example must have the same shape).")
    if arr.dtype.kind == "f" and arr.size and np.all(np.isfinite(arr)) and \
            np.all(arr == np.round(arr)):
        arr = arr.astype(np.int64)
    return arr


def _column_values(col, name, encodings=None):
    if isinstance(col, pd.Series):
        if isinstance(col.dtype, pd.CategoricalDtype):
            if encodings is not None:
                encodings[name] = [str(c) for c in col.cat.categories]
            return np.asarray(col.cat.codes, dtype=np.int64)
        if col.dtype == bool:
            return col.to_numpy(dtype=np.int64)
        return col.to_numpy()
    if isinstance(col, pd.Categorical):
        if encodings is not None:
            encodings[name] = [str(c) for c in col.categories]
        return np.asarray(col.codes, dtype=np.int64)
    if isinstance(col, (list, tuple)) and col and all(
            isinstance(v, (list, tuple, np.ndarray)) for v in col):
        return _nested_values(col, name)
    return np.asarray(col)


def _log_encodings(encodings, where="input_fn()"):
    """Tell the user how factor (categorical) columns are fed: as 0-based integer codes."""
    for name, levels in encodings.items():
        codes = ", ".join(f"{level} = {i}" for i, level in enumerate(levels))
        engine.tf_logger().info(
            "%s: factor column %r is fed as 0-based integer codes: %s", where, name, codes)


def encoding_notes(encodings):
    """tfestimators' note on each factor column fed as codes, one text per column: "The
    following factor levels of 'Species' have been encoded:\n- 'setosa' => 0\n- ..."
    (``encodings`` maps column names to their levels in code order). The R package shows
    them as R messages; Python logs its own line instead (see :func:`input_fn`)."""
    return ["\n".join([f"The following factor levels of '{name}' have been encoded:"]
                      + [f"- '{level}' => {i}" for i, level in enumerate(levels)])
            for name, levels in encodings.items()]


def _select(names, available, what):
    if isinstance(names, (str, np.str_)):
        names = [names]
    elif isinstance(names, (list, tuple, np.ndarray)) and np.ndim(names) <= 1:
        names = list(np.asarray(names, dtype=object).reshape(-1)) \
            if isinstance(names, np.ndarray) else list(names)
    else:
        raise PyestimTypeError(
            f"{what} must be a column name or a list of column names, got "
            f"{type(names).__name__} {shown(names, 60)}.")
    odd = [n for n in names if not isinstance(n, (str, np.str_, int, np.integer))
           or isinstance(n, (bool, np.bool_))]
    if odd:
        raise PyestimTypeError(f"{what} must be column names (strings), got {shown(odd, 80)}.")
    if not names:
        raise PyestimValueError(f"{what}: give at least one column name.")
    names = [str(n) for n in names]
    missing = [n for n in names if n not in available]
    if missing:
        raise PyestimValueError(
            f"{what} {shown(missing)} not found in the data; its columns are "
            f"{shown(sorted(available))}.")
    return names


def _feature_matrix(values, names):
    """The features side by side, for models that take one tensor: ``[n, n_features]`` for
    one-value-per-row features, ``[n, ..., n_features]`` for features of one shape."""
    arrays = [np.asarray(values[n]) for n in names]
    if all(a.ndim == 1 for a in arrays):
        return np.column_stack(arrays)
    if len(arrays) == 1:
        return arrays[0]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise PyestimValueError(
            "Features of different shapes cannot be fed as one tensor: "
            + ", ".join(f"{n}: {a.shape}" for n, a in zip(names, arrays)) + ".")
    return np.stack(arrays, axis=-1)


def _check_rows(values, response_name, labels):
    """All columns must have the same number of rows, and at least one."""
    lengths = {}
    for name, v in list(values.items()) + ([(response_name, labels)] if response_name else []):
        arr = np.asarray(v) if not isinstance(v, np.ndarray) else v
        lengths[name] = arr.shape[0] if arr.ndim else 1
    if len(set(lengths.values())) > 1:
        raise InputDataError(
            "All columns must have the same number of rows (examples), got "
            + ", ".join(f"{k}: {n}" for k, n in lengths.items())
            + ". Check that features and response come from the same rows.")
    if lengths and next(iter(lengths.values())) == 0:
        raise InputDataError(
            "The input has no rows (0 examples); nothing to train or evaluate on.")


def _check_numeric(values, names):
    """A custom estimator gets the features as one numeric matrix: refuse text columns."""
    bad = []
    for name in names:
        arr = np.asarray(values[name])
        if arr.dtype.kind not in "biuf":
            bad.append(f"{shown(name)} ({'text' if arr.dtype.kind in 'OUS' else arr.dtype})")
    if bad:
        raise InputDataError(
            f"Feature column(s) {', '.join(bad)} are not numeric, but a custom estimator gets "
            "its features as one numeric matrix. Convert them to numbers (as.numeric(), or "
            "a factor, which is fed as its codes), leave them out of features, or use a "
            "canned estimator with a categorical feature column for them.")


class InputFunction:
    """The input function ``input_fn(...)(estimator)`` returns.

    Called, it returns a batch as tensors, as tf.estimator's input functions do:
    ``(features, labels)`` (the features alone when the input has no response), the features
    a dict of tensors (canned estimators) or one tensor ``[batch, n_features]`` (custom
    estimators). Called eagerly (outside a graph) it gives the first batch; inside a graph,
    tensors that yield the next batch each time they are run. ``train()``, ``evaluate()`` and
    ``predict()`` read the batches through :attr:`dataset_fn` instead.

    Attributes
    ----------
    dataset_fn : callable
        A zero-argument function returning the ``tf.data.Dataset`` of the batches (a
        :func:`numpy_input_fn`).
    """

    def __init__(self, dataset_fn):
        self.dataset_fn = dataset_fn

    def __call__(self):
        dataset = self.dataset_fn()
        if tf.executing_eagerly():
            return next(iter(dataset))
        return tf.compat.v1.data.make_one_shot_iterator(dataset).get_next()

    def __repr__(self):
        return "<pyestim input function: called, it returns (features, labels) as tensors>"


def _feature_layout(estimator):
    """How ``estimator`` takes its features: "matrix" (one tensor) or "dict" (a dict of
    columns). A pyestim estimator says (``Estimator.feature_layout``: one matrix for a custom
    estimator, a dict matched by its feature columns for a canned one); tfestimators'
    ``features_as_named_list``: True is the dict, False the matrix; anything else gets the
    dict."""
    if isinstance(estimator, (bool, np.bool_)):
        return "dict" if estimator else "matrix"
    return getattr(estimator, "feature_layout", "dict")


def _num_epochs(num_epochs, epochs):
    """``num_epochs``, or ``epochs`` (tfestimators' vignettes' name for it) when given."""
    num_epochs = as_count(num_epochs, "num_epochs", minimum=1)
    if epochs is None:
        return num_epochs
    if num_epochs != 1:
        raise PyestimValueError(
            "Give num_epochs or epochs (both are the number of passes over the data), not "
            f"both: got {code('num_epochs={}', num_epochs)} and {code('epochs={}', epochs)}.")
    return as_count(epochs, "epochs", minimum=1, allow_none=False)


def _check_input_fn_args(shuffle, batch_size, queue_capacity, num_threads):
    if not ((isinstance(shuffle, str) and shuffle == "auto")
            or isinstance(shuffle, (bool, np.bool_))):
        raise PyestimValueError(
            f'shuffle must be {code("True")}, {code("False")} or "auto", got {shown(shuffle):.60}.')
    # The counts are checked now, not when the estimator calls for the input function.
    as_count(batch_size, "batch_size", minimum=1, allow_none=False)
    as_count(queue_capacity, "queue_capacity", minimum=1, allow_none=False)
    as_count(num_threads, "num_threads", minimum=1, allow_none=False)


def input_fn(data, features, response=None, batch_size=128, shuffle="auto", num_epochs=1,
             queue_capacity=1000, num_threads=1, allow_nonfinite=False, epochs=None):
    """Input function for a data frame (pandas DataFrame), a dict of arrays, a matrix with
    column names (a structured array) or a dict of lists of sequences.

    Parameters
    ----------
    data : pandas.DataFrame, dict, or numpy structured array
        The input source. A dict holds one array (or list) per column; a column that is a
        list of sequences (tfestimators' ``input_fn.list``, e.g. for recurrent models) becomes
        one array with a row per example (whole numbers as int64); sequences must have one
        length. A plain 2-D array without column names is an error.
    features : str or list of str
        The names of the feature columns.
    response : str, optional
        The name of the response (label) column.
    batch_size : int
        The size of batches.
    shuffle : bool or "auto"
        Whether to shuffle. ``"auto"`` shuffles except when ``predict()`` calls this input
        function.
    num_epochs : int, optional
        Passes over the data; ``None`` repeats forever.
    queue_capacity, num_threads, allow_nonfinite :
        As for :func:`numpy_input_fn` (non-finite features are refused by default, naming
        the column).
    epochs : int, optional
        The number of passes over the data, as tfestimators' vignettes name ``num_epochs``
        (``input_fn(..., epochs = 3)``); give one of them.

    Returns
    -------
    callable
        A one-argument function ``f(estimator)`` returning the input function (an
        :class:`InputFunction`, which, called, returns ``(features, labels)`` as tensors):
        for an ``estimator()`` (custom model) the features arrive as one matrix
        ``[batch, n_features]``; for canned estimators as a dict of columns. ``f(True)`` and
        ``f(False)`` are tfestimators' ``features_as_named_list``: the dict, the matrix.

    Notes
    -----
    Factor columns (pandas ``Categorical``, what R factors become) are fed as their 0-based
    integer codes (level ``i`` of the categories is ``i``), as tfestimators feeds R factors
    (``as.integer(x) - 1``); the encoding is logged at INFO through TensorFlow's logger (the R
    package shows tfestimators' note, :func:`encoding_notes`, as an R message instead). Use
    ``column_categorical_with_identity(name, num_buckets = <number of levels>)`` for such a
    feature, or give the levels as ``label_vocabulary`` after turning the column to strings.
    """
    columns = _columns_of(data, "data")
    feature_names = _select(features, columns, "Feature column(s)")
    response_name = None
    if response is not None:
        response_name = _select(response, columns, "Response column")
        if len(response_name) != 1:
            raise PyestimValueError(f"response must name one column, got {response_name}.")
        response_name = response_name[0]
    _check_input_fn_args(shuffle, batch_size, queue_capacity, num_threads)
    num_epochs = _num_epochs(num_epochs, epochs)
    encodings = {}
    values = {name: _column_values(columns[name], name, encodings) for name in feature_names}
    labels = (_column_values(columns[response_name], response_name, encodings)
              if response_name else None)
    _check_rows(values, response_name, labels)
    check_finite({k: np.asarray(v) for k, v in values.items()},
                 as_bool(allow_nonfinite, "allow_nonfinite"))
    if language() != "r":
        _log_encodings(encodings)
    factor = _response_factor(columns[response_name], labels) if response_name else None

    def make(estimator):
        do_shuffle = shuffle
        if isinstance(shuffle, str):
            do_shuffle = _CALL_MODE.get() != engine.ModeKeys.PREDICT
        if _feature_layout(estimator) == "matrix":
            _check_numeric(values, feature_names)
            x = _feature_matrix(values, feature_names)
        else:
            x = dict(values)
            if hasattr(estimator, "check_data"):
                estimator.check_data(x)
        y = labels if factor is None else _factor_labels(estimator, response_name, factor)
        return InputFunction(numpy_input_fn(
            x, y, batch_size=batch_size, num_epochs=num_epochs, shuffle=bool(do_shuffle),
            queue_capacity=queue_capacity, num_threads=num_threads,
            allow_nonfinite=True))  # checked above

    # What the R package shows as R messages: tfestimators' factor notes (for R callers
    # only; Python callers have the log line).
    make.pyestim_messages = encoding_notes(encodings) if language() == "r" else []
    return make


def _response_factor(col, labels):
    """``(levels, codes, strings)`` of a factor response (a pandas Categorical: its
    categories and codes) or a response of strings (its sorted distinct values, codes into
    them, and the strings themselves); None for any other response."""
    if isinstance(col, pd.Series) and isinstance(col.dtype, pd.CategoricalDtype):
        return list(col.cat.categories), labels, None
    if isinstance(col, pd.Categorical):
        return list(col.categories), labels, None
    arr = np.asarray(labels)
    if arr.size and (arr.dtype.kind == "U" or (
            arr.dtype == object and all(isinstance(v, str) for v in arr.reshape(-1)))):
        levels, codes = np.unique(arr.astype(str), return_inverse=True)
        return list(levels), codes.reshape(arr.shape).astype(np.int64), labels
    return None


def _factor_labels(estimator, response_name, factor):
    """The labels of a factor response as the estimator takes them: the strings themselves
    for a classifier given ``label_vocabulary``; else codes into the model's levels, which
    the first train() stores in ``model_dir`` (see :mod:`pyestim.response_levels`)."""
    levels, codes, strings = factor
    vocabulary = getattr(estimator, "label_vocabulary", None)  # not a pyestim estimator: None
    if strings is not None and callable(vocabulary) and vocabulary() is not None:
        return strings
    return _levels.model_codes(getattr(estimator, "model_dir", None), response_name, levels,
                               codes, training=_CALL_MODE.get() == engine.ModeKeys.TRAIN)


def _declared_args(fn):
    """Names of the parameters ``fn`` needs, or None if its signature is unknown."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    names = []
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        names.append(p.name)
    return names


def _dataset_fn_of(fn):
    """What tf.estimator calls for ``fn``: an :class:`InputFunction`'s dataset function (its
    batches as a ``tf.data.Dataset``, with pyestim's checks of the data); ``fn`` itself
    otherwise."""
    return fn.dataset_fn if isinstance(fn, InputFunction) else fn


def resolve_input_fn(fn, estimator, mode, name="input_fn"):
    """Turn what the user passed as ``input_fn`` into what tf.estimator can call.

    * a zero-argument function (or one whose arguments are among params, config, mode,
      input_context, which tf.estimator fills in by name) is used as it is;
    * a one-argument function is called with the estimator (``function(features_as_named_list)``
      in R) and must return an input function;
    * anything else is an error.

    An :class:`InputFunction` (what ``input_fn()`` makes) is read through its dataset function.
    """
    if not callable(fn):
        raise InputFnError(
            f"{name} must be a function, got {type(fn).__name__} ({shown(fn, 60)}). Pass an input "
            f"function such as {code('numpy_input_fn(x, y, shuffle=True)')}.")
    args = _declared_args(fn)
    if args is None or not args or set(args) <= TF_INPUT_FN_ARGS:
        return _dataset_fn_of(fn)
    if len(args) == 1:
        with call_mode(mode):
            produced = fn(estimator)
        if not callable(produced):
            raise InputFnError(
                f"{name} takes one argument, so it was called with the estimator to produce "
                f"the input function, but it returned {type(produced).__name__}, not a function.")
        inner = _declared_args(produced)
        if inner and not set(inner) <= TF_INPUT_FN_ARGS:
            raise InputFnError(
                f"The input function returned by {name}(estimator) takes arguments {inner}; it "
                "must take none (or only params, config, mode, input_context).")
        return _dataset_fn_of(produced)
    raise InputFnError(
        f"{name} should accept 0 or 1 arguments, but it takes {len(args)} ({', '.join(args)}). "
        + idiom("Write a function of no arguments returning the input, or a function of the "
                "estimator returning an input function.",
                "Write function() returning the input, or function(estimator) returning an "
                "input function."))

