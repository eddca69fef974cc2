# Shared by the tests: a check that pyestim can be used, a toy problem, a tiny model.

# The project's one CI rule (as in_ci() of tests/support/ci.py, which both pytest suites use): a
# run is a CI run when the environment variable CI is true, 1 or yes (in any case).
in_ci <- function(value = Sys.getenv("CI")) {
  tolower(trimws(value)) %in% c("true", "1", "yes")
}

# Skip a test whose prerequisite is missing, or, in a CI run, fail it: a CI run must not pass
# by skipping.
skip_or_fail <- function(message, ci = in_ci()) {
  if (ci) {
    stop(paste0("CI is set (CI=", Sys.getenv("CI"), ") but ", sub("[.]$", "", message),
                ": a CI run must not skip this test. Run `bash dev.sh setup` and set ",
                "RETICULATE_PYTHON / PYESTIM_DATA_DIR."), call. = FALSE)
  }
  skip(message)
}

skip_if_no_pyestim <- function(ok = pyestim_available(), ci = in_ci()) {
  if (!isTRUE(ok)) skip_or_fail(paste("pyestim cannot be used:", attr(ok, "reason")), ci)
  quiet_tensorflow()
}

# The MNIST folder (PYESTIM_DATA_DIR) for the tests that read MNIST; skips, or fails in CI,
# when it is not set or does not exist.
mnist_data_dir <- function(data_dir = Sys.getenv("PYESTIM_DATA_DIR"), ci = in_ci()) {
  if (!nzchar(data_dir)) skip_or_fail("PYESTIM_DATA_DIR is not set", ci)
  if (!dir.exists(data_dir)) {
    skip_or_fail(paste0("PYESTIM_DATA_DIR (", data_dir, ") is not a folder"), ci)
  }
  data_dir
}

# skip_if_not_installed(), failing in a CI run instead.
skip_if_no_package <- function(package, ci = in_ci()) {
  if (!requireNamespace(package, quietly = TRUE)) {
    skip_or_fail(paste("the R package", package, "is not installed"), ci)
  }
}

# Keep the test log readable: TensorFlow's INFO lines and deprecation warnings off.
quiet_tensorflow <- function() {
  if (isTRUE(getOption("pyestim.tests.quiet"))) return(invisible())
  logging <- reticulate::import("logging")
  logging$getLogger("tensorflow")$setLevel(logging$ERROR)
  options(pyestim.tests.quiet = TRUE)
  invisible()
}

# 4 features, 2 classes: the class is whether x1 + x2 > 1.
toy_data <- function(n = 200L, seed = 1L) {
  set.seed(seed)
  x <- matrix(runif(n * 4L), n, 4L)
  list(x = x, y = as.integer(x[, 1] + x[, 2] > 1))
}

toy_model_fn <- function(features, labels, mode, params, config) {
  logits <- tf$layers$dense(features$x, units = 2L, name = "logits")
  classes <- tf$argmax(logits, axis = 1L, name = "classes")
  if (mode == "infer") {
    return(estimator_spec(mode, predictions = list(
      classes = classes, probabilities = tf$nn$softmax(logits, name = "probabilities"))))
  }
  loss <- tf$losses$sparse_softmax_cross_entropy(labels = labels, logits = logits)
  if (mode == "train") {
    lr <- if (is.null(params$lr)) 0.5 else params$lr
    train_op <- tf$train$GradientDescentOptimizer(lr)$minimize(
      loss, global_step = tf$train$get_global_step())
    return(estimator_spec(mode, loss = loss, train_op = train_op))
  }
  estimator_spec(mode, loss = loss,
                 eval_metric_ops = list(accuracy = tf$metrics$accuracy(labels, classes)))
}

toy_estimator <- function(model_fn = toy_model_fn, params = list(lr = 0.5), ...) {
  estimator(model_fn, model_dir = new_model_dir(), params = params, ...)
}

new_model_dir <- local({
  n <- 0L
  function() {
    n <<- n + 1L
    file.path(tempdir(), sprintf("pyestim-test-%d-%d", Sys.getpid(), n))
  }
})

toy_train_fn <- function(d = toy_data(), batch_size = 20L) {
  numpy_input_fn(list(x = d$x), d$y, batch_size = batch_size, num_epochs = NULL,
                 shuffle = TRUE)
}

toy_eval_fn <- function(d = toy_data(), batch_size = 50L, labels = TRUE) {
  numpy_input_fn(list(x = d$x), if (labels) d$y else NULL, batch_size = batch_size,
                 shuffle = FALSE)
}

# The estimator's global step, from its latest checkpoint. (The steps a history records are
# exact: the history saver reads the global step once when the session starts and counts the
# steps run since, so the tests check them exactly.)
global_step <- function(est) as.integer(variable_value(est, "global_step")$global_step)

# A toy estimator trained for 20 steps, built once; tests must not train it further.
trained_toy <- local({
  cache <- NULL
  function() {
    if (is.null(cache)) {
      cache <<- toy_estimator()
      train(cache, toy_train_fn(), steps = 20)
    }
    cache
  }
})

# The weights of a linear regressor on mtcars' drat and cyl after 3 SGD steps from the input
# function `fn`: equal for two input functions that feed the same rows in the same order.
drat_cyl_weights <- function(fn) {
  est <- linear_regressor(feature_columns(column_numeric("drat", "cyl")), optimizer = "SGD",
                          model_dir = new_model_dir())
  train(est, fn, steps = 3)
  values <- variable_value(est)
  unlist(values[sort(setdiff(names(values), "global_step"))])
}

# A CSV file whose lines starting with # are comments, as a data frame of strings.
read_comment_csv <- function(path) {
  lines <- readLines(path, warn = FALSE)
  lines <- lines[nzchar(trimws(lines)) & !startsWith(trimws(lines), "#")]
  utils::read.csv(text = lines, stringsAsFactors = FALSE, colClasses = "character",
                  check.names = FALSE)
}

# The rows of tests/parity/differences.csv whose difference starts with `prefix`.
differences_rows <- function(prefix) {
  path <- file.path(testthat::test_path(), "..", "..", "..", "tests", "parity",
                    "differences.csv")
  if (!file.exists(path)) {
    skip_or_fail("tests/parity/differences.csv is not there (run from the pyestim checkout)")
  }
  rows <- read_comment_csv(path)
  rows[startsWith(rows$difference, prefix), ]
}
