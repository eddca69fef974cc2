# tensorboard(): TensorBoard on a model_dir that pyestim trained, read through its HTTP API,
# and stopped. The expectations come from what was trained (a canned estimator writes its
# `loss` scalar into model_dir and its evaluation into model_dir/eval), not from the code.

board_module <- function() reticulate::import("pyestim.board")

trained_log_dir <- function() {
  dir <- tempfile("pyestim-board-")
  model <- linear_regressor(feature_columns = column_numeric("drat", "cyl"), model_dir = dir,
                            config = run_config(save_summary_steps = 2))
  data <- input_fn(mtcars, response = mpg, features = c(drat, cyl))
  train(model, data, steps = 6)
  evaluate(model, data)
  normalizePath(dir)
}

read_url <- function(u) {
  con <- url(u)
  on.exit(close(con))
  paste(suppressWarnings(readLines(con, warn = FALSE)), collapse = "")
}

# TensorBoard's /data/runs and scalar tags once every run of `runs` shows a `loss` tag (it
# loads the event files in the background after it starts answering).
loaded <- function(u, runs, timeout = 90) {
  deadline <- Sys.time() + timeout
  repeat {
    json <- reticulate::import("json")
    found <- unlist(json$loads(read_url(paste0(u, "/data/runs"))))
    tags <- json$loads(read_url(paste0(u, "/data/plugin/scalars/tags")))
    have <- vapply(runs, function(r) r %in% found && "loss" %in% names(tags[[r]]), logical(1))
    if (all(have)) return(list(runs = found, tags = tags))
    if (Sys.time() > deadline) {
      stop("TensorBoard lists runs ", paste(found, collapse = ", "), "; tags of ",
           paste(names(tags), collapse = ", "))
    }
    Sys.sleep(0.5)
  }
}

pid_alive <- function(pid) {
  stat <- sprintf("/proc/%d/stat", as.integer(pid))
  if (file.exists(stat)) {  # a zombie (waiting for another parent) is gone too
    state <- strsplit(sub(".*\\) ", "", readLines(stat, warn = FALSE)[[1]]), " ")[[1]][[1]]
    return(!identical(state, "Z"))
  }
  isTRUE(tools::pskill(as.integer(pid), 0L))
}

gone <- function(pid, timeout = 30) {
  deadline <- Sys.time() + timeout
  while (Sys.time() < deadline) {
    if (!pid_alive(pid)) return(TRUE)
    Sys.sleep(0.25)
  }
  FALSE
}

port_closed <- function(u) {
  inherits(tryCatch(read_url(u), error = function(e) e), "error")
}

test_that("tensorboard() starts on a trained model_dir, restarts on its port and stops", {
  skip_if_no_pyestim()
  dir <- trained_log_dir()
  opened <- character()
  old <- options(browser = function(u) opened <<- c(opened, u))
  on.exit(options(old), add = TRUE)
  on.exit(utils::capture.output(tensorboard(action = "stop")), add = TRUE)
  expect_output(u <- tensorboard(log_dir = dir, launch_browser = TRUE),
                "Started TensorBoard at http://127\\.0\\.0\\.1:[0-9]+")
  expect_match(u, "^http://127\\.0\\.0\\.1:[0-9]+$")
  expect_identical(opened, u)  # launch_browser = TRUE: utils::browseURL(), the browser option
  seen <- loaded(u, c(".", "eval"))
  started <- board_module()$running()
  expect_length(started, 1L)
  expect_identical(started[[1]]$log_dir, dir)
  pid <- started[[1]]$pid

  named <- NULL
  expect_output(again <- tensorboard(log_dir = c(first = dir),
                                     launch_browser = function(url) named <<- url))
  expect_identical(named, again)
  expect_false(identical(again, u))  # another log_dir: another TensorBoard beside the first
  loaded(again, c("first/.", "first/eval"))
  expect_length(board_module()$running(), 2L)

  expect_output(tensorboard(log_dir = dir, action = "stop"), "TensorBoard stopped.")
  expect_true(gone(pid))
  expect_true(port_closed(u))
  rest <- board_module()$running()
  expect_length(rest, 1L)
  expect_output(tensorboard(action = "stop"), "TensorBoard stopped.")
  expect_true(gone(rest[[1]]$pid))
  expect_true(port_closed(again))
  expect_length(board_module()$running(), 0L)
})

test_that("tensorboard() refuses bad input with errors in R's idioms", {
  skip_if_no_pyestim()
  expect_error(tensorboard(), "log_dir is missing: .*tensorboard\\(log_dir = model_dir",
               class = "PyestimValueError")
  expect_error(tensorboard("/no/such/dir"), "log_dir \"/no/such/dir\" does not exist",
               class = "PyestimValueError")
  expect_error(tensorboard(".", port = 0), "port must be \"auto\" or a port number from 1 to 65535, got 0",
               class = "PyestimValueError")
  expect_error(tensorboard(".", port = "6006x"), "got \"6006x\"", class = "PyestimValueError")
  expect_error(tensorboard(".", action = "restart"),
               "action must be \"start\" or \"stop\", got \"restart\".*action = \"stop\"",
               class = "PyestimValueError")
  expect_error(tensorboard(".", launch_browser = "yes"), "launch_browser",
               class = "PyestimTypeError")
  expect_length(board_module()$running(), 0L)
})

test_that("no TensorBoard is left running after the R session that started it ends", {
  skip_if_no_pyestim()
  dir <- trained_log_dir()
  script <- tempfile(fileext = ".R")
  writeLines(c(
    "suppressMessages(library(pyestim))",
    sprintf("tensorboard(log_dir = '%s', launch_browser = FALSE)", dir),
    "b <- reticulate::import('pyestim.board')$running()[[1]]",
    "cat('PID', b$pid, 'URL', b$url, 'OUTPUT', b$output, '\\n')"
  ), script)
  out <- system2(file.path(R.home("bin"), "Rscript"), script, stdout = TRUE, stderr = FALSE)
  line <- grep("^PID ", out, value = TRUE)
  expect_length(line, 1L)
  parts <- strsplit(line, " ")[[1]]
  expect_true(gone(parts[[2]]))
  expect_true(port_closed(parts[[4]]))
  expect_false(file.exists(parts[[6]]))  # TensorBoard's output file is removed too
})
