# R helpers of the canned-estimator parity tests (test_canned.py): canned estimators, feature
# columns, input_fn() over data frames / formulas / matrices / lists, train_and_evaluate(),
# export_savedmodel() and keras_model_to_estimator(), written as an R user writes them. Each
# helper returns plain R values (vectors, lists of them) that Python reads back through rpy2;
# test_canned.py has the Python twin of each.

# ---------------------------------------------------------------------------------------------
# Plain values of results

# An array in row-major (C) order, as NumPy's reshape(-1) reads it.
can_flat <- function(x) {
  if (is.list(x)) x <- unlist(x, use.names = FALSE)
  d <- dim(x)
  if (!is.null(d) && length(d) > 1L) x <- aperm(x, rev(seq_along(d)))
  if (is.character(x)) return(as.character(x))
  as.numeric(x)
}

# A data frame (tibble) as list(names, columns), each column flattened row by row.
can_frame <- function(df) {
  cols <- lapply(names(df), function(n) can_flat(df[[n]]))
  names(cols) <- names(df)
  list(names = names(df), columns = cols)
}

can_history <- function(history) {
  list(steps = history$steps, mean_losses = history$metrics$mean_losses,
       total_losses = history$metrics$total_losses)
}

can_variables <- function(est) {
  values <- variable_value(est)
  names <- sort(names(values))
  out <- lapply(names, function(n) can_flat(values[[n]]))
  names(out) <- names
  out
}

# What the tests compare after training: the history, the metrics, the predictions, the
# variables and the INFO lines input_fn() logged about factor columns.
can_result <- function(est, history, eval_fn, pred_fn) {
  list(history = can_history(history),
       evaluate = can_frame(evaluate(est, eval_fn)),
       predict = can_frame(predict(est, pred_fn)),
       variables = can_variables(est))
}

# ---------------------------------------------------------------------------------------------
# Data

# A small mixed data frame, the same as test_canned.mixed_frame(n): numbers, a character
# column, a factor, a weight, and a string label.
can_mixed <- function(n) {
  i <- seq_len(n) - 1L
  a <- ((i * 37L) %% 101L) / 100
  b <- ((i * 53L) %% 97L) / 96
  color <- c("red", "green", "blue")[(i %% 3L) + 1L]
  size <- factor(c("S", "M", "L")[((i %/% 2L) %% 3L) + 1L], levels = c("S", "M", "L"))
  weight <- 1 + (i %% 4L) / 4
  score <- a - b + ifelse(color == "red", 0.3, 0) - ifelse(size == "L", 0.2, 0)
  label <- ifelse(score > 0, "yes", "no")
  data.frame(a = a, b = b, color = color, size = size, weight = weight, label = label,
             stringsAsFactors = FALSE)
}

can_seed_config <- function(seed = 3L) run_config(tf_random_seed = seed)

# ---------------------------------------------------------------------------------------------
# Scenarios

can_datasets <- function() {
  list(iris = can_frame(iris[, 1:4]), iris_species = levels(iris$Species),
       iris_codes = as.integer(iris$Species) - 1L, mtcars = can_frame(mtcars),
       mtcars_rows = rownames(mtcars))
}

# linear_regressor (default Ftrl) on mtcars through a formula, shuffled batches.
can_linear_regressor <- function(model_dir) {
  est <- linear_regressor(feature_columns(column_numeric("drat", "cyl", "wt")),
                          model_dir = model_dir, config = can_seed_config())
  h <- train(est, input_fn(mpg ~ drat + cyl + wt, mtcars, batch_size = 8, num_epochs = NULL,
                           shuffle = TRUE), steps = 30)
  can_result(est, h, input_fn(mpg ~ drat + cyl + wt, mtcars, batch_size = 32),
             input_fn(mpg ~ drat + cyl + wt, mtcars[1:6, ]))
}

# dnn_classifier (default Adagrad) on iris, `Species ~ .`: the factor response is fed as
# 0-based codes. Columns chosen with a tidyselect helper.
can_dnn_classifier <- function(model_dir) {
  est <- dnn_classifier(
    hidden_units = c(10, 20, 10),
    feature_columns = feature_columns(column_numeric(starts_with("Sepal"), "Petal.Length",
                                                     "Petal.Width"), names = iris),
    n_classes = 3, model_dir = model_dir, config = can_seed_config())
  h <- train(est, input_fn(iris, Species ~ ., batch_size = 32, num_epochs = NULL), steps = 40)
  can_result(est, h, input_fn(iris, Species ~ ., batch_size = 150),
             input_fn(iris[c(1, 51, 101, 2, 52, 102), ], Species ~ .))
}

can_mixed_columns <- function(vocab_file) {
  color <- column_categorical_with_vocabulary_list("color",
                                                   vocabulary_list = c("red", "green", "blue"))
  a_buckets <- column_bucketized(column_numeric("a"), boundaries = c(0.25, 0.5, 0.75))
  list(
    linear = feature_columns(
      column_categorical_weighted(color, "weight"),
      a_buckets,
      column_crossed(c("color", "size"), hash_bucket_size = 20)),
    dnn = feature_columns(
      column_numeric("a", "b"),
      column_embedding(column_categorical_with_hash_bucket("color", hash_bucket_size = 10),
                       dimension = 2),
      column_indicator(column_categorical_with_identity("size", num_buckets = 3)),
      column_indicator(column_categorical_with_vocabulary_file(
        "color", vocabulary_file = vocab_file, vocabulary_size = 3))))
}

# dnn_linear_combined_classifier with a label vocabulary over every kind of feature column.
can_wide_and_deep <- function(model_dir, vocab_file) {
  cols <- can_mixed_columns(vocab_file)
  est <- dnn_linear_combined_classifier(
    linear_feature_columns = cols$linear, dnn_feature_columns = cols$dnn,
    dnn_hidden_units = c(6, 4), n_classes = 2, label_vocabulary = c("no", "yes"),
    model_dir = model_dir, config = can_seed_config())
  d <- can_mixed(60L)
  features <- c("a", "b", "color", "size", "weight")
  h <- train(est, input_fn(d, features = features, response = "label", batch_size = 16,
                           num_epochs = NULL), steps = 30)
  can_result(est, h, input_fn(d, features = features, response = "label", batch_size = 60),
             input_fn(d[1:7, ], features = features))
}

# dnn_regressor (TensorFlow 2's class, from a Keras optimizer) with dropout, on mtcars.
can_dnn_regressor_keras <- function(model_dir) {
  keras <- reticulate::import("tensorflow", convert = TRUE)$keras
  est <- dnn_regressor(c(5, 3), feature_columns(column_numeric("drat", "wt", "qsec")),
                       optimizer = keras$optimizers$legacy$Adam(learning_rate = 0.05),
                       activation_fn = "tanh", dropout = 0.1, model_dir = model_dir,
                       config = can_seed_config())
  h <- train(est, input_fn(mpg ~ drat + wt + qsec, mtcars, batch_size = 8, num_epochs = NULL),
             steps = 25)
  can_result(est, h, input_fn(mpg ~ drat + wt + qsec, mtcars, batch_size = 32),
             input_fn(mpg ~ drat + wt + qsec, mtcars[1:6, ]))
}

# boosted_trees_classifier on bucketized columns of the mixed frame (0/1 labels).
can_boosted_trees <- function(model_dir) {
  d <- can_mixed(60L)
  d$label <- as.integer(d$label == "yes")
  cols <- feature_columns(
    column_bucketized(column_numeric("a"), boundaries = c(0.2, 0.4, 0.6, 0.8)),
    column_bucketized(column_numeric("b"), boundaries = c(0.3, 0.6)))
  est <- boosted_trees_classifier(cols, n_batches_per_layer = 1, n_trees = 3, max_depth = 2,
                                  model_dir = model_dir, config = can_seed_config())
  fn <- input_fn(d, features = c("a", "b"), response = "label", batch_size = 60,
                 num_epochs = NULL, shuffle = FALSE)
  h <- train(est, fn, steps = 12)
  can_result(est, h, input_fn(d, features = c("a", "b"), response = "label", batch_size = 60),
             input_fn(d[1:7, ], features = c("a", "b")))
}

# The same linear regressor fed from a data frame, a formula, a matrix with column names and
# a named list (unshuffled, so every form reads the same batches), 12 steps each
# (formula_steps for the formula: the parity suite's mutation check changes it). And as
# tfestimators users write it: unquoted names (response = mpg, features = c(drat, wt)),
# tidyselect helpers (features = one_of(...)), object = / data = by name, and the feature
# columns from tfestimators' formula syntax (selection ~ column_numeric()).
can_input_forms <- function(model_dir, formula_steps = 12L) {
  features <- c("drat", "wt")
  forms <- list(
    data_frame = function(d) input_fn(d, features = features, response = "mpg",
                                      batch_size = 8, num_epochs = NULL, shuffle = FALSE),
    formula = function(d) input_fn(mpg ~ drat + wt, d, batch_size = 8, num_epochs = NULL,
                                   shuffle = FALSE),
    matrix = function(d) input_fn(as.matrix(d[, c("drat", "wt", "mpg")]), features = features,
                                  response = "mpg", batch_size = 8, num_epochs = NULL,
                                  shuffle = FALSE),
    list = function(d) input_fn(as.list(d[, c("drat", "wt", "mpg")]), features = features,
                                response = "mpg", batch_size = 8, num_epochs = NULL,
                                shuffle = FALSE),
    unquoted = function(d) input_fn(d, response = mpg, features = c(drat, wt),
                                    batch_size = 8, num_epochs = NULL, shuffle = FALSE),
    tidyselect = function(d) input_fn(object = d, features = one_of(features),
                                      response = mpg, batch_size = 8, num_epochs = NULL,
                                      shuffle = FALSE),
    object_formula = function(d) input_fn(object = mpg ~ drat + wt, data = d, batch_size = 8,
                                          num_epochs = NULL, shuffle = FALSE),
    columns_formula = function(d) input_fn(d, features = features, response = "mpg",
                                           batch_size = 8, num_epochs = NULL, shuffle = FALSE))
  out <- list()
  for (form in names(forms)) {
    columns <- if (form == "columns_formula") {
      with_columns(mtcars, feature_columns(one_of(features) ~ column_numeric()))
    } else {
      feature_columns(column_numeric(features))
    }
    est <- linear_regressor(columns,
                            model_dir = file.path(model_dir, form),
                            optimizer = "SGD", config = can_seed_config())
    steps <- if (form == "formula") formula_steps else 12L
    h <- train(est, forms[[form]](mtcars), steps = steps)
    out[[form]] <- list(history = can_history(h), variables = can_variables(est))
  }
  out
}

# train_and_evaluate() of a linear classifier on the mixed frame.
can_train_and_evaluate <- function(model_dir) {
  d <- can_mixed(60L)
  d$label <- as.integer(d$label == "yes")
  est <- linear_classifier(feature_columns(column_numeric("a", "b")), model_dir = model_dir,
                           optimizer = "Adagrad", config = can_seed_config())
  ts <- train_spec(input_fn(d, features = c("a", "b"), response = "label", batch_size = 10,
                            num_epochs = NULL), max_steps = 15)
  es <- eval_spec(input_fn(d, features = c("a", "b"), response = "label", batch_size = 60),
                  steps = NULL, start_delay_secs = 0, throttle_secs = 0)
  res <- train_and_evaluate(est, ts, es)
  list(result = can_frame(res), variables = can_variables(est),
       checkpoint = basename(latest_checkpoint(model_dir)))
}

# export_savedmodel() of the linear regressor trained by can_linear_regressor().
can_export <- function(model_dir, export_dir) {
  est <- linear_regressor(feature_columns(column_numeric("drat", "cyl", "wt")),
                          model_dir = model_dir, config = can_seed_config())
  export_savedmodel(est, export_dir)
}

# keras_model_to_estimator() of a one-layer Keras model with constant initial weights.
can_keras <- function(model_dir) {
  keras <- reticulate::import("tensorflow", convert = TRUE)$keras
  est <- NULL
  with(tf$Graph()$as_default(), {
    inputs <- keras$Input(shape = list(2L), name = "x")
    layer <- keras$layers$Dense(1L, name = "out",
                                kernel_initializer = keras$initializers$Constant(0.5))
    km <- keras$Model(inputs, layer(inputs))
    km$compile(optimizer = keras$optimizers$legacy$SGD(learning_rate = 0.001), loss = "mse")
    est <- keras_model_to_estimator(km, model_dir = model_dir, config = can_seed_config())
  })
  h <- train(est, input_fn(mpg ~ drat + wt, mtcars, batch_size = 8, num_epochs = NULL,
                           shuffle = FALSE), steps = 10)
  list(history = can_history(h),
       evaluate = can_frame(evaluate(est, input_fn(mpg ~ drat + wt, mtcars, batch_size = 32))),
       predict = can_frame(predict(est, input_fn(mpg ~ drat + wt, mtcars[1:5, ]))),
       global_step = as.integer(variable_value(est, "global_step")$global_step),
       kernel = can_flat(variable_value(est, "out/kernel")[["out/kernel"]]))
}

# Feature-column helpers: the dense input layer of numeric, bucketized and indicator columns
# for three rows, and the parsing specs.
can_columns <- function(vocab_file) {
  cols <- feature_columns(
    column_numeric("a"),
    column_bucketized(column_numeric("b"), boundaries = c(0.3, 0.6)),
    column_indicator(column_categorical_with_vocabulary_list(
      "color", vocabulary_list = c("red", "green", "blue"))),
    column_indicator(column_categorical_with_identity("size", num_buckets = 3)))
  values <- NULL
  with(tf$Graph()$as_default(), {
    features <- list(a = tf$constant(c(0.1, 0.5, 0.9), shape = list(3L, 1L)),
                     b = tf$constant(c(0.2, 0.5, 0.7), shape = list(3L, 1L)),
                     color = tf$constant(c("blue", "red", "mauve"), shape = list(3L, 1L)),
                     size = tf$constant(c(2L, 0L, 1L), shape = list(3L, 1L)))
    layer <- input_layer(features, cols)
    session <- tf$Session()
    session$run(tf$tables_initializer())  # the vocabulary list's lookup table
    values <- can_flat(session$run(layer))
    session$close()
  })
  # A parsing spec is a Python dict (of FixedLenFeature / VarLenFeature): compared by its
  # printed form.
  # the specs are named lists of TensorFlow's FixedLenFeatures in R (as tfestimators'), dicts
  # in Python: compared as the dict the R list converts to
  spec_of <- function(spec) reticulate::py_str(reticulate::r_to_py(spec))
  wide <- can_mixed_columns(vocab_file)
  list(input_layer = values,
       selected = vapply(feature_columns(column_numeric(starts_with("Petal"), "Sepal.Width"),
                                         names = iris),
                         function(c) reticulate::py_to_r(c$name), character(1)),
       classifier_spec = spec_of(classifier_parse_example_spec(
         wide$dnn, label_key = "label", label_dtype = tf$string,
         weight_column = "weight")),
       regressor_spec = spec_of(regressor_parse_example_spec(
         feature_columns(column_numeric("drat", "wt")), label_key = "mpg")))
}
