"""Fuzzing the argument checks: numpy_input_fn(), input_fn(), run_config() and the hook
constructors, with hypothesis.

Property: a call returns (and an input function it returns feeds its first batch), or it
raises one of pyestim's documented errors (pyestim.errors.PyestimError); it never hangs (each
example runs under an alarm) and never lets a raw NumPy / TensorFlow / Python exception out.
Sizes are bounded, the database is off, and the number of examples is small so the whole
file runs in well under a minute (PYESTIM_FUZZ_SCALE=n runs n times as many).
"""

import contextlib
import os
import signal

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pyestim
from pyestim import errors

#: In CI the examples are derandomized (the same every run, so a red CI always reproduces);
#: by hand, PYESTIM_FUZZ_RANDOM=1 draws fresh ones (with PYESTIM_FUZZ_SCALE, a deeper search).
DERANDOMIZE = (os.environ.get("CI", "").lower() == "true"
               and os.environ.get("PYESTIM_FUZZ_RANDOM") != "1")
SETTINGS = dict(deadline=None, database=None, derandomize=DERANDOMIZE,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
EXAMPLE_SECONDS = 30
#: PYESTIM_FUZZ_SCALE=20 runs 20 times as many examples (a deeper search, by hand).
SCALE = max(1, int(os.environ.get("PYESTIM_FUZZ_SCALE", "1")))


@contextlib.contextmanager
def time_limit(seconds=EXAMPLE_SECONDS):
    """Fail (rather than hang) if the body runs longer than ``seconds``."""

    def on_alarm(signum, frame):
        raise TimeoutError(f"the call did not return within {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def only_pyestim_errors(call):
    """Run ``call``; return its value, or None if it raised a PyestimError. Any other
    exception fails the example."""
    with time_limit():
        try:
            return call()
        except errors.PyestimError:
            return None


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
    """Build the input function's dataset in a graph and pull one batch."""
    with tf.Graph().as_default():
        ds = fn()
        nxt = tf.compat.v1.data.make_one_shot_iterator(ds).get_next()
        with tf.compat.v1.Session() as sess:
            return sess.run(nxt)


# --------------------------------------------------------------------------------------------
# numpy_input_fn


@settings(max_examples=120 * SCALE, **SETTINGS)
@given(x=feature_dicts(), y=label_values(), batch_size=COUNTS,
       num_epochs=st.one_of(st.none(), COUNTS), shuffle=st.one_of(st.booleans(), ODD_SCALARS),
       queue_capacity=COUNTS, num_threads=COUNTS)
def test_numpy_input_fn_arguments(x, y, batch_size, num_epochs, shuffle, queue_capacity,
                                  num_threads):
    only_pyestim_errors(lambda: pyestim.numpy_input_fn(
        x, y, batch_size=batch_size, num_epochs=num_epochs, shuffle=shuffle,
        queue_capacity=queue_capacity, num_threads=num_threads))


@settings(max_examples=60 * SCALE, **SETTINGS)
@given(data=st.data(), rows=st.integers(0, 5), batch_size=st.integers(1, 8),
       num_epochs=st.one_of(st.none(), st.integers(1, 2)), shuffle=st.booleans())
def test_numpy_input_fn_that_accepts_its_data_feeds_it(data, rows, batch_size, num_epochs,
                                                       shuffle):
    """Data of consistent lengths: either refused with a pyestim error at once, or fed."""
    x = data.draw(st.dictionaries(st.sampled_from(["x", "a"]), values(rows), min_size=1,
                                  max_size=2), label="x")
    y = data.draw(st.one_of(st.none(), values(rows)), label="y")
    fn = only_pyestim_errors(lambda: pyestim.numpy_input_fn(
        x, y, batch_size=batch_size, num_epochs=num_epochs, shuffle=shuffle))
    if fn is None:
        return
    with time_limit():
        batch = feed_first_batch(fn)
    features = batch[0] if y is not None else batch
    assert set(features) == {str(k) for k in x}
    n = len(next(iter(features.values())))
    assert 1 <= n <= batch_size


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


@settings(max_examples=120 * SCALE, **SETTINGS)
@given(data=frames(), features=NAMES, response=st.one_of(st.none(), NAMES),
       batch_size=COUNTS, shuffle=st.one_of(st.just("auto"), st.booleans(), ODD_SCALARS),
       num_epochs=st.one_of(st.none(), COUNTS), layout=st.sampled_from(["matrix", "dict"]))
def test_input_fn_arguments(data, features, response, batch_size, shuffle, num_epochs, layout):
    make = only_pyestim_errors(lambda: pyestim.input_fn(
        data, features, response=response, batch_size=batch_size, shuffle=shuffle,
        num_epochs=num_epochs))
    if make is None:
        return

    class Target:
        feature_layout = layout

    fn = only_pyestim_errors(lambda: make(Target()))
    if fn is None:
        return
    if isinstance(batch_size, int) and 1 <= batch_size <= 64:
        with time_limit():
            feed_first_batch(fn)


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
