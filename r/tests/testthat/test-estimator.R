test_that("estimator() returns a tf_custom_estimator wrapping the Python estimator", {
  skip_if_no_pyestim()
  dir <- tempfile("pyestim-est-")
  est <- estimator(toy_model_fn, model_dir = dir)
  expect_s3_class(est, c("tf_custom_estimator", "tf_estimator"), exact = TRUE)
  expect_s3_class(est$estimator, "pyestim.estimators.Estimator")
  expect_equal(model_dir(est), dir)
  expect_output(print(est), "custom estimator")
  expect_identical(reticulate::r_to_py(est), est$estimator)
})

test_that("Python sees the R model function's formals and passes arguments by name", {
  skip_if_no_pyestim()
  seen <- new.env()
  # Formals in an unusual order and a subset: pyestim matches them by name.
  model_fn <- function(mode, features, labels) {
    seen$mode <- c(seen$mode, mode)
    seen$features <- features
    toy_model_fn(features, labels, mode, params = NULL, config = NULL)
  }
  inspect <- import("inspect")
  py_fn <- pyestim:::as_py_function(model_fn, "model_fn")
  params <- reticulate::import_builtins()$list(inspect$signature(py_fn)$parameters$keys())
  expect_equal(unlist(params), c("mode", "features", "labels"))
  est <- toy_estimator(model_fn, params = NULL)
  train(est, toy_train_fn(), steps = 2)
  expect_equal(seen$mode, "train")
  expect_true(is.list(seen$features))
  expect_named(seen$features, "x")
  expect_s3_class(seen$features$x, "tensorflow.python.framework.tensor.Tensor")
})

test_that("params and config reach the model function", {
  skip_if_no_pyestim()
  seen <- new.env()
  model_fn <- function(features, labels, mode, params, config) {
    seen$params <- params
    seen$config <- config
    toy_model_fn(features, labels, mode, params, config)
  }
  est <- estimator(model_fn, params = list(lr = 0.25, units = 3L),
                   config = run_config(model_dir = tempfile("pyestim-cfg-"), tf_random_seed = 3))
  train(est, toy_train_fn(), steps = 1)
  expect_equal(seen$params, list(lr = 0.25, units = 3L))
  expect_equal(seen$config$tf_random_seed, 3L)
})

test_that("a model function with ... gets every argument", {
  skip_if_no_pyestim()
  seen <- new.env()
  model_fn <- function(features, ...) {
    seen$args <- names(list(...))
    args <- list(...)
    toy_model_fn(features, args$labels, args$mode, args$params, args$config)
  }
  train(toy_estimator(model_fn), toy_train_fn(), steps = 1)
  expect_setequal(seen$args, c("labels", "mode", "params", "config"))
})

test_that("estimator_spec() returns an EstimatorSpec and checks its arguments in Python", {
  skip_if_no_pyestim()
  expect_error(estimator_spec(mode = "bogus"), class = "EstimatorSpecError")
  expect_error(estimator_spec(mode = "bogus"), 'EstimatorSpecError: Unknown mode "bogus"')
  expect_error(estimator_spec(mode = "train"), "needs loss")
  expect_error(estimator_spec("infer", predictions = 1, bogus = 2), "unexpected argument")
  g <- tf$Graph()
  with(g$as_default(), {
    spec <- estimator_spec(mode = "infer", predictions = list(y = tf$constant(1)))
    expect_s3_class(spec, "tensorflow_estimator.python.estimator.model_fn.EstimatorSpec")
  })
})

test_that("estimator() reports a model function it cannot use", {
  skip_if_no_pyestim()
  expect_error(estimator(function(x) NULL), class = "ModelFnError")
  expect_error(estimator(function(x) NULL), 'model_fn has argument\\(s\\) c\\("x"\\)')
  expect_error(estimator("not a function"), class = "ModelFnError")
  expect_error(estimator(function(features, labels, mode) NULL, params = list(a = 1)),
               "no 'params' argument")
})

test_that("variable_names(), variable_value() and latest_checkpoint() read the checkpoint", {
  skip_if_no_pyestim()
  est <- trained_toy()
  names <- variable_names(est)
  expect_true(all(c("global_step", "logits/kernel", "logits/bias") %in% names))
  kernel <- variable_value(est, "logits/kernel")
  expect_identical(names(kernel), "logits/kernel")  # a named list, also for one variable
  expect_equal(dim(kernel[["logits/kernel"]]), c(4L, 2L))
  expect_identical(variable_value(est, "global_step"), list(global_step = 20))
  two <- variable_value(est, c("global_step", "logits/bias"))
  expect_identical(names(two), c("global_step", "logits/bias"))
  all_values <- variable_value(est)
  expect_setequal(names(all_values), names)
  expect_equal(all_values[["logits/kernel"]], kernel[["logits/kernel"]])
  expect_error(variable_value(est, "nope"), "Error: Variable not found: nope\\.",
               class = "PyestimValueError")
  expect_error(variable_value(est, c("global_step", "foo")), "Error: Variable not found: foo\\.")
  ckpt <- latest_checkpoint(model_dir(est))
  expect_match(ckpt, "model\\.ckpt-20$")
  expect_null(latest_checkpoint(tempdir()))
  # tfestimators' `...`: TensorFlow's latest_filename, another state file
  other <- tempfile("state")
  dir.create(other)
  writeLines(sprintf('model_checkpoint_path: "%s"', ckpt), file.path(other, "my_state"))
  expect_identical(latest_checkpoint(other, latest_filename = "my_state"), ckpt)
  expect_identical(latest_checkpoint(other, "my_state"), ckpt)
  expect_null(latest_checkpoint(other))
  expect_error(latest_checkpoint(other, name = "x"), "unknown argument\\(s\\) in `...`: name")
  # model_dir() is tfestimators' S3 generic (object, ...)
  expect_identical(model_dir(est), getS3method("model_dir", "tf_estimator")(est))
  expect_error(model_dir(est, "extra"), "Unknown argument\\(s\\): <unnamed>")
  expect_error(model_dir("not an estimator"), "no applicable method")
})

toy_receiver <- function() {
  x <- tf$placeholder(tf$float64, shape(NULL, 4L), name = "x")
  tf$estimator$export$ServingInputReceiver(list(x = x), list(x = x))
}

test_that("export_savedmodel() writes a SavedModel", {
  skip_if_no_pyestim()
  est <- trained_toy()
  receiver <- toy_receiver
  base <- tempfile("pyestim-export-")
  path <- export_savedmodel(est, base, serving_input_receiver_fn = receiver)
  expect_true(file.exists(file.path(path, "saved_model.pb")))
  expect_error(export_savedmodel(est, base), "serving_input_receiver_fn")
})

test_that("export_savedmodel() takes tfestimators' overwrite = TRUE, versioned = !overwrite", {
  skip_if_no_pyestim()
  est <- trained_toy()
  receiver <- toy_receiver
  base <- tempfile("pyestim-export-")
  dir.create(base)
  writeLines("old", file.path(base, "stale.txt"))
  # the defaults: the SavedModel is export_dir_base itself, replacing what was there
  path <- export_savedmodel(est, base, serving_input_receiver_fn = receiver)
  expect_identical(normalizePath(path), normalizePath(base))
  expect_setequal(list.files(base), c("saved_model.pb", "variables"))
  # overwrite = FALSE: versioned, a timestamped folder under base, base kept
  writeLines("keep", file.path(base, "keep.txt"))
  versioned <- export_savedmodel(est, base, receiver, overwrite = FALSE)
  expect_identical(normalizePath(dirname(versioned)), normalizePath(base))
  expect_match(basename(versioned), "^[0-9]+$")
  expect_true(file.exists(file.path(base, "keep.txt")))
  expect_error(export_savedmodel(est, base, receiver, overwrite = FALSE, versioned = FALSE),
               "already exists", class = "PyestimValueError")
  expect_error(export_savedmodel(est, base, receiver, overwrite = NA, versioned = TRUE),
               "overwrite", class = "PyestimTypeError")
})

test_that("get_variable_names() and get_variable_value(), tfestimators' earlier names", {
  skip_if_no_pyestim()
  est <- trained_toy()
  expect_setequal(get_variable_names(est), variable_names(est))
  expect_true(all(c("global_step", "logits/kernel", "logits/bias") %in% get_variable_names(est)))
  expect_identical(get_variable_value(est, "global_step"), list(global_step = 20))
  expect_equal(dim(get_variable_value(est, "logits/kernel")[["logits/kernel"]]), c(4L, 2L))
  expect_setequal(names(get_variable_value(est)), variable_names(est))
  expect_gt(length(get_variable_value(est)), 0)  # as tfestimators' test-tf-models.R checks
  expect_error(get_variable_value(est, "nope"), "Variable not found: nope",
               class = "PyestimValueError")
  untrained <- estimator(toy_model_fn, model_dir = tempfile("pyestim-untrained-"))
  expect_error(get_variable_names(untrained),
               "Error: 'get_variable_names\\(\\)' must be called on a trained model",
               class = "NotTrainedError")
  expect_error(get_variable_value(untrained),
               "Error: 'get_variable_value\\(\\)' must be called on a trained model",
               class = "NotTrainedError")
})

test_that("variable_names() and variable_value() need a trained model", {
  skip_if_no_pyestim()
  est <- estimator(toy_model_fn, model_dir = tempfile("pyestim-untrained-"))
  expect_error(variable_names(est), "Error: 'variable_names\\(\\)' must be called on a trained model",
               class = "NotTrainedError")
  expect_error(variable_value(est, "global_step"),
               "Error: 'variable_value\\(\\)' must be called on a trained model",
               class = "NotTrainedError")
})
