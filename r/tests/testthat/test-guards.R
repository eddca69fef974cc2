# Fail fast and lose nothing (issue 11), from R: endless input, a train_op that never
# increments global_step, NA / Inf in features, canned estimators and non-numeric data.

test_that("predict() and evaluate() refuse an input that repeats forever", {
  skip_if_no_pyestim()
  est <- trained_toy()
  d <- toy_data()
  endless <- numpy_input_fn(list(x = d$x), shuffle = FALSE, num_epochs = NULL)
  expect_error(predict(est, endless), class = "EndlessInputError")
  expect_error(predict(est, endless), "as_iterable = TRUE")
  expect_error(evaluate(est, toy_train_fn()), "give steps|Give steps")
  df <- data.frame(a = d$x[, 1], b = d$x[, 2], y = d$y)
  expect_error(predict(est, input_fn(df, c("a", "b"), num_epochs = NULL)),
               class = "EndlessInputError")
})

test_that("a train_op without global_step stops with an error showing the fix", {
  skip_if_no_pyestim()
  no_step <- function(features, labels, mode, params, config) {
    logits <- tf$layers$dense(features$x, units = 2L, name = "logits")
    loss <- tf$losses$sparse_softmax_cross_entropy(labels = labels, logits = logits)
    train_op <- tf$train$GradientDescentOptimizer(0.1)$minimize(loss)
    estimator_spec(mode, loss = loss, train_op = train_op)
  }
  est <- toy_estimator(no_step, params = NULL)
  err <- expect_error(train(est, toy_train_fn(), steps = 5), class = "GlobalStepError")
  expect_match(conditionMessage(err), "global_step stayed at 0", fixed = TRUE)
  expect_match(conditionMessage(err), "global_step = tf$train$get_global_step()",
               fixed = TRUE)
})

test_that("NA, NaN and Inf in features are refused, naming the column, row and count", {
  skip_if_no_pyestim()
  df <- data.frame(a = c(1, 2, 3, 4), b = c(0.5, NA, Inf, 1), y = c(0L, 1L, 0L, 1L))
  err <- expect_error(input_fn(df, c("a", "b"), "y"), class = "NonFiniteInputError")
  expect_match(conditionMessage(err), '"b" holds 2 non-finite value(s)', fixed = TRUE)
  expect_match(conditionMessage(err), "first in row 2 ", fixed = TRUE)
  expect_error(input_fn(y ~ a + b, df), class = "NonFiniteInputError")
  x <- toy_data()$x
  x[5, 3] <- NA
  expect_error(numpy_input_fn(list(x = x), shuffle = FALSE), "first in row 5 ")
  expect_error(numpy_input_fn(list(x = x), shuffle = FALSE, allow_nonfinite = TRUE), NA)
  expect_error(input_fn(df, c("a", "b"), "y", allow_nonfinite = TRUE), NA)
  # predict() gives no answer for a row with NA
  expect_error(predict(trained_toy(), numpy_input_fn(list(x = x), shuffle = FALSE)),
               class = "NonFiniteInputError")
})

test_that("canned estimators refuse text given to column_numeric() and missing columns", {
  skip_if_no_pyestim()
  df <- data.frame(a = rep(c("u", "v"), 5), b = as.numeric(1:10), y = rep(0:1, 5),
                   stringsAsFactors = FALSE)
  est <- linear_classifier(feature_columns(column_numeric("a")), model_dir = new_model_dir())
  err <- expect_error(train(est, input_fn(df, "a", "y"), steps = 1), class = "InputDataError")
  expect_match(conditionMessage(err), '"a" holds text values', fixed = TRUE)
  expect_error(train(est, input_fn(df, "b", "y"), steps = 1), "which the input does not have")
})
