# train_and_evaluate() with train_spec() / eval_spec(), and keras_model_to_estimator().

#' Configuration for the train and eval parts of `train_and_evaluate()`
#'
#' `train_spec()` gives the training data and how long to train; `eval_spec()` the
#' evaluation of the trained model and its export.
#'
#' @param input_fn Training (or evaluation) input function, as for [train()] (or
#'   [evaluate()]): an input function, or a function of the estimator returning one, such as
#'   [input_fn()] makes.
#' @param max_steps Positive number of total steps for which to train the model. If `NULL`,
#'   train forever; the training input function is then not expected to run out of data.
#' @param hooks Session run hooks (one hook or a list) to run during training (on all
#'   workers, including the chief) or evaluation.
#' @param steps Positive number of steps for which to evaluate the model. If `NULL`,
#'   evaluates until the input function runs out of data.
#' @param name Name of the evaluation if user needs to run multiple evaluations on different
#'   data sets. Metrics for different evaluations are saved in separate folders, and appear
#'   separately in tensorboard.
#' @param exporters `tf$estimator$Exporter` objects (e.g. `tf$estimator$LatestExporter`),
#'   invoked after each evaluation.
#' @param start_delay_secs Start evaluating after waiting for this many seconds (in a
#'   distributed evaluator).
#' @param throttle_secs Do not re-evaluate unless the last evaluation was started at least
#'   this many seconds ago. Evaluation does not occur if no new checkpoint is available,
#'   hence this is the minimum.
#' @param verbose As in tfestimators: `train_spec()` attaches a history saver
#'   ([hook_history_saver()]; [train_and_evaluate()] returns its history in the attribute
#'   `"history"`) and a progress bar up to `max_steps`, `eval_spec()` a progress bar over its
#'   `steps` ([hook_progress_bar()], drawn on a terminal only), unless `hooks` has them;
#'   `FALSE` attaches neither.
#' @param view_metrics tfestimators' switch for RStudio's live metrics viewer (tfruns):
#'   `"auto"` means `verbose`, and outside RStudio it is always off, as in tfestimators.
#'   pyestim has no viewer: in RStudio, when on, a warning says so (plot the history instead).
#'
#' @return A Python `TrainSpec` / `EvalSpec`, for [train_and_evaluate()].
#' @seealso [train_and_evaluate()]
#' @export
train_spec <- function(input_fn, max_steps = NULL, hooks = NULL, verbose = TRUE,
                       view_metrics = "auto") {
  pycall("train_spec", list(
    input_fn = as_py_function(input_fn, "input_fn"),
    max_steps = as_py_int(max_steps),
    hooks = as_py_hooks(hooks),
    verbose = as_py_bool(verbose),
    view_metrics = as_py_bool(view_metrics)))
}

#' @rdname train_spec
#' @export
eval_spec <- function(input_fn, steps = 100L, name = NULL, hooks = NULL, exporters = NULL,
                      start_delay_secs = 120L, throttle_secs = 600L, verbose = TRUE) {
  pycall("eval_spec", list(
    input_fn = as_py_function(input_fn, "input_fn"),
    steps = as_py_int(steps),
    name = name,
    hooks = as_py_hooks(hooks),
    exporters = as_py_hooks(exporters),
    start_delay_secs = as_py_int(start_delay_secs),
    throttle_secs = as_py_int(throttle_secs),
    verbose = as_py_bool(verbose)))
}

#' Train and evaluate an estimator
#'
#' Trains and evaluates the estimator (and exports it, if the evaluation spec has
#' exporters). This gives the same behaviour locally (non-distributed) and in distributed
#' configurations (between-graph replication with parameter servers, set up by the
#' `TF_CONFIG` environment variable of each process). The only supported stop condition is
#' `train_spec`'s `max_steps`; with `max_steps = NULL` the model trains forever.
#'
#' @param object An estimator to train and evaluate (canned, custom or from Keras).
#' @param train_spec From [train_spec()].
#' @param eval_spec From [eval_spec()].
#'
#' @return Run locally: the last evaluation's metrics as a one-row tibble (as [evaluate()]
#'   returns them), with the exporters' results, if any, in the attribute
#'   `"export_results"` and the training history (a `tf_estimator_history`, when
#'   `train_spec(verbose = TRUE)`, the default) in the attribute `"history"`. In a cluster (`TF_CONFIG` set), `NULL`.
#' @examples
#' \dontrun{
#' train_and_evaluate(model,
#'   train_spec(input_fn(mtcars, mpg ~ drat + cyl, num_epochs = NULL), max_steps = 100),
#'   eval_spec(input_fn(mtcars, mpg ~ drat + cyl), steps = NULL))
#' }
#' @export
train_and_evaluate <- function(object, train_spec, eval_spec) {
  result <- pycall("train_and_evaluate", list(
    object = as_py_estimator(object),
    train_spec = train_spec,
    eval_spec = eval_spec))
  if (is_py_none(result)) return(NULL)
  out <- frame_to_tibble(result)
  attrs <- reticulate::py_get_attr(result, "attrs")
  exports <- py_value(attrs$get("export_results"))
  if (length(exports)) attr(out, "export_results") <- unlist(exports)
  history <- attrs$get("history")
  if (!is_py_none(history)) attr(out, "history") <- as_history(history)
  out
}

#' Create an estimator from a compiled Keras model
#'
#' @param keras_model A compiled Keras model.
#' @param keras_model_path Path to a compiled Keras model saved on disk (give this or
#'   `keras_model`).
#' @param custom_objects Custom objects needed to load or clone the model: a named list.
#' @param model_dir Directory to save the estimator's model parameters, graph, etc.
#' @param config A run configuration, from [run_config()].
#'
#' @return An estimator of class `c("tf_keras_estimator", "tf_estimator")`. [input_fn()]
#'   feeds a model with one input the features as one matrix, a model with several inputs a
#'   named list keyed by the inputs' names.
#' @export
keras_model_to_estimator <- function(keras_model = NULL, keras_model_path = NULL,
                                     custom_objects = NULL, model_dir = NULL, config = NULL) {
  py_est <- pycall("keras_model_to_estimator", list(
    keras_model = keras_model,
    keras_model_path = as_py_path(keras_model_path),
    custom_objects = as_py_dict(custom_objects),
    model_dir = as_py_path(model_dir),
    config = config))
  new_canned_estimator(py_est)
}
