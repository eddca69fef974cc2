#' TensorBoard Visualization Tool
#'
#' TensorBoard is a tool inspecting and understanding your TensorFlow runs and graphs:
#' `tensorboard(log_dir = model_dir(model))` shows an estimator's training (and evaluation)
#' curves. tfestimators re-exported this function from the tensorflow package; pyestim's
#' runs TensorBoard (`python -m tensorboard.main`) from the Python that pyestim uses.
#'
#' @param log_dir Directories to scan for training logs. If this is a named character vector
#'   then the specified names will be used as aliases within TensorBoard. Not needed to stop
#'   every TensorBoard.
#' @param action Specify whether to start or stop TensorBoard (TensorBoard will be stopped
#'   automatically when the R session from which it is launched is terminated).
#' @param host Host for serving TensorBoard.
#' @param port Port for serving TensorBoard. If "auto" is specified (the default) then an
#'   unused port will be chosen automatically.
#' @param launch_browser Open a web browser for TensorBoard after launching (with
#'   [utils::browseURL()]; a function is called with the URL instead). Defaults to `TRUE` in
#'   interactive sessions; the `tensorflow.tensorboard.browser` option sets another default,
#'   as in the tensorflow package.
#' @param reload_interval How often the backend should load more data (seconds).
#' @param purge_orphaned_data Whether to purge data that may have been orphaned due to
#'   TensorBoard restarts. Disabling purge_orphaned_data can be used to debug data
#'   disappearance.
#'
#' @return URL for browsing TensorBoard (invisibly); `NULL` for `action = "stop"`.
#'
#' @details When TensorBoard is passed a log directory at startup, it recursively walks the
#'   directory tree rooted there looking for subdirectories that contain tfevents data, and
#'   loads each as a run: an estimator's `model_dir` gives its training run and its `eval`
#'   run. The call returns once TensorBoard answers at the URL it prints; if TensorBoard
#'   stops or does not answer in time, the error quotes its last lines of output.
#'
#'   Starting TensorBoard again on the same `log_dir` replaces it, on the same port.
#'   `action = "stop"` stops the TensorBoard of `log_dir`, or every TensorBoard this session
#'   started when `log_dir` is not given. None is left running after the session ends.
#'
#' @examples
#' \dontrun{
#' model <- linear_regressor(feature_columns = column_numeric("drat", "cyl"))
#' train(model, input_fn(mtcars, response = mpg, features = c(drat, cyl)), steps = 100)
#' tensorboard(log_dir = model_dir(model), launch_browser = TRUE)
#' tensorboard(action = "stop")
#' }
#' @export
tensorboard <- function(log_dir, action = c("start", "stop"), host = "127.0.0.1",
                        port = "auto",
                        launch_browser = getOption("tensorflow.tensorboard.browser",
                                                   interactive()),
                        reload_interval = 5, purge_orphaned_data = TRUE) {
  log_dir <- if (missing(log_dir)) NULL else as_py_log_dir(log_dir)
  if (identical(action, c("start", "stop"))) action <- "start"
  browse <- if (isTRUE(launch_browser)) utils::browseURL else launch_browser
  # What Python prints ("Started TensorBoard at <url>", "TensorBoard stopped.") is written by
  # R's cat(), so that capture.output() and sink() see it.
  shown <- reticulate::py_capture_output(url <- pycall("tensorboard", list(
    log_dir = log_dir,
    action = action,
    host = host,
    port = as_py_int(port),
    launch_browser = if (is.function(browse)) FALSE else as_py_bool(browse),
    reload_interval = reload_interval,
    purge_orphaned_data = as_py_bool(purge_orphaned_data)
  )), type = "stdout")
  cat(shown)
  url <- py_value(url)
  if (!is.null(url) && is.function(browse)) browse(url)  # after the URL is printed
  invisible(url)
}

# Directories as pyestim takes them: one path, a list of paths, or (named) a dict of run
# name -> path; `~` expanded as R does.
as_py_log_dir <- function(x) {
  if (!is.character(x) || anyNA(x)) return(x)
  x <- stats::setNames(path.expand(x), names(x))  # path.expand() drops the names
  if (!is.null(names(x))) return(as.list(x))  # a named list: a dict
  if (length(x) == 1L) x else as.list(x)
}
