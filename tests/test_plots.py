"""Seed 003's pictures: each plot function's figure holds what it should.

Expectations are computed here independently: classes by predict(), the confusion matrix by
counting pairs in a loop, a convolution layer's output by a direct NumPy convolution of the
image with the checkpoint's kernel.
"""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from pyestim import (PyestimValueError, estimator, numpy_input_fn, plot_confusion_matrix,  # noqa: E402
                     plot_conv_layer, plot_conv_weights, plot_example_errors, plot_images,
                     predict, run_config, train, variable_value)
from pyestim.models import cnn_model_fn  # noqa: E402
from pyestim.plots import confusion_matrix  # noqa: E402

from support.models import trained_cnn  # noqa: E402


@pytest.fixture(scope="module")
def cnn(tmp_path_factory, mnist_subset):
    return trained_cnn(tmp_path_factory.mktemp("cnn"), mnist_subset, seed=7, steps=30)


@pytest.fixture(scope="module")
def classes(cnn, mnist_subset):
    """predict()'s classes of the 500 test images."""
    rows = predict(cnn, numpy_input_fn({"x": mnist_subset.test_x}, shuffle=False),
                   predict_keys="classes", simplify=False)
    return np.array([r["classes"] for r in rows])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _image_axes(fig):
    return [ax for ax in fig.axes if ax.get_images()]


def test_plot_images_labels_the_grid(mnist_subset, tmp_path):
    x, y = mnist_subset.test_x, mnist_subset.test_y
    path = tmp_path / "images.png"
    fig = plot_images(x, y, path=str(path))
    assert len(fig.axes) == 9 and len(_image_axes(fig)) == 9
    assert [ax.get_xlabel() for ax in fig.axes] == [f"True: {y[i]}" for i in range(9)]
    np.testing.assert_array_equal(fig.axes[4].get_images()[0].get_array(),
                                  x[4].reshape(28, 28))
    assert fig.axes[0].get_images()[0].get_cmap().name == "binary"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_images_with_an_estimator_shows_its_predictions(cnn, classes, mnist_subset):
    fig = plot_images(mnist_subset.test_x, mnist_subset.test_y, object=cnn)
    want = [f"True: {mnist_subset.test_y[i]}, Pred: {classes[i]}" for i in range(9)]
    assert [ax.get_xlabel() for ax in fig.axes] == want
    fig = plot_images({"x": mnist_subset.test_x[:4]}, mnist_subset.test_y[:4],
                      predicted=[9, 8, 7, 6])
    assert len(fig.axes) == 9 and len(_image_axes(fig)) == 4
    assert fig.axes[1].get_xlabel() == f"True: {mnist_subset.test_y[1]}, Pred: 8"


def test_confusion_matrix_counts_pairs():
    labels = [0, 1, 2, 2, 1, 0, 2]
    predicted = [0, 2, 2, 1, 1, 0, 2]
    expected = np.zeros((3, 3), int)
    for t, p in zip(labels, predicted):
        expected[t][p] += 1
    np.testing.assert_array_equal(confusion_matrix(labels, predicted), expected)
    one_hot = np.eye(3)[labels]
    np.testing.assert_array_equal(confusion_matrix(one_hot, predicted, num_classes=3), expected)


def test_plot_confusion_matrix(cnn, classes, mnist_subset, tmp_path):
    y = mnist_subset.test_y
    fig = plot_confusion_matrix(cnn, mnist_subset.test_x, y, path=str(tmp_path / "cm.png"))
    main = _image_axes(fig)
    assert len(main) == 1
    m = np.asarray(main[0].get_images()[0].get_array())
    correct = int(np.sum(classes == y))
    assert m.shape == (10, 10)
    assert m.sum() == len(y) == 500
    assert np.trace(m) == correct
    for t in range(10):
        for p in range(10):
            assert m[t, p] == int(np.sum((y == t) & (classes == p)))
    assert main[0].get_title() == (f"Confusion matrix: {correct} / 500 correct "
                                   f"({100 * correct / 500:.2f}%)")
    assert main[0].get_xlabel() == "Predicted" and main[0].get_ylabel() == "True"
    recall_axis = [c for c in main[0].child_axes]
    labels = [t.get_text() for t in recall_axis[0].get_yticklabels()]
    for t in range(10):
        n = int(np.sum(y == t))
        assert labels[t] == f"{100 * np.sum((y == t) & (classes == t)) / n:.1f}%"
    # the counts are written in the cells
    texts = {t.get_text() for t in main[0].texts}
    assert str(m[1, 1]) in texts
    assert (tmp_path / "cm.png").stat().st_size > 0


def test_plot_example_errors(cnn, classes, mnist_subset):
    y = mnist_subset.test_y
    wrong = [i for i in range(len(y)) if classes[i] != y[i]]
    assert len(wrong) >= 9  # 30 steps: still many errors
    fig = plot_example_errors(cnn, numpy_input_fn({"x": mnist_subset.test_x}, y,
                                                  shuffle=False), None)
    assert len(fig.axes) == 9
    assert [ax.get_xlabel() for ax in fig.axes] == [
        f"True: {y[i]}, Pred: {classes[i]}" for i in wrong[:9]]
    np.testing.assert_array_equal(fig.axes[0].get_images()[0].get_array(),
                                  mnist_subset.test_x[wrong[0]].reshape(28, 28))
    assert fig._suptitle.get_text() == f"Example errors: {len(wrong)} of 500 misclassified"


def test_pictures_take_the_true_labels_from_an_input_function(cnn, classes, mnist_subset):
    """plot_confusion_matrix(est, input_fn) and plot_example_errors(est, input_fn): no labels
    argument, the input function's labels (issue 22, point 10)."""
    x, y = mnist_subset.test_x, mnist_subset.test_y
    expected = np.zeros((10, 10), int)
    for t, p in zip(y, classes):
        expected[t][p] += 1
    wrong = [i for i in range(len(y)) if classes[i] != y[i]]
    batched = lambda: tf.data.Dataset.from_tensor_slices(({"x": x}, y)).batch(64)  # noqa: E731
    for fn in (numpy_input_fn({"x": x}, y, shuffle=False), batched,
               lambda estimator: numpy_input_fn({"x": x}, y, shuffle=False)):
        fig = plot_confusion_matrix(cnn, fn)
        np.testing.assert_array_equal(_image_axes(fig)[0].get_images()[0].get_array(),
                                      expected)
        fig = plot_example_errors(cnn, fn)
        assert [ax.get_xlabel() for ax in fig.axes] == [
            f"True: {y[i]}, Pred: {classes[i]}" for i in wrong[:9]]
        plt.close("all")
    for plot in (plot_confusion_matrix, plot_example_errors):
        with pytest.raises(PyestimValueError, match="needs the true labels: give labels, or "
                                                    "an input function that yields them"):
            plot(cnn, numpy_input_fn({"x": x}, shuffle=False))


@pytest.mark.parametrize("variable,channel", [("conv2d/kernel", 0), ("conv2d_1/kernel", 3)])
def test_plot_conv_weights(cnn, variable, channel):
    w = variable_value(cnn, variable)[variable]
    filters = w.shape[3]
    side = math.ceil(math.sqrt(filters))
    fig = plot_conv_weights(cnn, variable, input_channel=channel)
    assert len(fig.axes) == side * side
    shown = _image_axes(fig)
    assert len(shown) == filters
    for i in (0, filters - 1):
        im = shown[i].get_images()[0]
        np.testing.assert_array_equal(im.get_array(), w[:, :, channel, i])
        assert im.get_clim() == (w.min(), w.max())
        assert im.get_cmap().name == "seismic"
    assert f"input channel {channel}" in fig._suptitle.get_text()
    with pytest.raises(PyestimValueError, match="input_channel"):
        plot_conv_weights(cnn, variable, input_channel=w.shape[2])
    with pytest.raises(PyestimValueError, match="4 dimensions"):
        plot_conv_weights(cnn, "dense/kernel")


def _conv_relu(image, kernel, bias):
    """'same' convolution (stride 1) + bias + ReLU, in float64 NumPy."""
    kh, kw, _, out = kernel.shape
    padded = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))
    h, w = image.shape[:2]
    result = np.zeros((h, w, out))
    for i in range(kh):
        for j in range(kw):
            result += np.tensordot(padded[i:i + h, j:j + w, :], kernel[i, j], axes=([2], [0]))
    return np.maximum(result + bias, 0.0)


def test_plot_conv_layer(cnn, mnist_subset):
    image = mnist_subset.test_x[0]
    expected = _conv_relu(image.reshape(28, 28, 1).astype(np.float64),
                          variable_value(cnn, "conv2d/kernel")["conv2d/kernel"].astype(np.float64),
                          variable_value(cnn, "conv2d/bias")["conv2d/bias"].astype(np.float64))
    fig = plot_conv_layer(cnn, "conv2d", image)
    shown = _image_axes(fig)
    assert len(fig.axes) == 36 and len(shown) == 32
    for c in (0, 17, 31):
        im = shown[c].get_images()[0]
        assert im.get_cmap().name == "binary"
        np.testing.assert_allclose(im.get_array(), expected[:, :, c], rtol=1e-4, atol=1e-5)
    pooled = plot_conv_layer(cnn, "max_pooling2d/MaxPool:0", image.reshape(28, 28))
    assert len(_image_axes(pooled)) == 32
    assert _image_axes(pooled)[0].get_images()[0].get_array().shape == (14, 14)
    with pytest.raises(PyestimValueError, match="No tensor, op or layer named"):
        plot_conv_layer(cnn, "conv9", image)
