# tfestimators code runs unchanged (issue 15): tidyselect helpers, input_fn()'s S3 methods
# and unquoted names, feature_columns()' formula syntax and scopes, the long history, and
# standard output left to the user.

# The keys of feature columns (a list of Python columns).
column_keys <- function(cols) {
  vapply(cols, function(col) reticulate::py_to_r(col$key), character(1))
}

test_that("tidyselect's helpers are exported, as tfestimators re-exports them", {
  helpers <- c("one_of", "starts_with", "ends_with", "contains", "matches", "num_range",
               "everything", "last_col")
  exports <- getNamespaceExports("pyestim")
  expect_true(all(helpers %in% exports))
  for (h in helpers) {
    expect_identical(getExportedValue("pyestim", h), getExportedValue("tidyselect", h),
                     info = h)
  }
  expect_true("tidyselect" %in% names(utils::packageDescription("pyestim")$Imports) ||
                grepl("tidyselect", utils::packageDescription("pyestim")$Imports))
})

test_that("input_fn() is tfestimators' generic: input_fn(object, ...) and its methods", {
  expect_identical(names(formals(input_fn)), c("object", "..."))
  expect_identical(names(formals(pyestim:::input_fn.default)), c("object", "..."))
  expect_identical(names(formals(pyestim:::input_fn.formula)), c("object", "data", "..."))
  expect_identical(names(formals(pyestim:::input_fn.matrix)), c("object", "..."))
  frame_formals <- formals(pyestim:::input_fn.data.frame)
  expect_identical(names(frame_formals),
                   c("object", "features", "response", "batch_size", "shuffle",
                     "num_epochs", "queue_capacity", "num_threads", "allow_nonfinite",
                     "epochs", "..."))
  expect_identical(frame_formals$batch_size, 128)
  expect_identical(frame_formals$shuffle, "auto")
  expect_identical(formals(pyestim:::input_fn.list), frame_formals)
})

test_that("input_fn() takes object =, unquoted names and tidyselect helpers", {
  skip_if_no_pyestim()
  # A linear regressor trained 3 unshuffled steps: the same weights whatever way the columns
  # were named.
  weights <- drat_cyl_weights
  cars <- mtcars[, c("mpg", "drat", "cyl")]
  quoted <- weights(input_fn(cars, features = c("drat", "cyl"), response = "mpg",
                             batch_size = 8, shuffle = FALSE))
  expect_length(quoted, 3L)
  expect_identical(weights(input_fn(cars, response = mpg, features = c(drat, cyl),
                                    batch_size = 8, shuffle = FALSE)), quoted)
  expect_identical(weights(input_fn(object = mtcars, response = mpg,
                                    features = one_of(c("drat", "cyl")),
                                    batch_size = 8, shuffle = FALSE)), quoted)
  expect_identical(weights(input_fn(object = as.list(cars), features = c("drat", "cyl"),
                                    response = "mpg", batch_size = 8, shuffle = FALSE)),
                   quoted)
  expect_identical(weights(input_fn(object = as.matrix(cars), features = c(drat, cyl),
                                    response = mpg, batch_size = 8, shuffle = FALSE)),
                   quoted)
  expect_identical(weights(input_fn(object = mpg ~ drat + cyl, data = cars, batch_size = 8,
                                    shuffle = FALSE)), quoted)
  expect_identical(weights(input_fn(cars, features = -mpg, response = mpg, batch_size = 8,
                                    shuffle = FALSE)), quoted)
  # tfestimators' list example: the features are sequences, one per example.
  seqs <- list(features = list(c(1, 2), c(3, 4), c(5, 6)), response = c(0, 1, 0))
  fn <- input_fn(object = seqs, features = "features", response = "response")
  expect_s3_class(fn, "pyestim_function")
  expect_error(input_fn(cars, features = starts_with("nope"), response = mpg),
               class = "pyestim_error")
})

test_that("a custom estimator trains from input_fn(object = iris, ...)", {
  skip_if_no_pyestim()
  model_fn <- function(features, labels, mode, params, config) {
    logits <- tf$layers$dense(features, units = 3L)
    loss <- tf$losses$sparse_softmax_cross_entropy(labels = labels, logits = logits)
    train_op <- tf$train$GradientDescentOptimizer(0.1)$minimize(
      loss, global_step = tf$train$get_global_step())
    estimator_spec(mode, loss = loss, train_op = train_op)
  }
  est <- estimator(model_fn, model_dir = new_model_dir())
  train(est, input_fn(object = iris, features = starts_with("Petal"), response = Species,
                      batch_size = 30), steps = 2)
  expect_equal(global_step(est), 2L)
})

test_that("feature_columns() takes tfestimators' formulas: selection ~ constructor()", {
  skip_if_no_pyestim()
  cols <- feature_columns(starts_with("Sepal") ~ column_numeric(), names = iris)
  expect_identical(column_keys(cols), c("Sepal.Length", "Sepal.Width"))
  expect_identical(column_keys(cols), column_keys(feature_columns(
    column_numeric("Sepal.Length", "Sepal.Width"))))
  shaped <- feature_columns(c(Petal.Length, Petal.Width) ~ column_numeric(shape = 2L),
                            names = iris)
  expect_identical(column_keys(shaped), c("Petal.Length", "Petal.Width"))
  expect_equal(reticulate::py_to_r(shaped[[1]]$shape), list(2L))
  mixed <- feature_columns(column_numeric("Species"), ends_with("Width") ~ column_numeric(),
                           names = iris)
  expect_identical(column_keys(mixed), c("Species", "Sepal.Width", "Petal.Width"))
  expect_error(feature_columns(starts_with("Sepal") ~ "x", names = iris),
               "must be a call of a column constructor")
})

test_that("set_columns(), with_columns() and scoped_columns() give the selection names", {
  skip_if_no_pyestim()
  expect_identical(names(formals(set_columns)), "columns")
  expect_identical(names(formals(with_columns)), c("columns", "expr"))
  expect_identical(names(formals(scoped_columns)), "columns")
  sepal <- c("Sepal.Length", "Sepal.Width")
  cols <- with_columns(iris, feature_columns(starts_with("Sepal") ~ column_numeric()))
  expect_identical(column_keys(cols), sepal)
  cols2 <- with_columns(names(iris), column_numeric(starts_with("Sepal")))
  expect_identical(column_keys(cols2), sepal)
  # outside the scope, no names: the selection fails
  expect_error(feature_columns(starts_with("Sepal") ~ column_numeric()))
  f <- function() {
    scoped_columns(iris)
    feature_columns(starts_with("Petal") ~ column_numeric())
  }
  expect_identical(column_keys(f()), c("Petal.Length", "Petal.Width"))
  expect_error(feature_columns(starts_with("Petal") ~ column_numeric()))
  old <- set_columns(mtcars)
  on.exit(set_columns(old), add = TRUE)
  expect_null(old)
  expect_identical(column_keys(feature_columns(starts_with("d") ~ column_numeric())),
                   c("disp", "drat"))
  expect_identical(set_columns(NULL), names(mtcars))
})

test_that("as.data.frame(history) is long (step, metric, value) and print() says the steps", {
  skip_if_no_pyestim()
  h1 <- train(toy_estimator(), toy_train_fn(), steps = 1)
  df1 <- as.data.frame(h1)
  expect_identical(names(df1), c("step", "metric", "value"))
  expect_identical(df1$metric, c("mean_losses", "total_losses"))
  expect_identical(nrow(df1), 2L)
  h10 <- train(toy_estimator(), toy_train_fn(), steps = 10,
               hooks = hook_history_saver(every_n_step = 2))
  df10 <- as.data.frame(h10)
  # tfestimators' saver records the call's first step and every 2nd step (its
  # should_execute()): 1, 2, 4, 6, 8, 10; one row per recorded step and metric: 12 rows.
  expect_identical(h10$steps, c(1L, 2L, 4L, 6L, 8L, 10L))
  expect_identical(nrow(df10), 12L)
  expect_identical(df10$metric, rep(c("mean_losses", "total_losses"), each = 6L))
  expect_identical(df10$step, rep(h10$steps, 2L))
  expect_identical(df10$value, c(h10$metrics$mean_losses, h10$metrics$total_losses))
  out <- capture.output(res <- withVisible(print(h10)))
  expect_identical(out[[1]], "Trained for 10 steps.")
  expect_match(out[[2]], "Final step")
  expect_match(out[[3]], paste0("mean_losses: ",
                                format(tail(h10$metrics$mean_losses, 1), digits = 4)),
               fixed = TRUE)
  expect_false(res$visible)
})

test_that("train(), evaluate() and predict() print nothing but what hooks print", {
  skip_if_no_pyestim()
  done <- function() session_run_hook(end = function(session) cat("done"))
  est <- toy_estimator()
  out <- capture.output(train(est, toy_train_fn(), steps = 10, hooks = done()))
  expect_identical(out, "done")
  expect_false(withVisible(train(est, toy_train_fn(), steps = 1))$visible)
  out <- capture.output(res <- evaluate(est, toy_eval_fn(), hooks = done()))
  expect_identical(out, "done")
  expect_equal(res$global_step, 11)
  out <- capture.output(p <- predict(est, toy_eval_fn(labels = FALSE), hooks = done()))
  expect_identical(out, "done")
  expect_identical(nrow(p), 200L)
})

test_that("estimator(class = ) adds R classes after the estimator's own, as tfestimators", {
  skip_if_no_pyestim()
  est <- estimator(toy_model_fn, model_dir = new_model_dir(), class = "my_model")
  expect_identical(class(est), c("tf_custom_estimator", "tf_estimator", "my_model"))
  expect_error(estimator(toy_model_fn, class = 1), "class must be a character vector")
})
