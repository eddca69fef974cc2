"""The report page: what an MNIST model learned, as ``DIR/index.html`` with PNG files beside it.

``pyestim mnist --report DIR`` writes it after training; ``pyestim report MODEL_DIR --data
mnist`` writes it for a model directory trained before (its loss curve then comes from the
event files tf.estimator wrote there). The page shows the settings and versions, the loss
curve with the evaluation point, the test accuracy and loss (``evaluate()``'s), the accuracy
of each class, the confusion matrix, 9 example errors, the first convolution's filters and
its outputs for one test image. It needs nothing but the files beside it: no scripts, no
fonts, no network.
"""

import glob
import html
import json
import os
import platform
import sys

import numpy as np
import tensorflow as tf

from . import __version__
from .checkpoints.reading import latest_checkpoint
from .estimators import evaluate
from .history import History
from .inputs import numpy_input_fn
from .plots import (confusion_matrix_data, plot_confusion_matrix, plot_conv_layer,
                    plot_conv_weights, plot_example_errors)
from .live_predict import predictor

__all__ = ["write_report", "SETTINGS_FILE"]

#: Written into model_dir by ``pyestim mnist``: the run's settings, read back by
#: ``pyestim report``.
SETTINGS_FILE = "pyestim-settings.json"

_OPTIMIZER_SLOTS = ("Adam", "Momentum", "Adagrad", "RMSProp", "Ftrl")


def _versions():
    import matplotlib  # optional: the report needs it, importing pyestim does not

    return {"pyestim": __version__, "TensorFlow": tf.__version__,
            "Python": sys.version.split()[0], "NumPy": np.__version__,
            "matplotlib": matplotlib.__version__,
            "platform": f"{platform.system()} {platform.machine()}"}


def read_settings(model_dir):
    """The settings ``pyestim mnist`` saved in ``model_dir`` ({} if none)."""
    path = os.path.join(model_dir, SETTINGS_FILE)
    if not os.path.isfile(path):
        return {}
    with open(path) as fh:
        return json.load(fh)


def save_settings(model_dir, settings):
    with open(os.path.join(model_dir, SETTINGS_FILE), "w") as fh:
        json.dump(settings, fh, indent=2)


def history_from_events(model_dir):
    """A History of the "loss" scalars tf.estimator's summaries recorded in ``model_dir``
    (every ``save_summary_steps``), or None if there are none."""
    losses = {}
    for path in sorted(glob.glob(os.path.join(model_dir, "events.out.tfevents.*"))):
        try:
            for event in tf.compat.v1.train.summary_iterator(path):
                for value in event.summary.value:
                    if value.tag == "loss":
                        number = value.simple_value if value.HasField("simple_value") else \
                            float(tf.make_ndarray(value.tensor))
                        losses[int(event.step)] = float(number)
        except tf.errors.DataLossError:  # a file cut short by a killed run: keep what was read
            continue
    if not losses:
        return None
    return History([{"step": s, "mean_losses": v, "total_losses": v}
                    for s, v in sorted(losses.items())])


def first_conv_kernel(est):
    """The name of the first convolution kernel in the checkpoint (alphabetically: conv2d/kernel,
    layer_conv1/kernel, Variable), or None."""
    path = latest_checkpoint(est.model_dir)
    for name, shape in tf.train.list_variables(path):
        if len(shape) == 4 and shape[2] == 1 and not any(s in name for s in _OPTIMIZER_SLOTS):
            return name
    return None


def first_conv_output(p):
    """The name of the first convolution's output in a predictor's graph: the Conv2D op
    followed by its bias addition and activation, when they follow."""
    ops = [op for op in p.graph.get_operations() if op.type == "Conv2D"]
    if not ops:
        return None
    tensor = ops[0].outputs[0]
    for kinds in (("BiasAdd", "Add", "AddV2"), ("Relu", "Relu6", "Elu", "Sigmoid", "Tanh")):
        consumers = tensor.consumers()
        if len(consumers) == 1 and consumers[0].type in kinds:
            tensor = consumers[0].outputs[0]
    return tensor.name


def _predictions(p, images, batch=500):
    parts = [p({"x": images[i:i + batch]}) for i in range(0, len(images), batch)]
    key = "classes" if "classes" in parts[0] else "probabilities"
    out = np.concatenate([np.asarray(part[key]) for part in parts])
    return out.argmax(axis=1) if out.ndim == 2 else out.reshape(-1)


def _table(rows):
    cells = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                    for k, v in rows)
    return f"<table>{cells}</table>"


_STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.metric { font-size: 1.4em; margin: 0.2em 1.5em 0.2em 0; display: inline-block; }
img { max-width: 100%; border: 1px solid #eee; }
.note { color: #666; }
"""


def write_report(object, directory, data, history=None, settings=None, metrics=None,
                 image_index=0):
    """Write the report page ``directory/index.html`` and its PNG files.

    Parameters
    ----------
    object : Estimator
        A trained MNIST classifier (features ``{"x": images}``).
    directory : str
        Where to write the page (created if missing).
    data : object
        The MNIST data sets (``read_data_sets()``); the test set is evaluated.
    history : History, optional
        The training losses; read from ``model_dir``'s event files when None.
    settings : dict, optional
        The run's settings (model, steps, batch_size, learning_rate, seed).
    metrics : dict, optional
        ``evaluate(simplify=False)`` on the test set; computed when None.
    image_index : int
        Which test image to show the first convolution's outputs for.

    Returns
    -------
    str
        The path of ``index.html``.
    """
    os.makedirs(directory, exist_ok=True)
    settings = dict(settings or {})
    images = data.test.images
    labels = np.asarray(data.test.labels).astype(np.int32)
    if metrics is None:
        metrics = evaluate(object, numpy_input_fn({"x": images}, labels, shuffle=False),
                           simplify=False)
    metrics = {k: (v.item() if hasattr(v, "item") else v) for k, v in metrics.items()}
    history = history if history is not None else history_from_events(object.model_dir)
    sections = []

    def figure(name, title, make, note=""):
        make(os.path.join(directory, name))
        sections.append(f'<h2>{html.escape(title)}</h2>'
                        + (f'<p class="note">{html.escape(note)}</p>' if note else "")
                        + f'<img src="{name}" alt="{html.escape(title)}">')

    with predictor(object) as p:
        predicted = _predictions(p, images)
        conv_output = first_conv_output(p)
    accuracy = metrics.get("accuracy")
    head = [f'<p><span class="metric">Test accuracy: <b id="accuracy" data-value="'
            f'{accuracy!r}">{100 * accuracy:.2f}%</b></span>'
            if accuracy is not None else "<p>",
            f'<span class="metric">Test loss: <b id="loss" data-value="{metrics.get("loss")!r}">'
            f'{metrics.get("loss", float("nan")):.4f}</b></span>'
            f'<span class="metric">Global step: <b id="global-step">'
            f'{metrics.get("global_step")}</b></span></p>',
            f'<p class="note">evaluate() on the {len(labels):,} test images.</p>']

    if history is not None and len(history):
        figure("loss.png", "Loss during training",
               lambda path: history.plot(path=path, settings=settings, evaluation=metrics),
               "Training loss at the recorded steps; the square (loss) and diamond (accuracy) "
               "are the evaluation on the test images.")
    cm = confusion_matrix_data(None, images, labels, predicted=predicted)
    rows = "".join(
        f"<tr><td>{c}</td><td class=num>{int(cm['matrix'][c].sum())}</td>"
        f"<td class=num>{int(cm['matrix'][c, c])}</td>"
        f"<td class=num id=\"class-{c}\">{100 * cm['recall'][c]:.2f}%</td></tr>"
        for c in range(cm["matrix"].shape[0]))
    sections.append("<h2>Accuracy per class</h2><table><tr><th>class</th><th>images</th>"
                    f"<th>correct</th><th>accuracy</th></tr>{rows}</table>")
    figure("confusion_matrix.png", "Confusion matrix",
           lambda path: plot_confusion_matrix(None, images, labels, predicted=predicted,
                                              path=path))
    figure("example_errors.png", "Example errors",
           lambda path: plot_example_errors(None, images, labels, predicted=predicted,
                                            path=path),
           "The first 9 misclassified test images.")
    kernel = first_conv_kernel(object)
    if kernel is not None:
        figure("conv1_weights.png", "First convolution: filters",
               lambda path: plot_conv_weights(object, kernel, 0, path=path),
               f"{kernel}: positive weights red, negative blue.")
    if conv_output is not None:
        figure("conv1_outputs.png", f"First convolution: outputs for test image {image_index}",
               lambda path: plot_conv_layer(object, conv_output, images[image_index:image_index + 1],
                                            path=path),
               f"{conv_output} for a {labels[image_index]}.")
    run = [("model_dir", object.model_dir)] + [(k, v) for k, v in settings.items()]
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>pyestim report: {html.escape(str(settings.get('model', 'model')))}</title>"
            f"<style>{_STYLE}</style></head><body>"
            f"<h1>What the model learned</h1>{''.join(head)}"
            f"<h2>Settings</h2>{_table(run)}"
            f"<h2>Versions</h2>{_table(_versions().items())}"
            + "".join(sections) + "</body></html>\n")
    path = os.path.join(directory, "index.html")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(page)
    return path
