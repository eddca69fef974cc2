# One measurement of an R contender, in an R process of its own (started by run.py):
#
#   Rscript benchmarks/worker.R JOB RESULT.json STEPS WARMUP EVAL_N TMPDIR
#
# JOB is cnn_r (training throughput) or api_r (fixed costs, evaluate / predict throughput).
# The model function is seed 000's, in R (the package's inst/models.R), run with
# library(pyestim). The data and the timers come from benchlib.py (the same arrays and the
# same clock as the Python contenders), through reticulate; all timed calls are pyestim's R
# functions.

t_main <- as.numeric(Sys.time())
args <- commandArgs(trailingOnly = TRUE)
job <- args[[1]]
out <- args[[2]]
steps <- as.integer(args[[3]])
warmup <- as.integer(args[[4]])
eval_n <- as.integer(args[[5]])
tmp <- args[[6]]
bench_dir <- local({
  file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  dirname(normalizePath(sub("^--file=", "", file_arg[[1]])))
})
spawn_t0 <- as.numeric(Sys.getenv("BENCH_T0", "NaN"))

info <- list(job = job, pid = Sys.getpid(), spawn_to_main_s = t_main - spawn_t0,
             r = paste(R.version$major, R.version$minor, sep = "."))

json_string <- function(x) {
  x <- gsub("\\\\", "\\\\\\\\", x)
  x <- gsub("\"", "\\\\\"", x)
  x <- gsub("\n", "\\\\n", x)
  x <- gsub("[[:cntrl:]]", " ", x)
  paste0("\"", x, "\"")
}

# Written without Python, so that a failure to load pyestim is reported too.
write_error <- function(message) {
  fields <- c(sprintf("\"ok\": false, \"error\": %s", json_string(message)),
              sprintf("\"info\": {\"job\": %s}", json_string(job)))
  writeLines(paste0("{", paste(fields, collapse = ", "), "}"), out)
}

# ---------------------------------------------------------------------------- the jobs

# The tutorial's input functions: a function of one argument returning
# tf$estimator$inputs$numpy_input_fn(...) (pyestim's numpy_input_fn).
make_input_fn <- function(x, y, batch_size, num_epochs, shuffle) {
  force(x); force(y)
  function(features_as_named_list) {
    tf$estimator$inputs$numpy_input_fn(
      x = list(x = x), y = y, batch_size = batch_size, num_epochs = num_epochs,
      shuffle = shuffle)
  }
}

job_cnn_r <- function(bl, data) {
  train_data <- reticulate::py_get_item(data, 0L)
  train_labels <- reticulate::py_get_item(data, 1L)
  mnist_classifier <- estimator(model_fn = cnn_model_fn, model_dir = file.path(tmp, "model"))
  train_input_fn <- make_input_fn(train_data, train_labels, 100L, NULL, TRUE)
  timer <- bl$step_timer()
  timer$start()
  train(mnist_classifier, input_fn = train_input_fn, steps = steps, hooks = list(timer))
  timer$stop()
  timer$summary(warmup)
}

job_api_r <- function(bl, data) {
  py <- reticulate::import_builtins(convert = FALSE)
  train_data <- reticulate::py_get_item(data, 0L)
  train_labels <- reticulate::py_get_item(data, 1L)
  test_data <- reticulate::py_get_item(data, 2L)
  test_labels <- reticulate::py_get_item(data, 3L)
  first100 <- py$slice(0L, 100L)
  test_data_100 <- reticulate::py_get_item(test_data, first100)
  test_labels_100 <- reticulate::py_get_item(test_labels, first100)
  n <- reticulate::py_to_r(py$len(test_data))
  last <- n - 128L * ((n - 1L) %/% 128L)
  mnist_classifier <- estimator(model_fn = cnn_model_fn, model_dir = file.path(tmp, "model"))
  out <- list()
  timed <- function(name, expr) {
    t <- Sys.time()
    force(expr)
    out[[name]] <<- as.numeric(Sys.time()) - as.numeric(t)
  }
  train_input_fn <- make_input_fn(train_data, train_labels, 100L, NULL, TRUE)
  timed("train_1_first_s", train(mnist_classifier, input_fn = train_input_fn, steps = 1))
  timed("train_1_again_s", train(mnist_classifier, input_fn = train_input_fn, steps = 1))
  fn <- make_input_fn(test_data_100, test_labels_100, 128L, 1L, FALSE)
  timed("evaluate_100_s", evaluate(mnist_classifier, input_fn = fn))
  fn <- make_input_fn(test_data_100, NULL, 128L, 1L, FALSE)
  timed("predict_100_s", predict(mnist_classifier, input_fn = fn))

  timer <- bl$step_timer()
  fn <- make_input_fn(test_data, test_labels, 128L, 1L, FALSE)
  timer$start()
  evaluate(mnist_classifier, input_fn = fn, hooks = list(timer))
  timer$stop()
  s <- reticulate::py_to_r(timer$summary(1L, batch = 128L, last_batch = last))
  out$evaluate_n_s <- s$call_s
  out$evaluate_examples_per_s <- n / s$call_s
  out$evaluate_steady_examples_per_s <- s$examples_per_s
  fn <- make_input_fn(test_data, NULL, 128L, 1L, FALSE)
  timer$start()
  predictions <- predict(mnist_classifier, input_fn = fn, hooks = list(timer))
  timer$stop()
  s <- reticulate::py_to_r(timer$summary(1L, batch = 128L, last_batch = last))
  out$predict_n_s <- s$call_s
  out$predict_examples_per_s <- n / s$call_s
  out$predict_steady_examples_per_s <- s$examples_per_s
  out$predict_rows <- NROW(predictions)
  out$eval_n <- n
  out
}

jobs <- list(cnn_r = job_cnn_r, api_r = job_api_r)

status <- tryCatch({
  if (!job %in% names(jobs)) stop("unknown R job ", job)
  t <- Sys.time()
  suppressPackageStartupMessages(library(pyestim))
  info$library_s <- as.numeric(Sys.time()) - as.numeric(t)
  # Seed 000's cnn_model_fn (and the other seed networks): the package's one copy.
  source(system.file("models.R", package = "pyestim", mustWork = TRUE))
  # The warm-up import: pyestim's Python side (and TensorFlow) load on first use.
  t <- Sys.time()
  invisible(tf$reshape)
  info$import_s <- as.numeric(Sys.time()) - as.numeric(t)
  info$spawn_to_imported_s <- as.numeric(Sys.time()) - spawn_t0
  info$pyestim_r <- as.character(utils::packageVersion("pyestim"))
  info$reticulate <- as.character(utils::packageVersion("reticulate"))
  bl <- reticulate::import_from_path("benchlib", path = bench_dir, convert = FALSE)
  t <- Sys.time()
  data <- bl$load_mnist(55000L, eval_n)
  info$data_s <- as.numeric(Sys.time()) - as.numeric(t)
  metrics <- jobs[[job]](bl, data)
  bl$write_result(out, metrics, info)
  0L
}, error = function(e) {
  message("worker.R: ", conditionMessage(e))
  write_error(conditionMessage(e))
  1L
})
quit(save = "no", status = status)
