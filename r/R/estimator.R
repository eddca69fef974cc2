#' Construct a custom estimator
#'
#' Creates an estimator from a model function: the function that builds the model's graph
#' for training, evaluation and prediction.
#'
#' @param model_fn Model function. It may declare any of `features`, `labels`, `mode`,
#'   `params` and `config`, which are matched by name; `mode` arrives as `"train"`,
#'   `"eval"` or `"infer"`. It returns [estimator_spec()]. R functions are called once per
#'   graph (once per `train()`, `evaluate()` or `predict()` call).
#' @param model_dir Directory to save model parameters, graph, etc. It can also be used to
#'   load checkpoints from the directory into an estimator to continue training a previously
#'   saved model. If `NULL`, the `model_dir` in `config` is used if set; if both are set they
#'   must be the same; if both are `NULL` a temporary directory is used.
#' @param config Configuration object, from [run_config()].
#' @param params Hyperparameters passed to `model_fn` (if it takes `params`): a named list.
#' @param class Further R classes for the estimator object (after its own, as in
#'   tfestimators), e.g. for your own print() method.
#'
#' @return An estimator: an object of class `c("tf_custom_estimator", "tf_estimator",
#'   class)` wrapping the Python estimator (in `$estimator`).
#' @seealso [estimator_spec()], [train()], [evaluate()], [predict.tf_estimator()]
#' @examples
#' \dontrun{
#' model_fn <- function(features, labels, mode, params, config) {
#'   logits <- tf$layers$dense(features$x, units = 2L)
#'   if (mode == "infer")
#'     return(estimator_spec(mode, predictions = list(classes = tf$argmax(logits, 1L))))
#'   loss <- tf$losses$sparse_softmax_cross_entropy(labels = labels, logits = logits)
#'   train_op <- tf$train$GradientDescentOptimizer(0.1)$minimize(
#'     loss, global_step = tf$train$get_global_step())
#'   estimator_spec(mode, loss = loss, train_op = train_op)
#' }
#' model <- estimator(model_fn)
#' }
#' @export
estimator <- function(model_fn, model_dir = NULL, config = NULL, params = NULL,
                      class = NULL) {
  if (!is.null(class) && !is.character(class)) {
    stop("estimator(): class must be a character vector of R class names (or NULL), not ",
         paste(base::class(class), collapse = "/"), ".", call. = FALSE)
  }
  py_est <- pycall("estimator", list(
    model_fn = as_py_function(model_fn, "model_fn"),
    model_dir = as_py_path(model_dir),
    config = config,
    params = as_py_dict(params)))
  new_estimator(py_est, model_fn = model_fn, classes = class)
}

new_estimator <- function(py_est, model_fn = NULL, classes = NULL) {
  if (inherits(py_est, "pyestim.canned.base.CannedEstimator")) return(new_canned_estimator(py_est))
  structure(list(estimator = py_est, model_fn = model_fn),
            class = unique(c("tf_custom_estimator", "tf_estimator", classes)))
}

#' @export
print.tf_estimator <- function(x, ...) {
  dir <- tryCatch(reticulate::py_to_r(x$estimator$model_dir), error = function(e) NA_character_)
  kind <- if (inherits(x, "tf_custom_estimator")) "custom estimator" else
    sprintf("canned estimator (%s)", class(x)[[1]])
  cat(sprintf("A pyestim %s (tf.estimator.Estimator)\n  model_dir: %s\n", kind, dir))
  invisible(x)
}

#' @importFrom reticulate r_to_py
#' @method r_to_py tf_estimator
#' @export
r_to_py.tf_estimator <- function(x, convert = FALSE) {
  x$estimator
}

#' @importFrom reticulate py_to_r
#' @method py_to_r pyestim.estimators.Estimator
#' @export
py_to_r.pyestim.estimators.Estimator <- function(x) {
  new_estimator(x, model_fn = NULL)
}

#' Define an estimator's model: ops and objects returned from a model function
#'
#' @param mode `"train"`, `"eval"` or `"infer"` (see [mode_keys()]): pass on the `mode`
#'   the model function received.
#' @param predictions Predictions: a tensor or a named list of tensors; required in
#'   `"infer"` mode.
#' @param loss Training loss, a scalar tensor; required in `"train"` and `"eval"` modes.
#' @param train_op Op for the training step; required in `"train"` mode.
#' @param eval_metric_ops Metric results keyed by name, each the pair a `tf$metrics$*()`
#'   function returns (a list of two: value and update op).
#' @param training_hooks,evaluation_hooks,prediction_hooks,training_chief_hooks Session run
#'   hooks (one hook or a list) for the respective modes.
#' @param ... Passed on to `tf.estimator.EstimatorSpec`: `export_outputs`, `scaffold`.
#'
#' @return A Python `EstimatorSpec`, to be returned by the model function.
#' @seealso [estimator()]
#' @export
estimator_spec <- function(mode, predictions = NULL, loss = NULL, train_op = NULL,
                           eval_metric_ops = NULL, training_hooks = NULL,
                           evaluation_hooks = NULL, prediction_hooks = NULL,
                           training_chief_hooks = NULL, ...) {
  extra <- list(...)
  if (length(extra) && (is.null(names(extra)) || any(!nzchar(names(extra))))) {
    stop("estimator_spec(): the extra arguments must be named (export_outputs, scaffold).",
         call. = FALSE)
  }
  pycall("estimator_spec", c(list(
    mode = mode,
    predictions = predictions,
    loss = loss,
    train_op = train_op,
    eval_metric_ops = as_py_dict(eval_metric_ops),
    training_hooks = as_py_hooks(training_hooks),
    evaluation_hooks = as_py_hooks(evaluation_hooks),
    prediction_hooks = as_py_hooks(prediction_hooks),
    training_chief_hooks = as_py_hooks(training_chief_hooks)), extra))
}

#' The latest checkpoint in a directory
#'
#' @param checkpoint_dir Directory holding checkpoints (an estimator's [model_dir()]).
#' @param ... Passed on to TensorFlow's `latest_checkpoint()`, as in tfestimators: its
#'   `latest_filename`, the name of another checkpoint state file (by name, or the one
#'   unnamed value).
#' @return The path of the latest checkpoint, or `NULL` if there is none.
#' @export
latest_checkpoint <- function(checkpoint_dir, ...) {
  args <- list(checkpoint_dir = as_py_path(checkpoint_dir))
  dots <- list(...)
  if (length(dots)) {
    given <- names(dots) %||% rep("", length(dots))
    if (length(dots) > 1L || !given %in% c("", "latest_filename")) {
      given[!nzchar(given)] <- "<unnamed>"
      stop(sprintf(paste0("latest_checkpoint(): unknown argument(s) in `...`: %s; it passes ",
                          "on only TensorFlow's latest_filename (a state file's name)."),
                   paste(given, collapse = ", ")), call. = FALSE)
    }
    args$latest_filename <- dots[[1L]]
  }
  py_value(pycall("latest_checkpoint", args))
}

#' An estimator's model directory
#'
#' An S3 generic, as in tfestimators, with a method for estimators (`tf_estimator`).
#'
#' @param object An estimator.
#' @param ... Unused (for other methods); the estimator method stops on anything given
#'   there.
#' @return The directory where the estimator keeps its checkpoints.
#' @export
model_dir <- function(object, ...) {
  UseMethod("model_dir")
}

#' @rdname model_dir
#' @export
model_dir.tf_estimator <- function(object, ...) {
  check_dots_empty(...)
  py_value(pycall("model_dir", list(object = as_py_estimator(object))))
}

#' The variables of an estimator's latest checkpoint
#'
#' `variable_names()` lists the variables saved in the estimator's latest checkpoint;
#' `variable_value()` reads some of them (or all), as a named list, also for one variable
#' (`variable_value(model, "global_step")` is `list(global_step = 1)`, as in tfestimators).
#' Both stop with "'variable_names()' must be called on a trained model" (a
#' `NotTrainedError`) before the first `train()`; an unknown name says
#' "Variable not found: <name>". The checkpoints of
#' [keras_model_to_estimator()] estimators are object-based (keys such as
#' `layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE`); there a variable's own name
#' (`"global_step"`, `"dense/kernel"`) is accepted too.
#'
#' @param object An estimator.
#' @param variable Names of variables (a character vector); `NULL` returns all of them.
#' @return `variable_names()`: a character vector. `variable_value()`: a named list of R
#'   arrays (or numbers).
#' @export
variable_names <- function(object) {
  as.character(unlist(py_value(pycall("variable_names", list(object = as_py_estimator(object))))))
}

#' @rdname variable_names
#' @export
variable_value <- function(object, variable = NULL) {
  py_value(pycall("variable_value", list(object = as_py_estimator(object), variable = variable)))
}

#' @rdname variable_names
#' @section Older names: `get_variable_names()` and `get_variable_value()` are tfestimators'
#'   earlier names of `variable_names()` and `variable_value()` (its NAMESPACE exported them
#'   before the rename); code written for them runs unchanged, and their errors name them.
#' @export
get_variable_names <- function(object) {
  as.character(unlist(py_value(pycall("get_variable_names",
                                      list(object = as_py_estimator(object))))))
}

#' @rdname variable_names
#' @export
get_variable_value <- function(object, variable = NULL) {
  py_value(pycall("get_variable_value", list(object = as_py_estimator(object),
                                             variable = variable)))
}
