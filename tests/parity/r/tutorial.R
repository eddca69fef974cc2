# Seed 000's tutorial code, in the order seed 000 writes it, as functions the parity suite calls
# one by one (so that Python can tell the lines logged while training from those logged while
# evaluating). The differences from seed 000, all needed for a comparison: the data are cut to
# the parity subset, the estimator gets run_config(tf_random_seed = seed), the model function
# is one of parity_models (cnn_model_fn is seed 000's own), train() also gets
# hook_history_saver(every_n_step = 1) for the per-step losses, and predict() is added.

parity_state <- new.env()

tutorial_setup <- function(model, model_dir, seed, n_train, n_eval, n_predict, log_every,
                           batch_size) {
  cnn_model_fn <- parity_models[[model]]
  np <- import("numpy", convert = FALSE)
  # Load training and eval data
  mnist <- tf$contrib$learn$datasets$load_dataset("mnist")
  train_data <- np$asmatrix(mnist$train$images, dtype = np$float32)
  train_labels <- np$asarray(mnist$train$labels, dtype = np$int32)
  eval_data <- np$asmatrix(mnist$test$images, dtype = np$float32)
  eval_labels <- np$asarray(mnist$test$labels, dtype = np$int32)
  # The parity subset: the first rows
  # (not reticulate::import_builtins(): in reticulate 1.28 it calls Python without taking the
  # GIL, which crashes when R itself runs inside Python, as under rpy2)
  builtins <- import("builtins", convert = FALSE)
  head_rows <- function(a, n) a$`__getitem__`(builtins$slice(0L, as.integer(n)))
  train_data <- head_rows(train_data, n_train)
  train_labels <- head_rows(train_labels, n_train)
  eval_data <- head_rows(eval_data, n_eval)
  eval_labels <- head_rows(eval_labels, n_eval)
  # Create the Estimator
  mnist_classifier <- estimator(
    model_fn = cnn_model_fn, model_dir = model_dir,
    config = run_config(tf_random_seed = seed))
  # Set up logging for predicted classes
  tensors_to_log <- list(predicted_classes = "predicted_classes")
  logging_hook <- hook_logging_tensor(
    tensors = tensors_to_log, every_n_iter = log_every)
  # Train the model
  train_input_fn <- function(features_as_named_list) {
    tf$estimator$inputs$numpy_input_fn(
      x = list(x = train_data),
      y = train_labels,
      batch_size = as.integer(batch_size),
      num_epochs = NULL,
      shuffle = TRUE)
  }
  # Evaluate the model
  eval_input_fn <- function(features_as_named_list) {
    tf$estimator$inputs$numpy_input_fn(
      x = list(x = eval_data),
      y = eval_labels,
      batch_size = as.integer(batch_size),
      num_epochs = NULL,
      shuffle = TRUE)
  }
  predict_data <- head_rows(eval_data, n_predict)
  assign("classifier", mnist_classifier, envir = parity_state)
  assign("logging_hook", logging_hook, envir = parity_state)
  assign("train_input_fn", train_input_fn, envir = parity_state)
  assign("eval_input_fn", eval_input_fn, envir = parity_state)
  assign("predict_data", predict_data, envir = parity_state)
  invisible(TRUE)
}

tutorial_train <- function(steps) {
  s <- parity_state
  history <- train(
    s$classifier,
    input_fn = s$train_input_fn,
    steps = steps,
    hooks = list(s$logging_hook, hook_history_saver(every_n_step = 1)))
  list(steps = as.integer(history$steps), losses = as.numeric(history$metrics$mean_losses))
}

tutorial_evaluate <- function(steps) {
  s <- parity_state
  metrics <- evaluate(
    s$classifier,
    input_fn = s$eval_input_fn,
    steps = steps,
    hooks = s$logging_hook)
  as.list(metrics)
}

tutorial_predict <- function() {
  s <- parity_state
  predictions <- predict(
    s$classifier,
    input_fn = numpy_input_fn(x = list(x = s$predict_data), shuffle = FALSE))
  probabilities <- do.call(rbind, lapply(predictions$probabilities, as.numeric))
  list(classes = as.integer(predictions$classes),
       # row by row, so Python can reshape it C-order
       probabilities = as.numeric(t(probabilities)),
       n = nrow(probabilities))
}

tutorial_variables <- function() {
  values <- variable_value(parity_state$classifier)
  # R arrays are column-major: hand Python the dims and the values in that order
  lapply(values, function(v) list(dim = if (is.null(dim(v))) integer(0) else dim(v),
                                  values = as.numeric(v)))
}
