iris_columns <- function() {
  feature_columns(column_numeric("Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"))
}

test_that("canned estimators are tf_estimator objects of their kind", {
  skip_if_no_pyestim()
  cols <- iris_columns()
  expect_length(cols, 4L)
  reg <- linear_regressor(feature_columns(column_numeric("drat", "cyl")))
  expect_s3_class(reg, c("tf_estimator_regressor", "tf_estimator"), exact = TRUE)
  cls <- dnn_classifier(hidden_units = c(10, 20, 10), feature_columns = cols, n_classes = 3)
  expect_s3_class(cls, c("tf_estimator_classifier", "tf_estimator"), exact = TRUE)
  hidden <- reticulate::py_to_r(cls$estimator$args)$hidden_units
  expect_identical(hidden, c(10L, 20L, 10L))  # Python ints
  expect_output(print(cls), "canned estimator")
  expect_s3_class(dnn_regressor(c(4, 2), cols), "tf_estimator_regressor")
  expect_s3_class(linear_classifier(cols), "tf_estimator_classifier")
  expect_s3_class(dnn_linear_combined_regressor(linear_feature_columns = cols,
                                                dnn_feature_columns = cols,
                                                dnn_hidden_units = c(3, 2)),
                  "tf_estimator_regressor")
  expect_s3_class(dnn_linear_combined_classifier(linear_feature_columns = cols,
                                                 dnn_hidden_units = 3),
                  "tf_estimator_classifier")
  buckets <- column_bucketized(column_numeric("Petal.Length"), c(2, 4, 6))
  expect_s3_class(boosted_trees_regressor(list(buckets), n_batches_per_layer = 1),
                  "tf_estimator_regressor")
  expect_s3_class(boosted_trees_classifier(list(buckets), n_batches_per_layer = 1,
                                           n_classes = 3), "tf_estimator_classifier")
})

test_that("canned estimators report bad arguments as pyestim errors", {
  skip_if_no_pyestim()
  cols <- iris_columns()
  err <- expect_error(dnn_classifier(c(10), cols, n_classes = 1), class = "PyestimValueError")
  expect_s3_class(err, "pyestim_error")
  expect_match(conditionMessage(err), "^PyestimValueError: n_classes must be at least 2")
  expect_error(dnn_regressor(NULL, cols), "hidden_units is required")
  expect_error(linear_classifier(cols, n_classes = 3, label_vocabulary = c("a", "b")),
               "label_vocabulary has 2 entries")
  expect_error(linear_regressor("x"), class = "PyestimTypeError")
  expect_error(dnn_linear_combined_classifier(dnn_hidden_units = 3, dnn_dropout = 2,
                                              dnn_feature_columns = cols),
               class = "pyestim_error")
  expect_error(boosted_trees_regressor(cols, n_batches_per_layer = 0), class = "pyestim_error")
})

test_that("a canned classifier trains, evaluates, predicts and exports from R", {
  skip_if_no_pyestim()
  ir <- iris
  ir$Species <- as.character(ir$Species)
  model <- linear_classifier(iris_columns(), n_classes = 3,
                             label_vocabulary = levels(iris$Species),
                             optimizer = "Adam", model_dir = new_model_dir())
  h <- train(model, input_fn(ir, Species ~ ., batch_size = 30, num_epochs = NULL), steps = 20)
  expect_s3_class(h, "tf_estimator_history")
  res <- evaluate(model, input_fn(ir, Species ~ ., batch_size = 150))
  expect_equal(res$global_step, 20L)
  expect_true(res$accuracy > 0.4)
  p <- predict(model, input_fn(ir, Species ~ ., batch_size = 150))
  expect_equal(nrow(p), 150L)
  expect_type(p$classes, "character")
  expect_true(all(p$classes %in% levels(iris$Species)))
  expect_type(p$class_ids, "integer")
  export <- export_savedmodel(model, tempfile("export-"))
  expect_true(file.exists(file.path(export, "saved_model.pb")))
  # Labels not in the vocabulary: TensorFlow's error, as a pyestim_error.
  bad <- ir
  bad$Species[1] <- "rose"
  expect_error(evaluate(model, input_fn(bad, Species ~ ., batch_size = 150)),
               class = "pyestim_error")
})

test_that("tf$train optimizers work as in tfestimators (TensorFlow 1's canned classes)", {
  skip_if_no_pyestim()
  model <- dnn_classifier(hidden_units = c(8, 8), feature_columns = iris_columns(),
                          n_classes = 3,
                          optimizer = tf$train$AdamOptimizer(learning_rate = 0.05),
                          model_dir = new_model_dir(),
                          config = run_config(tf_random_seed = 1))
  expect_identical(reticulate::py_to_r(model$estimator$tf_version), "v1")
  ir <- iris
  ir$Species <- as.integer(ir$Species) - 1L
  train(model, input_fn(ir, Species ~ ., batch_size = 50, num_epochs = NULL), steps = 200)
  res <- evaluate(model, input_fn(ir, Species ~ ., batch_size = 150))
  expect_true(res$accuracy > 0.9)
  # TensorFlow 1's loss is summed over the batch: 150 examples in the one batch.
  expect_equal(res$loss, 150 * res$average_loss, tolerance = 1e-4)
  # A Keras optimizer selects TensorFlow 2's class instead; a partitioner cannot go with it.
  keras <- reticulate::import("tensorflow", convert = TRUE)$keras
  v2 <- linear_classifier(iris_columns(), n_classes = 3,
                          optimizer = keras$optimizers$legacy$Ftrl(learning_rate = 0.1))
  expect_identical(reticulate::py_to_r(v2$estimator$tf_version), "v2")
  expect_error(linear_classifier(iris_columns(), n_classes = 3,
                                 optimizer = keras$optimizers$legacy$Ftrl(),
                                 partitioner = tf$fixed_size_partitioner(1L)),
               "partitioner works only with TensorFlow 1", class = "PyestimTypeError")
})

test_that("a boosted trees regressor trains on bucketized columns", {
  skip_if_no_pyestim()
  cols <- list(column_bucketized(column_numeric("drat"), c(3, 3.5, 4)),
               column_bucketized(column_numeric("wt"), c(2.5, 3.5)))
  model <- boosted_trees_regressor(cols, n_batches_per_layer = 1, n_trees = 2, max_depth = 2,
                                   model_dir = new_model_dir())
  h <- train(model, input_fn(mpg ~ drat + wt, mtcars, batch_size = 32, num_epochs = NULL),
             steps = 6)
  expect_identical(h$steps, c(1L, 6L))
  expect_equal(global_step(model), 6L)
  expect_true(all(c("boosted_trees/tree", "boosted_trees/leaf_values") %in%
                    variable_names(model)))
  res <- evaluate(model, input_fn(mpg ~ drat + wt, mtcars, batch_size = 32))
  # untrained, the model predicts 0 for every car: its mean squared error is mean(mpg^2);
  # the trees it grew must do better
  expect_true(is.finite(res$loss))
  expect_lt(res$average_loss, mean(mtcars$mpg^2))
})

test_that("wide-and-deep and boosted trees classifiers train and predict class names", {
  skip_if_no_pyestim()
  ir <- iris
  ir$Species <- as.character(ir$Species)
  vocab <- levels(iris$Species)
  wd <- dnn_linear_combined_classifier(
    linear_feature_columns = feature_columns(column_numeric("Petal*"), names = ir),
    dnn_feature_columns = feature_columns(column_numeric("Sepal*"), names = ir),
    dnn_hidden_units = c(4, 3), n_classes = 3, label_vocabulary = vocab,
    model_dir = new_model_dir())
  train(wd, input_fn(ir, Species ~ ., batch_size = 50, num_epochs = NULL), steps = 3)
  p <- predict(wd, input_fn(ir, Species ~ ., batch_size = 150))
  expect_true(all(p$classes %in% vocab))
  bt <- boosted_trees_classifier(
    list(column_bucketized(column_numeric("Petal.Length"), c(2, 4.5, 5.5))),
    n_batches_per_layer = 1, n_classes = 3, label_vocabulary = vocab, n_trees = 1,
    max_depth = 2, model_dir = new_model_dir())
  train(bt, input_fn(ir, Species ~ Petal.Length, batch_size = 150, num_epochs = NULL),
        steps = 3)
  res <- evaluate(bt, input_fn(ir, Species ~ Petal.Length, batch_size = 150))
  expect_true(res$accuracy > 0.5)
  p <- predict(bt, input_fn(ir, Species ~ Petal.Length, batch_size = 150))
  expect_type(p$classes, "character")
  expect_true(all(p$classes %in% vocab))
})
