test_that("train_and_evaluate() trains to max_steps and returns the metrics", {
  skip_if_no_pyestim()
  model <- linear_regressor(feature_columns(column_numeric("drat", "cyl")),
                            model_dir = new_model_dir())
  ts <- train_spec(input_fn(mpg ~ drat + cyl, mtcars, num_epochs = NULL, batch_size = 16),
                   max_steps = 5)
  es <- eval_spec(input_fn(mpg ~ drat + cyl, mtcars, batch_size = 32), steps = NULL,
                  start_delay_secs = 0, throttle_secs = 0)
  expect_s3_class(ts, "python.builtin.object")
  res <- train_and_evaluate(model, ts, es)
  expect_s3_class(res, "tbl_df")
  expect_equal(res$global_step, 5L)
  expect_true(is.finite(res$loss))
  expect_equal(global_step(model), 5L)
  # verbose = TRUE (tfestimators' default) kept the training history: steps 1 and 5
  h <- attr(res, "history")
  expect_s3_class(h, "tf_estimator_history")
  expect_identical(h$steps, c(1L, 5L))
  expect_identical(nrow(as.data.frame(h)), 4L)
})

test_that("train_spec() / eval_spec() take tfestimators' verbose and view_metrics", {
  skip_if_no_pyestim()
  fn <- input_fn(mpg ~ drat, mtcars, num_epochs = NULL)
  hook_classes <- function(spec) {
    vapply(reticulate::py_to_r(spec$hooks), function(h) class(h)[[1]], character(1))
  }
  # verbose: a history saver and a progress bar (tfestimators' resolve_train_hooks())
  expect_identical(hook_classes(train_spec(fn, max_steps = 3)),
                   c("pyestim.hooks.HistorySaverHook", "pyestim.hooks.ProgressBarHook"))
  expect_length(reticulate::py_to_r(train_spec(fn, verbose = FALSE)$hooks), 0L)
  expect_identical(hook_classes(eval_spec(fn, steps = 2)), "pyestim.hooks.ProgressBarHook")
  expect_length(reticulate::py_to_r(eval_spec(fn, verbose = FALSE)$hooks), 0L)
  expect_error(train_spec(fn, verbose = "yes"), "verbose must be TRUE/FALSE",
               class = "PyestimTypeError")
  expect_error(eval_spec(fn, verbose = NA), "verbose must be TRUE/FALSE")
  # view_metrics: outside RStudio off, as in tfestimators (no warning); a bad value is named
  expect_silent(train_spec(fn, view_metrics = TRUE))
  expect_error(train_spec(fn, view_metrics = "always"), "view_metrics must be \"auto\"",
               class = "PyestimValueError")
  model <- linear_regressor(feature_columns(column_numeric("drat")),
                            model_dir = new_model_dir())
  res <- train_and_evaluate(model, train_spec(fn, max_steps = 2, verbose = FALSE),
                            eval_spec(input_fn(mpg ~ drat, mtcars), steps = 1,
                                      throttle_secs = 0, verbose = FALSE))
  expect_null(attr(res, "history"))
  expect_equal(res$global_step, 2L)
})

test_that("train_spec() and eval_spec() report bad arguments as pyestim errors", {
  skip_if_no_pyestim()
  fn <- input_fn(mpg ~ drat, mtcars)
  expect_error(train_spec(42), class = "InputFnError")
  expect_error(train_spec(fn, max_steps = 0), class = "StepsError")
  expect_error(eval_spec(fn, steps = 2.5), class = "StepsError")
  expect_error(eval_spec(fn, name = 3), class = "PyestimTypeError")
  expect_error(eval_spec(fn, exporters = list("x")), "Exporter")
  model <- linear_regressor(feature_columns(column_numeric("drat")))
  expect_error(train_and_evaluate(model, "a", eval_spec(fn)), "must come from train_spec")
})

test_that("export_savedmodel() works for a canned estimator without a serving input fn", {
  skip_if_no_pyestim()
  model <- linear_regressor(feature_columns(column_numeric("drat", "cyl")),
                            model_dir = new_model_dir())
  train(model, input_fn(mpg ~ drat + cyl, mtcars), steps = 1)
  path <- export_savedmodel(model, tempfile("export-"))
  expect_true(dir.exists(path))
  expect_true(file.exists(file.path(path, "saved_model.pb")))
})

test_that("keras_model_to_estimator() makes an estimator from a compiled Keras model", {
  skip_if_no_pyestim()
  keras <- reticulate::import("tensorflow", convert = TRUE)$keras
  # The Keras model is built in a graph of its own (TF1 style, as the estimator will use it).
  est <- NULL
  with(tf$Graph()$as_default(), {
    km <- keras$Sequential(list(keras$layers$Dense(1L, input_shape = list(2L))))
    km$compile(optimizer = "sgd", loss = "mse")
    est <- keras_model_to_estimator(km, model_dir = new_model_dir())
  })
  expect_s3_class(est, c("tf_keras_estimator", "tf_estimator"), exact = TRUE)
  fn <- input_fn(mpg ~ drat + wt, mtcars, batch_size = 8, num_epochs = NULL)
  train(est, fn, steps = 3)
  res <- evaluate(est, input_fn(mpg ~ drat + wt, mtcars, batch_size = 32))
  expect_equal(res$global_step, 3L)
  # A Keras estimator's checkpoint is object-based; variables are found by their names too.
  expect_false("global_step" %in% variable_names(est))
  expect_equal(as.integer(variable_value(est, "global_step")$global_step), 3L)
  p <- predict(est, input_fn(mpg ~ drat + wt, mtcars))
  expect_equal(nrow(p), 32L)
  # An R input-function generator receives the estimator as an R object of its class.
  seen <- NULL
  gen <- function(estimator) {
    seen <<- estimator
    function() list(tf$constant(as.matrix(mtcars[, c("drat", "wt")])),
                    tf$constant(mtcars$mpg))
  }
  train(est, gen, steps = 1)
  expect_s3_class(seen, "tf_keras_estimator")
  expect_error(keras_model_to_estimator(), "Either keras_model or keras_model_path")
  with(tf$Graph()$as_default(), {
    km2 <- keras$Sequential(list(keras$layers$Dense(1L, input_shape = list(2L))))
    expect_error(keras_model_to_estimator(km2), "has not been compiled")
  })
})
