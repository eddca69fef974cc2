#' Train an estimator
#'
#' Trains an estimator on the data an input function provides. Unless `hooks` has them
#' already, pyestim attaches [hook_history_saver()] (whose history is returned) and
#' [hook_progress_bar()] (shown on a terminal); both run in Python.
#'
#' @param object An estimator, from [estimator()].
#' @param input_fn An input function (no arguments), or a function of one argument that,
#'   called with the estimator, returns the input function (`function(features_as_named_list)`
#'   as in the tutorials), e.g. from [numpy_input_fn()] or [input_fn()].
#' @param steps Number of steps to train for in this call (from the current global step).
#'   `NULL` trains until the input function is exhausted (or forever).
#' @param hooks Session run hooks: one hook or a list of hooks.
#' @param max_steps Total number of steps to train the model to; give `steps` or
#'   `max_steps`, not both. Nothing happens if the model already reached it.
#' @param saving_listeners `CheckpointSaverListener` objects, called around checkpoint saves.
#' @param ... Not used (for methods).
#'
#' @return A training history (invisibly), of class `tf_estimator_history` (see
#'   [print.tf_estimator_history()], [plot.tf_estimator_history()],
#'   [as.data.frame.tf_estimator_history()]).
#' @seealso [evaluate()], [predict.tf_estimator()]
#' @rdname train
#' @export
train.tf_estimator <- function(object, input_fn, steps = NULL, hooks = NULL,
                               max_steps = NULL, saving_listeners = NULL, ...) {
  call <- generic_call("train")
  check_dots_empty(...)
  on.exit(restore_interrupt_handler(), add = TRUE)
  history <- pycall("train", list(
    object = as_py_estimator(object),
    input_fn = as_py_function(input_fn, "input_fn"),
    steps = as_py_int(steps),
    hooks = as_py_hooks(hooks),
    max_steps = as_py_int(max_steps),
    saving_listeners = as_py_hooks(saving_listeners)), call = call)
  # Invisibly, as tfestimators: train() at top level prints nothing but what hooks print.
  invisible(as_history(history))
}

# The generic, with its method's formals (written once, in the method).
#' @rdname train
#' @export
train <- function(object, ...) UseMethod("train")
formals(train) <- formals(train.tf_estimator)

#' Evaluate an estimator
#'
#' Evaluates an estimator on the data an input function provides: runs until `steps`
#' batches are processed or the input function is exhausted.
#'
#' @inheritParams train
#' @param steps Number of batches to evaluate; `NULL` evaluates until the input is exhausted.
#' @param checkpoint_path A specific checkpoint to evaluate; the latest in the model
#'   directory by default.
#' @param name Name of the evaluation, when several are run on different data sets.
#' @param simplify Return a one-row tibble (`TRUE`) or a named list (`FALSE`).
#'
#' @return The metrics, the loss and the global step: a tibble or a named list.
#' @rdname evaluate
#' @export
evaluate.tf_estimator <- function(object, input_fn, steps = NULL, checkpoint_path = NULL,
                                  name = NULL, hooks = NULL, simplify = TRUE, ...) {
  call <- generic_call("evaluate")
  check_dots_empty(...)
  results <- pycall("evaluate", list(
    object = as_py_estimator(object),
    input_fn = as_py_function(input_fn, "input_fn"),
    steps = as_py_int(steps),
    checkpoint_path = as_py_path(checkpoint_path),
    name = name,
    hooks = as_py_hooks(hooks),
    simplify = FALSE), call = call)
  results <- py_value(results)
  if (!isTRUE(simplify)) return(results)
  tibble::as_tibble(lapply(results, function(v) {
    if (is.null(v)) NA else if (length(v) == 1L && is.atomic(v)) v else list(v)
  }))
}

# The generic, with its method's formals (written once, in the method).
#' @rdname evaluate
#' @export
evaluate <- function(object, ...) UseMethod("evaluate")
formals(evaluate) <- formals(evaluate.tf_estimator)

#' Generate predictions with an estimator
#'
#' A method of [stats::predict()] for estimators.
#'
#' @inheritParams train
#' @param input_fn As for [train()]; an [input_fn()] with `shuffle = "auto"` does not
#'   shuffle here.
#' @param checkpoint_path A specific checkpoint to predict with; the latest in the model
#'   directory by default.
#' @param predict_keys Which predictions to return (names); all by default.
#' @param as_iterable Return the raw Python generator of predictions (iterate it with
#'   [reticulate::iterate()]) instead of consuming it.
#' @param simplify Return a tibble, one row per example (`TRUE`: vector-valued predictions
#'   such as probabilities become list columns), or a list with one named list per example
#'   (`FALSE`).
#' @param yield_single_examples Yield one example at a time (`TRUE`) or whole batches
#'   (`FALSE`).
#'
#' @return A tibble, a list, or (with `as_iterable = TRUE`) a Python generator.
#' @importFrom stats predict
#' @export
predict.tf_estimator <- function(object, input_fn, checkpoint_path = NULL, predict_keys = NULL,
                                 hooks = NULL, as_iterable = FALSE, simplify = TRUE,
                                 yield_single_examples = TRUE, ...) {
  call <- generic_call("predict")
  check_dots_empty(...)
  wants_frame <- isTRUE(simplify) && !isTRUE(as_iterable)
  result <- pycall("predict", list(
    object = as_py_estimator(object),
    input_fn = as_py_function(input_fn, "input_fn"),
    checkpoint_path = as_py_path(checkpoint_path),
    predict_keys = predict_keys,
    hooks = as_py_hooks(hooks),
    as_iterable = as_py_bool(as_iterable),
    simplify = as_py_bool(simplify),
    yield_single_examples = as_py_bool(yield_single_examples)),
    convert = isTRUE(as_iterable), call = call)
  if (isTRUE(as_iterable)) return(result)
  if (wants_frame) return(frame_to_tibble(result))
  py_value(result)
}

#' Export an estimator as a SavedModel
#'
#' Writes the model to `export_dir_base` itself (replacing what was there) by default, or,
#' with `versioned = TRUE`, to a new timestamped folder under it, as tfestimators does.
#'
#' @param object An estimator.
#' @param export_dir_base A string containing a directory in which to export the SavedModel.
#' @param serving_input_receiver_fn Function of no arguments returning a
#'   `ServingInputReceiver`; required for custom estimators, e.g.
#'   `tf$estimator$export$build_raw_serving_input_receiver_fn(list(x = placeholder))`.
#' @param assets_extra Extra assets to copy into `assets.extra`: a named list.
#' @param as_text Write the SavedModel proto as text.
#' @param checkpoint_path The checkpoint to export; the latest by default.
#' @param overwrite Should the `export_dir_base` directory be overwritten? With
#'   `overwrite = FALSE` and `versioned = FALSE`, an existing `export_dir_base` is an error.
#' @param versioned Should the model be exported under a versioned (timestamped)
#'   subdirectory?
#' @param ... Not used (for methods).
#'
#' @return The path of the exported SavedModel folder.
#' @rdname export_savedmodel
#' @export
export_savedmodel.tf_estimator <- function(object, export_dir_base,
                                           serving_input_receiver_fn = NULL,
                                           assets_extra = NULL, as_text = FALSE,
                                           checkpoint_path = NULL, overwrite = TRUE,
                                           versioned = !overwrite, ...) {
  call <- generic_call("export_savedmodel")
  check_dots_empty(...)
  path <- pycall("export_savedmodel", list(
    object = as_py_estimator(object),
    export_dir_base = as_py_path(export_dir_base),
    serving_input_receiver_fn = as_py_function(serving_input_receiver_fn,
                                               "serving_input_receiver_fn"),
    assets_extra = as_py_dict(assets_extra),
    as_text = as_py_bool(as_text),
    checkpoint_path = as_py_path(checkpoint_path),
    overwrite = as_py_bool(overwrite),
    versioned = as_py_bool(versioned)), call = call)
  py_value(path)
}

# The generic, with its method's formals (written once, in the method).
#' @rdname export_savedmodel
#' @export
export_savedmodel <- function(object, ...) UseMethod("export_savedmodel")
formals(export_savedmodel) <- formals(export_savedmodel.tf_estimator)

check_dots_empty <- function(...) {
  dots <- list(...)
  if (length(dots)) {
    given <- names(dots) %||% rep("", length(dots))
    given[!nzchar(given)] <- "<unnamed>"
    stop(sprintf("Unknown argument(s): %s.", paste(given, collapse = ", ")), call. = FALSE)
  }
  invisible()
}

# While it trains, pyestim's train() handles SIGINT itself (an interrupt stops training after
# the current step, writes a checkpoint of the steps done, then returns control to R as an
# interrupt). Setting a SIGINT handler from Python replaces reticulate's C-level handler,
# which tells R of an interrupt: put reticulate's back (it exports no API for this; reticulate
# >= 1.36 has install_interrupt_handlers(), older ones poll R's interrupt flag instead).
restore_interrupt_handler <- function() {
  install <- tryCatch(utils::getFromNamespace("install_interrupt_handlers", "reticulate"),
                      error = function(e) NULL)
  if (is.function(install) && reticulate::py_available()) install()
  invisible()
}

# The call of a method as the user wrote it: `train(...)`, not `train.tf_estimator(...)`.
generic_call <- function(generic) {
  call <- sys.call(-1)
  if (is.call(call)) call[[1]] <- as.name(generic)
  call
}
