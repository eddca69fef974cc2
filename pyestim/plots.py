"""Seed 003's pictures of what a model learned, one call each (matplotlib: the optional extra
``pyestim[plot]``).

* :func:`plot_images`: 9 images in a 3x3 grid, each with its true (and predicted) class;
* :func:`plot_confusion_matrix`: counts of true against predicted classes, with each class's
  recall (computed with NumPy; no scikit-learn needed);
* :func:`plot_example_errors`: the first 9 misclassified images;
* :func:`plot_conv_weights`: a convolution kernel from the checkpoint, one square per filter
  (seismic colour map: positive red, negative blue, one scale for all);
* :func:`plot_conv_layer`: a layer's output for one image, one square per channel (binary
  colour map), computed by the predict graph with that tensor fetched as well.

Each function returns a matplotlib Figure and, given ``path``, saves it there (PNG) and closes
it. The numbers come from the ``*_data`` functions, which need no matplotlib: the R package's
functions of the same names draw the same data with base graphics.
"""

import math

import numpy as np

import tensorflow as tf

from . import engine
from .estimators import variable_value
from ._lang import code, idiom, shown
from .errors import PyestimTypeError, PyestimValueError
from .history import pyplot as _pyplot
from .inputs import resolve_input_fn
from .live_predict import predictor

__all__ = ["plot_images", "plot_confusion_matrix", "plot_example_errors", "plot_conv_weights",
           "plot_conv_layer", "confusion_matrix", "images_data", "confusion_matrix_data",
           "example_errors_data", "conv_weights_data", "conv_layer_data"]

GRID = 3  # seed 003 shows 3 x 3 images


# --------------------------------------------------------------------------------------------
# Inputs: arrays, a dict of features, or an input function


def _from_input_fn(fn, object):
    """All features and labels an input function yields (read eagerly, once, in order)."""
    dataset = resolve_input_fn(fn, object, engine.ModeKeys.PREDICT, name="images")()
    if not isinstance(dataset, tf.data.Dataset):
        raise PyestimTypeError(
            f"The input function returned {type(dataset).__name__}; plots read a "
            f"{code('tf.data.Dataset')} (as numpy_input_fn() and input_fn() make).")
    features, labels = [], []
    for item in dataset:
        f, l = item if isinstance(item, tuple) else (item, None)
        features.append(f)
        labels.append(l)
    if not features:
        raise PyestimValueError("The input function gave no examples.")

    spec = tf.nest.flatten(dataset.element_spec)[0]
    # numpy_input_fn() yields single examples; other input functions may yield batches
    join = np.concatenate if spec.shape.rank and spec.shape[0] is None else np.stack

    def cat(parts):
        if isinstance(parts[0], dict):
            return {k: join([np.asarray(p[k]) for p in parts]) for k in parts[0]}
        return join([np.asarray(p) for p in parts])

    return cat(features), (None if labels[0] is None else cat(labels))


def _features(images, labels=None, object=None):
    """(features for the model, image pixels [n, h, w], labels or None)."""
    if callable(images):
        images, from_fn = _from_input_fn(images, object)
        if labels is None:
            labels = from_fn
    features = images if isinstance(images, dict) else {"x": images}
    if not features:
        raise PyestimValueError(
            idiom("images is an empty dict; give {'x': images}.",
                  "images is an empty list; give list(x = images)."))
    pixels = np.asarray(features["x"] if "x" in features else next(iter(features.values())))
    if pixels.ndim < 2:
        raise PyestimValueError(
            f"images must hold one image per row (shape [n, 784] or [n, 28, 28]), got shape "
            f"{pixels.shape}.")
    return features, _as_square(pixels), None if labels is None else _as_labels(labels)


def _as_square(pixels):
    n = pixels.shape[0]
    if pixels.ndim == 4 and pixels.shape[-1] == 1:
        pixels = pixels[..., 0]
    if pixels.ndim == 3:
        return pixels
    size = int(np.prod(pixels.shape[1:]))
    side = int(round(math.sqrt(size)))
    if side * side != size:
        raise PyestimValueError(
            f"images have {size} values each, which is not a square image; give them as "
            "[n, height, width].")
    return pixels.reshape(n, side, side)


def _as_labels(labels):
    arr = np.asarray(labels)
    if arr.ndim == 2 and arr.shape[1] > 1:  # one-hot, as seed 003's data.test.labels
        arr = arr.argmax(axis=1)
    return arr.reshape(-1).astype(np.int64)


def _predicted(object, features, predicted):
    """The predicted classes: ``predicted`` if given, else the estimator's (its "classes"
    prediction, or the argmax of "probabilities" / "logits" / the single prediction)."""
    if predicted is not None:
        return _as_labels(predicted)
    if object is None:
        return None
    with predictor(object) as p:
        out = p(features)
    for key in ("classes", "class_ids", "predictions", "probabilities", "logits"):
        if key in out:
            value = np.asarray(out[key])
            if value.ndim == 2 and value.shape[1] > 1:
                value = value.argmax(axis=1)
            return value.reshape(-1).astype(np.int64)
    raise PyestimValueError(
        f"The model's predictions {shown(sorted(out))} hold no classes (expected 'classes' or "
        "'probabilities'); give predicted= yourself.")


def _no_labels(caller):
    return (f"{caller}() needs the true labels: give labels, or an input function that yields "
            f"them with the features, e.g. {code('numpy_input_fn(x, y, shuffle=False)')}.")


def _label(true, pred):
    return f"True: {true}" if pred is None else f"True: {true}, Pred: {pred}"


# --------------------------------------------------------------------------------------------
# The data behind each figure (no matplotlib needed; the R package draws these)


def images_data(images, labels=None, predicted=None, object=None):
    """The first 9 images and their labels: ``{"images": [k, h, w], "labels": [str]}``."""
    features, pixels, true = _features(images, labels, object)
    if true is None:
        raise PyestimValueError(_no_labels("plot_images"))
    k = min(GRID * GRID, len(pixels))
    first = {name: np.asarray(v)[:k] for name, v in features.items()}
    pred = _predicted(object, first, None if predicted is None else
                      _as_labels(predicted)[:k])
    return {"images": pixels[:k], "labels": [
        _label(int(true[i]), None if pred is None else int(pred[i])) for i in range(k)],
        "true": true[:k], "predicted": pred}


def confusion_matrix(labels, predicted, num_classes=None):
    """Counts of (true class, predicted class): ``m[i, j]`` is the number of examples of class
    ``i`` predicted as ``j`` (NumPy; scikit-learn's ``confusion_matrix`` in seed 003)."""
    true, pred = _as_labels(labels), _as_labels(predicted)
    if true.shape != pred.shape:
        raise PyestimValueError(
            f"labels ({true.size}) and predicted ({pred.size}) must have the same length.")
    n = int(num_classes or max(int(true.max(initial=0)), int(pred.max(initial=0))) + 1)
    m = np.zeros((n, n), dtype=np.int64)
    np.add.at(m, (true, pred), 1)
    return m


def _true_and_predicted(object, images, labels, predicted, caller):
    features, pixels, true = _features(images, labels, object)
    if true is None:
        raise PyestimValueError(_no_labels(caller))
    pred = _predicted(object, features, predicted)
    if pred is None:
        raise PyestimValueError(f"{caller}() needs an estimator or the predicted classes "
                                "(predicted).")
    if pred.shape != true.shape:
        raise PyestimValueError(
            f"{caller}() got {true.size} labels but {pred.size} predicted classes.")
    return pixels, true, pred


def confusion_matrix_data(object, images, labels=None, predicted=None):
    """``{"matrix", "recall" (per class), "correct", "total", "title"}``."""
    _, true, pred = _true_and_predicted(object, images, labels, predicted,
                                        "plot_confusion_matrix")
    m = confusion_matrix(true, pred, num_classes=10 if max(true.max(), pred.max()) < 10 else None)
    rows = m.sum(axis=1)
    recall = np.where(rows > 0, np.diag(m) / np.maximum(rows, 1), np.nan)
    correct, total = int(np.trace(m)), int(m.sum())
    return {"matrix": m, "recall": recall, "correct": correct, "total": total,
            "title": f"Confusion matrix: {correct} / {total} correct "
                     f"({100.0 * correct / total:.2f}%)"}


def example_errors_data(object, images, labels=None, predicted=None):
    """The first 9 misclassified images: ``{"images", "labels", "index", "errors", "total"}``."""
    pixels, true, pred = _true_and_predicted(object, images, labels, predicted,
                                             "plot_example_errors")
    wrong = np.flatnonzero(pred != true)
    shown = wrong[:GRID * GRID]
    return {"images": pixels[shown], "index": shown,
            "labels": [_label(int(true[i]), int(pred[i])) for i in shown],
            "errors": int(wrong.size), "total": int(true.size),
            "title": f"Example errors: {wrong.size} of {true.size} misclassified"}


def conv_weights_data(object, variable="conv2d/kernel", input_channel=0):
    """One input channel of a convolution kernel from the latest checkpoint:
    ``{"weights": [filters, kh, kw], "min", "max", "title"}`` (min and max over the whole
    kernel, so that all input channels share one colour scale, as in seed 003)."""
    w = np.asarray(next(iter(variable_value(object, variable).values())))
    if w.ndim != 4:
        raise PyestimValueError(
            f"{shown(variable)} has shape {list(w.shape)}; a convolution kernel has 4 dimensions "
            "[height, width, input channels, filters] (e.g. 'conv2d/kernel').")
    channel = _index(input_channel, w.shape[2], "input_channel")
    return {"weights": np.moveaxis(w[:, :, channel, :], -1, 0), "min": float(w.min()),
            "max": float(w.max()),
            "title": f"{variable}: {w.shape[3]} filters, input channel {channel}"}


def _index(value, size, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer, float)) \
            or float(value) != int(value) or not 0 <= int(value) < size:
        raise PyestimValueError(
            f"{name} must be a whole number from 0 to {size - 1}, got {shown(value)}.")
    return int(value)


def conv_layer_data(object, layer, image):
    """A layer's output for one image: ``{"values": [channels, h, w], "title"}``. ``layer``
    is a tensor, op or layer name of the predict graph (e.g. ``"conv2d"``, the first
    tf.layers.conv2d; ``"conv2d/Relu:0"``)."""
    if not isinstance(layer, str):
        raise PyestimTypeError(
            f"layer must be the name of a layer or tensor (a string), got {type(layer).__name__}.")
    features = image if isinstance(image, dict) else {"x": image}
    features = {k: np.asarray(v) for k, v in features.items()}
    one = {k: (v.reshape(1, -1) if v.ndim == 1 else v[:1]) for k, v in features.items()}
    with predictor(object) as p:
        values = np.asarray(p.run(one, fetches={"layer": layer})["layer"])
    if values.ndim != 4:
        raise PyestimValueError(
            f"Layer {shown(layer)} gives shape {list(values.shape)}; plot_conv_layer() shows "
            "4-dimensional outputs [1, height, width, channels] (a convolution or pooling "
            "layer).")
    return {"values": np.moveaxis(values[0], -1, 0),
            "title": f"{layer}: {values.shape[3]} channels of one image's output"}


# --------------------------------------------------------------------------------------------
# Drawing


def _finish(plt, fig, path):
    if path is not None:
        fig.savefig(path, dpi=100)
        plt.close(fig)
    return fig


def _grid(plt, count, size=5.0, title=None):
    side = max(1, math.ceil(math.sqrt(count)))
    fig, axes = plt.subplots(side, side, figsize=(size, size + (0.3 if title else 0)),
                             squeeze=False)
    axes = list(axes.flat)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title)
    return fig, axes


def _image_grid(plt, images, labels, title, path):
    fig, axes = plt.subplots(GRID, GRID, figsize=(5.4, 5.8), squeeze=False)
    fig.subplots_adjust(hspace=0.45, wspace=0.3)
    for i, ax in enumerate(axes.flat):
        if i < len(images):
            ax.imshow(images[i], cmap="binary")
            ax.set_xlabel(labels[i])
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title)
    return _finish(plt, fig, path)


def plot_images(images, labels=None, predicted=None, object=None, path=None):
    """Up to 9 images in a 3x3 grid, each with "True: 7" or "True: 7, Pred: 1" below it
    (seed 003's ``plot_images``).

    Parameters
    ----------
    images : numpy.ndarray, dict or callable
        Images, one per row ([n, 784] or [n, 28, 28]); or the features ({"x": images}); or an
        input function (its features and labels are read, in order, once). The first 9 are
        shown.
    labels : array, optional
        Their true classes (or one-hot rows); with an input function that yields labels, None
        takes them from it.
    predicted : array, optional
        Their predicted classes; with ``object`` and no ``predicted``, the estimator's.
    object : Estimator, optional
        An estimator to predict the classes with.
    path : str, optional
        Save the figure there (PNG) and close it.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot(path)
    data = images_data(images, labels, predicted=predicted, object=object)
    return _image_grid(plt, data["images"], data["labels"], None, path)


def plot_confusion_matrix(object, images, labels=None, predicted=None, path=None):
    """The confusion matrix: the count of each (true, predicted) pair, with each class's
    recall beside its row (seed 003's ``plot_confusion_matrix``, without scikit-learn).

    Parameters
    ----------
    object : Estimator or None
        The estimator whose predictions to count (None when ``predicted`` is given).
    images, labels, predicted, path
        As for :func:`plot_images`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot(path)
    data = confusion_matrix_data(object, images, labels, predicted=predicted)
    m, recall = data["matrix"], data["recall"]
    n = m.shape[0]
    fig, ax = plt.subplots(figsize=(6.4, 5.6))
    im = ax.imshow(m, interpolation="nearest", cmap="Blues")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.18)
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("Predicted")
    ax.set_ylabel("True")
    ax.set_title(data["title"])
    right = ax.secondary_yaxis("right")
    right.set_yticks(range(n))
    right.set_yticklabels(["n/a" if np.isnan(r) else f"{100 * r:.1f}%" for r in recall])
    right.set_ylabel("recall")
    high = m.max() / 2.0 if m.size else 0
    for i in range(n):
        for j in range(n):
            if m[i, j]:
                ax.text(j, i, str(m[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if m[i, j] > high else "black")
    fig.tight_layout()
    return _finish(plt, fig, path)


def plot_example_errors(object, images, labels=None, predicted=None, path=None):
    """The first 9 misclassified images, each with "True: 4, Pred: 9" below it (seed 003's
    ``plot_example_errors``).

    Parameters
    ----------
    object, images, labels, predicted, path
        As for :func:`plot_confusion_matrix`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot(path)
    data = example_errors_data(object, images, labels, predicted=predicted)
    return _image_grid(plt, data["images"], data["labels"], data["title"], path)


def plot_conv_weights(object, variable="conv2d/kernel", input_channel=0, path=None):
    """A convolution kernel's filters for one input channel, from the latest checkpoint, in a
    square grid (seismic colour map, one scale for the whole kernel: positive red, negative
    blue; seed 003's ``plot_conv_weights``).

    Parameters
    ----------
    object : Estimator
        The estimator.
    variable : str
        The kernel's variable name (see :func:`variable_names`), e.g. "conv2d/kernel" (the
        first tf.layers.conv2d) or "layer_conv1/kernel".
    input_channel : int
        Which input channel's weights to show (0-based).
    path : str, optional
        Save the figure there (PNG) and close it.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot(path)
    data = conv_weights_data(object, variable, input_channel)
    w = data["weights"]
    fig, axes = _grid(plt, len(w), title=data["title"])
    for i, ax in enumerate(axes):
        if i < len(w):
            ax.imshow(w[i], vmin=data["min"], vmax=data["max"], interpolation="nearest",
                      cmap="seismic")
        else:
            ax.axis("off")
    return _finish(plt, fig, path)


def plot_conv_layer(object, layer, image, path=None):
    """A layer's output for one image, one square per channel (binary colour map; seed 003's
    ``plot_conv_layer``). The model function is run in predict mode (see :func:`predictor`)
    with the layer's tensor fetched besides the predictions.

    Parameters
    ----------
    object : Estimator
        The estimator.
    layer : str
        The layer's name in the predict graph ("conv2d": the first tf.layers.conv2d's output,
        after its activation), an op name ("conv2d/BiasAdd") or a tensor name
        ("conv2d/Relu:0").
    image : array or dict
        One image (a row of 784 values, or [28, 28]), or the features {"x": image}.
    path : str, optional
        Save the figure there (PNG) and close it.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot(path)
    image = np.asarray(image) if not isinstance(image, dict) else image
    if not isinstance(image, dict) and image.ndim >= 2 and image.shape[0] != 1:
        image = image.reshape(1, -1)
    data = conv_layer_data(object, layer, image)
    v = data["values"]
    fig, axes = _grid(plt, len(v), title=data["title"])
    for i, ax in enumerate(axes):
        if i < len(v):
            ax.imshow(v[i], interpolation="nearest", cmap="binary")
        else:
            ax.axis("off")
    return _finish(plt, fig, path)
