"""``predictor()``: fast repeated prediction from a live session, after TensorFlow 1's
``tf.contrib.predictor.from_estimator``.

``predict()`` builds the predict graph, starts a session and restores the latest checkpoint
at every call (~0.4 s for one image of the tutorial CNN). A predictor does that once: the
first call builds the graph from the estimator's model function (mode ``infer``) on
placeholders shaped like the features it is given, starts a session and restores the latest
checkpoint; every later call is one ``session.run``. When a newer checkpoint appears in
``model_dir`` (training went on), the next call restores it into the same session.

The graph is built as ``predict()`` builds it (the graph seed of ``run_config``, the global
step first, the features with the dtype and trailing shape of the arrays given, the model
function through the estimator's own ``model_fn``, the scaffold's saver), so the predictions
are those of ``predict()`` bit for bit. Only public TensorFlow API is used.
"""

import contextlib
import os
import threading

import numpy as np
import tensorflow as tf

from . import engine
from .checkpoints.reading import latest_checkpoint  # pyestim's: skips a checkpoint whose files are gone
from ._lang import code, idiom, shown
from .errors import CheckpointError, PyestimTypeError, PyestimValueError
from .estimators import Estimator
from .tf_errors import translate_error

_v1 = tf.compat.v1

__all__ = ["Predictor", "predictor", "from_estimator"]


def _as_tf_estimator(object):
    if isinstance(object, Estimator):
        return object, object.estimator
    if engine.is_estimator(object, any_version=True):
        return None, object
    raise PyestimTypeError(
        "predictor() needs an estimator created by estimator() (or a "
        f"{code('tf.estimator.Estimator')}), got {type(object).__name__}.")


def _feature_arrays(features):
    """The features of one call as {name: ndarray}; a single array is fed as the feature
    tensor itself (as numpy_input_fn(x=array) does)."""
    if isinstance(features, dict):
        if not features:
            raise PyestimValueError(
                idiom("The features are an empty dict; give {name: array}, e.g. {'x': images}.",
                      "The features are an empty list; give list(name = array), e.g. "
                      "list(x = images)."))
        items = {str(k): v for k, v in features.items()}
    elif features is None:
        raise PyestimTypeError(
            idiom("The predictor was called with None; give the features as {name: array}, "
                  "e.g. p({'x': images}).",
                  "The predictor was called with NULL; give the features as "
                  "list(name = array), e.g. p(list(x = images))."))
    else:
        items = {None: features}
    out = {}
    for name, value in items.items():
        what = "the features" if name is None else f"feature {shown(name)}"
        try:
            arr = np.asarray(value)
        except Exception as err:  # noqa: BLE001 - report what could not be converted
            raise PyestimTypeError(f"{what} could not be turned into an array: {err}") from None
        if arr.ndim == 0:
            raise PyestimValueError(
                f"{what} is a single value (shape ()); give one row per example, e.g. "
                + idiom("images[None] or images[0:1]", "images[1, , , drop = FALSE]")
                + " for one image.")
        if arr.dtype.kind in "US":
            arr = arr.astype(object)
        elif arr.dtype.kind not in "biufO":
            raise PyestimTypeError(
                f"{what} has dtype {arr.dtype}, which TensorFlow cannot feed; give numbers "
                "or strings.")
        out[name] = arr
    rows = {k: a.shape[0] for k, a in out.items()}
    if len(set(rows.values())) != 1:
        raise PyestimValueError(
            f"The features have different numbers of rows: {rows}; give one row per example "
            "in every feature.")
    return out


def _signature(arrays):
    return tuple((k, "string" if a.dtype == object else a.dtype.str, a.shape[1:])
                 for k, a in sorted(arrays.items(), key=lambda kv: str(kv[0])))


class Predictor:
    """A predict graph with a live session: call it with features, get predictions.

    Created by :func:`predictor`. ``p({"x": images})`` returns a dict of NumPy arrays, one
    entry per prediction key, one row per example (as ``predict(simplify=False,
    yield_single_examples=False)`` would, merged over batches). Close it with
    :meth:`close`, or use it in a ``with`` block.

    Attributes
    ----------
    checkpoint_path : str or None
        The checkpoint the session holds (None before the first call).
    """

    def __init__(self, object, predict_keys=None):
        self._wrapper, self._estimator = _as_tf_estimator(object)
        if isinstance(predict_keys, str):
            predict_keys = [predict_keys]
        if predict_keys is not None:
            keys = list(predict_keys)
            if not keys or not all(isinstance(k, str) for k in keys):
                raise PyestimValueError(
                    f"predict_keys must be a name or a list of names of predictions, got "
                    f"{shown(predict_keys)}.")
            predict_keys = keys
        self.predict_keys = predict_keys
        self.checkpoint_path = None
        self._graph = self._session = self._saver = None
        self._placeholders = self._outputs = self._sig = None
        self._closed = False
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ building and restoring

    @property
    def model_dir(self):
        return self._estimator.model_dir

    @property
    def graph(self):
        """The predict graph (None before the first call)."""
        return self._graph

    def _latest(self):
        path = latest_checkpoint(self.model_dir)
        if path is None:
            raise CheckpointError(
                f"The estimator has no checkpoint in model_dir {shown(self.model_dir)}: nothing to "
                "predict with. train() it first (predict() would use freshly initialised, "
                "random weights).", path=self.model_dir)
        return path

    def _seeded(self, arrays):
        """As predict(): with a graph seed, Python's and NumPy's generators seeded and
        TensorFlow's op determinism on while the graph is built and first run (when the
        kernels are made). Later calls leave the caller's generators alone."""
        if self._graph is not None and not self._closed and _signature(arrays) == self._sig:
            return contextlib.nullcontext()
        return engine.reproducible(self._estimator.config)

    def _build(self, arrays):
        est = self._estimator
        graph = tf.Graph()
        with graph.as_default():
            seed = est.config.tf_random_seed
            if seed is not None:
                _v1.set_random_seed(seed)
            _v1.train.get_or_create_global_step(graph)
            placeholders = {}
            for name, arr in arrays.items():
                dtype = tf.string if arr.dtype == object else tf.as_dtype(arr.dtype)
                placeholders[name] = _v1.placeholder(
                    dtype, shape=(None,) + arr.shape[1:],
                    name="features" if name is None else f"features_{name}")
            features = placeholders[None] if None in placeholders else placeholders
            spec = est.model_fn(features=features, labels=None,
                                mode="infer", config=est.config)
            predictions = spec.predictions
            if not isinstance(predictions, dict):
                predictions = {"predictions": predictions}
            if self.predict_keys is not None:
                missing = [k for k in self.predict_keys if k not in predictions]
                if missing:
                    raise PyestimValueError(
                        f"predict_keys {shown(missing)} are not among the model's predictions "
                        f"{shown(sorted(predictions))}.")
                predictions = {k: predictions[k] for k in self.predict_keys}
            scaffold = spec.scaffold or _v1.train.Scaffold()
            scaffold.finalize()
        session = _v1.Session(graph=graph, config=est.config.session_config)
        self._graph, self._session, self._saver = graph, session, scaffold.saver
        self._local_init = scaffold.local_init_op
        self._placeholders, self._outputs = placeholders, predictions
        self._sig = _signature(arrays)
        self.checkpoint_path = None

    def _restore(self, path):
        try:
            with self._graph.as_default():
                self._saver.restore(self._session, path)
                if self._local_init is not None:
                    self._session.run(self._local_init)
        except tf.errors.OpError as err:
            new = translate_error(err, self.model_dir, path)
            if new is None:
                raise
            raise new from err
        self.checkpoint_path = path

    def _ready(self, arrays):
        if self._closed:
            raise PyestimValueError(
                "This predictor is closed; create a new one with predictor(estimator).")
        if self._graph is None or _signature(arrays) != self._sig:
            self._close_session()
            self._build(arrays)
        if self.checkpoint_path is None or \
                self._estimator.latest_checkpoint() != self.checkpoint_path:
            path = self._latest()
            if path != self.checkpoint_path:
                self._restore(path)

    def _feed(self, arrays):
        if set(arrays) != set(self._placeholders):
            raise PyestimValueError(
                "The predictor was built for the features "
                f"{shown(sorted(map(str, self._placeholders)))} but got "
                f"{shown(sorted(map(str, arrays)))}.")
        return {self._placeholders[k]: a for k, a in arrays.items()}

    # ------------------------------------------------------------------ calling

    def __call__(self, features):
        """Predictions for ``features`` ({name: array}): a dict {key: ndarray}."""
        return self.run(features)

    def run(self, features, fetches=None):
        """Predictions for ``features``, or, with ``fetches`` (a dict {name: tensor name or
        tensor of the predict graph}), the values of those tensors instead."""
        arrays = _feature_arrays(features)
        with self._lock, self._seeded(arrays):
            self._ready(arrays)
            if fetches is None:
                wanted = self._outputs
            else:
                wanted = {k: self.tensor(v) for k, v in fetches.items()}
            return self._session.run(wanted, feed_dict=self._feed(arrays))

    def tensor(self, name):
        """A tensor of the predict graph by name: a tensor name (``"conv2d/Relu:0"``), an op
        name (its first output), or a layer's name scope (``"conv2d"``: the last op created in
        it, the layer's output). The graph must have been built (call the predictor once)."""
        if not isinstance(name, str):
            if isinstance(name, tf.Tensor) and name.graph is self._graph:
                return name
            raise PyestimTypeError(
                f"A tensor must be given by its name (a string), got {type(name).__name__}.")
        graph = self._graph
        try:
            if ":" in name:
                return graph.get_tensor_by_name(name)
            op = graph.get_operation_by_name(name)
            if op.outputs:
                return op.outputs[0]
        except (KeyError, ValueError):
            pass
        scope = name.rstrip("/") + "/"
        inside = [op for op in graph.get_operations()
                  if op.name.startswith(scope) and op.outputs and op.type not in (
                      "VariableV2", "VarHandleOp", "Const", "Identity", "Assign",
                      "AssignVariableOp", "ReadVariableOp")
                  and "/Initializer/" not in op.name and not op.name.startswith(scope + "kernel")
                  and not op.name.startswith(scope + "bias")]
        if not inside:
            ops = [op.name for op in graph.get_operations()
                   if op.type in ("Relu", "Conv2D", "BiasAdd", "MaxPool", "MatMul")]
            raise PyestimValueError(
                f"No tensor, op or layer named {shown(name)} in the predict graph. Layers' outputs "
                f"there include: {', '.join(ops[:12])}{' ...' if len(ops) > 12 else ''}.")
        return inside[-1].outputs[0]

    # ------------------------------------------------------------------ closing

    def _close_session(self):
        if self._session is not None:
            self._session.close()
        self._graph = self._session = self._saver = None
        self.checkpoint_path = None

    def close(self):
        """Close the session. Further calls raise an error."""
        with self._lock:
            self._close_session()
            self._closed = True

    @property
    def closed(self):
        return self._closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            if self._session is not None:
                self._session.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def __repr__(self):
        state = "closed" if self._closed else (
            f"checkpoint {os.path.basename(self.checkpoint_path)}" if self.checkpoint_path
            else "not yet built")
        return f"<pyestim predictor, model_dir={self.model_dir!r}, {state}>"


def predictor(object, predict_keys=None):
    """A predictor: the estimator's predict graph in a live session, for fast repeated
    prediction (after TensorFlow 1's ``tf.contrib.predictor.from_estimator``).

    The first call builds the graph for the features it is given and restores the latest
    checkpoint; later calls only run the session (re-restoring when a newer checkpoint has
    appeared in ``model_dir``). The predictions equal :func:`predict`'s bit for bit.

    Parameters
    ----------
    object : Estimator
        The estimator (it must have a checkpoint).
    predict_keys : str or list of str, optional
        Which predictions to return; all by default.

    Returns
    -------
    Predictor
        Call it as ``p({"x": images})``: a dict {key: ndarray}, one row per example. Close it
        with ``p.close()``, or use ``with predictor(est) as p: ...``.
    """
    return Predictor(object, predict_keys=predict_keys)


def from_estimator(estimator, serving_input_receiver_fn=None, output_key=None, graph=None,
                   config=None):
    """``tf.contrib.predictor.from_estimator``, as TF1-era code calls it: a :class:`Predictor`.

    ``serving_input_receiver_fn`` is accepted and not needed (the placeholders take the
    dtypes and shapes of the features given); ``output_key`` selects one prediction key;
    ``graph`` and ``config`` must be None (the predictor makes its own graph and session,
    with the estimator's session config)."""
    if graph is not None or config is not None:
        raise PyestimValueError(
            "from_estimator(graph=, config=) are not supported: the predictor builds its own "
            "graph and uses the estimator's session config. Drop these arguments.")
    return Predictor(estimator, predict_keys=output_key)
