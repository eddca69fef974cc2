# Old model directories load from R: the linear and DNN classifiers a tfestimators user
# trained with TensorFlow 1.15 (tests/fixtures/tf115 in the pyestim checkout, made by
# tests/fixtures/make_tf115_fixtures.py) evaluate and predict with TensorFlow 1.15's numbers.
# The tolerances are tests/test_tf115_fixtures.py's: metrics and logits bit for bit, the
# sigmoid / softmax outputs within 2.5e-7 (their kernels round differently from 1.15's).

tf115_fixture <- function(name) {
  root <- file.path(testthat::test_path(), "..", "..", "..", "tests", "fixtures", "tf115")
  if (!dir.exists(file.path(root, name))) {
    skip_or_fail("tests/fixtures/tf115 is not there (run from the pyestim checkout)")
  }
  json <- reticulate::import("json", convert = TRUE)
  expected <- json$loads(paste(readLines(file.path(root, name, "expected.json"), warn = FALSE),
                               collapse = "\n"))
  model_dir <- file.path(tempfile("tf115-"), name)
  dir.create(model_dir, recursive = TRUE)
  file.copy(list.files(file.path(root, name, "model_dir"), full.names = TRUE), model_dir)
  data <- utils::read.csv(file.path(root, expected$data), stringsAsFactors = FALSE)
  list(expected = expected, model_dir = model_dir, data = data)
}

# one prediction key of every example, as one vector
expected_key <- function(predictions, key) {
  unlist(lapply(predictions, function(p) p[[key]]), use.names = FALSE)
}

predicted_key <- function(frame, key) {
  value <- frame[[key]]
  if (is.list(value)) unlist(value, use.names = FALSE) else value
}

color_column <- function() {
  column_categorical_with_vocabulary_list("color", vocabulary_list = c("red", "green", "blue"))
}

# evaluate() and predict() of `model` (over the fixture's model_dir) against TensorFlow 1.15's
expect_tf115_numbers <- function(model, fixture, float_keys) {
  expected <- fixture$expected
  expect_identical(expected$tensorflow, "1.15.0")
  expect_setequal(variable_names(model), unlist(expected$variables))
  features <- c("x1", "x2", "color")
  batch <- expected$batch_size
  metrics <- evaluate(model, input_fn(fixture$data, features = features,
                                      response = expected$label, batch_size = batch,
                                      shuffle = FALSE))
  expect_setequal(names(metrics), names(expected$metrics))
  for (key in names(expected$metrics)) {
    expect_identical(as.double(metrics[[key]]), as.double(expected$metrics[[key]]), label = key)
  }
  predictions <- predict(model, input_fn(fixture$data, features = features, batch_size = batch,
                                         shuffle = FALSE))
  want <- expected$predictions
  expect_equal(nrow(predictions), length(want))
  expect_setequal(names(predictions), names(want[[1]]))
  expect_identical(predicted_key(predictions, "logits"), expected_key(want, "logits"))
  for (key in float_keys) {
    difference <- abs(predicted_key(predictions, key) - expected_key(want, key))
    expect_lte(max(difference), 2.5e-7, label = key)
  }
  for (key in c("classes", "all_classes")) {
    expect_identical(predicted_key(predictions, key), expected_key(want, key), label = key)
  }
  for (key in c("class_ids", "all_class_ids")) {
    expect_identical(as.integer(predicted_key(predictions, key)),
                     as.integer(expected_key(want, key)), label = key)
  }
}

test_that("a TensorFlow 1.15 linear classifier's model_dir evaluates and predicts as 1.15 did", {
  skip_if_no_pyestim()
  fixture <- tf115_fixture("linear_classifier")
  model <- linear_classifier(feature_columns(column_numeric("x1", "x2"), color_column()),
                             n_classes = 2, model_dir = fixture$model_dir)
  expect_tf115_numbers(model, fixture, c("logistic", "probabilities"))
})

test_that("a TensorFlow 1.15 DNN classifier's model_dir evaluates and predicts as 1.15 did", {
  skip_if_no_pyestim()
  fixture <- tf115_fixture("dnn_classifier")
  columns <- feature_columns(column_numeric("x1", "x2"),
                             column_embedding(color_column(), dimension = 2))
  model <- dnn_classifier(hidden_units = c(8, 4), feature_columns = columns, n_classes = 3,
                          model_dir = fixture$model_dir)
  expect_tf115_numbers(model, fixture, "probabilities")
})
