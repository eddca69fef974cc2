#' Run configuration
#'
#' Where and how an estimator runs (a `tf.estimator.RunConfig`). Counts may be given as R
#' numbers (`100`); a non-integral or negative count is an error.
#'
#' @param model_dir Directory for checkpoints and summaries.
#' @param tf_random_seed Random seed. When set, pyestim also seeds Python's and NumPy's
#'   generators and turns on TensorFlow's op determinism for every [train()], [evaluate()]
#'   and [predict()][predict.tf_estimator], so runs are bit-identical.
#' @param save_summary_steps Save summaries every this many steps.
#' @param save_checkpoints_steps,save_checkpoints_secs Save checkpoints every this many
#'   steps or seconds (at most one of them). When both are `NULL`, TensorFlow's default
#'   applies: every 600 seconds.
#' @param session_config Session options, from [session_config()].
#' @param keep_checkpoint_max How many recent checkpoints to keep (0 or `NULL` keeps all).
#' @param keep_checkpoint_every_n_hours Keep one checkpoint every this many hours in
#'   addition.
#' @param log_step_count_steps Log the loss and the global step every this many steps.
#' @param train_distribute,eval_distribute,experimental_distribute,device_fn,protocol,experimental_max_worker_delay_secs,session_creation_timeout_secs,checkpoint_save_graph_def
#'   As for `tf.estimator.RunConfig`.
#' @param steps_per_run Training steps per `session.run` (as TPUEstimator's
#'   `iterations_per_loop` and Keras' `steps_per_execution`): more than 1 runs that many
#'   steps in an in-graph loop over the input, which saves the per-step cost of a run on
#'   small models. The variables after N steps are bit for bit those of
#'   `steps_per_run = 1` on the same data; the global step counts steps, and `steps` and
#'   `max_steps` stop exactly. Checkpoints, summaries, the history, the progress bar and
#'   logging hooks see the last step of each run; only the loss and the global step can be
#'   fetched by hooks (a hook asking for another tensor of the model function gets an
#'   error), and of the model function's own summaries only `average_loss` is written. The
#'   input function must give a `tf.data.Dataset` (as [input_fn()] and [numpy_input_fn()]
#'   do); random ops such as dropout draw different numbers than with 1.
#'
#' @return A `tf.estimator.RunConfig` (a Python object), for [estimator()]'s `config`.
#' @examples
#' \dontrun{
#' config <- run_config(tf_random_seed = 42, save_checkpoints_steps = 100)
#' }
#' @export
run_config <- function(model_dir = NULL, tf_random_seed = NULL, save_summary_steps = 100L,
                       save_checkpoints_steps = NULL, save_checkpoints_secs = NULL,
                       session_config = NULL, keep_checkpoint_max = 5L,
                       keep_checkpoint_every_n_hours = 10000L, log_step_count_steps = 100L,
                       train_distribute = NULL, device_fn = NULL, protocol = NULL,
                       eval_distribute = NULL, experimental_distribute = NULL,
                       experimental_max_worker_delay_secs = NULL,
                       session_creation_timeout_secs = 7200L,
                       checkpoint_save_graph_def = TRUE, steps_per_run = 1L) {
  pycall("run_config", list(
    model_dir = as_py_path(model_dir),
    tf_random_seed = as_py_int(tf_random_seed),
    save_summary_steps = as_py_int(save_summary_steps),
    save_checkpoints_steps = as_py_int(save_checkpoints_steps),
    save_checkpoints_secs = as_py_int(save_checkpoints_secs),
    session_config = session_config,
    keep_checkpoint_max = as_py_int(keep_checkpoint_max),
    keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours,
    log_step_count_steps = as_py_int(log_step_count_steps),
    train_distribute = train_distribute,
    device_fn = as_py_device_fn(device_fn),
    protocol = protocol,
    eval_distribute = eval_distribute,
    experimental_distribute = experimental_distribute,
    experimental_max_worker_delay_secs = as_py_int(experimental_max_worker_delay_secs),
    session_creation_timeout_secs = as_py_int(session_creation_timeout_secs),
    checkpoint_save_graph_def = as_py_bool(checkpoint_save_graph_def),
    steps_per_run = as_py_int(steps_per_run)))
}

#' Session options
#'
#' A `tf.compat.v1.ConfigProto`, for [run_config()]'s `session_config`.
#'
#' @param ... Fields of `ConfigProto`, e.g. `intra_op_parallelism_threads = 2`,
#'   `inter_op_parallelism_threads = 2`, `allow_soft_placement = TRUE`,
#'   `log_device_placement = FALSE`, `device_count = list(CPU = 1)`. Counts may be R numbers.
#' @return A `ConfigProto` (a Python object).
#' @export
session_config <- function(...) {
  args <- lapply(list(...), function(v) {
    if (is.list(v) && !is.object(v)) lapply(v, as_py_int) else as_py_int(v)
  })
  if (length(args) && (is.null(names(args)) || any(!nzchar(names(args))))) {
    stop("session_config(): every option must be named, e.g. intra_op_parallelism_threads = 2.",
         call. = FALSE)
  }
  pycall("session_config", args)
}

#' Key sets: modes, metrics, predictions, graph collections
#'
#' * `mode_keys()`: the model modes, `TRAIN` (`"train"`), `EVAL` (`"eval"`) and `PREDICT`
#'   (`"infer"`).
#' * `metric_keys()`: keys of the metrics canned estimators report (`ACCURACY`,
#'   `LOSS_MEAN`, ...).
#' * `prediction_keys()`: keys of canned estimators' predictions (`CLASSES`,
#'   `PROBABILITIES`, ...).
#' * `graph_keys()`: standard names of graph collections (`GLOBAL_STEP`, `LOSSES`, ...).
#'
#' @return The Python class holding the keys; read them with `$`, e.g.
#'   `mode_keys()$TRAIN`.
#' @examples
#' \dontrun{
#' mode_keys()$PREDICT
#' }
#' @export
mode_keys <- function() {
  pycall("mode_keys", convert = TRUE)
}

#' @rdname mode_keys
#' @export
metric_keys <- function() {
  pycall("metric_keys", convert = TRUE)
}

#' @rdname mode_keys
#' @export
prediction_keys <- function() {
  pycall("prediction_keys", convert = TRUE)
}

#' @rdname mode_keys
#' @export
graph_keys <- function() {
  pycall("graph_keys", convert = TRUE)
}

#' Task types
#'
#' The constant strings for the task types of a run configuration's cluster (as in
#' tfestimators): `MASTER` (`"master"`), `PS` (`"ps"`), `WORKER` (`"worker"`), `CHIEF`
#' (`"chief"`) and `EVALUATOR` (`"evaluator"`).
#'
#' @return The Python class holding the constants; read them with `$`.
#' @examples
#' \dontrun{
#' task_type()$MASTER
#' }
#' @export
task_type <- function() {
  pycall("task_type", convert = TRUE)
}
