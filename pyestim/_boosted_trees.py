"""pyestim's gradient-boosted trees: the model function behind ``boosted_trees_regressor()``
and ``boosted_trees_classifier()`` (private).

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
from tensorflow.python.feature_column import feature_column_v2 as _fc

from .errors import PyestimTypeError


def check_columns(columns):
    """Boosted trees split on buckets: only bucketized and indicator columns."""
    for c in columns:
        if not isinstance(c, (_fc.BucketizedColumn, _fc.IndicatorColumn)):
            hint = ""
            if isinstance(c, _fc.NumericColumn):
                hint = (f" Bucketize it: column_bucketized(column_numeric({c.key!r}), "
                        "boundaries = ...).")
            elif isinstance(c, _fc.CategoricalColumn):
                hint = " Wrap it: column_indicator(<the categorical column>)."
            raise PyestimTypeError(
                "boosted_trees_regressor() / boosted_trees_classifier() take bucketized columns "
                f"(column_bucketized()) and indicator columns (column_indicator()); "
                f"{c.name!r} is a {type(c).__name__}.{hint}")


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


def boosted_trees_model_fn(features, labels, mode, head, params, config):
    columns = params["feature_columns"]
    depth = params["max_depth"]
    n_trees = params["n_trees"]
    l1 = params["l1_regularization"]
    l2 = params["l2_regularization"]
    with tf.compat.v1.variable_scope("boosted_trees"):
        x, n_buckets = _bucket_ids(features, columns)
        n_features = len(n_buckets)
        max_buckets = max(n_buckets)
        k = head.logits_dimension
        n_inner, n_leaves = 2 ** depth - 1, 2 ** depth
        channels = 2 * k + 1  # gradient, hessian, example count

        def var(name, shape, dtype, value=0):
            return tf.compat.v1.get_variable(
                name, shape=shape, dtype=dtype, trainable=False, use_resource=True,
                initializer=tf.compat.v1.constant_initializer(value))

        split_feature = var("split_feature", [n_trees, n_inner], tf.int32)
        split_threshold = var("split_threshold", [n_trees, n_inner], tf.int32, max_buckets)
        leaf_values = var("leaf_values", [n_trees, n_leaves, k], tf.float32)
        tree = var("tree", [], tf.int32)      # the tree being grown
        layer = var("layer", [], tf.int32)    # its layer being decided (depth = the leaves)
        batches = var("batches", [], tf.int32)  # batches accumulated for that layer
        stats = var("stats", [n_leaves * n_features * max_buckets, channels], tf.float32)

        logits = _ensemble_logits(x, split_feature.read_value(), split_threshold.read_value(),
                                  leaf_values.read_value(), depth)

    def train_op_fn(loss):
        global_step = tf.compat.v1.train.get_global_step()
        batch = tf.shape(logits)[0]
        # Gradient and diagonal hessian of the loss summed over the batch's examples.
        grad = tf.gradients(loss, logits)[0] * tf.cast(batch, tf.float32)
        hess = tf.stack([tf.gradients(tf.reduce_sum(grad[:, j]), logits)[0][:, j]
                         for j in range(k)], axis=1)
        grow = tf.cond(tree.read_value() < n_trees,
                       lambda: _grow(grad, hess, batch), lambda: tf.constant(0))
        with tf.control_dependencies([grow]):
            return tf.compat.v1.assign_add(global_step, 1).op

    def _grow(grad, hess, batch):
        t = tree.read_value()
        current_layer = layer.read_value()
        # Where each example sits in the current tree at the layer being decided.
        row = tf.range(batch)
        node = tf.zeros([batch], tf.int32)
        features_t = tf.gather(split_feature.read_value(), t)
        thresholds_t = tf.gather(split_threshold.read_value(), t)
        for level in range(depth):
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
            tf.reshape(tf.tile(data[:, None, :], [1, n_features, 1]), [-1, channels]),
            tf.reshape(segment, [-1]), n_leaves * n_features * max_buckets)
        added = stats.assign_add(update)
        with tf.control_dependencies([added]):
            seen = batches.assign_add(1)
        return tf.cond(seen >= params["n_batches_per_layer"],
                       lambda: _finish_layer(t, current_layer, width), lambda: tf.constant(0))

    def _finish_layer(t, current_layer, width):
        s = tf.reshape(stats.read_value(), [n_leaves, n_features, max_buckets, channels])
        g, h, n = s[..., :k], s[..., k:2 * k], s[..., 2 * k]
        # Every example falls in exactly one bucket of feature 0: its buckets sum to the node.
        g_node = tf.reduce_sum(g[:, 0], axis=1)
        h_node = tf.reduce_sum(h[:, 0], axis=1)
        n_node = tf.reduce_sum(n[:, 0], axis=1)

        def split():
            g_left, h_left, n_left = (tf.cumsum(g, axis=2), tf.cumsum(h, axis=2),
                                      tf.cumsum(n, axis=2))
            g_right = g_node[:, None, None, :] - g_left
            h_right = h_node[:, None, None, :] - h_left
            n_right = n_node[:, None, None] - n_left
            gain = (_score(g_left, h_left, l1, l2) + _score(g_right, h_right, l1, l2)
                    - _score(g_node, h_node, l1, l2)[:, None, None] - params["tree_complexity"])
            bucket_ok = (tf.range(max_buckets)[None, :]
                         < tf.constant(n_buckets, tf.int32)[:, None] - 1)
            min_hessian = params["min_node_weight"] * tf.reduce_sum(n_node)
            valid = (bucket_ok[None] & (n_left > 0) & (n_right > 0)
                     & (tf.reduce_sum(h_left, -1) >= min_hessian)
                     & (tf.reduce_sum(h_right, -1) >= min_hessian))
            gain = tf.where(valid, gain, tf.fill(tf.shape(gain), -float("inf")))
            flat = tf.reshape(gain, [n_leaves, n_features * max_buckets])
            best = tf.argmax(flat, axis=1, output_type=tf.int32)
            do_split = tf.reduce_max(flat, axis=1) > 0.0
            feature = tf.where(do_split, best // max_buckets, 0)
            threshold = tf.where(do_split, best % max_buckets, max_buckets)
            positions = tf.range(n_leaves)
            keep = positions < width
            nodes = tf.boolean_mask(positions, keep) + (width - 1)
            at = tf.stack([tf.fill(tf.shape(nodes), t), nodes], axis=1)
            updates = [split_feature.scatter_nd_update(at, tf.boolean_mask(feature, keep)),
                       split_threshold.scatter_nd_update(at, tf.boolean_mask(threshold, keep))]
            with tf.control_dependencies(updates):
                with tf.control_dependencies([layer.assign_add(1)]):
                    return tf.constant(1)

        def set_leaves():
            values = -params["learning_rate"] * tf.math.divide_no_nan(_soft(g_node, l1),
                                                                    h_node + l2)
            updated = leaf_values.scatter_nd_update(tf.reshape(t, [1, 1]), values[None])
            with tf.control_dependencies([updated]):
                with tf.control_dependencies([tree.assign_add(1)]):
                    with tf.control_dependencies([layer.assign(0)]):
                        return tf.constant(2)

        decided = tf.cond(current_layer < depth, split, set_leaves)
        with tf.control_dependencies([decided]):
            reset = [stats.assign(tf.zeros_like(stats)), batches.assign(0)]
        with tf.control_dependencies(reset):
            return tf.constant(1)

    spec = head.create_estimator_spec(features=features, mode=mode, logits=logits,
                                      labels=labels, train_op_fn=train_op_fn)
    if mode == tf.estimator.ModeKeys.TRAIN:
        hooks = tuple(spec.training_hooks) + (_StopWhenTreesBuilt(tree.read_value(), n_trees),)
        spec = spec._replace(training_hooks=hooks)
    return spec
