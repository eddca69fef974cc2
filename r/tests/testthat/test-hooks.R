test_that("every hook_*() constructor returns a SessionRunHook and converts R numbers", {
  skip_if_no_pyestim()
  is_hook <- function(h) reticulate::import_builtins()$isinstance(h, tf$train$SessionRunHook)
  dir <- tempfile("pyestim-hooks-")
  hooks <- list(
    hook_logging_tensor(list(loss = "loss"), every_n_iter = 10),
    hook_logging_tensor(c("a", "b"), every_n_secs = 0.5),
    hook_checkpoint_saver(dir, save_steps = 10),
    hook_step_counter(every_n_steps = 10),
    hook_stop_at_step(num_steps = 5),
    hook_summary_saver(save_steps = 10, output_dir = dir, summary_op = tf$constant("")),
    hook_nan_tensor("loss"),
    hook_global_step_waiter(wait_until_step = 0),
    hook_history_saver(every_n_step = 2),
    hook_progress_bar(steps = 10, enabled = FALSE),
    session_run_hook()
  )
  for (h in hooks) expect_true(is_hook(h))
  expect_error(hook_logging_tensor(list(loss = "loss")), "exactly one of every_n_iter")
  expect_error(hook_stop_at_step(), "needs num_steps or last_step")
  expect_error(hook_history_saver(every_n_step = 0.5), "whole number")
  expect_error(hook_checkpoint_saver(dir, save_secs = 1, save_steps = 1), "at most one")
  expect_error(hook_summary_saver(save_steps = 10, output_dir = dir),
               "ValueError: hook_summary_saver\\(\\) needs exactly one of summary_op",
               class = "PyestimValueError")
})

test_that("hook_logging_tensor() logs named tensors through an R formatter", {
  skip_if_no_pyestim()
  logged <- character()
  fmt <- function(values) {
    logged <<- c(logged, paste(length(values$classes), "classes"))
    "formatted"
  }
  hook <- hook_logging_tensor(list(classes = "classes"), every_n_iter = 2, formatter = fmt)
  train(toy_estimator(), toy_train_fn(), steps = 4, hooks = hook)
  expect_equal(logged, c("20 classes", "20 classes"))
})

test_that("hook_stop_at_step() and hook_checkpoint_saver() take effect", {
  skip_if_no_pyestim()
  est <- toy_estimator()
  dir <- tempfile("pyestim-ckpt-")
  h <- train(est, toy_train_fn(), hooks = list(hook_stop_at_step(num_steps = 7),
                                              hook_checkpoint_saver(dir, save_steps = 3)))
  # With a checkpoint saver among the hooks the estimator saves no checkpoints of its own.
  expect_match(latest_checkpoint(dir), "model\\.ckpt-7$")
  expect_true(file.exists(file.path(dir, "checkpoint")))
})

test_that("session_run_hook() calls R callbacks through the life cycle", {
  skip_if_no_pyestim()
  events <- character()
  results <- list()
  hook <- session_run_hook(
    begin = function() events <<- c(events, "begin"),
    after_create_session = function(session, coord) {
      events <<- c(events, "after_create_session")
      expect_s3_class(session, "python.builtin.object")
    },
    before_run = function(context) {
      events <<- c(events, "before_run")
      session_run_args(loss = tf$get_collection(tf$GraphKeys$LOSSES)[[1]],
                       step = tf$train$get_global_step())
    },
    after_run = function(context, values) {
      events <<- c(events, "after_run")
      results[[length(results) + 1L]] <<- values$results
    },
    end = function(session) events <<- c(events, "end")
  )
  train(toy_estimator(), toy_train_fn(), steps = 3, hooks = hook)
  expect_equal(events, c("begin", "after_create_session",
                         rep(c("before_run", "after_run"), 3), "end"))
  expect_length(results, 3L)
  expect_named(results[[1]], c("loss", "step"), ignore.order = TRUE)
  expect_true(is.numeric(results[[1]]$loss))
  # (The global step is read in the run that increments it; TensorFlow does not order the
  # two, so a value can be one ahead.)
  steps <- vapply(results, function(r) as.integer(r$step), integer(1))
  expect_true(all(steps >= 0:2 & steps <= 1:3))

  # A before_run returning NULL, and unnamed fetches.
  seen <- list()
  hook2 <- session_run_hook(
    before_run = function(context) session_run_args(tf$train$get_global_step()),
    after_run = function(context, values) seen[[length(seen) + 1L]] <<- values$results)
  silent <- session_run_hook(before_run = function(context) NULL)
  train(toy_estimator(), toy_train_fn(), steps = 2, hooks = list(hook2, silent))
  expect_length(seen, 2L)
  expect_true(as.integer(seen[[2]][[1]]) %in% 1:2)
  expect_error(session_run_args(a = 1, 2), "either named tensors")
})

test_that("hooks fire during evaluate() and predict() too", {
  skip_if_no_pyestim()
  est <- trained_toy()
  n_eval <- 0L
  n_pred <- 0L
  evaluate(est, toy_eval_fn(), steps = 3,
           hooks = session_run_hook(after_run = function(context, values) n_eval <<- n_eval + 1L))
  expect_equal(n_eval, 3L)
  predict(est, toy_eval_fn(labels = FALSE, batch_size = 100L),
          hooks = session_run_hook(after_run = function(context, values) n_pred <<- n_pred + 1L))
  expect_equal(n_pred, 2L)
})
