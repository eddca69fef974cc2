# Canned estimators: TensorFlow's ready-made models (and pyestim's boosted trees).

new_canned_estimator <- function(py_est) {
  kind <- tryCatch(py_value(py_est$kind), error = function(e) "estimator")
  if (!is.character(kind) || length(kind) != 1L) kind <- "estimator"
  cls <- switch(kind,
                regressor = "tf_estimator_regressor",
                classifier = "tf_estimator_classifier",
                keras = "tf_keras_estimator",
                "tf_canned_estimator")
  structure(list(estimator = py_est, model_fn = NULL), class = c(cls, "tf_estimator"))
}

canned <- function(name, args, call) {
  py_est <- pycall(name, args, call = call)
  new_canned_estimator(py_est)
}

#' Linear estimators
#'
#' Construct a linear model for regression (`linear_regressor()`) or classification
#' (`linear_classifier()`).
#'
#' @param feature_columns All the feature columns used by the model (typically from
#'   [feature_columns()]).
#' @param model_dir Directory to save the model parameters, graph, and so on; it can also be
#'   used to load checkpoints into the estimator to continue training a previously saved
#'   model.
#' @param label_dimension Number of regression targets per example: the size of the last
#'   dimension of the labels and logits tensors.
#' @param weight_column The feature holding example weights (multiplied by the loss of the
#'   example): a name or a column from [column_numeric()].
#' @param optimizer Either the name of the optimizer used to train the model (`"Adagrad"`,
#'   `"Adam"`, `"Ftrl"`, `"RMSProp"`, `"SGD"`), or an optimizer instance, or a function
#'   returning one. Defaults to the FTRL optimizer. As in tfestimators, the model is
#'   TensorFlow 1's class of the same name (the training loss is the sum over the batch) and
#'   takes `tf$train` optimizers (e.g. `tf$train$FtrlOptimizer(learning_rate = 0.1)`); a Keras
#'   optimizer (`tf.keras.optimizers.legacy.*`) selects TensorFlow 2's class instead, whose
#'   loss is the mean over the batch.
#' @param config A run configuration from [run_config()].
#' @param partitioner A partitioner for the linear model's variables (TensorFlow 1's class
#'   only: not with a Keras optimizer).
#' @param n_classes The number of label classes.
#' @param label_vocabulary The class names (a character vector). If given, labels must be
#'   strings from it, and predictions' `classes` are these names; otherwise labels are
#'   integers in `[0, n_classes)`.
#'
#' @return An estimator of class `c("tf_estimator_regressor", "tf_estimator")` or
#'   `c("tf_estimator_classifier", "tf_estimator")`, for [train()], [evaluate()],
#'   [predict()][predict.tf_estimator] and [export_savedmodel()].
#' @family canned estimators
#' @examples
#' \dontrun{
#' model <- linear_regressor(feature_columns = feature_columns(column_numeric("drat", "cyl")))
#' train(model, input_fn(mtcars, mpg ~ drat + cyl, num_epochs = 10))
#' }
#' @export
linear_regressor <- function(feature_columns, model_dir = NULL, label_dimension = 1L,
                             weight_column = NULL, optimizer = "Ftrl", config = NULL,
                             partitioner = NULL) {
  canned("linear_regressor", list(
    feature_columns = as_py_columns(feature_columns),
    model_dir = as_py_path(model_dir),
    label_dimension = as_py_int(label_dimension),
    weight_column = weight_column,
    optimizer = as_py_callable(optimizer, "optimizer"),
    config = config,
    partitioner = partitioner), sys.call())
}

#' @rdname linear_regressor
#' @export
linear_classifier <- function(feature_columns, model_dir = NULL, n_classes = 2L,
                              weight_column = NULL, label_vocabulary = NULL, optimizer = "Ftrl",
                              config = NULL, partitioner = NULL) {
  canned("linear_classifier", list(
    feature_columns = as_py_columns(feature_columns),
    model_dir = as_py_path(model_dir),
    n_classes = as_py_int(n_classes),
    weight_column = weight_column,
    label_vocabulary = as_py_list(label_vocabulary),
    optimizer = as_py_callable(optimizer, "optimizer"),
    config = config,
    partitioner = partitioner), sys.call())
}

#' Deep neural network (DNN) estimators
#'
#' Construct a deep neural network for regression (`dnn_regressor()`) or classification
#' (`dnn_classifier()`).
#'
#' @inheritParams linear_regressor
#' @param hidden_units The number of hidden units in each layer; all layers are fully
#'   connected. `c(64, 32)` means a first layer of 64 nodes and a second of 32.
#' @param optimizer The optimizer's name, an optimizer instance (`tf$train$AdagradOptimizer()`;
#'   a Keras optimizer selects TensorFlow 2's class, see [linear_regressor()]) or a function
#'   returning one. Defaults to Adagrad.
#' @param activation_fn The activation function of each layer, a function or the name of one
#'   in `tf$nn` (default `"relu"`).
#' @param dropout When not `NULL`, the probability of dropping out a given coordinate.
#' @param input_layer_partitioner A partitioner for the input layer (not with a Keras
#'   optimizer).
#'
#' @inherit linear_regressor return
#' @family canned estimators
#' @examples
#' \dontrun{
#' model <- dnn_classifier(hidden_units = c(10, 20, 10), n_classes = 3,
#'   feature_columns = feature_columns(column_numeric("Sepal.Length", "Sepal.Width",
#'                                                    "Petal.Length", "Petal.Width")))
#' }
#' @export
dnn_regressor <- function(hidden_units, feature_columns, model_dir = NULL, label_dimension = 1L,
                          weight_column = NULL, optimizer = "Adagrad", activation_fn = "relu",
                          dropout = NULL, input_layer_partitioner = NULL, config = NULL) {
  canned("dnn_regressor", list(
    hidden_units = as_py_list(hidden_units),
    feature_columns = as_py_columns(feature_columns),
    model_dir = as_py_path(model_dir),
    label_dimension = as_py_int(label_dimension),
    weight_column = weight_column,
    optimizer = as_py_callable(optimizer, "optimizer"),
    activation_fn = as_py_callable(activation_fn, "activation_fn"),
    dropout = dropout,
    input_layer_partitioner = input_layer_partitioner,
    config = config), sys.call())
}

#' @rdname dnn_regressor
#' @export
dnn_classifier <- function(hidden_units, feature_columns, model_dir = NULL, n_classes = 2L,
                           weight_column = NULL, label_vocabulary = NULL, optimizer = "Adagrad",
                           activation_fn = "relu", dropout = NULL,
                           input_layer_partitioner = NULL, config = NULL) {
  canned("dnn_classifier", list(
    hidden_units = as_py_list(hidden_units),
    feature_columns = as_py_columns(feature_columns),
    model_dir = as_py_path(model_dir),
    n_classes = as_py_int(n_classes),
    weight_column = weight_column,
    label_vocabulary = as_py_list(label_vocabulary),
    optimizer = as_py_callable(optimizer, "optimizer"),
    activation_fn = as_py_callable(activation_fn, "activation_fn"),
    dropout = dropout,
    input_layer_partitioner = input_layer_partitioner,
    config = config), sys.call())
}

#' Linear and DNN joined ("wide and deep") estimators
#'
#' Construct a model whose linear (wide) part and neural network (deep) part are trained
#' together, for regression or classification.
#'
#' @inheritParams dnn_regressor
#' @inheritParams linear_classifier
#' @param linear_feature_columns The feature columns used by the linear (wide) part of the
#'   model.
#' @param linear_optimizer The linear part's optimizer. Defaults to FTRL.
#' @param dnn_feature_columns The feature columns used by the neural network (deep) part.
#' @param dnn_optimizer The DNN part's optimizer. Defaults to Adagrad.
#' @param dnn_hidden_units The number of hidden units in each layer of the DNN part.
#' @param dnn_activation_fn The DNN's activation function (default `"relu"`).
#' @param dnn_dropout When not `NULL`, the probability of dropping out a given coordinate.
#'
#' @inherit linear_regressor return
#' @family canned estimators
#' @export
dnn_linear_combined_regressor <- function(model_dir = NULL, linear_feature_columns = NULL,
                                          linear_optimizer = "Ftrl", dnn_feature_columns = NULL,
                                          dnn_optimizer = "Adagrad", dnn_hidden_units = NULL,
                                          dnn_activation_fn = "relu", dnn_dropout = NULL,
                                          label_dimension = 1L, weight_column = NULL,
                                          input_layer_partitioner = NULL, config = NULL) {
  canned("dnn_linear_combined_regressor", c(combined_args(
    model_dir, linear_feature_columns, linear_optimizer, dnn_feature_columns, dnn_optimizer,
    dnn_hidden_units, dnn_activation_fn, dnn_dropout), list(
    label_dimension = as_py_int(label_dimension),
    weight_column = weight_column,
    input_layer_partitioner = input_layer_partitioner,
    config = config)), sys.call())
}

#' @rdname dnn_linear_combined_regressor
#' @export
dnn_linear_combined_classifier <- function(model_dir = NULL, linear_feature_columns = NULL,
                                           linear_optimizer = "Ftrl", dnn_feature_columns = NULL,
                                           dnn_optimizer = "Adagrad", dnn_hidden_units = NULL,
                                           dnn_activation_fn = "relu", dnn_dropout = NULL,
                                           n_classes = 2L, weight_column = NULL,
                                           label_vocabulary = NULL,
                                           input_layer_partitioner = NULL, config = NULL) {
  canned("dnn_linear_combined_classifier", c(combined_args(
    model_dir, linear_feature_columns, linear_optimizer, dnn_feature_columns, dnn_optimizer,
    dnn_hidden_units, dnn_activation_fn, dnn_dropout), list(
    n_classes = as_py_int(n_classes),
    weight_column = weight_column,
    label_vocabulary = as_py_list(label_vocabulary),
    input_layer_partitioner = input_layer_partitioner,
    config = config)), sys.call())
}

combined_args <- function(model_dir, linear_feature_columns, linear_optimizer,
                          dnn_feature_columns, dnn_optimizer, dnn_hidden_units,
                          dnn_activation_fn, dnn_dropout) {
  list(
    model_dir = as_py_path(model_dir),
    linear_feature_columns = as_py_columns(linear_feature_columns),
    linear_optimizer = as_py_callable(linear_optimizer, "linear_optimizer"),
    dnn_feature_columns = as_py_columns(dnn_feature_columns),
    dnn_optimizer = as_py_callable(dnn_optimizer, "dnn_optimizer"),
    dnn_hidden_units = as_py_list(dnn_hidden_units),
    dnn_activation_fn = as_py_callable(dnn_activation_fn, "dnn_activation_fn"),
    dnn_dropout = dnn_dropout)
}

#' Boosted trees estimators
#'
#' Construct a boosted trees estimator for regression or classification. Trees are grown one
#' layer at a time: the gradient statistics of `n_batches_per_layer` batches decide the
#' splits of a layer, and of the leaves, so a tree of depth `max_depth` takes
#' `(max_depth + 1) * n_batches_per_layer` training steps. Training stops by itself once
#' `n_trees` trees are built.
#'
#' @inheritParams linear_classifier
#' @param feature_columns Bucketized columns ([column_bucketized()]) and indicator columns
#'   ([column_indicator()]); splits are made between buckets.
#' @param n_batches_per_layer The number of batches to collect statistics per layer.
#' @param n_trees Number of trees to create.
#' @param max_depth Maximum depth of the trees to grow.
#' @param learning_rate Shrinkage parameter applied when a tree is added to the model.
#' @param l1_regularization,l2_regularization Regularization multipliers applied to the
#'   absolute / squared weights of the leaves.
#' @param tree_complexity Regularization factor to penalize trees with more leaves
#'   (subtracted from each split's gain).
#' @param min_node_weight Minimum hessian a node must have for a split to be considered.
#'
#' @inherit linear_regressor return
#' @family canned estimators
#' @export
boosted_trees_regressor <- function(feature_columns, n_batches_per_layer, model_dir = NULL,
                                    label_dimension = 1L, weight_column = NULL, n_trees = 100L,
                                    max_depth = 6L, learning_rate = 0.1, l1_regularization = 0,
                                    l2_regularization = 0, tree_complexity = 0,
                                    min_node_weight = 0, config = NULL) {
  canned("boosted_trees_regressor", c(list(
    feature_columns = as_py_columns(feature_columns),
    n_batches_per_layer = as_py_int(n_batches_per_layer),
    model_dir = as_py_path(model_dir),
    label_dimension = as_py_int(label_dimension),
    weight_column = weight_column), boosted_args(
    n_trees, max_depth, learning_rate, l1_regularization, l2_regularization, tree_complexity,
    min_node_weight, config)), sys.call())
}

#' @rdname boosted_trees_regressor
#' @export
boosted_trees_classifier <- function(feature_columns, n_batches_per_layer, model_dir = NULL,
                                     n_classes = 2L, weight_column = NULL,
                                     label_vocabulary = NULL, n_trees = 100L, max_depth = 6L,
                                     learning_rate = 0.1, l1_regularization = 0,
                                     l2_regularization = 0, tree_complexity = 0,
                                     min_node_weight = 0, config = NULL) {
  canned("boosted_trees_classifier", c(list(
    feature_columns = as_py_columns(feature_columns),
    n_batches_per_layer = as_py_int(n_batches_per_layer),
    model_dir = as_py_path(model_dir),
    n_classes = as_py_int(n_classes),
    weight_column = weight_column,
    label_vocabulary = as_py_list(label_vocabulary)), boosted_args(
    n_trees, max_depth, learning_rate, l1_regularization, l2_regularization, tree_complexity,
    min_node_weight, config)), sys.call())
}

boosted_args <- function(n_trees, max_depth, learning_rate, l1_regularization,
                         l2_regularization, tree_complexity, min_node_weight, config) {
  list(n_trees = as_py_int(n_trees), max_depth = as_py_int(max_depth),
       learning_rate = learning_rate, l1_regularization = l1_regularization,
       l2_regularization = l2_regularization, tree_complexity = tree_complexity,
       min_node_weight = min_node_weight, config = config)
}
