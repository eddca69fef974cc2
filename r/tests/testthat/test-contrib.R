# tf$contrib's TensorFlow 1 pieces from R (issue 15, point 12): tfestimators' example
# iris_custom_decay_dnn.R runs as written there (only its model_dir is a temporary one), and
# the layers have TensorFlow 1's variable names and defaults.

test_that("tfestimators' iris_custom_decay_dnn.R example runs", {
  skip_if_no_pyestim()
  inputs <- input_fn(
    iris,
    response = "Species",
    features = c(
      "Sepal.Length",
      "Sepal.Width",
      "Petal.Length",
      "Petal.Width"),
    batch_size = 10
  )

  custom_model_fn <- function(features, labels, mode, params, config) {
    logits <- features %>%
      tf$contrib$layers$stack(
      tf$contrib$layers$fully_connected, c(10L, 20L, 10L),
        normalizer_fn = tf$contrib$layers$dropout,
        normalizer_params = list(keep_prob = 0.9)) %>%
      tf$contrib$layers$fully_connected(3L, activation_fn = NULL)
    predicted_classes <- tf$argmax(logits, 1L)
    if (mode == mode_keys()$PREDICT) {
      predictions <- list(
        class = predicted_classes,
        prob = tf$nn$softmax(logits))
      return(estimator_spec(mode = mode, predictions = predictions))
    }
    onehot_labels <- tf$one_hot(labels, 3L, 1L, 0L)
    loss <- tf$losses$softmax_cross_entropy(onehot_labels, logits)
    if (mode == mode_keys()$TRAIN) {
      global_step <- tf$train$get_global_step()
      learning_rate <- tf$train$exponential_decay(
        learning_rate = 0.1,
        global_step = global_step,
        decay_steps = 100L,
        decay_rate = 0.001)
      optimizer <- tf$train$AdagradOptimizer(learning_rate = learning_rate)
      train_op <- optimizer$minimize(loss, global_step = global_step)
      return(estimator_spec(mode = mode, loss = loss, train_op = train_op))
    }
    eval_metric_ops <- list(
      accuracy = tf$metrics$accuracy(
        labels = labels, predictions = predicted_classes
      ))
    return(estimator_spec(mode = mode, loss = loss, eval_metric_ops = eval_metric_ops))
  }

  model_dir <- tempfile("iris-custom-decay-cnn-model-")
  # The example pipes estimator() into train() and predicts from the result; train() returns
  # the history (in tfestimators 1.9 as here), so the estimator is kept apart.
  classifier <- estimator(
    model_fn = custom_model_fn, model_dir = model_dir)
  classifier %>%
    train(input_fn = inputs, steps = 100)
  predictions <- predict(classifier, input_fn = inputs)
  expect_equal(nrow(predictions), 150L)
  expect_true(all(unlist(predictions$class) %in% 0:2))
  expect_true(all(c("Stack/fully_connected_1/weights", "Stack/fully_connected_3/weights",
                    "fully_connected/weights", "fully_connected/biases") %in%
                    variable_names(classifier)))
  expect_false("Stack/fully_connected_1/biases" %in% variable_names(classifier))
  # one epoch of 150 rows in batches of 10: 15 steps
  expect_identical(variable_value(classifier, "global_step"), list(global_step = 15))
})

test_that("contrib layers and framework from R: names, defaults, optimize_loss", {
  skip_if_no_pyestim()
  g <- tf$Graph()
  with(g$as_default(), {
    x <- tf$placeholder(tf$float32, shape(NULL, 4L))
    y <- tf$contrib$layers$fully_connected(x, 3)
    expect_equal(y$op$type, "Relu")
    expect_equal(y$shape$as_list(), list(NULL, 3L))
    names <- vapply(tf$global_variables(), function(v) v$op$name, "")
    expect_equal(names, c("fully_connected/weights", "fully_connected/biases"))
    step <- tf$train$get_or_create_global_step()
    expect_equal(tf$contrib$framework$get_global_step()$name, step$name)
    loss <- tf$reduce_mean(tf$square(y))
    op <- tf$contrib$layers$optimize_loss(loss, step, learning_rate = 0.1, optimizer = "SGD")
    expect_equal(op$shape$as_list(), list())
    expect_error(tf$contrib$layers$optimize_loss(loss, step, 0.1, "Adamax"),
                 'Optimizer name "Adamax"', class = "PyestimValueError")
    local <- tf$contrib$framework$local_variable(c(1, 2), name = "counts")
    expect_equal(vapply(tf$local_variables(), function(v) v$op$name, ""), "counts")
  })
})
