test_that("numpy_input_fn() takes R matrices, vectors, factors and NumPy arrays", {
  skip_if_no_pyestim()
  d <- toy_data()
  fn <- numpy_input_fn(list(x = d$x), d$y, batch_size = 20, shuffle = TRUE)
  expect_s3_class(fn, "python.builtin.function")
  info <- reticulate::py_to_r(reticulate::import_builtins(convert = FALSE)$vars(
    reticulate::py_get_attr(fn, "pyestim_numpy_input")))
  expect_equal(info$n, 200L)
  expect_equal(info$batch_size, 20L)
  np <- import("numpy", convert = FALSE)
  fn2 <- numpy_input_fn(list(x = np$asarray(d$x)), np$asarray(d$y), shuffle = FALSE)
  expect_s3_class(fn2, "python.builtin.function")
  fn3 <- numpy_input_fn(list(x = d$x), factor(c("a", "b"))[d$y + 1L], shuffle = FALSE)
  expect_s3_class(fn3, "python.builtin.function")
  expect_error(numpy_input_fn(list(x = d$x), d$y), "shuffle must be given explicitly")
  expect_error(numpy_input_fn(list(x = d$x), d$y[1:10], shuffle = TRUE),
               "same number of rows")
  expect_error(numpy_input_fn(list(x = d$x), d$y, batch_size = 2.5, shuffle = TRUE),
               "batch_size must be a whole number")
})

test_that("R functions work as input functions: 1 formal gets the estimator, 0 is the input", {
  skip_if_no_pyestim()
  d <- toy_data()
  got <- NULL
  generator <- function(features_as_named_list) {
    got <<- features_as_named_list
    tf$estimator$inputs$numpy_input_fn(x = list(x = d$x), y = d$y, batch_size = 20L,
                                       num_epochs = NULL, shuffle = TRUE)
  }
  est <- toy_estimator()
  h <- train(est, generator, steps = 3)
  expect_s3_class(got, "tf_estimator")
  expect_equal(global_step(est), 3L)

  # No formals: the function is the input function (returns features and labels).
  direct <- function() {
    list(list(x = tf$constant(d$x[1:20, ])), tf$constant(d$y[1:20]))
  }
  h2 <- train(est, direct, steps = 2)
  expect_equal(global_step(est), 5L)

  # An R generator that returns an R input function.
  nested <- function(estimator) function() list(list(x = tf$constant(d$x)), tf$constant(d$y))
  h3 <- train(est, nested, steps = 1)
  expect_equal(global_step(est), 6L)

  expect_error(train(est, function(a, b) NULL, steps = 1), class = "InputFnError")
  expect_error(train(est, function(a, b) NULL, steps = 1), "should accept 0 or 1 arguments")
  expect_error(train(est, function(estimator) 42, steps = 1), "not a function")
})

test_that("input_fn() feeds data frame columns, by names or by formula", {
  skip_if_no_pyestim()
  d <- toy_data()
  df <- data.frame(a = d$x[, 1], b = d$x[, 2], c = d$x[, 3], e = d$x[, 4], label = d$y)
  model_fn <- function(features, labels, mode, params, config) {
    toy_model_fn(list(x = features), labels, mode, params, config)
  }
  est <- toy_estimator(model_fn)
  fn <- input_fn(df, features = c("a", "b", "c", "e"), response = "label", batch_size = 20,
                 num_epochs = NULL)
  expect_s3_class(fn, "pyestim_function")
  h <- train(est, fn, steps = 4)
  expect_equal(global_step(est), 4L)
  fn2 <- input_fn(df, label ~ a + b + c + e, num_epochs = 1)
  res <- evaluate(est, fn2)
  expect_equal(res$global_step, 4L)
  fn3 <- input_fn(df, label ~ ., num_epochs = 1)
  p <- predict(est, fn3)
  expect_equal(nrow(p), 200L)
  expect_error(input_fn(df, features = "nope", response = "label"), "not found in the data")
  expect_error(input_fn(1:3, features = "a"), "data must be a data frame")
})

test_that("input_fn() methods: data frame, matrix, list and formula first", {
  skip_if_no_pyestim()
  info <- function(fn) fn
  m <- as.matrix(mtcars[, c("mpg", "drat", "cyl")])
  expect_s3_class(input_fn(m, c("drat", "cyl"), "mpg"), "pyestim_function")
  expect_s3_class(input_fn(as.list(mtcars), c("drat", "cyl"), "mpg"),
                  "pyestim_function")
  expect_s3_class(input_fn(mpg ~ drat + cyl, mtcars), "pyestim_function")
  expect_s3_class(input_fn(mpg ~ ., mtcars, batch_size = 4), "pyestim_function")
  seqs <- list(x = list(c(1, 2), c(3, 4), c(5, 6)), y = c(0, 1, 0))
  expect_s3_class(input_fn(seqs, "x", "y"), "pyestim_function")
  err <- expect_error(input_fn(unname(m), "drat"), class = "PyestimTypeError")
  expect_match(conditionMessage(err), "without column names")
  expect_error(input_fn(mpg ~ nope, mtcars), "not found in the data")
  expect_error(input_fn(mtcars, mpg ~ drat, response = "mpg"), "not both")
  expect_error(input_fn(mtcars, "drat", batch_size = 0), class = "pyestim_error")
  # Each method feeds the same rows: a linear regressor trained 3 unshuffled steps from the
  # data frame, the matrix, the list and the formula ends with the same weights.
  weights <- drat_cyl_weights
  cars <- mtcars[, c("mpg", "drat", "cyl")]
  from_frame <- weights(input_fn(cars, c("drat", "cyl"), "mpg", batch_size = 8,
                                 shuffle = FALSE))
  expect_length(from_frame, 3L)  # two weights and the bias
  expect_true(any(from_frame != 0))
  expect_identical(weights(input_fn(m, c("drat", "cyl"), "mpg", batch_size = 8,
                                    shuffle = FALSE)), from_frame)
  expect_identical(weights(input_fn(as.list(cars), c("drat", "cyl"), "mpg", batch_size = 8,
                                    shuffle = FALSE)), from_frame)
  expect_identical(weights(input_fn(mpg ~ drat + cyl, cars, batch_size = 8,
                                    shuffle = FALSE)), from_frame)
  expect_error(input_fn(mtcars, "drat", extra = 1), "Unknown argument")
})

test_that("factors reach Python as factors: fed as 0-based codes, tfestimators' message", {
  skip_if_no_pyestim()
  logged <- reticulate::py_run_string(paste(
    "import logging",
    "class _Keep(logging.Handler):",
    "    def __init__(self):",
    "        super().__init__(logging.INFO)",
    "        self.lines = []",
    "    def emit(self, record):",
    "        self.lines.append(record.getMessage())",
    "keep = _Keep()",
    "_tf_logger = logging.getLogger('tensorflow')",
    "_old_level = _tf_logger.level",
    "_tf_logger.setLevel(logging.INFO)",
    "_tf_logger.addHandler(keep)", sep = "\n"), local = FALSE)
  restore <- function() {
    logged$`_tf_logger`$removeHandler(logged$keep)
    logged$`_tf_logger`$setLevel(logged$`_old_level`)
  }
  df <- data.frame(x = c(1, 2, 3, 4), g = factor(c("b", "a", "b", NA), levels = c("b", "a")))
  # tfestimators' words, as an R message (its own test: expect_message(train(...), ...)).
  note <- "The following factor levels of 'g' have been encoded:\n- 'b' => 0\n- 'a' => 1"
  tryCatch(expect_message(input_fn(df, c("x", "g")), note, fixed = TRUE), finally = restore())
  lines <- unlist(logged$keep$lines)
  expect_false(any(grepl("factor column", lines, fixed = TRUE)),
               info = paste(lines, collapse = "\n"))  # a message, not a log line
  expect_message(suppressMessages(input_fn(df, c("x", "g"))), NA)
  expect_message(input_fn(df, "x"), NA)  # no factor, no note
  # A canned classifier on a factor feature, through an identity column.
  model <- linear_classifier(list(column_numeric("Sepal.Length"),
                                  column_indicator(column_categorical_with_identity(
                                    "Species", num_buckets = 3))),
                             model_dir = new_model_dir())
  ir <- iris
  ir$big <- as.integer(ir$Sepal.Width > 3)
  train(model, input_fn(ir, big ~ Sepal.Length + Species, batch_size = 50), steps = 2)
  expect_equal(global_step(model), 2L)
})

# tfestimators' contract (issue 22): input_fn() gives function(estimator) (or TRUE / FALSE),
# which gives the input function, which returns list(features, labels) as tensors.
is_tensor <- function(x) {
  v <- tf$is_tensor(x)
  isTRUE(if (inherits(v, "python.builtin.object")) reticulate::py_to_r(v) else v)
}
tensor_values <- function(x) {
  v <- x$numpy()
  if (inherits(v, "python.builtin.object")) reticulate::py_to_r(v) else v
}

test_that("input_fn(...)(TRUE)() is list(features, labels): a named list of tensors, a tensor", {
  skip_if_no_pyestim()
  cars <- mtcars[1:10, ]
  batch <- input_fn(cars, response = mpg, features = c(drat, cyl), batch_size = 4,
                    shuffle = FALSE)(TRUE)()
  expect_length(batch, 2L)
  expect_named(batch[[1]], c("drat", "cyl"))
  expect_true(is_tensor(batch[[1]][[1]]) && is_tensor(batch[[1]][[2]]))
  expect_true(is_tensor(batch[[2]]))
  # Outside a graph: the first batch, rows 1 to 4 (not shuffled).
  expect_equal(as.vector(tensor_values(batch[[1]]$drat)), cars$drat[1:4])
  expect_equal(as.vector(tensor_values(batch[[2]])), cars$mpg[1:4])
  # The formula gives the same.
  same <- input_fn(mpg ~ drat + cyl, data = cars, batch_size = 4, shuffle = FALSE)(TRUE)()
  expect_equal(as.vector(tensor_values(same[[1]]$cyl)), cars$cyl[1:4])
  # Without a response: the features alone.
  features <- input_fn(cars, features = c(drat, cyl), shuffle = FALSE)(TRUE)()
  expect_named(features, c("drat", "cyl"))
})

test_that("input_fn() dispatches on the estimator's class, objects carrying only the class too", {
  skip_if_no_pyestim()
  fake_canned <- structure(list(a = 1), class = "tf_estimator")
  fake_custom <- structure(list(a = 1), class = "tf_custom_estimator")
  m <- as.matrix(mtcars[1:10, ])
  fn <- input_fn(m, response = mpg, features = c(drat, cyl), batch_size = 5, shuffle = FALSE)
  canned <- fn(fake_canned)()
  expect_length(canned, 2L)
  expect_named(canned[[1]], c("drat", "cyl"))
  custom <- fn(fake_custom)()
  expect_length(custom, 2L)
  expect_null(names(custom))
  expect_true(is_tensor(custom[[1]]))
  expect_equal(tensor_values(custom[[1]]), unname(m[1:5, c("drat", "cyl")]))
  expect_equal(tensor_values(fn(FALSE)()[[1]]), unname(m[1:5, c("drat", "cyl")]))
  # Real estimators: a custom one gets the matrix, a canned one the named columns.
  est <- toy_estimator()
  expect_equal(dim(tensor_values(fn(est)()[[1]])), c(5L, 2L))
  lin <- linear_regressor(feature_columns(column_numeric("drat", "cyl")),
                          model_dir = new_model_dir())
  expect_named(fn(lin)()[[1]], c("drat", "cyl"))
})

test_that("input_fn() on tfestimators' list of sequences, names unquoted", {
  skip_if_no_pyestim()
  fake_canned <- structure(list(a = 1), class = "tf_estimator")
  features <- c("drat", "cyl")  # a variable of the same name: the column comes first
  batch <- input_fn(
    object = list(
      features = list(list(list(1), list(2), list(3)), list(list(4), list(5), list(6))),
      response = list(list(1, 2, 3), list(4, 5, 6))),
    features = c(features),
    response = response,
    shuffle = FALSE)(fake_canned)()
  expect_length(batch, 2L)
  expect_named(batch[[1]], "features")
  expect_equal(dim(tensor_values(batch[[1]]$features)), c(2L, 3L, 1L))
  expect_equal(tensor_values(batch[[2]]), rbind(c(1, 2, 3), c(4, 5, 6)))
})

test_that("train(), evaluate() and predict() take input_fn()'s input function too", {
  skip_if_no_pyestim()
  cars <- mtcars[1:12, ]
  lin <- linear_regressor(feature_columns(column_numeric("drat")), model_dir = new_model_dir())
  fn <- input_fn(cars, features = drat, response = mpg, batch_size = 4, shuffle = FALSE)
  train(lin, fn(lin))  # one epoch: 12 rows in batches of 4
  expect_equal(global_step(lin), 3L)
  expect_equal(evaluate(lin, fn(TRUE))$global_step, 3L)
  expect_equal(nrow(predict(lin, fn(TRUE))), 12L)
})

test_that("input_fn(epochs = ) is num_epochs, as tfestimators' vignettes write it", {
  skip_if_no_pyestim()
  cars <- mtcars[1:12, ]
  lin <- linear_regressor(feature_columns(column_numeric("drat")), model_dir = new_model_dir())
  train(lin, input_fn(cars, features = c(drat), response = mpg, batch_size = 4, epochs = 3))
  expect_equal(global_step(lin), 9L)  # 3 passes over 12 rows in batches of 4
  train(lin, input_fn(mpg ~ drat, data = cars, batch_size = 4, epochs = 2))
  expect_equal(global_step(lin), 15L)
  expect_error(input_fn(cars, features = drat, num_epochs = 2, epochs = 3),
               "num_epochs or epochs")
})
