"""The main job: ``pyestim mnist`` trains the tutorial's CNN on MNIST, evaluates it on the
10,000 test images, prints the metrics and writes the loss plot (and, with ``--report DIR``,
the report page); ``pyestim report MODEL_DIR`` writes the report page of a trained model.

    pyestim mnist --steps 200 --report /tmp/report
    python -m pyestim mnist --steps 20000 --model-dir /tmp/mnist_convnet_model
    pyestim report /tmp/mnist_convnet_model --data mnist

Parsing and checking the arguments import nothing that imports TensorFlow (``pyestim mnist
--help`` and argument errors answer at once); the jobs (:mod:`pyestim.jobs`) are imported
after that.
"""

import argparse
import os
import sys

from . import _lazy
from .errors import ModelDirError, PyestimError, PyestimValueError

__all__ = ["MODEL_NAMES", "build_parser", "check_outputs", "check_report_args", "main"]

#: The seed networks (:data:`pyestim.models.MODELS`'s keys), named here without importing them.
MODEL_NAMES = ("cnn", "deep_mnist", "layers_cnn", "softmax")


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
    mnist.add_argument("--model", choices=list(MODEL_NAMES), default="cnn",
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
    report.add_argument("--model", choices=list(MODEL_NAMES), default=None,
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


def check_report_args(args):
    """``pyestim report MODEL_DIR``: MODEL_DIR must be a folder."""
    if not os.path.isdir(args.model_dir):
        raise ModelDirError(f"MODEL_DIR {args.model_dir!r} is not a directory; give the "
                            "model directory a `pyestim mnist --model-dir` run trained.")


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        (check_report_args if args.command == "report" else check_outputs)(args)
        jobs = _lazy.load("pyestim.jobs")  # TensorFlow is imported from here on
        (jobs.run_report if args.command == "report" else jobs.run_mnist)(args)
    except PyestimError as err:
        print(f"pyestim: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
