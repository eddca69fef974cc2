#' pyestim: the tfestimators interface to the pyestim Python package
#'
#' The functions of this package have the names, arguments and defaults of the
#' tfestimators package. The work is done in Python by the pyestim package (which runs
#' `tf.estimator` on TensorFlow 2.15, or on TensorFlow 2.21 with tensorflow-estimator
#' beside it): R values are converted to Python, pyestim is called, and its results are
#' converted back.
#'
#' @section Which Python:
#' pyestim is looked for in the Python that reticulate uses. Choose it, before the first call
#' to a pyestim function, with one of (first wins):
#' \itemize{
#'   \item the environment variable `RETICULATE_PYTHON`;
#'   \item `options(pyestim.python = "/path/to/python")` (a Python executable or a virtual
#'     environment's folder);
#'   \item the environment variable `PYESTIM_PYTHON` (same);
#'   \item the virtual environment `r-pyestim` that [install_pyestim()] creates.
#' }
#' Otherwise reticulate's own discovery picks a Python, preferring one that has pyestim.
#' `library(pyestim)` never fails for want of Python: the first call says what is missing.
#' In a pyestim checkout, `bash dev.sh setup` creates `.venv-current` with pyestim and TensorFlow;
#' then use `RETICULATE_PYTHON=<checkout>/.venv-current/bin/python`.
#'
#' @section Errors:
#' An R error signalled inside an R function that Python calls (a model function, an input
#' function, a hook callback) reaches the caller as the same R condition. A Python exception
#' becomes an R error of class `c("pyestim_error", <Python class names>, "error",
#' "condition")` whose message starts with the Python class name, e.g.
#' `"StepsError: steps must be a whole number, got 2.5 ..."`.
#'
#' @keywords internal
#' @name pyestim-package
#' @aliases pyestim
"_PACKAGE"

# Package state that is not a result: the imported modules, the bridge, pending R conditions.
.pyestim <- new.env(parent = emptyenv())

#' The TensorFlow 1 namespace of the tutorials
#'
#' `tf` is the Python module `pyestim.tf`: every name of `tf.compat.v1` (`tf$layers`,
#' `tf$losses`, `tf$train`, `tf$metrics`, `tf$reshape`, ...), plus
#' `tf$estimator$inputs$numpy_input_fn` (pyestim's [numpy_input_fn()]) and
#' `tf$contrib$learn$datasets$load_dataset("mnist")`. It is loaded on first use, so that
#' `library(pyestim)` works without Python.
#'
#' @format A Python module (loaded on first use).
#' @examples
#' \dontrun{
#' x <- tf$constant(c(1, 2, 3))
#' tf$estimator$RunConfig()
#' }
#' @export
tf <- NULL

#' Names in pyestim's parts of `tf`
#'
#' `tf$contrib`, `tf$estimator` and the namespaces below them are pyestim's own (class
#' `pyestim.tf.Namespace`). A function of pyestim's reached through them (e.g.
#' `tf$contrib$learn$datasets$mnist$read_data_sets`, `tf$estimator$inputs$numpy_input_fn`)
#' comes back as an R function whose Python errors are R conditions of class
#' `pyestim_error`, as for the package's own functions. Everything else is reticulate's
#' object, unchanged.
#'
#' @param x A `pyestim.tf.Namespace`.
#' @param name The name to look up.
#' @return The attribute.
#' @keywords internal
#' @export
`$.pyestim.tf.Namespace` <- function(x, name) {
  pyestim_errors_for(NextMethod(), name)
}

#' @rdname cash-.pyestim.tf.Namespace
#' @export
`[[.pyestim.tf.Namespace` <- function(x, name) {
  pyestim_errors_for(NextMethod(), name)
}

# A Python function of pyestim's as an R function that converts its errors; anything else as
# it is.
pyestim_errors_for <- function(value, name) {
  if (!is_py(value) || !is.function(value) || inherits(value, "python.builtin.type"))
    return(value)
  owner <- tryCatch(reticulate::py_to_r(reticulate::py_get_attr(value, "__module__")),
                    error = function(e) NULL)
  if (!is.character(owner) || length(owner) != 1 || !startsWith(owner, "pyestim"))
    return(value)
  call_it <- function(...) with_python_errors(value(...))
  structure(call_it, py_function = value, class = c("pyestim_function", "function"))
}

# Handed back to Python (e.g. `tf$contrib$layers$fully_connected` given to
# `tf$contrib$layers$stack()`), such a function is the Python function itself, with its name.
#' @method r_to_py pyestim_function
#' @export
r_to_py.pyestim_function <- function(x, convert = FALSE) {
  attr(x, "py_function")
}

#' @export
print.pyestim_function <- function(x, ...) {
  print(attr(x, "py_function"), ...)
  invisible(x)
}

.onLoad <- function(libname, pkgname) {
  choose_python()
  tf <<- reticulate::import("pyestim.tf", convert = TRUE, delay_load = tf_delay_load())
}

tf_delay_load <- function() {
  list(
    priority = 10,
    on_load = function() {
      # Make sure the package's own handles come from the same, now initialised, Python.
      pyestim_module()
      invisible()
    },
    on_error = function(e) {
      # reticulate drops the hooks after a failed attempt; put them back so that the next
      # use of `tf` explains the problem again.
      if (is.environment(tf) && exists("module", envir = tf, inherits = FALSE)) {
        hooks <- tf_delay_load()
        assign("on_load", hooks$on_load, envir = tf)
        assign("on_error", hooks$on_error, envir = tf)
      }
      pyestim_module()  # stops with what is missing and how to fix it
      stop(conditionMessage(e), call. = FALSE)
    }
  )
}

# Point reticulate at the Python named by options(pyestim.python) or PYESTIM_PYTHON, unless
# RETICULATE_PYTHON is set or Python is already running.
choose_python <- function() {
  .pyestim$python_problem <- NULL
  if (reticulate::py_available(initialize = FALSE)) return(invisible())
  if (nzchar(Sys.getenv("RETICULATE_PYTHON"))) return(invisible())
  # An empty RETICULATE_PYTHON means "not set" here; reticulate would take it for a path.
  if (!is.na(Sys.getenv("RETICULATE_PYTHON", NA))) Sys.unsetenv("RETICULATE_PYTHON")
  python <- getOption("pyestim.python", Sys.getenv("PYESTIM_PYTHON", ""))
  if (is.null(python) || !nzchar(python)) {
    # Else the r-pyestim virtual environment that install_pyestim() made, if there is one.
    python <- installed_env_python()
    if (!is.null(python)) reticulate::use_python(python, required = TRUE)
    return(invisible())
  }
  python <- path.expand(python)
  if (dir.exists(python)) {
    candidates <- file.path(python, c("bin/python", "bin/python3", "Scripts/python.exe"))
    python <- c(candidates[file.exists(candidates)], python)[[1]]
  }
  if (!file.exists(python) || dir.exists(python)) {
    .pyestim$python_problem <- sprintf(paste0(
      "options(pyestim.python) / PYESTIM_PYTHON name %s, which is not a Python executable. ",
      "Give the path of the Python that has pyestim (e.g. <pyestim checkout>/.venv-current/bin/python, ",
      "created by `bash dev.sh setup`), or set RETICULATE_PYTHON."), python)
    return(invisible())
  }
  reticulate::use_python(python, required = TRUE)
  invisible()
}

python_in_use <- function() {
  tryCatch(reticulate::py_config()$python, error = function(e) "the Python reticulate chose")
}

fix_hint <- paste0(
  "run install_pyestim() (it creates the virtual environment r-pyestim with pyestim and ",
  "TensorFlow), then restart R; or, in a pyestim checkout, run `bash dev.sh setup` and set ",
  "RETICULATE_PYTHON=<checkout>/.venv-current/bin/python; options(pyestim.python = ...) ",
  "chooses the Python too (before the first pyestim call, in a fresh R session).")

pyestim_unavailable <- function(message) {
  structure(class = c("pyestim_unavailable", "pyestim_error", "error", "condition"),
            list(message = message, call = NULL))
}

# The pyestim Python module (convert = FALSE, or TRUE), imported on first use. Stops with
# an explanation when Python, pyestim or one of its dependencies is missing.
pyestim_module <- function(convert = FALSE) {
  if (is.null(.pyestim$module)) load_pyestim()
  if (convert) .pyestim$module_convert else .pyestim$module
}

load_pyestim <- function() {
  if (!reticulate::py_available(initialize = FALSE)) choose_python()
  if (!is.null(.pyestim$python_problem)) stop(pyestim_unavailable(.pyestim$python_problem))
  started <- tryCatch(reticulate::py_config(), error = function(e) e)
  if (inherits(started, "error") || !reticulate::py_available(initialize = TRUE)) {
    why <- if (inherits(started, "error")) conditionMessage(started) else "no Python found"
    stop(pyestim_unavailable(sprintf(
      "pyestim needs Python (3.9 to 3.13) with the pyestim package, but Python could not be started: %s\nTo fix it: %s",
      why, fix_hint)))
  }
  python <- python_in_use()
  if (!python_module_exists("pyestim")) {
    stop(pyestim_unavailable(sprintf(
      "Python module pyestim not found in %s: %s", python, fix_hint)))
  }
  # `import pyestim` loads its names on first use (it does not import TensorFlow): load one,
  # so that a missing or unsupported TensorFlow is reported here, as pyestim being unusable.
  module <- tryCatch({
    loaded <- reticulate::import("pyestim", convert = FALSE)
    reticulate::py_get_attr(loaded, "estimator")
    loaded
  }, error = function(e) e)
  if (inherits(module, "error")) {
    err <- reticulate::py_last_error()
    why <- if (!is.null(err)) paste0(err$type, ": ", err$value) else conditionMessage(module)
    stop(pyestim_unavailable(sprintf(paste0(
      "Python module pyestim was found in %s but could not be imported (%s). ",
      "A dependency is probably missing (pyestim needs TensorFlow 2.21 or 2.15, tensorflow-estimator, ",
      "NumPy and pandas): %s"), python, trimws(why), fix_hint)))
  }
  .pyestim$module_convert <- reticulate::import("pyestim", convert = TRUE)
  .pyestim$numpy <- reticulate::import("numpy", convert = FALSE)
  .pyestim$bridge <- reticulate::import_from_path(
    "pyestim_rbridge", system.file("python", package = "pyestim"), convert = FALSE)
  .pyestim$language <- .pyestim$bridge$language  # looked up once: in_r_language() runs per call
  .pyestim$module <- module
  invisible(module)
}

# Whether Python can find `module` (without importing it: its dependencies may be missing).
python_module_exists <- function(module) {
  tryCatch({
    util <- reticulate::import("importlib.util", convert = TRUE)
    !is.null(util$find_spec(module))
  }, error = function(e) FALSE)
}

bridge <- function() {
  if (is.null(.pyestim$bridge)) load_pyestim()
  .pyestim$bridge
}

numpy <- function() {
  if (is.null(.pyestim$numpy)) load_pyestim()
  .pyestim$numpy
}

#' Is pyestim available?
#'
#' Whether the Python package pyestim (and TensorFlow) can be used from this R session.
#' Starts Python if it is not running yet.
#'
#' @return `TRUE` or `FALSE`; with `FALSE`, the attribute `"reason"` says what is missing.
#' @examples
#' pyestim_available()
#' @export
pyestim_available <- function() {
  res <- tryCatch({
    pyestim_module()
    TRUE
  }, error = function(e) structure(FALSE, reason = conditionMessage(e)))
  res
}
