test_that("run_config() builds a RunConfig from R values", {
  skip_if_no_pyestim()
  dir <- tempfile("pyestim-rc-")
  config <- run_config(model_dir = dir, tf_random_seed = 42, save_checkpoints_steps = 50,
                       keep_checkpoint_max = 2, log_step_count_steps = 10,
                       session_config = session_config(intra_op_parallelism_threads = 2,
                                                       device_count = list(CPU = 1)))
  expect_s3_class(config, "tensorflow_estimator.python.estimator.run_config.RunConfig")
  expect_equal(reticulate::py_to_r(config$model_dir), dir)
  expect_equal(reticulate::py_to_r(config$tf_random_seed), 42L)
  expect_equal(reticulate::py_to_r(config$save_checkpoints_steps), 50L)
  expect_equal(reticulate::py_to_r(config$keep_checkpoint_max), 2L)
  expect_equal(reticulate::py_to_r(config$session_config$intra_op_parallelism_threads), 2L)
  est <- estimator(toy_model_fn, config = config)
  expect_equal(model_dir(est), dir)
  expect_error(run_config(tf_random_seed = 1.5), "whole number")
})

test_that("a seeded run_config() makes training reproducible", {
  skip_if_no_pyestim()
  run <- function() {
    est <- estimator(toy_model_fn, params = list(lr = 0.5),
                     config = run_config(model_dir = tempfile("pyestim-seed-"),
                                         tf_random_seed = 7))
    train(est, toy_train_fn(), steps = 10)$metrics$mean_losses
  }
  expect_identical(run(), run())
})

test_that("session_config() builds a ConfigProto", {
  skip_if_no_pyestim()
  sc <- session_config(inter_op_parallelism_threads = 1, allow_soft_placement = TRUE)
  expect_equal(reticulate::py_to_r(sc$inter_op_parallelism_threads), 1L)
  expect_true(reticulate::py_to_r(sc$allow_soft_placement))
  expect_error(session_config(1), "must be named")
})

test_that("the key sets are the Python classes with their constants", {
  skip_if_no_pyestim()
  expect_equal(mode_keys()$TRAIN, "train")
  expect_equal(mode_keys()$EVAL, "eval")
  expect_equal(mode_keys()$PREDICT, "infer")
  expect_equal(metric_keys()$ACCURACY, "accuracy")
  expect_equal(prediction_keys()$CLASSES, "classes")
  expect_equal(graph_keys()$LOSSES, "losses")
  expect_equal(graph_keys()$GLOBAL_STEP, "global_step")
})

test_that("task_type() gives run configuration's task types, as in tfestimators", {
  skip_if_no_pyestim()
  t <- task_type()
  expect_identical(c(t$MASTER, t$PS, t$WORKER, t$CHIEF, t$EVALUATOR),
                   c("master", "ps", "worker", "chief", "evaluator"))
})

test_that("run_config(steps_per_run = ) trains that many steps per run, as with 1", {
  skip_if_no_pyestim()
  expect_error(run_config(steps_per_run = 0), "steps_per_run")
  expect_error(run_config(steps_per_run = 2.5), "whole number")
  run <- function(k) {
    dir <- tempfile("pyestim-spr-")
    est <- estimator(toy_model_fn, params = list(lr = 0.5),
                     config = run_config(model_dir = dir, tf_random_seed = 7,
                                         steps_per_run = k))
    h <- train(est, toy_train_fn(), steps = 10)
    list(step = h$step, last = tail(h$losses$total_losses, 1),
         global_step = as.integer(variable_value(est, "global_step")$global_step))
  }
  one <- run(1)
  four <- run(4)
  expect_equal(four$global_step, 10L)
  # runs end at steps 4, 8 and 10: recorded are the first run and the run reaching step 10
  expect_equal(four$step, c(4L, 10L))
  expect_identical(four$last, one$last)
})
