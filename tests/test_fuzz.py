"""Fuzzing the argument checks: numpy_input_fn(), input_fn(), run_config() and the hook
constructors, with hypothesis.

Property: a call returns (and an input function it returns feeds its first batch), or it
raises one of pyestim's documented errors (pyestim.errors.PyestimError); it never hangs (each
example runs under an alarm) and never lets a raw NumPy / TensorFlow / Python exception out.
Sizes are bounded, the database is off, and the number of examples is small so the whole
file runs in well under a minute (PYESTIM_FUZZ_SCALE=n runs n times as many).

The input-function tests draw from two kinds of input: odd values (anything a user might pass,
mostly refused) and valid ones, including valid-but-unusual ones (one row, no rows, a column
without values, int64 / float16 / bool / string / categorical columns, a batch size far larger
than the data). Each example records what became of it (hypothesis ``event()``: fed, or refused
with which error) and the tests assert that a minimum share of the examples got past the
argument checks and fed a batch, so that the fuzzing reaches the code it names.
"""

import collections
import os

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
from support.ci import in_ci
from support.process import time_limit
from hypothesis import HealthCheck, event, given, settings, target
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pyestim
from pyestim import errors

#: In CI the examples are derandomized (the same every run, so a red CI always reproduces);
#: by hand, PYESTIM_FUZZ_RANDOM=1 draws fresh ones (with PYESTIM_FUZZ_SCALE, a deeper search).
DERANDOMIZE = in_ci() and os.environ.get("PYESTIM_FUZZ_RANDOM") != "1"
SETTINGS = dict(deadline=None, database=None, derandomize=DERANDOMIZE,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
#: PYESTIM_FUZZ_SCALE=20 runs 20 times as many examples (a deeper search, by hand).
SCALE = max(1, int(os.environ.get("PYESTIM_FUZZ_SCALE", "1")))


def only_pyestim_errors(call, outcomes=None):
    """Run ``call``; return its value, or None if it raised a PyestimError. Any other
    exception fails the example. A refusal is recorded (``event()``, and in ``outcomes``)."""
    with time_limit():
        try:
            return call()
        except errors.PyestimError as err:
            record(outcomes, f"refused: {type(err).__name__}")
            return None


def record(outcomes, what):
    """What became of an example: a hypothesis event (shown by ``--hypothesis-show-statistics``)
    and a count in ``outcomes`` (a Counter), which the tests check."""
    if outcomes is not None:  # (None: called outside a hypothesis test)
        event(what)
        outcomes[what] += 1


def check_share(outcomes, what, minimum):
    """At least ``minimum`` of the examples ended as ``what``."""
    total = sum(outcomes.values())
    share = outcomes[what] / total if total else 0.0
    assert total > 0, "no example ran"
    assert share >= minimum, (
        f"only {outcomes[what]} of {total} examples ({share:.0%}) reached '{what}' "
        f"(at least {minimum:.0%} must): {dict(outcomes)}")


# --------------------------------------------------------------------------------------------
# Strategies

ODD_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 300), st.integers(-2**70, 2**70),
    st.floats(allow_nan=True, allow_infinity=True, width=64), st.text(max_size=4),
    st.binary(max_size=4), st.complex_numbers(max_magnitude=10, allow_nan=False),
    st.just(np.float32(2.0)), st.just(np.int64(3)), st.just(np.array([4])),
    st.just(np.array([[1, 2]])), st.lists(st.integers(0, 5), max_size=3),
    st.just(object()), st.just(pd.Series([1, 2])), st.just(np.bool_(True)))

COUNTS = st.one_of(st.integers(1, 64), ODD_SCALARS)

DTYPES = st.sampled_from([np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_,
                          np.float16, np.complex64, "U3", "S3", "M8[D]", "m8[s]", object])


@st.composite
def arrays(draw, rows=None):
    """Small arrays of many dtypes and shapes (``rows`` fixes the first dimension)."""
    dtype = draw(DTYPES)
    n = draw(st.integers(0, 6)) if rows is None else rows
    trailing = draw(st.lists(st.integers(0, 3), max_size=2))
    shape = (n, *trailing) if draw(st.integers(0, 9)) else ()
    if dtype is object:
        flat = draw(st.lists(st.one_of(st.text(max_size=3), st.integers(-3, 3), st.none(),
                                       st.floats(allow_nan=True), st.binary(max_size=3)),
                             min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))
        arr = np.empty(shape, dtype=object)
        if arr.size:
            arr.reshape(-1)[:] = flat
        return arr
    return draw(hnp.arrays(dtype, shape))


def values(rows=None):
    """What a user might pass as a feature or a label: arrays, lists (ragged too), odd
    scalars, None, pandas objects."""
    return st.one_of(
        arrays(rows), arrays(rows), arrays(rows),
        st.lists(st.one_of(st.integers(-3, 12), st.floats(allow_nan=True),
                           st.text(max_size=2)), max_size=6),
        st.lists(st.lists(st.integers(0, 3), max_size=3), max_size=4),
        ODD_SCALARS,
        arrays(rows).map(as_series))


def as_series(a):
    """The flattened array as a pandas Series, the way a user could have built one: pandas
    holds datetimes at second resolution or finer, so day-resolution values go through
    seconds first (pd.Series refuses out-of-range day values itself: not our input)."""
    if not a.ndim:
        return a
    flat = a.reshape(-1)
    if flat.dtype.kind in "mM":
        flat = flat.astype(f"{flat.dtype.kind}8[s]")
    return pd.Series(flat)


def feature_dicts(rows=None):
    keys = st.one_of(st.sampled_from(["x", "a", "b", "__x__", "__y__", ""]), st.integers(0, 3))
    return st.one_of(st.dictionaries(keys, values(rows), max_size=3), values(rows))


def label_values(rows=None):
    return st.one_of(st.none(), values(rows),
                     st.dictionaries(st.sampled_from(["y", "x", "z"]), values(rows),
                                     max_size=2))


def feed_first_batch(fn):
    """Build the input function's dataset in a graph and pull one batch (input_fn()'s input
    function returns the batch's tensors itself)."""
    with tf.Graph().as_default():
        ds = fn()
        nxt = ds if not isinstance(ds, tf.data.Dataset) else \
            tf.compat.v1.data.make_one_shot_iterator(ds).get_next()
        with tf.compat.v1.Session() as sess:
            return sess.run(nxt)


# --------------------------------------------------------------------------------------------
# Valid inputs, and valid but unusual ones

#: Column dtypes a model is fed: the usual float32 / int32 and the unusual but valid ones.
VALID_DTYPES = st.sampled_from([np.float32, np.float64, np.int32, np.int64, np.float16,
                                np.bool_, np.uint8])


@st.composite
def valid_column(draw, rows):
    """A column of ``rows`` values: a vector, a matrix (``rows`` x 1..3) or, unusual, a matrix
    with no values per row (``rows`` x 0); numbers, or strings."""
    kind = draw(st.sampled_from(["vector", "vector", "matrix", "no values", "strings"]))
    if kind == "strings":
        return np.array(draw(st.lists(st.text("abc", min_size=1, max_size=3), min_size=rows,
                                      max_size=rows)), dtype=object)
    shape = {"vector": (rows,), "matrix": (rows, draw(st.integers(1, 3))),
             "no values": (rows, 0)}[kind]
    dtype = draw(VALID_DTYPES)
    elements = (st.booleans() if dtype is np.bool_ else
                st.integers(0, 9) if np.issubdtype(dtype, np.integer) else
                st.floats(-10, 10, width=16 if dtype is np.float16 else 32))
    return draw(hnp.arrays(dtype, shape, elements=elements))


#: Row counts: one row and no rows are valid but unusual.
ROWS = st.one_of(st.integers(1, 12), st.just(1), st.just(0))
#: Batch sizes: small, and far larger than the data (valid: one short batch).
BATCH_SIZES = st.one_of(st.integers(1, 8), st.just(10**6), st.just(2**31 - 1))


@st.composite
def valid_numpy_inputs(draw):
    """(x, y, batch_size, num_epochs): a dict of 1..3 columns of one length, labels or None."""
    rows = draw(ROWS)
    names = draw(st.lists(st.sampled_from(["x", "a", "b2", "feature.1"]), min_size=1,
                          max_size=3, unique=True))
    x = {name: draw(valid_column(rows)) for name in names}
    y = draw(st.one_of(st.none(), hnp.arrays(draw(st.sampled_from([np.int32, np.int64,
                                                                    np.float32])), (rows,),
                                             elements=st.integers(0, 2))))
    # a huge batch is read once (num_epochs = 1 or 2), never repeated forever
    batch_size = draw(BATCH_SIZES)
    epochs = st.integers(1, 2) if batch_size > 8 else st.one_of(st.none(), st.integers(1, 2))
    return x, y, batch_size, draw(epochs)


def feed_and_check(fn, x_names, batch_size, outcomes):
    """Feed the first batch; check it has the features asked for and at most batch_size rows;
    record "fed" (or the pyestim error the feeding raised)."""
    with time_limit():
        try:
            batch = feed_first_batch(fn)
        except errors.PyestimError as err:
            record(outcomes, f"refused when fed: {type(err).__name__}")
            return None
        except tf.errors.OutOfRangeError:
            record(outcomes, "no rows to feed")  # an empty data set: nothing to feed
            return None
    features = batch[0] if isinstance(batch, tuple) else batch
    if isinstance(features, dict):
        assert set(features) == set(x_names)
        n = len(next(iter(features.values())))
    else:
        n = len(features)
    assert 1 <= n <= batch_size
    record(outcomes, "fed")
    target(1.0, label="fed")
    return batch


# --------------------------------------------------------------------------------------------
# numpy_input_fn

_NUMPY_OUTCOMES = collections.Counter()


@st.composite
def numpy_input_fn_calls(draw):
    """Half valid (usual or unusual) inputs, half anything."""
    if draw(st.booleans()):
        x, y, batch_size, num_epochs = draw(valid_numpy_inputs())
        return dict(x=x, y=y, batch_size=batch_size, num_epochs=num_epochs,
                    shuffle=draw(st.booleans()), queue_capacity=draw(st.integers(1, 1000)),
                    num_threads=draw(st.integers(1, 2)))
    return dict(x=draw(feature_dicts()), y=draw(label_values()), batch_size=draw(COUNTS),
                num_epochs=draw(st.one_of(st.none(), COUNTS)),
                shuffle=draw(st.one_of(st.booleans(), ODD_SCALARS)),
                queue_capacity=draw(COUNTS), num_threads=draw(COUNTS))


@settings(max_examples=120 * SCALE, **SETTINGS)
@given(call=numpy_input_fn_calls())
def _fuzz_numpy_input_fn_arguments(call):
    fn = only_pyestim_errors(lambda: pyestim.numpy_input_fn(**call), _NUMPY_OUTCOMES)
    if fn is None:
        return
    names = {str(k) for k in call["x"]} if isinstance(call["x"], dict) else set()
    batch_size = call["batch_size"]
    if isinstance(batch_size, (int, np.integer)) and not isinstance(batch_size, bool) \
            and (batch_size <= 64 or call["num_epochs"] is not None):
        feed_and_check(fn, names, int(batch_size), _NUMPY_OUTCOMES)
    else:
        record(_NUMPY_OUTCOMES, "accepted, not fed (a huge batch repeated forever)")


def test_numpy_input_fn_arguments():
    """numpy_input_fn() over anything and over valid inputs: pyestim errors or a fed batch;
    at least a third of the examples are fed."""
    _NUMPY_OUTCOMES.clear()
    _fuzz_numpy_input_fn_arguments()
    check_share(_NUMPY_OUTCOMES, "fed", 1 / 3)


_FEED_OUTCOMES = collections.Counter()


@settings(max_examples=60 * SCALE, **SETTINGS)
@given(data=st.data(), rows=ROWS, batch_size=BATCH_SIZES,
       num_epochs=st.integers(1, 2), shuffle=st.booleans(), valid=st.integers(0, 3))
def _fuzz_numpy_input_fn_that_accepts_its_data_feeds_it(data, rows, batch_size, num_epochs,
                                                        shuffle, valid):
    """Data of consistent lengths: either refused with a pyestim error at once, or fed.
    Three examples in four draw valid columns, one any values of that length."""
    column = valid_column(rows) if valid else values(rows)
    x = data.draw(st.dictionaries(st.sampled_from(["x", "a"]), column, min_size=1,
                                  max_size=2), label="x")
    y = data.draw(st.one_of(st.none(), values(rows) if not valid else
                            hnp.arrays(np.int32, (rows,), elements=st.integers(0, 2))),
                  label="y")
    fn = only_pyestim_errors(lambda: pyestim.numpy_input_fn(
        x, y, batch_size=batch_size, num_epochs=num_epochs, shuffle=shuffle), _FEED_OUTCOMES)
    if fn is None:
        return
    feed_and_check(fn, {str(k) for k in x}, batch_size, _FEED_OUTCOMES)


def test_numpy_input_fn_that_accepts_its_data_feeds_it():
    _FEED_OUTCOMES.clear()
    _fuzz_numpy_input_fn_that_accepts_its_data_feeds_it()
    check_share(_FEED_OUTCOMES, "fed", 0.4)


# --------------------------------------------------------------------------------------------
# input_fn


def frames():
    columns = st.dictionaries(st.sampled_from(["a", "b", "c", "y"]), values(), min_size=1,
                              max_size=4)

    def to_frame(cols):
        try:
            return pd.DataFrame(cols)
        except Exception:  # noqa: BLE001 - pandas refuses: pass the dict itself
            return cols

    return st.one_of(columns, columns.map(to_frame), ODD_SCALARS,
                     arrays().filter(lambda a: a.ndim == 2))


NAMES = st.one_of(st.sampled_from(["a", "b", "c", "y", "zz"]),
                  st.lists(st.sampled_from(["a", "b", "c", "y", "zz"]), max_size=3),
                  ODD_SCALARS)


@st.composite
def valid_frame_column(draw, rows):
    """A data-frame column: numbers of the valid dtypes, strings, or a categorical (what an R
    factor becomes), possibly with a level no row uses."""
    kind = draw(st.sampled_from(["numbers", "numbers", "strings", "categorical"]))
    if kind == "numbers":
        dtype = draw(st.sampled_from([np.float32, np.float64, np.int32, np.int64, np.float16]))
        return draw(hnp.arrays(dtype, (rows,), elements=st.integers(0, 9)))
    words = draw(st.lists(st.sampled_from(["lo", "mid", "hi"]), min_size=rows, max_size=rows))
    if kind == "strings":
        return np.array(words, dtype=object)
    return pd.Categorical(words, categories=["lo", "mid", "hi", "unused"])


@st.composite
def valid_input_fn_calls(draw):
    """input_fn() over a data frame (or a dict of its columns, or a structured array) with
    names that exist; the response numeric."""
    rows = draw(st.one_of(st.integers(1, 12), st.just(1)))
    names = draw(st.lists(st.sampled_from(["a", "b", "c.d", "e"]), min_size=1, max_size=3,
                          unique=True))
    columns = {n: draw(valid_frame_column(rows)) for n in names}
    columns["y"] = draw(hnp.arrays(np.int64, (rows,), elements=st.integers(0, 1)))
    form = draw(st.sampled_from(["frame", "frame", "dict"]))
    data = pd.DataFrame(columns) if form == "frame" else columns
    features = draw(st.one_of(st.just(names), st.sampled_from(names)))
    batch_size = draw(BATCH_SIZES)
    epochs = st.integers(1, 2) if batch_size > 8 else st.one_of(st.none(), st.integers(1, 2))
    return dict(data=data, features=features, response=draw(st.sampled_from(["y", None])),
                batch_size=batch_size, shuffle=draw(st.sampled_from(["auto", True, False])),
                num_epochs=draw(epochs))


@st.composite
def input_fn_calls(draw):
    """Half valid (usual or unusual) calls, half anything."""
    if draw(st.booleans()):
        return draw(valid_input_fn_calls())
    return dict(data=draw(frames()), features=draw(NAMES),
                response=draw(st.one_of(st.none(), NAMES)), batch_size=draw(COUNTS),
                shuffle=draw(st.one_of(st.just("auto"), st.booleans(), ODD_SCALARS)),
                num_epochs=draw(st.one_of(st.none(), COUNTS)))


_INPUT_FN_OUTCOMES = collections.Counter()


@settings(max_examples=120 * SCALE, **SETTINGS)
@given(call=input_fn_calls(), layout=st.sampled_from(["matrix", "dict"]))
def _fuzz_input_fn_arguments(call, layout):
    make = only_pyestim_errors(lambda: pyestim.input_fn(**call), _INPUT_FN_OUTCOMES)
    if make is None:
        return

    class Target:
        feature_layout = layout

    fn = only_pyestim_errors(lambda: make(Target()), _INPUT_FN_OUTCOMES)
    if fn is None:
        return
    batch_size = call["batch_size"]
    if isinstance(batch_size, (int, np.integer)) and not isinstance(batch_size, bool) \
            and 1 <= batch_size and (batch_size <= 64 or call["num_epochs"] is not None):
        features = call["features"]
        names = set([features] if isinstance(features, str) else features) \
            if layout == "dict" and isinstance(features, (str, list)) else None
        with time_limit():
            try:
                batch = feed_first_batch(fn)
            except errors.PyestimError as err:
                record(_INPUT_FN_OUTCOMES, f"refused when fed: {type(err).__name__}")
                return
        got = batch[0] if isinstance(batch, tuple) else batch
        if names is not None and isinstance(got, dict):
            assert set(got) == names
        record(_INPUT_FN_OUTCOMES, "fed")
        target(1.0, label="fed")
    else:
        record(_INPUT_FN_OUTCOMES, "accepted, not fed (no usable batch size)")


def test_input_fn_arguments():
    """input_fn() over anything and over valid data frames: pyestim errors or a fed batch; at
    least a third of the examples are fed."""
    _INPUT_FN_OUTCOMES.clear()
    _fuzz_input_fn_arguments()
    check_share(_INPUT_FN_OUTCOMES, "fed", 1 / 3)


# --------------------------------------------------------------------------------------------
# run_config


RUN_CONFIG_ARGS = ["model_dir", "tf_random_seed", "save_summary_steps",
                   "save_checkpoints_steps", "save_checkpoints_secs", "session_config",
                   "keep_checkpoint_max", "keep_checkpoint_every_n_hours",
                   "log_step_count_steps", "train_distribute", "device_fn", "protocol",
                   "eval_distribute", "experimental_distribute",
                   "experimental_max_worker_delay_secs", "session_creation_timeout_secs",
                   "checkpoint_save_graph_def"]


CONFIG_SETTINGS = dict(SETTINGS, derandomize=True)


@settings(max_examples=150, **CONFIG_SETTINGS)
@given(kwargs=st.dictionaries(st.sampled_from(RUN_CONFIG_ARGS),
                              st.one_of(ODD_SCALARS, st.just("grpc"), st.just(lambda op: ""),
                                        st.just(tf.compat.v1.ConfigProto())),
                              max_size=4))
def test_run_config_arguments(kwargs):
    config = only_pyestim_errors(lambda: pyestim.run_config(**kwargs))
    if config is not None:
        assert isinstance(config, tf.estimator.RunConfig)


@settings(max_examples=60, **CONFIG_SETTINGS)
@given(kwargs=st.dictionaries(
    st.sampled_from(["intra_op_parallelism_threads", "inter_op_parallelism_threads",
                     "allow_soft_placement", "log_device_placement", "device_count",
                     "operation_timeout_in_ms", "no_such_option"]),
    st.one_of(ODD_SCALARS, st.dictionaries(st.sampled_from(["CPU", "GPU"]), ODD_SCALARS,
                                           max_size=2)), max_size=3))
def test_session_config_arguments(kwargs):
    only_pyestim_errors(lambda: pyestim.session_config(**kwargs))


# --------------------------------------------------------------------------------------------
# Hook constructors


HOOK_ARG = st.one_of(ODD_SCALARS, st.just("loss"), st.just({"loss": "loss"}),
                     st.just(["loss", "step"]), st.just(lambda *a: None), st.just("/tmp/x"))


def hook_calls():
    """(constructor name, keyword arguments): the required arguments always given (leaving
    one out is a Python TypeError of the call itself, not input validation)."""

    def call(name, required=(), **arg_names):
        return st.fixed_dictionaries({k: HOOK_ARG for k in required},
                                     optional={k: HOOK_ARG for k in arg_names}).map(
            lambda kw: (name, kw))

    return st.one_of(
        call("hook_logging_tensor", ["tensors"], every_n_iter=1, every_n_secs=1, formatter=1,
             at_end=1),
        call("hook_checkpoint_saver", ["checkpoint_dir"], save_secs=1, save_steps=1,
             checkpoint_basename=1, listeners=1),
        call("hook_step_counter", every_n_steps=1, every_n_secs=1, output_dir=1),
        call("hook_stop_at_step", num_steps=1, last_step=1),
        call("hook_summary_saver", save_steps=1, save_secs=1, output_dir=1, summary_op=1),
        call("hook_nan_tensor", ["loss_tensor"], fail_on_nan_loss=1),
        call("hook_global_step_waiter", ["wait_until_step"]),
        call("hook_history_saver", every_n_step=1),
        call("hook_progress_bar", steps=1, enabled=1),
        call("session_run_hook", begin=1, after_create_session=1, before_run=1, after_run=1,
             end=1),
    )


@settings(max_examples=250 * SCALE, **SETTINGS)
@given(call=hook_calls())
def test_hook_constructor_arguments(call):
    name, kwargs = call
    hook = only_pyestim_errors(lambda: getattr(pyestim, name)(**kwargs))
    if hook is not None:
        assert isinstance(hook, tf.compat.v1.train.SessionRunHook)


@settings(max_examples=40 * SCALE, **SETTINGS)
@given(args=st.lists(HOOK_ARG, max_size=2),
       kwargs=st.dictionaries(st.sampled_from(["loss", "step"]), HOOK_ARG, max_size=2))
def test_session_run_args_arguments(args, kwargs):
    only_pyestim_errors(lambda: pyestim.session_run_args(*args, **kwargs))


# --------------------------------------------------------------------------------------------
# Regressions found by these tests


@pytest.mark.parametrize("x", [
    np.array(["a", 1], dtype=object),        # strings mixed with numbers
    np.array([b"a", None], dtype=object),
    [[1, 2], [3]],                           # ragged
    np.zeros((3, 0)),                        # rows without values: TensorFlow's unbatch()
    np.zeros((2, 3, 0), np.float32),         # of them is a segmentation fault
])
def test_odd_feature_arrays_are_pyestim_errors_or_feed(x):
    fn = only_pyestim_errors(lambda: pyestim.numpy_input_fn({"x": x}, shuffle=False))
    if fn is not None:
        with time_limit():
            feed_first_batch(fn)


def test_counts_beyond_what_tensorflow_can_index_are_refused():
    x = np.zeros((4, 2), np.float32)
    with pytest.raises(errors.PyestimValueError):
        pyestim.numpy_input_fn({"x": x}, batch_size=2**80, num_epochs=None, shuffle=False)


# --------------------------------------------------------------------------------------------
# NaN / Inf / None in the data (issue 11): refused by default, naming the first row; accepted
# with allow_nonfinite

BAD_VALUES = st.sampled_from([np.nan, np.inf, -np.inf, None])


@st.composite
def columns_with_bad_values(draw):
    """(column, first bad row or None, the bad value): a float column of 1..12 rows, 2-D at
    times, with 0..3 bad values; None makes it a column of Python objects (pandas: NaN)."""
    rows = draw(st.integers(1, 12))
    width = draw(st.sampled_from([None, 1, 3]))
    shape = (rows,) if width is None else (rows, width)
    col = draw(hnp.arrays(np.float64, shape, elements=st.floats(-5, 5)))
    bad = draw(BAD_VALUES)
    cells = draw(st.lists(st.tuples(st.integers(0, rows - 1), st.integers(0, (width or 1) - 1)),
                          min_size=draw(st.sampled_from([0, 1, 1, 1])), max_size=3))
    if bad is None and width is None and cells:
        col = col.astype(object)
    for r, c in cells:
        col[(r,) if width is None else (r, c)] = bad
    first = min(r for r, _ in cells) if cells else None
    return col, first, bad


_NONFINITE_OUTCOMES = collections.Counter()


@settings(max_examples=80 * SCALE, **SETTINGS)
@given(case=columns_with_bad_values(), how=st.sampled_from(["numpy", "data frame", "dict"]),
       allow=st.booleans())
def _fuzz_non_finite_features(case, how, allow):
    col, first, bad = case
    frame = how == "data frame" and col.ndim == 1
    if how == "numpy" or not frame and how == "data frame":
        call = lambda: pyestim.numpy_input_fn({"f": col}, shuffle=False, allow_nonfinite=allow)
    else:
        data = pd.DataFrame({"f": col}) if frame else {"f": col}
        call = lambda: pyestim.input_fn(data, "f", allow_nonfinite=allow)
    with time_limit():
        try:
            fn = call()
        except errors.NonFiniteInputError as err:
            assert not allow and first is not None
            assert "'f'" in str(err) and f"row {first + 1} " in str(err)
            record(_NONFINITE_OUTCOMES, "refused: NonFiniteInputError")
            return
        except errors.PyestimError as err:  # a column of objects (None) may be refused so
            assert bad is None, err
            record(_NONFINITE_OUTCOMES, f"refused: {type(err).__name__}")
            return
    assert callable(fn)
    assert allow or first is None, "a non-finite feature was accepted"
    record(_NONFINITE_OUTCOMES, "accepted")


def test_non_finite_features_are_refused_naming_the_first_row():
    _NONFINITE_OUTCOMES.clear()
    _fuzz_non_finite_features()
    check_share(_NONFINITE_OUTCOMES, "refused: NonFiniteInputError", 0.2)
    check_share(_NONFINITE_OUTCOMES, "accepted", 0.2)


# --------------------------------------------------------------------------------------------
# Endless inputs (issue 11): predict() / evaluate() refuse or bound them; none may hang


def _endless_model(features, labels, mode):
    from pyestim import estimator_spec
    x = tf.cast(features["f"] if isinstance(features, dict) else features, tf.float32)
    w = tf.compat.v1.get_variable("w", [1, 2], initializer=tf.compat.v1.zeros_initializer())
    logits = tf.matmul(tf.reshape(x, [-1, 1]), w)
    if mode == "infer":
        return estimator_spec(mode=mode, predictions={"p": logits})
    loss = tf.compat.v1.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    return estimator_spec(mode=mode, loss=loss, train_op=tf.compat.v1.train.
                          GradientDescentOptimizer(0.1).minimize(
                              loss, global_step=tf.compat.v1.train.get_global_step()))


@pytest.fixture(scope="module")
def endless_estimator(tmp_path_factory):
    est = pyestim.estimator(_endless_model, model_dir=str(tmp_path_factory.mktemp("endless")))
    pyestim.train(est, pyestim.numpy_input_fn({"f": np.arange(4.0)}, np.array([0, 1, 0, 1]),
                                              shuffle=False), steps=1)
    return est


@st.composite
def endless_inputs(draw):
    """(input function, how it repeats): pyestim's own with num_epochs None, or a tf.data
    input pyestim cannot see into that repeats forever."""
    rows = draw(st.integers(1, 30))
    batch = draw(st.integers(1, 40))
    x = np.arange(float(rows))
    kind = draw(st.sampled_from(["numpy_input_fn", "input_fn", "opaque"]))
    if kind == "numpy_input_fn":
        return pyestim.numpy_input_fn({"f": x}, shuffle=draw(st.booleans()), batch_size=batch,
                                      num_epochs=None), kind
    if kind == "input_fn":
        return pyestim.input_fn(pd.DataFrame({"f": x}), "f", batch_size=batch,
                                num_epochs=None), kind
    return (lambda: tf.data.Dataset.from_tensor_slices({"f": x}).repeat().batch(batch)), kind


@settings(max_examples=12 * SCALE, **SETTINGS)
@given(case=endless_inputs(), call=st.sampled_from(["predict", "evaluate"]))
def _fuzz_endless_inputs(est, case, call):
    fn, kind = case
    if call == "evaluate" and kind == "opaque":
        return  # an opaque endless input without steps is the caller's loop (documented)
    os.environ["PYESTIM_PREDICT_ROW_LIMIT"] = "300"
    try:
        with time_limit(60), pytest.raises(errors.EndlessInputError):
            if call == "predict":
                pyestim.predict(est, fn)
            else:
                pyestim.evaluate(est, fn)
    finally:
        del os.environ["PYESTIM_PREDICT_ROW_LIMIT"]


def test_endless_inputs_never_hang(endless_estimator):
    _fuzz_endless_inputs(endless_estimator)


# --------------------------------------------------------------------------------------------
# NaN / Inf / None that the user lets through (allow_nonfinite=True) reach train(), evaluate()
# and predict(): each call ends, under a time limit, with a result or a pyestim error (a NaN
# loss is NanLossError), never a hang or a raw TensorFlow error.

_ALLOWED_OUTCOMES = collections.Counter()


@settings(max_examples=10 * SCALE, **SETTINGS)
@given(case=columns_with_bad_values(), call=st.sampled_from(["train", "evaluate", "predict"]),
       how=st.sampled_from(["numpy_input_fn", "input_fn"]))
def _fuzz_allowed_non_finite_values_through_the_estimator(est, case, call, how):
    col, first, bad = case
    if col.ndim != 1 or bad is None and col.dtype == object:
        col = np.asarray(col, dtype=np.float64).reshape(-1)[:max(1, len(col))]
    labels = np.arange(len(col)) % 2
    if how == "numpy_input_fn":
        fn = pyestim.numpy_input_fn({"f": col}, labels if call != "predict" else None,
                                    shuffle=False, num_epochs=1, allow_nonfinite=True)
    else:
        frame = pd.DataFrame({"f": col, "y": labels})
        fn = pyestim.input_fn(frame, "f", "y" if call != "predict" else None, num_epochs=1,
                              allow_nonfinite=True)
    method = {"train": lambda: pyestim.train(est, fn, steps=2),
              "evaluate": lambda: pyestim.evaluate(est, fn),
              "predict": lambda: pyestim.predict(est, fn)}[call]
    result = only_pyestim_errors(method, _ALLOWED_OUTCOMES)
    if result is not None:
        record(_ALLOWED_OUTCOMES, f"{call}: finished")


def test_allowed_non_finite_values_end_with_a_result_or_a_pyestim_error(endless_estimator):
    _ALLOWED_OUTCOMES.clear()
    _fuzz_allowed_non_finite_values_through_the_estimator(endless_estimator)
    assert sum(_ALLOWED_OUTCOMES.values()) > 0
