# The columns of a canned classifier's evaluate() and predict() against what tfestimators'
# own test-tf-models.R expected of a binary dnn_linear_combined_classifier on mtcars (9
# evaluation columns, 5 prediction columns, the sets of TensorFlow 1.3/1.4's binary head).
# TensorFlow 2's heads give more, and pyestim keeps TensorFlow's sets: each difference is a
# row of tests/parity/differences.csv ("tfestimators output: ..."), and the test fails on a
# difference that is not listed and on a listed one that no longer exists.

tfestimators_columns <- list(
  evaluate = c("accuracy", "accuracy_baseline", "auc", "auc_precision_recall", "average_loss",
               "label/mean", "loss", "prediction/mean", "global_step"),
  predict = c("logits", "logistic", "probabilities", "class_ids", "classes")
)

output_differences <- function(fn, what, have, want) {
  extra <- setdiff(have, want)
  missing <- setdiff(want, have)
  c(if (length(extra)) sprintf("%s | tfestimators output: %s: %s beyond tfestimators' %d",
                               fn, what, paste0("`", extra, "`", collapse = " and "),
                               length(want)),
    if (length(missing)) sprintf("%s | tfestimators output: %s: %s missing", fn, what,
                                 paste0("`", missing, "`", collapse = " and ")))
}

test_that("a binary classifier's columns are tfestimators' or listed in differences.csv", {
  skip_if_no_pyestim()
  data <- input_fn(transform(mtcars, vs = as.integer(vs)), response = vs,
                   features = c(drat, cyl))
  clf <- dnn_linear_combined_classifier(
    linear_feature_columns = feature_columns(column_numeric("drat")),
    dnn_feature_columns = feature_columns(column_numeric("drat", "cyl")),
    dnn_hidden_units = c(3L, 3L), dnn_optimizer = "Adagrad")
  train(clf, data, steps = 2)
  metrics <- evaluate(clf, data, simplify = TRUE)
  predictions <- predict(clf, data)
  expect_equal(nrow(predictions), 32L)
  found <- c(output_differences("evaluate", "binary classifier metrics", names(metrics),
                                tfestimators_columns$evaluate),
             output_differences("predict", "classifier predictions", names(predictions),
                                tfestimators_columns$predict))
  listed <- differences_rows("tfestimators output:")
  expect_true(all(nzchar(trimws(listed$reason))))
  keys <- paste(listed[["function"]], listed$difference, sep = " | ")
  unlisted <- setdiff(found, keys)
  stale <- setdiff(keys, found)
  expect(length(unlisted) == 0L, paste0(
    "columns differ from tfestimators' where tests/parity/differences.csv says nothing:\n",
    paste(" ", unlisted, collapse = "\n")))
  expect(length(stale) == 0L, paste0(
    "differences.csv lists output differences that no longer exist:\n",
    paste(" ", stale, collapse = "\n")))
  # The two sets TensorFlow 2 gives (the same as plain tf.estimator: tests/test_canned.py).
  expect_setequal(names(metrics), c(tfestimators_columns$evaluate, "precision", "recall"))
  expect_setequal(names(predictions),
                  c(tfestimators_columns$predict, "all_class_ids", "all_classes"))
})

test_that("the output comparison sees an extra and a missing column", {
  expect_identical(output_differences("f", "x", c("a", "b"), c("a", "b")), NULL)
  expect_identical(output_differences("f", "x", c("a", "b", "c"), c("a", "b")),
                   "f | tfestimators output: x: `c` beyond tfestimators' 2")
  expect_identical(output_differences("f", "x", "a", c("a", "b")),
                   "f | tfestimators output: x: `b` missing")
})
