"""The main job: ``pyestim mnist`` trains the tutorial's CNN on MNIST, evaluates it on the
10,000 test images, prints the metrics and writes the loss plot (and, with ``--report DIR``,
the report page); ``pyestim report MODEL_DIR`` writes the report page of a trained model.

    pyestim mnist --steps 200 --report /tmp/report
    python -m pyestim mnist --steps 20000 --model-dir /tmp/mnist_convnet_model
    pyestim report /tmp/mnist_convnet_model --data mnist
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time

import numpy as np
import tensorflow as tf

from . import __version__
from .config import run_config
from .datasets import read_data_sets
from .errors import ModelDirError, PyestimError, PyestimValueError
from .estimator import estimator, evaluate, train
from .hooks import hook_logging_tensor
from .inputs import numpy_input_fn
from .models import MODELS
from .report import read_settings, save_settings, write_report

__all__ = ["build_parser", "check_outputs", "model_dir_note", "run_mnist", "main"]


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {value}")
    return value


def build_parser():
    parser = argparse.ArgumentParser(
        prog="pyestim", description="pyestim: the tfestimators tutorials on tf.estimator.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    mnist = sub.add_parser(
        "mnist", help="train and evaluate the tutorial CNN on MNIST",
        description="Train the tf.layers CNN of the estimator tutorial on the 55,000 MNIST "
                    "training images, log the predicted classes, evaluate on the 10,000 test "
                    "images, print the metrics and write the loss plot.")
    mnist.add_argument("--steps", type=_positive_int, default=20000,
                       help="training steps in this run (default: 20000, as the tutorial)")
    mnist.add_argument("--batch-size", type=_positive_int, default=100,
                       help="training batch size (default: 100)")
    mnist.add_argument("--learning-rate", type=_positive_float, default=None,
                       help="learning rate (default: the model's: 0.001 for the tutorial CNN)")
    mnist.add_argument("--model", choices=sorted(MODELS), default="cnn",
                       help="which seed network to train (default: cnn, the tutorial's)")
    mnist.add_argument("--model-dir", default=None,
                       help="checkpoint directory; training resumes from it "
                            "(default: a new temporary directory)")
    mnist.add_argument("--data-dir", default=None,
                       help="folder with the four MNIST .gz files (default: $PYESTIM_DATA_DIR, "
                            "then the per-user cache, then a download)")
    mnist.add_argument("--log-every", type=_positive_int, default=50,
                       help="log predicted_classes every N steps (default: 50)")
    mnist.add_argument("--seed", type=int, default=None,
                       help="tf_random_seed: makes the run reproducible bit for bit")
    mnist.add_argument("--plot", default=None,
                       help="where to write the loss plot (default: MODEL_DIR/loss.png; "
                            "'none' to skip)")
    mnist.add_argument("--json", default=None,
                       help="also write the metrics and timings to this JSON file")
    mnist.add_argument("--report", default=None, metavar="DIR",
                       help="also write the report page DIR/index.html (loss, accuracy, "
                            "confusion matrix, errors, conv filters and outputs)")
    report = sub.add_parser(
        "report", help="write the report page of a trained MNIST model",
        description="Evaluate a model directory trained by `pyestim mnist` on the 10,000 MNIST "
                    "test images and write DIR/index.html with its pictures.")
    report.add_argument("model_dir", help="the trained model's directory")
    report.add_argument("--data", choices=["mnist"], default="mnist",
                        help="the data set (default: mnist)")
    report.add_argument("--model", choices=sorted(MODELS), default=None,
                        help="the network (default: the one `pyestim mnist` recorded in "
                             "MODEL_DIR, else cnn)")
    report.add_argument("--report", default=None, metavar="DIR",
                        help="where to write index.html (default: MODEL_DIR/report)")
    report.add_argument("--data-dir", default=None, help="as for `pyestim mnist`")
    return parser


def _writable_folder(path):
    """The nearest existing folder of ``path`` (itself or an ancestor) and whether it can
    be written."""
    folder = os.path.abspath(path)
    while not os.path.exists(folder):
        folder = os.path.dirname(folder)
    return folder, os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)


def check_outputs(args):
    """Check, before anything is read or trained, that the places the job writes can be
    written: ``--json`` (and ``--plot``) a file in an existing, writable folder, not a
    folder; ``--model-dir`` a writable folder or one that can be created. Raises
    ModelDirError / PyestimValueError saying what to change."""
    for flag, path in (("--json", args.json), ("--plot", getattr(args, "plot", None))):
        if path is None or (flag == "--plot" and path.lower() == "none"):
            continue
        parent = os.path.dirname(os.path.abspath(path))
        if os.path.isdir(path):
            example = os.path.join(path, "metrics.json" if flag == "--json" else "loss.png")
            raise PyestimValueError(f"{flag} {path!r} is a folder; give a file path, e.g. "
                                    f"{example!r}.")
        if not os.path.isdir(parent):
            raise PyestimValueError(f"{flag} {path!r}: its folder {parent!r} does not exist. "
                                    "Create it first, or give a path in an existing folder.")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise PyestimValueError(f"{flag} {path!r}: its folder {parent!r} cannot be "
                                    "written. Give a path in a folder you can write.")
    if args.model_dir is not None:
        if os.path.exists(args.model_dir) and not os.path.isdir(args.model_dir):
            raise ModelDirError(f"--model-dir {args.model_dir!r} is a file, not a folder; "
                                "give a folder (it is created if missing).")
        folder, ok = _writable_folder(args.model_dir)
        if not ok:
            raise ModelDirError(f"--model-dir {args.model_dir!r} cannot be created or written "
                                f"({folder!r} is not a writable folder). Give another folder.")


def _versions():
    return {"pyestim": __version__, "tensorflow": tf.__version__, "numpy": np.__version__,
            "python": platform.python_version()}


def model_dir_note(model_dir, given):
    """The line that says where the model went (and, for a temporary folder, how to go on
    training it)."""
    if given:
        return f"model_dir: {model_dir}"
    return (f"model_dir: {model_dir} (a new temporary folder, as no --model-dir was given; "
            f"continue training with: pyestim mnist --model-dir {model_dir})")


def run_mnist(args, out=sys.stdout):
    check_outputs(args)
    model_dir = args.model_dir or tempfile.mkdtemp(prefix="pyestim_mnist_")
    mnist = read_data_sets(data_dir=args.data_dir)
    train_data = mnist.train.images
    train_labels = mnist.train.labels.astype("int32")
    eval_data = mnist.test.images
    eval_labels = mnist.test.labels.astype("int32")

    params = {} if args.learning_rate is None else {"learning_rate": args.learning_rate}
    classifier = estimator(MODELS[args.model], model_dir=model_dir,
                           config=run_config(tf_random_seed=args.seed), params=params)
    logging_hook = hook_logging_tensor(tensors={"predicted_classes": "predicted_classes"},
                                       every_n_iter=args.log_every)
    train_input_fn = numpy_input_fn(x={"x": train_data}, y=train_labels,
                                    batch_size=args.batch_size, num_epochs=None, shuffle=True)
    started = time.monotonic()
    history = train(classifier, input_fn=train_input_fn, steps=args.steps, hooks=logging_hook)
    train_secs = time.monotonic() - started

    eval_input_fn = numpy_input_fn(x={"x": eval_data}, y=eval_labels, num_epochs=1,
                                   shuffle=False)
    started = time.monotonic()
    metrics = evaluate(classifier, input_fn=eval_input_fn, simplify=False)
    eval_secs = time.monotonic() - started

    print(model_dir_note(model_dir, given=args.model_dir is not None), file=out)
    print(f"trained {args.steps} steps in {train_secs:.1f} s "
          f"({args.steps / train_secs:.2f} steps/s, including graph build and checkpoints)",
          file=out)
    print("evaluation on the 10,000 test images: "
          + ", ".join(f"{k} = {v:.4f}" if isinstance(v, float) else f"{k} = {v}"
                      for k, v in metrics.items()), file=out)
    print(metrics, file=out)

    plot_path = args.plot or os.path.join(model_dir, "loss.png")
    history.settings.update(model=args.model, steps=args.steps, batch_size=args.batch_size,
                            learning_rate=classifier.params.get("learning_rate",
                                                                _default_rate(args.model)))
    if plot_path.lower() != "none" and len(history):
        try:
            history.plot(path=plot_path, evaluation=metrics)
            print(f"loss plot: {plot_path}", file=out)
        except ImportError as err:
            print(f"loss plot skipped: {err}", file=out)
    settings = {"model": args.model, "steps": args.steps, "batch_size": args.batch_size,
                "learning_rate": classifier.params.get("learning_rate", _default_rate(args.model)),
                "seed": args.seed}
    save_settings(model_dir, settings)
    if args.report:
        page = write_report(classifier, args.report, mnist, history=history,
                            settings=settings, metrics=metrics)
        print(f"report: {page}", file=out)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"metrics": metrics, "steps": args.steps, "train_secs": train_secs,
                       "eval_secs": eval_secs, "model_dir": model_dir,
                       "settings": settings, "versions": _versions(),
                       "history": history.to_dict()}, fh, indent=2)
    return metrics


#: The learning rate each seed network uses when params give none (see pyestim.models).
_DEFAULT_RATES = {"cnn": 0.001, "deep_mnist": 1e-4, "layers_cnn": 1e-4, "softmax": 0.5}


def _default_rate(model):
    return _DEFAULT_RATES.get(model)


def run_report(args, out=sys.stdout):
    if not os.path.isdir(args.model_dir):
        raise ModelDirError(f"MODEL_DIR {args.model_dir!r} is not a directory; give the "
                            "model directory a `pyestim mnist --model-dir` run trained.")
    settings = read_settings(args.model_dir)
    model = args.model or settings.get("model") or "cnn"
    settings["model"] = model
    params = {} if settings.get("learning_rate") is None else \
        {"learning_rate": settings["learning_rate"]}
    classifier = estimator(MODELS[model], model_dir=args.model_dir,
                           config=run_config(tf_random_seed=settings.get("seed")), params=params)
    page = write_report(classifier, args.report or os.path.join(args.model_dir, "report"),
                        read_data_sets(data_dir=args.data_dir), settings=settings)
    print(f"report: {page}", file=out)
    return page


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        (run_report if args.command == "report" else run_mnist)(args)
    except PyestimError as err:
        print(f"pyestim: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
