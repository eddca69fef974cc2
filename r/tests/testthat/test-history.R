history_fixture <- function() {
  pyestim:::new_history(c(10L, 20L, 30L),
                        list(mean_losses = c(0.9, 0.6, 0.4), total_losses = c(1.8, 1.2, 0.8)))
}

test_that("print() says how many steps were trained and shows the final losses", {
  h <- history_fixture()
  expect_output(print(h), "^Trained for 30 steps[.]")
  expect_output(print(h), "mean_losses: 0.4")
  expect_output(print(h), "total_losses: 0.8")
  out <- capture.output(res <- withVisible(print(h)))
  expect_false(res$visible)
})

test_that("as.data.frame() is long: one row per recorded step and metric", {
  df <- as.data.frame(history_fixture())
  expect_equal(df, data.frame(step = c(10L, 20L, 30L, 10L, 20L, 30L),
                              metric = rep(c("mean_losses", "total_losses"), each = 3L),
                              value = c(0.9, 0.6, 0.4, 1.8, 1.2, 0.8)))
})

test_that("plot() draws with base graphics into a PNG", {
  skip_if_not(capabilities("png"), "no PNG device")
  file <- tempfile(fileext = ".png")
  grDevices::png(file)
  res <- plot(history_fixture())
  grDevices::dev.off()
  expect_s3_class(res, "tf_estimator_history")
  expect_gt(file.size(file), 1000)
  grDevices::png(file)
  plot(history_fixture(), metrics = "mean_losses", col = "red")
  grDevices::dev.off()
  expect_error(plot(history_fixture(), metrics = "accuracy"), "Unknown metric")
})

test_that("a history from train() prints, plots and converts", {
  skip_if_no_pyestim()
  h <- train(toy_estimator(), toy_train_fn(), steps = 20)
  # the default history saver: the first step, every 10th, and the last
  expect_identical(h$steps, c(1L, 10L, 20L))
  expect_output(print(h), "Trained for 20 steps.", fixed = TRUE)
  df <- as.data.frame(h)
  expect_equal(names(df), c("step", "metric", "value"))
  expect_equal(df$step, rep(h$steps, 2L))
  expect_equal(df$value[df$metric == "mean_losses"], h$metrics$mean_losses)
  file <- tempfile(fileext = ".png")
  grDevices::png(file)
  plot(h)
  grDevices::dev.off()
  expect_true(file.exists(file))
})
