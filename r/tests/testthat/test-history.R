history_fixture <- function() {
  pyestim:::new_history(c(10L, 20L, 30L),
                        list(mean_losses = c(0.9, 0.6, 0.4), total_losses = c(1.8, 1.2, 0.8)))
}

test_that("print() shows the recorded steps and the final losses", {
  h <- history_fixture()
  expect_output(print(h), "Training history: 3 records, steps 10 to 30")
  expect_output(print(h), "mean_losses: 0.4")
  expect_output(print(h), "total_losses: 0.8")
  out <- capture.output(res <- withVisible(print(h)))
  expect_false(res$visible)
})

test_that("as.data.frame() has one row per recorded step", {
  df <- as.data.frame(history_fixture())
  expect_equal(df, data.frame(step = c(10L, 20L, 30L), mean_losses = c(0.9, 0.6, 0.4),
                              total_losses = c(1.8, 1.2, 0.8)))
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
  # the default history saver: every 10 steps, and the last
  expect_identical(h$steps, c(10L, 20L))
  expect_output(print(h), "Training history: 2 records, steps 10 to 20", fixed = TRUE)
  df <- as.data.frame(h)
  expect_equal(names(df), c("step", "mean_losses", "total_losses"))
  expect_equal(df$step, h$steps)
  expect_equal(df$mean_losses, h$metrics$mean_losses)
  file <- tempfile(fileext = ".png")
  grDevices::png(file)
  plot(h)
  grDevices::dev.off()
  expect_true(file.exists(file))
})
