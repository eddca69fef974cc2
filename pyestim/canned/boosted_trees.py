"""Boosted trees: ``boosted_trees_regressor()`` and ``boosted_trees_classifier()``, pyestim's
own model function behind tfestimators' interface.

tensorflow-estimator 2.15 no longer ships ``BoostedTreesRegressor`` / ``Classifier``, so this
is our own implementation of the same method, in TF1 graph ops and ordinary variables, with a
TensorFlow estimator head for the loss, the metrics, the predictions and the export outputs.

The method
----------
Features are bucket IDs: a bucketized column gives ``len(boundaries) + 1`` buckets, each
dimension of an indicator column two (absent / present). A tree is a complete binary tree of
depth ``max_depth`` stored in three arrays per tree (node ``i``'s children are ``2i + 1`` and
``2i + 2``): the feature and the bucket threshold of each inner node (an example goes left
when its bucket is ``<= threshold``; a node that does not split sends every example left)
and a value per leaf. The model's logits are the sum of the leaf values the example reaches in
every tree (trees not yet built are all zero).

Trees grow one layer at a time. Each training step takes a batch, computes the gradient and
the (diagonal) hessian of the loss, summed over the examples, with respect to the logits, and
adds them to per-(node, feature, bucket) statistics of the layer being grown. After
``n_batches_per_layer`` batches the layer is decided: for each node, the split (feature,
threshold) with the largest gain

    gain = S(G_L, H_L) + S(G_R, H_R) - S(G, H) - tree_complexity,
    S(G, H) = sum_k soft(G_k, l1)^2 / (H_k + l2),  soft(g, l1) = sign(g) max(|g| - l1, 0)

is taken if the gain is positive, both sides hold examples and each side's hessian is at
least ``min_node_weight`` times the number of examples seen for the layer. After the last
layer, one more round of statistics sets the leaves to
``-learning_rate * soft(G, l1) / (H + l2)``, and the next tree starts. Once ``n_trees`` trees
are built, training steps only count the global step and a hook stops training.
"""

import tensorflow as tf

from .. import engine
from .._args import as_count, as_float, as_path, as_run_config
from .._lang import shown
from ..errors import PyestimTypeError, PyestimValueError
from ..columns.kinds import as_weight_column
from ..columns.selection import as_column_list
from ._docs import documented
from .base import CannedEstimator, as_label_vocabulary, as_n_classes

__all__ = ["boosted_trees_regressor", "boosted_trees_classifier", "check_columns",
           "BoostedTreesModelFn"]

_fc = engine.fc_v2  # TensorFlow's feature-column classes (private; through the engine)


def check_columns(columns):
    """Boosted trees split on buckets: only bucketized and indicator columns."""
    for c in columns:
        if not isinstance(c, (_fc.BucketizedColumn, _fc.IndicatorColumn)):
            hint = ""
            if isinstance(c, _fc.NumericColumn):
                hint = (f" Bucketize it: column_bucketized(column_numeric({shown(c.key)}), "
                        "boundaries = ...).")
            elif isinstance(c, _fc.CategoricalColumn):
                hint = " Wrap it: column_indicator(<the categorical column>)."
            raise PyestimTypeError(
                "boosted_trees_regressor() / boosted_trees_classifier() take bucketized columns "
                f"(column_bucketized()) and indicator columns (column_indicator()); "
                f"{shown(c.name)} is a {type(c).__name__}.{hint}")


def _bucket_ids(features, columns):
    """Features as bucket IDs, int32 ``[batch, n_features]``, and each feature's bucket count."""
    cache = _fc.FeatureTransformationCache(features)
    blocks, n_buckets = [], []
    for c in columns:
        if isinstance(c, _fc.BucketizedColumn):
            ids = cache.get(c, None)
            width = 1
            for d in c.source_column.shape:
                width *= int(d)
            n_buckets += [len(c.boundaries) + 1] * width
        else:
            ids = tf.cast(c.get_dense_tensor(cache, None) > 0, tf.int32)
            width = int(c.categorical_column.num_buckets)
            n_buckets += [2] * width
        blocks.append(tf.reshape(tf.cast(ids, tf.int32), [-1, width]))
    return tf.concat(blocks, axis=1), n_buckets


def _ensemble_logits(x, split_feature, split_threshold, leaf_values, depth):
    """Sum over all trees of the value of the leaf each example reaches."""
    n_trees = int(split_feature.shape[0])
    batch = tf.shape(x)[0]
    tree_idx = tf.broadcast_to(tf.range(n_trees)[None, :], [batch, n_trees])
    row_idx = tf.broadcast_to(tf.range(batch)[:, None], [batch, n_trees])
    node = tf.zeros([batch, n_trees], tf.int32)
    for _ in range(depth):
        at = tf.stack([tree_idx, node], axis=-1)
        feature = tf.gather_nd(split_feature, at)
        threshold = tf.gather_nd(split_threshold, at)
        value = tf.gather_nd(x, tf.stack([row_idx, feature], axis=-1))
        node = 2 * node + 1 + tf.cast(value > threshold, tf.int32)
    leaf = node - (2 ** depth - 1)
    values = tf.gather_nd(leaf_values, tf.stack([tree_idx, leaf], axis=-1))
    return tf.reduce_sum(values, axis=1)


def _soft(g, l1):
    return tf.sign(g) * tf.maximum(tf.abs(g) - l1, 0.0)


def _score(g, h, l1, l2):
    return tf.reduce_sum(tf.math.divide_no_nan(tf.square(_soft(g, l1)), h + l2), axis=-1)


class _StopWhenTreesBuilt(tf.compat.v1.train.SessionRunHook):
    def __init__(self, tree, n_trees):
        self._tree = tree
        self._n_trees = n_trees

    def before_run(self, run_context):
        return tf.compat.v1.train.SessionRunArgs(self._tree)

    def after_run(self, run_context, run_values):
        if run_values.results >= self._n_trees:
            run_context.request_stop()


class BoostedTreesModelFn:
    """The boosted trees' model function: ``BoostedTreesModelFn(head, params)`` is called by
    TensorFlow as ``model_fn(features, labels, mode, config)`` and builds a
    :class:`_TreeGraph` for each graph."""

    def __init__(self, head, params):
        self.head = head
        self.params = params

    def __call__(self, features, labels, mode, config):
        trees = _TreeGraph(features, self.head, self.params)
        spec = self.head.create_estimator_spec(features=features, mode=mode,
                                               logits=trees.logits, labels=labels,
                                               train_op_fn=trees.train_op_fn)
        if mode == engine.ModeKeys.TRAIN:
            stop = _StopWhenTreesBuilt(trees.tree.read_value(), trees.n_trees)
            spec = spec._replace(training_hooks=tuple(spec.training_hooks) + (stop,))
        return spec


class _TreeGraph:
    """One graph's trees: the variables, the logits, and the training op that grows the
    trees (see the module notes for the method)."""

    def __init__(self, features, head, params):
        self.params = params
        self.depth = params["max_depth"]
        self.n_trees = params["n_trees"]
        self.l1 = params["l1_regularization"]
        self.l2 = params["l2_regularization"]
        with tf.compat.v1.variable_scope("boosted_trees"):
            self.x, self.n_buckets = _bucket_ids(features, params["feature_columns"])
            self.n_features = len(self.n_buckets)
            self.max_buckets = max(self.n_buckets)
            self.k = head.logits_dimension
            n_inner, self.n_leaves = 2 ** self.depth - 1, 2 ** self.depth
            self.channels = 2 * self.k + 1  # gradient, hessian, example count
            self.split_feature = _var("split_feature", [self.n_trees, n_inner], tf.int32)
            self.split_threshold = _var("split_threshold", [self.n_trees, n_inner], tf.int32,
                                        self.max_buckets)
            self.leaf_values = _var("leaf_values", [self.n_trees, self.n_leaves, self.k],
                                    tf.float32)
            self.tree = _var("tree", [], tf.int32)      # the tree being grown
            self.layer = _var("layer", [], tf.int32)    # its layer being decided (depth = leaves)
            self.batches = _var("batches", [], tf.int32)  # batches accumulated for that layer
            self.stats = _var(
                "stats", [self.n_leaves * self.n_features * self.max_buckets, self.channels],
                tf.float32)
            self.logits = _ensemble_logits(
                self.x, self.split_feature.read_value(), self.split_threshold.read_value(),
                self.leaf_values.read_value(), self.depth)

    def train_op_fn(self, loss):
        logits, k = self.logits, self.k
        global_step = tf.compat.v1.train.get_global_step()
        batch = tf.shape(logits)[0]
        # Gradient and diagonal hessian of the loss summed over the batch's examples.
        grad = tf.gradients(loss, logits)[0] * tf.cast(batch, tf.float32)
        hess = tf.stack([tf.gradients(tf.reduce_sum(grad[:, j]), logits)[0][:, j]
                         for j in range(k)], axis=1)
        grow = tf.cond(self.tree.read_value() < self.n_trees,
                       lambda: self._grow(grad, hess, batch), lambda: tf.constant(0))
        with tf.control_dependencies([grow]):
            return tf.compat.v1.assign_add(global_step, 1).op

    def _grow(self, grad, hess, batch):
        x, n_features, max_buckets = self.x, self.n_features, self.max_buckets
        t = self.tree.read_value()
        current_layer = self.layer.read_value()
        # Where each example sits in the current tree at the layer being decided.
        row = tf.range(batch)
        node = tf.zeros([batch], tf.int32)
        features_t = tf.gather(self.split_feature.read_value(), t)
        thresholds_t = tf.gather(self.split_threshold.read_value(), t)
        for level in range(self.depth):
            feature = tf.gather(features_t, node)
            value = tf.gather_nd(x, tf.stack([row, feature], axis=-1))
            child = 2 * node + 1 + tf.cast(value > tf.gather(thresholds_t, node), tf.int32)
            node = tf.where(level < current_layer, child, node)
        width = tf.bitwise.left_shift(tf.constant(1), current_layer)
        position = node - (width - 1)
        data = tf.concat([grad, hess, tf.ones([batch, 1])], axis=1)
        segment = ((position[:, None] * n_features + tf.range(n_features)[None, :])
                   * max_buckets + x)
        update = tf.math.unsorted_segment_sum(
            tf.reshape(tf.tile(data[:, None, :], [1, n_features, 1]), [-1, self.channels]),
            tf.reshape(segment, [-1]), self.n_leaves * n_features * max_buckets)
        added = self.stats.assign_add(update)
        with tf.control_dependencies([added]):
            seen = self.batches.assign_add(1)
        return tf.cond(seen >= self.params["n_batches_per_layer"],
                       lambda: self._finish_layer(t, current_layer, width),
                       lambda: tf.constant(0))

    def _finish_layer(self, t, current_layer, width):
        k = self.k
        s = tf.reshape(self.stats.read_value(),
                       [self.n_leaves, self.n_features, self.max_buckets, self.channels])
        g, h, n = s[..., :k], s[..., k:2 * k], s[..., 2 * k]
        # Every example falls in exactly one bucket of feature 0: its buckets sum to the node.
        g_node = tf.reduce_sum(g[:, 0], axis=1)
        h_node = tf.reduce_sum(h[:, 0], axis=1)
        n_node = tf.reduce_sum(n[:, 0], axis=1)
        decided = tf.cond(current_layer < self.depth,
                          lambda: self._split(t, width, (g, h, n), (g_node, h_node, n_node)),
                          lambda: self._set_leaves(t, g_node, h_node))
        with tf.control_dependencies([decided]):
            reset = [self.stats.assign(tf.zeros_like(self.stats)), self.batches.assign(0)]
        with tf.control_dependencies(reset):
            return tf.constant(1)

    def _split(self, t, width, sums, node_sums):
        (g, h, n), (g_node, h_node, n_node) = sums, node_sums
        l1, l2, max_buckets, n_leaves = self.l1, self.l2, self.max_buckets, self.n_leaves
        g_left, h_left, n_left = (tf.cumsum(g, axis=2), tf.cumsum(h, axis=2),
                                  tf.cumsum(n, axis=2))
        g_right = g_node[:, None, None, :] - g_left
        h_right = h_node[:, None, None, :] - h_left
        n_right = n_node[:, None, None] - n_left
        gain = (_score(g_left, h_left, l1, l2) + _score(g_right, h_right, l1, l2)
                - _score(g_node, h_node, l1, l2)[:, None, None] - self.params["tree_complexity"])
        bucket_ok = (tf.range(max_buckets)[None, :]
                     < tf.constant(self.n_buckets, tf.int32)[:, None] - 1)
        min_hessian = self.params["min_node_weight"] * tf.reduce_sum(n_node)
        valid = (bucket_ok[None] & (n_left > 0) & (n_right > 0)
                 & (tf.reduce_sum(h_left, -1) >= min_hessian)
                 & (tf.reduce_sum(h_right, -1) >= min_hessian))
        gain = tf.where(valid, gain, tf.fill(tf.shape(gain), -float("inf")))
        flat = tf.reshape(gain, [n_leaves, self.n_features * max_buckets])
        best = tf.argmax(flat, axis=1, output_type=tf.int32)
        do_split = tf.reduce_max(flat, axis=1) > 0.0
        feature = tf.where(do_split, best // max_buckets, 0)
        threshold = tf.where(do_split, best % max_buckets, max_buckets)
        positions = tf.range(n_leaves)
        keep = positions < width
        nodes = tf.boolean_mask(positions, keep) + (width - 1)
        at = tf.stack([tf.fill(tf.shape(nodes), t), nodes], axis=1)
        updates = [self.split_feature.scatter_nd_update(at, tf.boolean_mask(feature, keep)),
                   self.split_threshold.scatter_nd_update(at, tf.boolean_mask(threshold, keep))]
        with tf.control_dependencies(updates):
            with tf.control_dependencies([self.layer.assign_add(1)]):
                return tf.constant(1)

    def _set_leaves(self, t, g_node, h_node):
        values = -self.params["learning_rate"] * tf.math.divide_no_nan(
            _soft(g_node, self.l1), h_node + self.l2)
        updated = self.leaf_values.scatter_nd_update(tf.reshape(t, [1, 1]), values[None])
        with tf.control_dependencies([updated]):
            with tf.control_dependencies([self.tree.assign_add(1)]):
                with tf.control_dependencies([self.layer.assign(0)]):
                    return tf.constant(2)


def _var(name, shape, dtype, value=0):
    return tf.compat.v1.get_variable(
        name, shape=shape, dtype=dtype, trainable=False, use_resource=True,
        initializer=tf.compat.v1.constant_initializer(value))


# --------------------------------------------------------------------------------------------
# The constructors

_BUCKET_COLUMNS = ("Bucketized columns (:func:`column_bucketized`) and indicator columns "
                   "(:func:`column_indicator`); splits are made between buckets.")


def _boosted_args(feature_columns, n_batches_per_layer, model_dir, weight_column, n_trees,
                  max_depth, learning_rate, l1_regularization, l2_regularization,
                  tree_complexity, min_node_weight, config):
    columns = as_column_list(feature_columns)
    check_columns(columns)
    return dict(
        feature_columns=columns,
        n_batches_per_layer=as_count(n_batches_per_layer, "n_batches_per_layer",
                                     allow_none=False, minimum=1),
        model_dir=as_path(model_dir, "model_dir"), weight_column=as_weight_column(weight_column),
        n_trees=as_count(n_trees, "n_trees", allow_none=False, minimum=1),
        max_depth=as_count(max_depth, "max_depth", allow_none=False, minimum=1),
        learning_rate=as_float(learning_rate, "learning_rate", minimum=0.0),
        l1_regularization=as_float(l1_regularization, "l1_regularization", minimum=0.0),
        l2_regularization=as_float(l2_regularization, "l2_regularization", minimum=0.0),
        tree_complexity=as_float(tree_complexity, "tree_complexity", minimum=0.0),
        min_node_weight=as_float(min_node_weight, "min_node_weight", minimum=0.0),
        config=as_run_config(config))


def _boosted(kind, model_type, args, head):
    if args["max_depth"] > 12:
        raise PyestimValueError(
            f"max_depth = {args['max_depth']} is too deep for pyestim's boosted trees (at most "
            "12: each tree keeps 2^max_depth leaves).")
    params = {k: args[k] for k in ("feature_columns", "n_batches_per_layer", "n_trees",
                                   "max_depth", "learning_rate", "l1_regularization",
                                   "l2_regularization", "tree_complexity", "min_node_weight")}

    est = engine.build(BoostedTreesModelFn(head, params), model_dir=args["model_dir"], config=args["config"])
    return CannedEstimator(est, kind, model_type, args)


@documented(feature_columns=_BUCKET_COLUMNS)
def boosted_trees_regressor(feature_columns, n_batches_per_layer, model_dir=None,
                            label_dimension=1, weight_column=None, n_trees=100, max_depth=6,
                            learning_rate=0.1, l1_regularization=0.0, l2_regularization=0.0,
                            tree_complexity=0.0, min_node_weight=0.0, config=None):
    """Construct a boosted trees estimator for regression.

    Trees are grown one layer at a time: the gradient statistics of ``n_batches_per_layer``
    batches decide the splits of a layer, and of the leaves, so a tree of depth ``max_depth``
    takes ``(max_depth + 1) * n_batches_per_layer`` training steps. Training stops by itself
    once ``n_trees`` trees are built."""
    args = _boosted_args(feature_columns, n_batches_per_layer, model_dir, weight_column,
                         n_trees, max_depth, learning_rate, l1_regularization, l2_regularization,
                         tree_complexity, min_node_weight, config)
    args["label_dimension"] = as_count(label_dimension, "label_dimension", allow_none=False,
                                       minimum=1)
    head = engine.heads.RegressionHead(label_dimension=args["label_dimension"],
                                       weight_column=args["weight_column"])
    return _boosted("regressor", "boosted_trees_regressor", args, head)


@documented(feature_columns=_BUCKET_COLUMNS)
def boosted_trees_classifier(feature_columns, n_batches_per_layer, model_dir=None, n_classes=2,
                             weight_column=None, label_vocabulary=None, n_trees=100, max_depth=6,
                             learning_rate=0.1, l1_regularization=0.0, l2_regularization=0.0,
                             tree_complexity=0.0, min_node_weight=0.0, config=None):
    """Construct a boosted trees estimator for classification."""
    args = _boosted_args(feature_columns, n_batches_per_layer, model_dir, weight_column,
                         n_trees, max_depth, learning_rate, l1_regularization, l2_regularization,
                         tree_complexity, min_node_weight, config)
    n = as_n_classes(n_classes)
    args["n_classes"] = n
    args["label_vocabulary"] = as_label_vocabulary(label_vocabulary, n)
    if n == 2:
        head = engine.heads.BinaryClassHead(weight_column=args["weight_column"],
                                                 label_vocabulary=args["label_vocabulary"])
    else:
        head = engine.heads.MultiClassHead(n, weight_column=args["weight_column"],
                                               label_vocabulary=args["label_vocabulary"])
    return _boosted("classifier", "boosted_trees_classifier", args, head)
