# The training history's values and fields (issue 22, points 1 and 2): total_losses is the
# model's loss as TensorFlow logs it (`loss = ...`), mean_losses that loss per example; the
# history keeps tfestimators' fields (losses, step, params, evaluation_metrics).
#
# The expectations are computed here from the data: a canned estimator's weights start at
# zero, so its first step's loss is known in closed form (regression: the sum of the squared
# responses of the batch; classification: log(number of classes) per example).

first_step_history <- function(est, input) {
  train(est, input, steps = 1, hooks = list(hook_history_saver(every_n_step = 1)))
}

mtcars_input <- function(response) {
  input_fn(mtcars, features = c("drat", "cyl"), response = response, batch_size = 8,
           shuffle = FALSE, num_epochs = NULL)
}

test_that("regression: total_losses is the batch's sum, mean_losses that over the batch size", {
  skip_if_no_pyestim()
  est <- linear_regressor(feature_columns(column_numeric("drat", "cyl")))
  h <- first_step_history(est, mtcars_input("mpg"))
  expected <- sum(mtcars$mpg[1:8]^2)  # 3336.95: the prediction starts at 0
  expect_identical(h$step, 1L)
  expect_equal(h$losses$total_losses, expected, tolerance = 1e-6)
  expect_equal(h$losses$mean_losses, expected / 8, tolerance = 1e-6)
})

test_that("binary classification: total_losses 8 log(2), mean_losses log(2)", {
  skip_if_no_pyestim()
  est <- linear_classifier(feature_columns(column_numeric("drat", "cyl")), n_classes = 2)
  h <- first_step_history(est, mtcars_input("am"))
  expect_equal(h$losses$total_losses, 8 * log(2), tolerance = 1e-6)
  expect_equal(h$losses$mean_losses, log(2), tolerance = 1e-6)
})

test_that("multi-class classification: total_losses 8 log(3), mean_losses log(3)", {
  skip_if_no_pyestim()
  features <- c("Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width")
  est <- linear_classifier(feature_columns(column_numeric(features)), n_classes = 3)
  input <- input_fn(iris, features = features, response = Species, batch_size = 8,
                    shuffle = FALSE, num_epochs = NULL)
  h <- suppressMessages(first_step_history(est, input))
  expect_equal(h$losses$total_losses, 8 * log(3), tolerance = 1e-6)
  expect_equal(h$losses$mean_losses, log(3), tolerance = 1e-6)
})

test_that("a custom model function: mean_losses and total_losses are its (scalar) loss", {
  skip_if_no_pyestim()
  zero_model_fn <- function(features, labels, mode, params, config) {
    logits <- tf$layers$dense(features$x, units = 2L, name = "logits",
                              kernel_initializer = tf$zeros_initializer())
    loss <- tf$losses$sparse_softmax_cross_entropy(labels = labels, logits = logits)
    train_op <- tf$train$GradientDescentOptimizer(0.5)$minimize(
      loss, global_step = tf$train$get_global_step())
    estimator_spec(mode, loss = loss, train_op = train_op)
  }
  h <- train(toy_estimator(zero_model_fn), toy_train_fn(), steps = 3,
             hooks = list(hook_history_saver(every_n_step = 1)))
  expect_identical(h$step, 1:3)
  # the batch mean of the cross entropy: log(2) at the first step (zero logits)
  expect_equal(h$losses$total_losses[[1]], log(2), tolerance = 1e-6)
  expect_identical(h$losses$mean_losses, h$losses$total_losses)
})

test_that("the history has tfestimators' fields, each by its whole name", {
  h <- pyestim:::new_history(c(10L, 20L, 30L),
                             list(mean_losses = c(0.9, 0.6, 0.4),
                                  total_losses = c(1.8, 1.2, 0.8)))
  expect_true(all(c("losses", "step", "params", "evaluation_metrics") %in% names(h)))
  expect_identical(h$losses, list(mean_losses = c(0.9, 0.6, 0.4),
                                  total_losses = c(1.8, 1.2, 0.8)))
  expect_identical(h[["step", exact = TRUE]], c(10L, 20L, 30L))
  expect_identical(h$params, list(metrics = c("mean_losses", "total_losses"), steps = 30L))
  expect_null(h$evaluation_metrics)
  # pyestim's own fields stay
  expect_identical(h$steps, h$step)
  expect_identical(h$metrics, h$losses)
})

test_that("a history from train() has tfestimators' fields with the Python History's numbers", {
  skip_if_no_pyestim()
  h <- train(toy_estimator(), toy_train_fn(), steps = 12)
  expect_identical(h$step, c(1L, 10L, 12L))
  expect_identical(names(h$losses), c("mean_losses", "total_losses"))
  expect_length(h$losses$total_losses, 3L)
  expect_identical(h$params$steps, 12L)
  expect_true("evaluation_metrics" %in% names(h))
  df <- as.data.frame(h)
  expect_identical(df$value, c(h$losses$mean_losses, h$losses$total_losses))
})
