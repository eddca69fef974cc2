#' Session run hooks
#'
#' Hooks see the life cycle of one [train()], [evaluate()] or
#' [predict()][predict.tf_estimator] call. Pass one hook or a list of them as `hooks`.
#'
#' * `hook_logging_tensor()` prints given tensors every N local steps, every N seconds, or
#'   at the end, as `INFO:tensorflow:<tag> = <value>`.
#' * `hook_checkpoint_saver()` saves checkpoints every N steps or seconds.
#' * `hook_step_counter()` counts steps per second.
#' * `hook_stop_at_step()` requests a stop at a given step.
#' * `hook_summary_saver()` saves summaries every N steps or seconds.
#' * `hook_nan_tensor()` monitors the loss and stops training if it is NaN.
#' * `hook_global_step_waiter()` delays execution until the global step reaches a value.
#' * `hook_history_saver()` records the training history (losses by step); [train()]
#'   attaches one by default and returns its history.
#' * `hook_progress_bar()` shows a progress bar; [train()] attaches one by default.
#'
#' All of them are Python hooks: they cost no R time during training.
#'
#' @param tensors A named list that maps tags to tensors or tensor names (e.g.
#'   `list(predicted_classes = "predicted_classes")`), or a character vector of tensor
#'   names (each then its own tag).
#' @param every_n_iter Print the values once every N local steps taken on the current worker.
#' @param every_n_secs Print (or count, or save) once every N seconds. For
#'   `hook_logging_tensor()` exactly one of `every_n_iter` and `every_n_secs` should be
#'   given (unless `at_end = TRUE`).
#' @param formatter A function that takes the named list of values and returns a string;
#'   `NULL` prints all tensors.
#' @param at_end Whether to print the values of `tensors` at the end of the run.
#' @param checkpoint_dir The base directory for the checkpoint files.
#' @param save_secs Save every N seconds.
#' @param save_steps Save every N steps.
#' @param saver Saver object used for saving.
#' @param checkpoint_basename The base name for the checkpoint files.
#' @param scaffold A scaffold, to get the saver (or the summary op) from.
#' @param listeners `CheckpointSaverListener` objects called around each save.
#' @param every_n_steps Run the counter every N steps.
#' @param output_dir The output directory for the summaries.
#' @param summary_writer The summary writer.
#' @param num_steps Number of steps to execute.
#' @param last_step Step after which to stop.
#' @param summary_op Serialized summary protocol buffers, e.g. from
#'   `tf$summary$merge_all()`.
#' @param loss_tensor The loss tensor (or its name).
#' @param fail_on_nan_loss Raise an error when the loss is NaN (`TRUE`), or only request a
#'   stop (`FALSE`). When the watched tensor is the model's own loss, training fails anyway,
#'   naming the step: tf.estimator always checks that loss itself.
#' @param wait_until_step The global step to wait for.
#' @param every_n_step Record the losses at the first step of each [train()] call and every
#'   this many steps of the call (as tfestimators), and at the call's last step.
#' @param steps The number of steps expected ([train()] fills it in from its own arguments).
#' @param enabled Force the bar on (`TRUE`) or off (`FALSE`); `NULL` shows it only on a
#'   terminal.
#'
#' @return A session run hook (a Python object).
#' @seealso [session_run_hook()] for hooks written in R.
#' @examples
#' \dontrun{
#' logging_hook <- hook_logging_tensor(
#'   tensors = list(predicted_classes = "predicted_classes"), every_n_iter = 50)
#' }
#' @name hooks
NULL

#' @rdname hooks
#' @export
hook_logging_tensor <- function(tensors, every_n_iter = NULL, every_n_secs = NULL,
                                formatter = NULL, at_end = FALSE) {
  pycall("hook_logging_tensor", list(
    tensors = as_py_tensors(tensors),
    every_n_iter = as_py_int(every_n_iter),
    every_n_secs = every_n_secs,
    formatter = as_py_function(formatter, "formatter"),
    at_end = as_py_bool(at_end)))
}

as_py_tensors <- function(tensors) {
  if (is.character(tensors) && !is.null(names(tensors))) return(as.list(tensors))
  if (is.character(tensors) && length(tensors) == 1L) return(list(tensors))
  if (is.list(tensors) && is.null(names(tensors))) return(unname(tensors))
  tensors
}

#' @rdname hooks
#' @export
hook_checkpoint_saver <- function(checkpoint_dir, save_secs = NULL, save_steps = NULL,
                                  saver = NULL, checkpoint_basename = "model.ckpt",
                                  scaffold = NULL, listeners = NULL) {
  pycall("hook_checkpoint_saver", list(
    checkpoint_dir = as_py_path(checkpoint_dir),
    save_secs = as_py_int(save_secs),
    save_steps = as_py_int(save_steps),
    saver = saver,
    checkpoint_basename = checkpoint_basename,
    scaffold = scaffold,
    listeners = as_py_hooks(listeners)))
}

#' @rdname hooks
#' @export
hook_step_counter <- function(every_n_steps = 100L, every_n_secs = NULL, output_dir = NULL,
                              summary_writer = NULL) {
  pycall("hook_step_counter", list(
    every_n_steps = as_py_int(every_n_steps),
    every_n_secs = as_py_int(every_n_secs),
    output_dir = as_py_path(output_dir),
    summary_writer = summary_writer))
}

#' @rdname hooks
#' @export
hook_stop_at_step <- function(num_steps = NULL, last_step = NULL) {
  pycall("hook_stop_at_step", list(
    num_steps = as_py_int(num_steps),
    last_step = as_py_int(last_step)))
}

#' @rdname hooks
#' @export
hook_summary_saver <- function(save_steps = NULL, save_secs = NULL, output_dir = NULL,
                               summary_writer = NULL, scaffold = NULL, summary_op = NULL) {
  pycall("hook_summary_saver", list(
    save_steps = as_py_int(save_steps),
    save_secs = as_py_int(save_secs),
    output_dir = as_py_path(output_dir),
    summary_writer = summary_writer,
    scaffold = scaffold,
    summary_op = summary_op))
}

#' @rdname hooks
#' @export
hook_nan_tensor <- function(loss_tensor, fail_on_nan_loss = TRUE) {
  pycall("hook_nan_tensor", list(
    loss_tensor = loss_tensor,
    fail_on_nan_loss = as_py_bool(fail_on_nan_loss)))
}

#' @rdname hooks
#' @export
hook_global_step_waiter <- function(wait_until_step) {
  pycall("hook_global_step_waiter", list(wait_until_step = as_py_int(wait_until_step)))
}

#' @rdname hooks
#' @export
hook_history_saver <- function(every_n_step = 10L) {
  pycall("hook_history_saver", list(every_n_step = as_py_int(every_n_step)))
}

#' @rdname hooks
#' @export
hook_progress_bar <- function(steps = NULL, enabled = NULL) {
  pycall("hook_progress_bar", list(steps = as_py_int(steps), enabled = as_py_bool(enabled)))
}

#' Create a session run hook from R functions
#'
#' Each argument is a function called at one point of the life cycle of a [train()],
#' [evaluate()] or [predict()][predict.tf_estimator] call. Only these functions run in R;
#' an R error in one of them stops the call and reaches its caller unchanged.
#'
#' @param begin `function()`: called once before using the session.
#' @param after_create_session `function(session, coord)`: called once the session is
#'   created.
#' @param before_run `function(context)`: called before each step; may return
#'   [session_run_args()] to request tensor values (or `NULL`).
#' @param after_run `function(context, values)`: called after each step; `values$results`
#'   holds the requested values.
#' @param end `function(session)`: called at the end of the session.
#'
#' @return A session run hook (a Python object).
#' @examples
#' \dontrun{
#' steps_seen <- 0
#' counter <- session_run_hook(
#'   after_run = function(context, values) steps_seen <<- steps_seen + 1)
#' }
#' @export
session_run_hook <- function(begin = NULL, after_create_session = NULL, before_run = NULL,
                             after_run = NULL, end = NULL) {
  pycall("session_run_hook", list(
    begin = as_py_function(begin, "begin"),
    after_create_session = as_py_function(after_create_session, "after_create_session"),
    before_run = as_py_function(before_run, "before_run"),
    after_run = as_py_function(after_run, "after_run"),
    end = as_py_function(end, "end")))
}

#' Fetches for a hook's `before_run` callback
#'
#' `session_run_args(loss = loss_tensor)` makes `values$results` in `after_run` a named list
#' `list(loss = <value>)`; unnamed tensors make it an unnamed list.
#'
#' @param ... Tensors (or tensor names), all named or all unnamed.
#' @return A Python `SessionRunArgs`.
#' @export
session_run_args <- function(...) {
  fn <- pyestim_module()[["session_run_args"]]
  with_python_errors(fn(...))
}
