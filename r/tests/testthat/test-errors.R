test_that("an R error in model_fn reaches the caller with its own message and class", {
  skip_if_no_pyestim()
  bad <- function(features, labels, mode) stop("boom in model_fn")
  est <- toy_estimator(bad, params = NULL)
  err <- expect_error(train(est, toy_train_fn(), steps = 1), "boom in model_fn")
  expect_false(inherits(err, "pyestim_error"))
  expect_error(evaluate(est, toy_eval_fn()), "boom in model_fn")
  expect_error(predict(est, toy_eval_fn(labels = FALSE)), "boom in model_fn")

  custom <- function(features, labels, mode) {
    stop(structure(class = c("my_model_error", "error", "condition"),
                   list(message = "custom condition from R", call = NULL)))
  }
  err <- expect_error(train(toy_estimator(custom, params = NULL), toy_train_fn(), steps = 1),
                      class = "my_model_error")
  expect_equal(conditionMessage(err), "custom condition from R")
})

test_that("a model_fn that returns something else than estimator_spec() is reported", {
  skip_if_no_pyestim()
  est <- toy_estimator(function(features, labels, mode) "oops", params = NULL)
  expect_error(train(est, toy_train_fn(), steps = 1), class = "ModelFnError")
  expect_error(train(est, toy_train_fn(), steps = 1), "must return estimator_spec")
})

test_that("a Python error raised by TensorFlow inside an R model_fn keeps its class", {
  skip_if_no_pyestim()
  bad_shape <- function(features, labels, mode) {
    tf$reshape(features$x, c(7L, 7L, 7L))
  }
  err <- expect_error(train(toy_estimator(bad_shape, params = NULL), toy_train_fn(), steps = 1),
                      class = "pyestim_error")
  # TensorFlow's ValueError goes back to Python as it was, so pyestim handles it as it would
  # from a Python model function (it may explain it as a mismatch of the input).
  expect_s3_class(err, "ValueError")
  expect_match(conditionMessage(err), "^[A-Za-z]*Error: ")
  expect_match(conditionMessage(err), "reshape|shape")
})

test_that("R errors in input functions reach the caller", {
  skip_if_no_pyestim()
  est <- toy_estimator()
  expect_error(train(est, function() stop("boom in input_fn"), steps = 1), "boom in input_fn")
  expect_error(train(est, function(estimator) stop("boom in generator"), steps = 1),
               "boom in generator")
  nested <- function(estimator) function() stop("boom in inner input_fn")
  expect_error(evaluate(est, nested), "boom in inner input_fn")
})

test_that("R errors in every hook callback reach the caller", {
  skip_if_no_pyestim()
  est <- toy_estimator()
  train(est, toy_train_fn(), steps = 1)
  for (cb in c("begin", "after_create_session", "before_run", "after_run", "end")) {
    args <- list()
    msg <- paste("boom in", cb)
    args[[cb]] <- function(...) stop(msg)
    hook <- do.call(session_run_hook, args)
    expect_error(train(est, toy_train_fn(), steps = 1, hooks = hook), msg, fixed = TRUE)
    expect_error(evaluate(est, toy_eval_fn(), steps = 1, hooks = hook), msg, fixed = TRUE)
  }
  fmt <- function(values) stop("boom in formatter")
  hook <- hook_logging_tensor(list(classes = "classes"), every_n_iter = 1, formatter = fmt)
  expect_error(evaluate(est, toy_eval_fn(), steps = 1, hooks = hook), "boom in formatter")
  bad_return <- session_run_hook(before_run = function(context) 42)
  expect_error(train(est, toy_train_fn(), steps = 1, hooks = bad_return), class = "HookError")
  expect_error(session_run_hook(begin = 1), class = "HookError")
})

test_that("the estimator still works after an error", {
  skip_if_no_pyestim()
  est <- toy_estimator()
  expect_error(train(est, function() stop("first"), steps = 1), "first")
  h <- train(est, toy_train_fn(), steps = 2)
  expect_equal(global_step(est), 2L)
})

test_that("Python errors carry the exception's class names, message and traceback", {
  skip_if_no_pyestim()
  err <- tryCatch(run_config(save_checkpoints_steps = 10, save_checkpoints_secs = 10),
                  error = function(e) e)
  expect_s3_class(err, c("pyestim_error", "PyestimValueError", "PyestimError", "ValueError"))
  expect_match(conditionMessage(err), "^PyestimValueError: Give at most one of")
  expect_s3_class(err$python_exception, "python.builtin.object")
  err2 <- tryCatch(session_config(bogus_option = 1), error = function(e) e)
  expect_match(conditionMessage(err2), 'has no option "bogus_option"')
})

test_that("a Python error names the R call that led to it", {
  skip_if_no_pyestim()
  err <- tryCatch(variable_value(trained_toy(), "no_such_variable"), error = function(e) e)
  expect_s3_class(err, "pyestim_error")
  expect_identical(conditionCall(err)[[1]], as.name("variable_value"))
  err <- tryCatch(column_numeric("a", dtype = "string"), error = function(e) e)
  expect_identical(conditionCall(err)[[1]], as.name("column_numeric"))
})

test_that("pyestim's functions reached through tf give classed errors, other names stay", {
  skip_if_no_pyestim()
  empty <- tempfile("no-mnist-")
  dir.create(empty)
  on.exit(unlink(empty, recursive = TRUE), add = TRUE)
  err <- expect_error(tf$contrib$learn$datasets$mnist$read_data_sets(data_dir = empty),
                      class = "DatasetError")
  expect_s3_class(err, "pyestim_error")
  expect_match(conditionMessage(err), "^DatasetError: MNIST files not found")
  expect_match(conditionMessage(err), empty, fixed = TRUE)
  expect_false(grepl("\n$", conditionMessage(err)))
  expect_identical(deparse(conditionCall(err)[[1]][[3]]), "read_data_sets")

  expect_error(tf$contrib$learn$datasets$load_dataset("cifar"),
               '^DatasetError: Unknown data set name "cifar"', class = "pyestim_error")
  expect_error(tf$estimator$inputs$numpy_input_fn(x = list(a = c(1, 2, 3)), y = c(1, 2)),
               "shuffle must be given explicitly", class = "PyestimValueError")
  expect_error(tf$contrib$learn$datasets[["load_dataset"]]("cifar"), class = "DatasetError")

  # What works still works: a wrapped function returns Python's result...
  fn <- tf$estimator$inputs$numpy_input_fn(x = list(a = c(1, 2, 3)), y = c(1, 0, 1),
                                          shuffle = FALSE, batch_size = 2)
  expect_true(is.function(fn))
  expect_s3_class(tf$estimator$inputs$numpy_input_fn, "pyestim_function")
  # ... and TensorFlow's own names are reticulate's objects, not wrapped.
  expect_false(inherits(tf$contrib$layers$flatten, "pyestim_function"))
  expect_false(inherits(tf$estimator$RunConfig, "pyestim_function"))
  expect_s3_class(tf$estimator$RunConfig(), "python.builtin.object")
})
