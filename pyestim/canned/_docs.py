"""The canned constructors' argument documentation, written once (as tfestimators' roxygen
templates do with ``@inheritParams``): :func:`documented` fills a constructor's
"Parameters" section from its signature, in the order of its arguments."""

import inspect
import textwrap

__all__ = ["PARAMS", "documented"]

_OPTIMIZER = ("str, optimizer or function",
              "The optimizer's name (``\"Adagrad\"``, ``\"Adam\"``, ``\"Ftrl\"``, ``\"RMSProp\"``, "
              "``\"SGD\"``; case does not matter), an optimizer instance, or a function "
              "returning one (see the module notes).")
_DROPOUT = ("float, optional",
            "When not None, the probability of dropping out a given coordinate.")
_ACTIVATION = ("str or function",
               "The activation function of each layer, a function or the name of one in "
               "``tf.nn`` (default ``\"relu\"``).")
_HIDDEN_UNITS = ("list of int",
                 "The number of hidden units in each layer; all layers are fully connected. "
                 "``c(64, 32)`` means a first layer of 64 nodes and a second of 32.")
_REGULARIZATION = ("float", "Regularization multiplier applied to the absolute (l1) or squared "
                            "(l2) weights of the leaves.")

#: name -> (type, description) of every canned constructor's arguments.
PARAMS = {
    "feature_columns": ("list", "All the feature columns used by the model (typically from "
                                ":func:`feature_columns`)."),
    "model_dir": ("str, optional",
                  "Directory to save the model parameters, graph, and so on; it can also be "
                  "used to load checkpoints into the estimator to continue training a "
                  "previously saved model."),
    "label_dimension": ("int", "Number of regression targets per example: the size of the last "
                               "dimension of the labels and logits tensors."),
    "n_classes": ("int", "The number of label classes."),
    "weight_column": ("str or numeric column, optional",
                      "The feature holding example weights (multiplied by the loss of the "
                      "example)."),
    "label_vocabulary": ("list of str, optional",
                         "The class names. If given, labels must be strings from it, and "
                         "predictions' ``classes`` are these names; otherwise labels are "
                         "integers in ``[0, n_classes)``."),
    "optimizer": _OPTIMIZER,
    "config": ("RunConfig, optional", "A run configuration from :func:`run_config`."),
    "partitioner": ("optional", "A partitioner for the linear model's variables (TensorFlow 1's "
                                "class only: not with a Keras optimizer; see the module notes)."),
    "hidden_units": _HIDDEN_UNITS,
    "activation_fn": _ACTIVATION,
    "dropout": _DROPOUT,
    "input_layer_partitioner": ("optional", "A partitioner for the input layer (not with a Keras "
                                            "optimizer; see the module notes)."),
    "linear_feature_columns": ("list, optional",
                               "The feature columns used by the linear (wide) part of the "
                               "model."),
    "linear_optimizer": (_OPTIMIZER[0], "The linear part's optimizer. " + _OPTIMIZER[1]),
    "dnn_feature_columns": ("list, optional",
                            "The feature columns used by the neural network (deep) part."),
    "dnn_optimizer": (_OPTIMIZER[0], "The DNN part's optimizer. " + _OPTIMIZER[1]),
    "dnn_hidden_units": (_HIDDEN_UNITS[0], "The DNN part's layers. " + _HIDDEN_UNITS[1]),
    "dnn_activation_fn": (_ACTIVATION[0], "The DNN part's activation. " + _ACTIVATION[1]),
    "dnn_dropout": _DROPOUT,
    "n_batches_per_layer": ("int", "The number of batches to collect statistics per layer."),
    "n_trees": ("int", "Number of trees to create."),
    "max_depth": ("int", "Maximum depth of the trees to grow (at most 12)."),
    "learning_rate": ("float", "Shrinkage parameter applied when a tree is added to the model."),
    "l1_regularization": _REGULARIZATION,
    "l2_regularization": _REGULARIZATION,
    "tree_complexity": ("float", "Regularization factor to penalize trees with more leaves "
                                 "(subtracted from each split's gain)."),
    "min_node_weight": ("float", "Minimum hessian a node must have for a split to be considered, "
                                 "compared with ``sum(leaf_hessian) / (batch_size * "
                                 "n_batches_per_layer)``."),
}



def _entry(name, kind, text):
    body = textwrap.fill(text, width=92, initial_indent="        ",
                         subsequent_indent="        ", break_on_hyphens=False)
    return f"    {name} : {kind}\n{body}\n"


def documented(**overrides):
    """Add the "Parameters" section (from :data:`PARAMS`, in the order of the arguments;
    ``overrides`` give other descriptions, name -> text) and the "Returns" section to the
    decorated constructor's docstring, which holds only what it does."""
    def fill(fn):
        entries = []
        for name in inspect.signature(fn).parameters:
            kind, text = PARAMS[name]
            entries.append(_entry(name, kind, overrides.get(name, text)))
        fn.__doc__ = (fn.__doc__.rstrip() + "\n\n    Parameters\n    ----------\n"
                      + "".join(entries)
                      + "\n    Returns\n    -------\n    CannedEstimator\n    ")
        return fn
    return fill
