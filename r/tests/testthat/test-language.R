# Errors speak the caller's language (issue 11, point 6): from R, pyestim's messages name code
# as R writes it (tf$cast, steps = 10, TRUE, NULL), with the same error classes as from Python
# (tests/test_language.py has the Python side).

# Python idioms that must not reach an R caller.
python_idioms <- "tf\\.[a-z]|\\bTrue\\b|\\bFalse\\b|\\bNone\\b|[a-z_]=[a-z0-9'\"{\\[]|\\{'|pd\\.Categorical"

expect_r_message <- function(expr, class, r_text) {
  err <- expect_error(expr, class = class)
  msg <- conditionMessage(err)
  expect_match(msg, r_text, fixed = TRUE)
  expect_false(grepl(python_idioms, msg, perl = TRUE),
               info = paste("Python idiom in:", msg))
  invisible(msg)
}

current_language <- function() {
  reticulate::py_to_r(pyestim:::bridge()$language$language())
}

test_that("estimator_spec() errors name R code", {
  skip_if_no_pyestim()
  expect_r_message(estimator_spec(mode = "train", loss = 1), "EstimatorSpecError",
                   "optimizer$minimize(loss, global_step = tf$train$get_global_step())")
  expect_r_message(estimator_spec(mode = "eval"), "EstimatorSpecError",
                   'estimator_spec(mode = "eval") needs loss: compute the loss in the model function and pass loss = loss.')
  expect_r_message(estimator_spec(mode = "infer"), "EstimatorSpecError",
                   "e.g. list(classes = ..., probabilities = ...).")
  expect_r_message(estimator_spec(mode = "eval", loss = 1, eval_metric_ops = "accuracy"),
                   "EstimatorSpecError",
                   "list(accuracy = tf$metrics$accuracy(labels, predictions))")
  # the language is R's only for the call: Python's again afterwards
  expect_identical(current_language(), "python")
})

test_that("a model function's errors, raised while training, name R code", {
  skip_if_no_pyestim()
  oops <- function(features, labels, mode, params, config) "oops"
  expect_r_message(train(toy_estimator(oops, params = NULL), toy_train_fn(), steps = 1),
                   "ModelFnError", "return(estimator_spec(mode = mode, ...))")
  # Python -> R -> Python: estimator_spec() called by an R model_fn that pyestim called
  no_train_op <- function(features, labels, mode, params, config) {
    logits <- tf$layers$dense(features$x, units = 2L, name = "logits")
    loss <- tf$losses$sparse_softmax_cross_entropy(labels = labels, logits = logits)
    estimator_spec(mode = mode, loss = loss)
  }
  expect_r_message(train(toy_estimator(no_train_op, params = NULL), toy_train_fn(), steps = 1),
                   "EstimatorSpecError", "global_step = tf$train$get_global_step()")
  # raised by a training hook (GlobalStepGuard), after several steps
  no_step <- function(features, labels, mode, params, config) {
    logits <- tf$layers$dense(features$x, units = 2L, name = "logits")
    loss <- tf$losses$sparse_softmax_cross_entropy(labels = labels, logits = logits)
    train_op <- tf$train$GradientDescentOptimizer(0.1)$minimize(loss)
    estimator_spec(mode, loss = loss, train_op = train_op)
  }
  expect_r_message(train(toy_estimator(no_step, params = NULL), toy_train_fn(), steps = 5),
                   "GlobalStepError",
                   "Pass the global step to the optimizer: optimizer$minimize(loss, global_step = tf$train$get_global_step()).")
  expect_identical(current_language(), "python")
})

test_that("input errors name R code", {
  skip_if_no_pyestim()
  d <- toy_data()
  msg <- expect_r_message(numpy_input_fn(list(x = d$x), d$y), "PyestimValueError",
                          "shuffle must be given explicitly as TRUE/FALSE")
  expect_match(msg, "set it to TRUE for training and FALSE for evaluation. Got NULL.",
               fixed = TRUE)
  endless <- numpy_input_fn(list(x = d$x), shuffle = FALSE, num_epochs = NULL)
  msg <- expect_r_message(predict(trained_toy(), endless), "EndlessInputError",
                          "(num_epochs = NULL)")
  expect_match(msg, "with as_iterable = TRUE and stop", fixed = TRUE)
  x <- d$x
  x[5, 3] <- NA
  msg <- expect_r_message(numpy_input_fn(list(x = x), shuffle = FALSE), "NonFiniteInputError",
                          "(NA / NaN or infinite)")
  expect_match(msg, "pass allow_nonfinite = TRUE to the input function", fixed = TRUE)
  df <- data.frame(a = c(1, 2), y = c("u", "v"), stringsAsFactors = FALSE)
  expect_r_message(input_fn(df, "a", "y", shuffle = "yes"), "PyestimValueError",
                   'shuffle must be TRUE, FALSE or "auto"')
})

test_that("predictions R iterates later still speak R", {
  skip_if_no_pyestim()
  # predict(as_iterable = TRUE) returns a Python generator that R resumes with iter_next(),
  # outside the call that made it
  it <- predict(trained_toy(), toy_eval_fn(labels = FALSE), predict_keys = "nope",
                as_iterable = TRUE)
  err <- expect_error(reticulate::iter_next(it))
  expect_match(conditionMessage(err), "or predict_keys = NULL for all", fixed = TRUE)
  expect_identical(current_language(), "python")
})

test_that("configuration, canned estimator and export errors name R code", {
  skip_if_no_pyestim()
  expect_r_message(session_config(device_count = 3), "PyestimTypeError", "e.g. list(CPU = 2)")
  expect_r_message(session_config(allow_soft_placement = "yes"), "PyestimTypeError",
                   "session_config(allow_soft_placement=) must be TRUE/FALSE")
  cols <- feature_columns(column_numeric("a"))
  expect_r_message(dnn_regressor(list(), cols), "PyestimValueError", "e.g. c(10, 20, 10)")
  expect_r_message(dnn_regressor(c(3), cols, dropout = "x"), "PyestimTypeError",
                   "a probability or NULL")
  expect_r_message(dnn_classifier(c(3), cols, n_classes = 3, label_vocabulary = c("x", "y")),
                   "PyestimValueError", "(and n_classes = length(label_vocabulary))")
  expect_r_message(tf$contrib$layers$optimize_loss(1, NULL, 0.1, "SGD",
                                                   gradient_noise_scale = 1),
                   "PyestimValueError", "leave it NULL.")
  base <- tempfile("export")
  dir.create(base)
  expect_r_message(export_savedmodel(trained_toy(), base, function() NULL, overwrite = FALSE,
                                     versioned = FALSE),
                   "PyestimValueError",
                   "already exists and overwrite = FALSE: pass overwrite = TRUE to replace it")
  expect_identical(current_language(), "python")
})

test_that("values repeated back in errors are written as R writes them", {
  skip_if_no_pyestim()
  df <- data.frame(a = c(1, 2), y = c("u", "v"), stringsAsFactors = FALSE)
  expect_r_message(input_fn(df, "a", "y", shuffle = "yes"), "PyestimValueError",
                   'got "yes".')
  expect_r_message(column_bucketized(column_numeric("a"), c(1, 3, 2)), "PyestimValueError",
                   paste("got 3 before 2 (position 2 and 3) in c(1, 3, 2). Sort them and drop",
                         "duplicates, e.g. sort(unique(boundaries))."))
  expect_r_message(dnn_regressor(c(3), feature_columns(column_numeric("a")),
                                 dropout = list(p = 0.5)),
                   "PyestimTypeError", "got list(p = 0.5).")
  expect_r_message(run_config(save_checkpoints_steps = NaN), "PyestimValueError", "got NaN.")
  # (a whole R number reaches Python as an integer: max_steps = 1e6 is shown as 1000000)
  expect_r_message(train(toy_estimator(), toy_train_fn(), steps = 2.5, max_steps = 20),
                   "StepsError", "(got steps = 2.5, max_steps = 20)")
  msg <- expect_r_message(estimator_spec(mode = "bogus"), "EstimatorSpecError",
                          'Unknown mode "bogus"')
  expect_false(grepl("'bogus'", msg, fixed = TRUE))
})
