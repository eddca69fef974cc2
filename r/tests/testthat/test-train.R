test_that("train() returns a tf_estimator_history with the Python History's numbers", {
  skip_if_no_pyestim()
  est <- toy_estimator()
  saver <- hook_history_saver(every_n_step = 5)
  history <- train(est, toy_train_fn(), steps = 20, hooks = saver)
  expect_s3_class(history, "tf_estimator_history")
  py_history <- saver$history
  expect_identical(history$steps, as.integer(unlist(reticulate::py_to_r(py_history$steps))))
  expect_identical(history$steps, c(1L, 5L, 10L, 15L, 20L))
  expect_equal(global_step(est), 20L)
  expect_identical(history$metrics$mean_losses,
                   as.numeric(unlist(reticulate::py_to_r(py_history$mean_losses))))
  expect_identical(history$metrics$total_losses,
                   as.numeric(unlist(reticulate::py_to_r(py_history$total_losses))))
  expect_equal(history$params$steps, tail(history$steps, 1))
})

test_that("train() takes R numbers for counts and continues from the global step", {
  skip_if_no_pyestim()
  est <- toy_estimator()
  h1 <- train(est, toy_train_fn(), steps = 10)       # a double
  expect_equal(global_step(est), 10L)
  expect_identical(h1$steps, c(1L, 10L))               # the call's first and 10th steps
  h2 <- train(est, toy_train_fn(), max_steps = 15)
  expect_equal(global_step(est), 15L)
  expect_identical(h2$steps, c(11L, 15L))  # the call's first and last, as global steps
  h3 <- train(est, toy_train_fn(), max_steps = 15)   # already there: nothing happens
  expect_length(h3$steps, 0L)
  expect_equal(global_step(est), 15L)
  expect_output(print(h3), "no steps recorded")
})

test_that("the default history and progress hooks are Python hooks", {
  skip_if_no_pyestim()
  calls <- 0L
  model_fn <- function(features, labels, mode, params, config) {
    calls <<- calls + 1L
    toy_model_fn(features, labels, mode, params, config)
  }
  est <- toy_estimator(model_fn)
  history <- train(est, toy_train_fn(), steps = 30)
  # R ran once (to build the graph), not once per step.
  expect_equal(calls, 1L)
  expect_identical(history$steps, c(1L, 10L, 20L, 30L))
  expect_equal(global_step(est), 30L)
  bar <- hook_progress_bar()
  expect_s3_class(bar, "pyestim.hooks.ProgressBarHook")
})

test_that("train() reports bad steps with the Python exception's class and message", {
  skip_if_no_pyestim()
  est <- toy_estimator()
  err <- expect_error(train(est, toy_train_fn(), steps = 2.5), class = "pyestim_error")
  expect_s3_class(err, c("pyestim_error", "StepsError"))
  expect_s3_class(err, "ValueError")
  expect_match(conditionMessage(err), "^StepsError: steps must be a whole number, got 2.5")
  expect_equal(err$python_class, "StepsError")
  expect_error(train(est, toy_train_fn(), steps = 5, max_steps = 10),
               "StepsError: Give either steps or max_steps")
  expect_error(train(est, toy_train_fn(), steps = -1), class = "StepsError")
  expect_error(train(est, toy_train_fn(), steps = 1, bogus = 1), "Unknown argument")
  expect_error(train(est, "not a function", steps = 1), class = "InputFnError")
  expect_error(train(est, toy_train_fn(), steps = 1, hooks = "nope"), class = "HookError")
  expect_error(train(list(), toy_train_fn()), "no applicable method")
})

test_that("evaluate() returns a tibble, or a named list with simplify = FALSE", {
  skip_if_no_pyestim()
  est <- trained_toy()
  res <- evaluate(est, toy_eval_fn())
  expect_s3_class(res, "tbl_df")
  expect_equal(nrow(res), 1L)
  expect_named(res, c("accuracy", "loss", "global_step"), ignore.order = TRUE)
  expect_equal(res$global_step, 20L)
  res2 <- evaluate(est, toy_eval_fn(), steps = 2, simplify = FALSE, name = "two")
  expect_type(res2, "list")
  expect_equal(res2$global_step, 20L)
  expect_true(res2$accuracy >= 0 && res2$accuracy <= 1)
  # checkpoint_path and steps as doubles
  ckpt <- latest_checkpoint(model_dir(est))
  res3 <- evaluate(est, toy_eval_fn(), steps = 1, checkpoint_path = ckpt)
  expect_equal(res3$global_step, 20L)
  expect_error(evaluate(est, toy_eval_fn(), steps = 0.5), class = "StepsError")
})

test_that("predict() returns a tibble with a list column for vector predictions", {
  skip_if_no_pyestim()
  est <- trained_toy()
  d <- toy_data(n = 30L, seed = 2L)
  p <- predict(est, toy_eval_fn(d, batch_size = 7L, labels = FALSE))
  expect_s3_class(p, "tbl_df")
  expect_equal(nrow(p), 30L)
  expect_named(p, c("classes", "probabilities"), ignore.order = TRUE)
  expect_type(p$classes, "integer")
  expect_true(all(p$classes %in% c(0L, 1L)))
  expect_type(p$probabilities, "list")
  expect_length(p$probabilities[[1]], 2L)
  expect_equal(sum(p$probabilities[[1]]), 1, tolerance = 1e-6)
  expect_equal(p$classes, vapply(p$probabilities, which.max, integer(1)) - 1L)

  only <- predict(est, toy_eval_fn(d, labels = FALSE), predict_keys = "classes")
  expect_named(only, "classes")

  lst <- predict(est, toy_eval_fn(d, labels = FALSE), simplify = FALSE)
  expect_type(lst, "list")
  expect_length(lst, 30L)
  expect_equal(lst[[1]]$classes, p$classes[[1]])
  expect_equal(as.numeric(lst[[1]]$probabilities), p$probabilities[[1]])

  it <- predict(est, toy_eval_fn(d, labels = FALSE), as_iterable = TRUE)
  expect_s3_class(it, "python.builtin.generator")
  first <- reticulate::iter_next(it)
  expect_equal(first$classes, p$classes[[1]])
  # A partly consumed iterator leaves TensorFlow as it was: eager, usable.
  expect_true(tf$executing_eagerly())
  expect_false(tf$get_default_graph()$finalized)
  expect_equal(as.numeric(tf$multiply(tf$constant(2), 3)$numpy()), 6)
  second <- reticulate::iter_next(it)
  expect_equal(second$classes, p$classes[[2]])

  batches <- predict(est, toy_eval_fn(d, batch_size = 10L, labels = FALSE),
                     yield_single_examples = FALSE)
  expect_equal(nrow(batches), 30L)
  expect_equal(batches$classes, p$classes)
})
