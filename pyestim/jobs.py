"""The CLI's jobs (``pyestim mnist``, ``pyestim report``): the part of :mod:`pyestim.cli` that
imports TensorFlow, loaded only after the arguments are parsed and checked."""

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
from .estimators import estimator, evaluate, train
from .hook_constructors import hook_logging_tensor
from .inputs import numpy_input_fn
from .models import MODELS
from .report import read_settings, save_settings, write_report

__all__ = ["model_dir_note", "run_mnist", "run_report"]


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
    """The ``pyestim mnist`` job (``args`` parsed and checked by :func:`pyestim.cli.main`)."""
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
    """The ``pyestim report`` job (``args`` parsed and checked by :func:`pyestim.cli.main`)."""
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
