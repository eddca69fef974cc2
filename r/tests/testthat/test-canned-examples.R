run_example <- function(name, env) {
  script <- system.file("examples", name, package = "pyestim")
  expect_true(file.exists(script))
  out <- system2(file.path(R.home("bin"), "Rscript"), shQuote(script), stdout = TRUE,
                 stderr = TRUE, env = env)
  status <- attr(out, "status")
  log <- paste(out, collapse = "\n")
  expect_true(is.null(status) || status == 0L, info = log)
  result <- grep("^RESULT ", out, value = TRUE)
  expect_length(result, 1L)
  fields <- strsplit(sub("^RESULT ", "", result[1]), " ")[[1]]
  values <- as.numeric(sub(".*=", "", fields))
  names(values) <- sub("=.*", "", fields)
  values
}

test_that("inst/examples/iris_dnn_classifier.R trains a sane classifier", {
  skip_if_no_pyestim()
  res <- run_example("iris_dnn_classifier.R",
                     c("IRIS_STEPS=500", "IRIS_SEED=1", paste0("IRIS_MODEL_DIR=", tempfile("iris-"))))
  # Iris is nearly separable: 500 steps of the default Adagrad (TensorFlow 1's classifier, as
  # tfestimators ran it: the loss summed over the batch) classify most of the 30 test flowers
  # (chance: 1/3, an average loss of log(3)).
  expect_true(res[["accuracy"]] > 0.85, info = paste(res, collapse = " "))
  expect_true(res[["average_loss"]] < 0.5, info = paste(res, collapse = " "))
  # `loss` is the loss of a batch: the sum over its examples (all 30 in one batch here).
  expect_equal(res[["loss"]], 30 * res[["average_loss"]], tolerance = 1e-3)
})

test_that("inst/examples/mtcars_linear_regressor.R fits better than predicting zero", {
  skip_if_no_pyestim()
  res <- run_example("mtcars_linear_regressor.R",
                     c("MTCARS_STEPS=200", paste0("MTCARS_MODEL_DIR=", tempfile("mtcars-"))))
  expect_true(is.finite(res[["loss"]]))
  expect_true(res[["loss"]] < res[["baseline"]], info = paste(res, collapse = " "))
})
