test_that("inst/examples/cnn_mnist.R (the tutorial) trains, logs and evaluates", {
  skip_if_no_pyestim()
  data_dir <- mnist_data_dir()
  script <- system.file("examples", "cnn_mnist.R", package = "pyestim")
  expect_true(file.exists(script))
  model_dir <- tempfile("mnist-convnet-")
  out <- system2(file.path(R.home("bin"), "Rscript"), shQuote(script), stdout = TRUE,
                 stderr = TRUE,
                 env = c(paste0("MNIST_MODEL_DIR=", model_dir), "PYESTIM_TF_VERBOSITY=INFO"))
  status <- attr(out, "status")
  log <- paste(out, collapse = "\n")
  expect_true(is.null(status) || status == 0L, info = log)
  # The logging hook fires at the first training step and during evaluation.
  logged <- grep("^INFO:tensorflow:predicted_classes = \\[", out)
  expect_gte(length(logged), 2L)
  expect_match(log, "Saving checkpoints for 20 into", fixed = TRUE)
  expect_match(log, "Evaluation [10/10]", fixed = TRUE)
  # train() returns its history invisibly (as tfestimators): nothing printed for it;
  # evaluate() printed its metrics (a tibble).
  expect_no_match(log, "Trained for|Training history")
  expect_match(log, "# A tibble: 1 .* 3")
  expect_match(log, "accuracy +loss +global_step")
  expect_true(file.exists(file.path(model_dir, "checkpoint")))
})
