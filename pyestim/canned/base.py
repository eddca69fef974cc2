"""The canned estimators' common part: :class:`CannedEstimator` (what a canned estimator
does differently from a custom one), the arguments every family normalises the same way,
:func:`make` (TensorFlow 1's or 2's class) and the export's default serving input."""

import numbers

import numpy as np

from .. import engine
from .._args import as_count
from .._lang import code, idiom, shown
from ..columns.data_checks import check_data_columns
from ..columns.parse_spec import classifier_parse_example_spec, regressor_parse_example_spec
from ..errors import PyestimTypeError, PyestimValueError
from ..estimators import Estimator, class_count
from .optimizers import PARTITIONER_ARGS, tf_version

__all__ = ["CannedEstimator", "make", "tidy_prediction", "parsing_serving_input_receiver_fn",
           "as_hidden_units", "hidden_units_example", "as_dropout", "as_n_classes",
           "as_label_vocabulary"]


class CannedEstimator(Estimator):
    """A canned estimator: one of TensorFlow's ready-made models (or pyestim's boosted trees).

    Attributes
    ----------
    estimator : tf.estimator.Estimator
        The wrapped TensorFlow estimator.
    canned : bool
        Always True (False for custom estimators from :func:`estimator`).
    kind : str
        ``"regressor"``, ``"classifier"`` or ``"keras"``.
    model_type : str
        The constructor's name, e.g. ``"dnn_classifier"`` (``"keras_model"`` for
        :func:`keras_model_to_estimator`).
    args : dict
        The arguments the constructor was called with (after normalisation), as tfestimators
        keeps them.
    tf_version : str or None
        ``"v1"`` when TensorFlow 1's class is used (as tfestimators did), ``"v2"`` for
        TensorFlow 2's (a Keras optimizer was given), None for the estimators that are a model
        function of pyestim's (boosted trees) or of Keras'.
    feature_layout : str
        How :func:`input_fn` hands features over: ``"dict"`` (one tensor per feature, matched
        by the feature columns) or ``"matrix"`` (one tensor).
    """

    canned = True
    # The TF1 classes (the default, see the module notes) derive from TF1's Estimator, not
    # from tf.estimator.Estimator (TF2's).
    _any_tf_version = True

    def __init__(self, estimator, kind, model_type, args, feature_layout="dict",
                 tf_version=None):
        super().__init__(estimator)
        self.kind = kind
        self.model_type = model_type
        self.args = dict(args)
        self.feature_layout = feature_layout
        self.tf_version = tf_version

    @property
    def feature_columns(self):
        """All feature columns of the model (linear and DNN parts together)."""
        out = []
        for key in ("feature_columns", "linear_feature_columns", "dnn_feature_columns"):
            for column in self.args.get(key) or []:
                if column not in out:
                    out.append(column)
        return out

    def n_classes(self):
        """A classifier's ``n_classes`` (when its labels are class indices, without
        ``label_vocabulary``); else as for a custom estimator."""
        if self.kind == "classifier" and self.args.get("n_classes") is not None and \
                self.args.get("label_vocabulary") is None:
            return class_count(self.args["n_classes"])
        return super().n_classes()

    def check_data(self, data):
        """The data must fit the feature columns (:func:`check_data_columns`)."""
        if self.feature_layout == "dict" and self.feature_columns:
            check_data_columns(self.feature_columns, data)

    def label_vocabulary(self):
        """The classifier's ``label_vocabulary``, or None."""
        return self.args.get("label_vocabulary") if self.kind == "classifier" else None

    def default_serving_input_fn(self):
        """Classifiers and regressors parse ``tf.train.Example`` protos with the spec of their
        feature columns (:func:`parsing_serving_input_receiver_fn`)."""
        if self.kind in ("classifier", "regressor"):
            return parsing_serving_input_receiver_fn(self)
        return None

    def tidy_prediction(self, item, single):
        """Decode ``classes`` / ``all_classes`` to strings and make the one-element
        per-example predictions plain values (see :mod:`pyestim.canned`)."""
        return tidy_prediction(item, single)

    def __repr__(self):
        return f"<pyestim canned {self.model_type}, model_dir={self.model_dir!r}>"


def as_hidden_units(hidden_units, name="hidden_units", allow_none=False):
    """Layer sizes (an R vector of numbers) as a list of ints."""
    if hidden_units is None:
        if allow_none:
            return None
        raise PyestimValueError(
            f"{name} is required: the number of units per hidden layer, e.g. "
            f"{hidden_units_example()}.")
    if isinstance(hidden_units, np.ndarray):
        hidden_units = hidden_units.tolist()
    if isinstance(hidden_units, numbers.Number):
        hidden_units = [hidden_units]
    if not isinstance(hidden_units, (list, tuple)) or not hidden_units:
        raise PyestimValueError(
            f"{name} must be a non-empty list of layer sizes, e.g. {hidden_units_example()}; got "
            f"{shown(hidden_units)}.")
    return [as_count(u, name, allow_none=False, minimum=1) for u in hidden_units]


def hidden_units_example(units=(10, 20, 10)):
    """Layer sizes as the caller writes them: [10, 20, 10] or c(10, 20, 10)."""
    return idiom(str(list(units)), f"c({', '.join(map(str, units))})")


def as_dropout(dropout, name="dropout"):
    """A dropout probability in [0, 1), or None."""
    if dropout is None:
        return None
    if isinstance(dropout, (bool, np.bool_)) or not isinstance(dropout, numbers.Real):
        raise PyestimTypeError(f"{name} must be a probability or {code('None')}, got "
                               f"{shown(dropout)}.")
    dropout = float(dropout)
    if not 0.0 <= dropout < 1.0:
        raise PyestimValueError(
            f"{name} is the probability of dropping a unit and must be in [0, 1), got "
            f"{dropout}.")
    return dropout


def as_n_classes(n_classes):
    """The number of classes of a classifier (at least 2)."""
    n = as_count(n_classes, "n_classes", allow_none=False)
    if n < 2:
        raise PyestimValueError(f"n_classes must be at least 2, got {n}.")
    return n


def as_label_vocabulary(label_vocabulary, n_classes):
    """The class names, one per class, or None."""
    if label_vocabulary is None:
        return None
    if isinstance(label_vocabulary, np.ndarray):
        label_vocabulary = label_vocabulary.tolist()
    if isinstance(label_vocabulary, str):
        label_vocabulary = [label_vocabulary]
    if not isinstance(label_vocabulary, (list, tuple)) or not all(
            isinstance(v, str) for v in label_vocabulary):
        raise PyestimTypeError(
            "label_vocabulary must be a list of strings (the class names), got "
            f"{shown(label_vocabulary, 80)}.")
    vocab = list(label_vocabulary)
    if len(set(vocab)) != len(vocab):
        raise PyestimValueError(f"label_vocabulary has duplicate entries: {vocab}.")
    if len(vocab) != n_classes:
        raise PyestimValueError(
            f"label_vocabulary has {len(vocab)} entries but n_classes is {n_classes}; give one "
            "name per class (and "
            + idiom("n_classes=len(label_vocabulary)", "n_classes = length(label_vocabulary)")
            + ").")
    return vocab


_SCALAR_KEYS = ("classes", "class_ids", "logistic", "predictions")
_STRING_KEYS = ("classes", "all_classes")


def _decode(arr):
    if isinstance(arr, np.ndarray) and arr.dtype == object:
        out = np.empty(arr.shape, dtype=object)
        out.reshape(-1)[:] = [v.decode("utf-8", errors="replace") if isinstance(v, bytes) else v
                              for v in arr.reshape(-1)]
        return out
    return arr


def tidy_prediction(item, single):
    """A canned estimator's prediction as predict() returns it (see :mod:`pyestim.canned`)."""
    if not isinstance(item, dict):
        return item
    out = dict(item)
    for key in _STRING_KEYS:
        if key in out:
            out[key] = _decode(out[key])
    for key in _SCALAR_KEYS:
        value = out.get(key)
        if isinstance(value, np.ndarray):
            if single and value.shape == (1,):
                out[key] = value[0].item() if isinstance(value[0], np.generic) else value[0]
            elif not single and value.ndim == 2 and value.shape[1] == 1:
                out[key] = value[:, 0]
    return out


def make(class_name, kind, model_type, args):
    """The canned estimator of TensorFlow 1's class ``class_name`` or, when a Keras optimizer
    asks for it, TensorFlow 2's (which takes no partitioner), from the normalised ``args``."""
    version = tf_version(args)
    tf_args = dict(args)
    if version == "v2":
        for name in PARTITIONER_ARGS.intersection(tf_args):
            del tf_args[name]
    try:
        est = engine.build_canned(class_name, version, tf_args)
    except ValueError as err:
        raise PyestimValueError(f"{model_type}(): {err}") from None
    return CannedEstimator(est, kind, model_type, args, tf_version=version)


def parsing_serving_input_receiver_fn(object):
    """The serving input function tfestimators builds for a canned estimator: it parses
    serialized ``tf.train.Example`` protos with the spec of the model's feature columns
    (``classifier_parse_example_spec()`` / ``regressor_parse_example_spec()``).

    The label (and the example weight) are dropped from the spec: a served example carries
    the features only.
    """
    if not isinstance(object, CannedEstimator) or object.kind not in ("classifier",
                                                                        "regressor"):
        raise PyestimValueError(
            "Only canned classifiers and regressors can build their serving input from their "
            "feature columns; give serving_input_receiver_fn.")
    label_key = "__pyestim_label__"
    weight = object.args.get("weight_column")
    if object.kind == "classifier":
        spec = classifier_parse_example_spec(object.feature_columns, label_key=label_key,
                                             weight_column=weight)
    else:
        spec = regressor_parse_example_spec(object.feature_columns, label_key=label_key,
                                            weight_column=weight)
    spec.pop(label_key, None)
    if weight is not None:
        spec.pop(weight if isinstance(weight, str) else weight.key, None)
    return engine.export_api.build_parsing_serving_input_receiver_fn(spec)
