test_that("numpy_input_fn() takes R matrices, vectors, factors and NumPy arrays", {
  skip_if_no_pyestim()
  d <- toy_data()
  fn <- numpy_input_fn(list(x = d$x), d$y, batch_size = 20, shuffle = TRUE)
  expect_s3_class(fn, "python.builtin.function")
  info <- reticulate::py_to_r(reticulate::py_get_attr(fn, "pyestim_numpy_input"))
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
  expect_s3_class(fn, "python.builtin.function")
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
  expect_s3_class(input_fn(m, c("drat", "cyl"), "mpg"), "python.builtin.function")
  expect_s3_class(input_fn(as.list(mtcars), c("drat", "cyl"), "mpg"),
                  "python.builtin.function")
  expect_s3_class(input_fn(mpg ~ drat + cyl, mtcars), "python.builtin.function")
  expect_s3_class(input_fn(mpg ~ ., mtcars, batch_size = 4), "python.builtin.function")
  seqs <- list(x = list(c(1, 2), c(3, 4), c(5, 6)), y = c(0, 1, 0))
  expect_s3_class(input_fn(seqs, "x", "y"), "python.builtin.function")
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

test_that("factors reach Python as factors: fed as 0-based codes, encoding logged", {
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
  tryCatch(input_fn(df, c("x", "g")), finally = restore())
  lines <- unlist(logged$keep$lines)
  expect_true(any(grepl("factor column 'g' is fed as 0-based integer codes: b = 0, a = 1",
                        lines, fixed = TRUE)), info = paste(lines, collapse = "\n"))
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
