test_that("column constructors return one column or a list of them", {
  skip_if_no_pyestim()
  one <- column_numeric("a")
  expect_s3_class(one, "python.builtin.object")
  two <- column_numeric("a", "b")
  expect_true(is.list(two) && length(two) == 2L)
  expect_length(column_numeric(c("a", "b", "c")), 3L)
  expect_equal(reticulate::py_to_r(column_numeric("v", shape = c(2, 3))$shape), list(2L, 3L))
  expect_equal(reticulate::py_to_r(column_numeric("d", dtype = "float64")$dtype$name),
               "float64")
  b <- column_bucketized(one, c(0, 1, 2))
  expect_equal(unlist(reticulate::py_to_r(b$boundaries)), c(0, 1, 2))
  id <- column_categorical_with_identity("cyl", num_buckets = 10)
  expect_equal(reticulate::py_to_r(id$num_buckets), 10L)
  voc <- column_categorical_with_vocabulary_list("s", vocabulary_list = c("x", "y"))
  expect_equal(unlist(reticulate::py_to_r(voc$vocabulary_list)), c("x", "y"))
  expect_s3_class(column_categorical_with_vocabulary_list("s", vocabulary_list = "x"),
                  "python.builtin.object")
  f <- tempfile(fileext = ".txt")
  writeLines(c("x", "y", "z"), f)
  vf <- column_categorical_with_vocabulary_file("s", vocabulary_file = f, vocabulary_size = 3)
  expect_equal(reticulate::py_to_r(vf$vocabulary_size), 3L)
  hb <- column_categorical_with_hash_bucket("s", hash_bucket_size = 5)
  expect_equal(reticulate::py_to_r(hb$hash_bucket_size), 5L)
  w <- column_categorical_weighted(voc, "s_weight")
  expect_equal(reticulate::py_to_r(w$weight_feature_key), "s_weight")
  expect_s3_class(column_indicator(voc), "python.builtin.object")
  emb <- column_embedding(hb, dimension = 2)
  expect_equal(reticulate::py_to_r(emb$dimension), 2L)
  cr <- column_crossed(c("s", "t"), hash_bucket_size = 10)
  expect_equal(reticulate::py_to_r(cr$hash_bucket_size), 10L)
  cr2 <- column_crossed(list(voc, "t"), hash_bucket_size = 10)
  expect_s3_class(cr2, "python.builtin.object")
})

test_that("column constructors report bad arguments as pyestim errors", {
  skip_if_no_pyestim()
  expect_error(column_numeric(), class = "PyestimValueError")
  expect_error(column_numeric("a", dtype = "string"), "real integer or floating point")
  expect_error(column_bucketized("a", 1), class = "PyestimTypeError")
  expect_error(column_categorical_with_identity("a", num_buckets = 3, default_value = 5),
               "default_value must be in")
  expect_error(column_categorical_with_vocabulary_list("a", vocabulary_list = c("x", "x")),
               "duplicate")
  expect_error(column_categorical_with_vocabulary_file("a", vocabulary_file = "/nope",
                                                       vocabulary_size = 2),
               "does not exist")
  expect_error(column_categorical_with_hash_bucket("a", hash_bucket_size = 1),
               "larger than 1")
  expect_error(column_categorical_weighted(column_numeric("a"), "w"),
               class = "PyestimTypeError")
  expect_error(column_indicator(column_numeric("a")), "must be a categorical column")
  hb <- column_categorical_with_hash_bucket("s", hash_bucket_size = 5)
  expect_error(column_embedding(hb, dimension = 2, combiner = "max"), "combiner must be")
  expect_error(column_crossed("a", 10), "at least two keys")
})

test_that("feature_columns() gathers columns, names and glob patterns", {
  skip_if_no_pyestim()
  cols <- feature_columns(column_numeric("drat"), column_numeric("cyl", "wt"))
  expect_length(cols, 3L)
  names_of <- function(cols) vapply(cols, function(c) reticulate::py_to_r(c$name), "")
  expect_equal(names_of(cols), c("drat", "cyl", "wt"))
  sel <- feature_columns(column_numeric("Sepal*"), "Petal.Width", names = iris)
  expect_equal(names_of(sel), c("Sepal.Length", "Sepal.Width", "Petal.Width"))
  expect_equal(names_of(feature_columns("Petal*", names = names(iris))),
               c("Petal.Length", "Petal.Width"))
  err <- expect_error(feature_columns(column_numeric("Sepal*")), class = "PyestimValueError")
  expect_match(conditionMessage(err), "names")
  expect_error(feature_columns("nope", names = iris), "not among the available names")
  expect_error(feature_columns(42), class = "PyestimTypeError")
})

test_that("input_layer() builds a dense tensor in a model function", {
  skip_if_no_pyestim()
  g <- tf$Graph()
  with(g$as_default(), {
    features <- list(a = tf$constant(matrix(c(1, 2, 3), 3, 1)),
                     b = tf$constant(matrix(c(4, 5, 6), 3, 1)))
    layer <- input_layer(features, feature_columns(column_numeric("a", "b")))
    expect_equal(unlist(reticulate::py_to_r(layer$shape$as_list())), c(3L, 2L))
    expect_error(input_layer(features, list(column_numeric("zz"))), "not in features")
    expect_error(input_layer(features, list(
      column_categorical_with_identity("a", num_buckets = 3))), "dense columns")
  })
})

test_that("parse example specs list the features and the label", {
  skip_if_no_pyestim()
  cols <- feature_columns(column_numeric("a", "b"))
  spec <- classifier_parse_example_spec(cols, label_key = "y")
  expect_identical(names(spec), c("a", "b", "y"))
  spec <- regressor_parse_example_spec(cols, label_key = "y", weight_column = "w")
  expect_identical(names(spec), c("a", "b", "y", "w"))
  expect_error(classifier_parse_example_spec(cols, label_key = 3), "label_key must name")
  expect_error(regressor_parse_example_spec(cols, label_key = "y", label_dimension = 0),
               class = "pyestim_error")
})

test_that("parse example specs are named lists of TensorFlow's features, as in tfestimators' parsing_spec vignette", {
  skip_if_no_pyestim()
  spec <- classifier_parse_example_spec(feature_columns = column_numeric("a"), label_key = "b",
                                        weight_column = "c")
  expect_true(is.list(spec))
  expect_false(inherits(spec, "python.builtin.object"))
  fixed <- tf$python$ops$parsing_ops$FixedLenFeature
  expected <- list(a = fixed(reticulate::tuple(1L), dtype = tf$float32),
                   b = fixed(reticulate::tuple(1L), dtype = tf$int64),
                   c = fixed(reticulate::tuple(1L), dtype = tf$float32))
  expect_identical(names(spec), names(expected))
  same <- reticulate::import("operator")$eq  # Python's ==, an R logical
  for (key in names(expected)) expect_true(same(spec[[key]], expected[[key]]), info = key)
  expect_false(same(spec$b, expected$a))  # the check can fail
  spec <- regressor_parse_example_spec(column_numeric("a"), label_key = "y",
                                       label_dimension = 2L)
  expect_true(same(spec$y, fixed(reticulate::tuple(2L), dtype = tf$float32)))
})

test_that("inside feature_columns(names = ), constructors take tidyselect selections", {
  skip_if_no_pyestim()
  skip_if_no_package("tidyselect")
  skip_if_no_package("rlang")
  names_of <- function(cols) vapply(cols, function(c) reticulate::py_to_r(c$name), "")
  starts_with <- tidyselect::starts_with
  cols <- feature_columns(column_numeric(starts_with("Sepal")), names = iris)
  expect_equal(names_of(cols), c("Sepal.Length", "Sepal.Width"))
  cols <- feature_columns(column_numeric(tidyselect::ends_with("Width"), Petal.Length),
                          names = iris)
  expect_equal(names_of(cols), c("Sepal.Width", "Petal.Width", "Petal.Length"))
  feats <- function() setdiff(names(iris), "Species")
  expect_length(feature_columns(column_numeric(feats()), names = iris), 4L)
  ids <- feature_columns(column_categorical_with_identity(tidyselect::matches("^cy"),
                                                          num_buckets = 10), names = mtcars)
  expect_equal(names_of(ids), "cyl")
  expect_error(feature_columns(column_numeric(nope), names = iris),
               "Column `nope` doesn't exist", fixed = TRUE)
  # Outside feature_columns(), helpers are not available.
  # (not found, or, where tidyselect is attached, refused outside a selecting function)
  expect_error(column_numeric(starts_with("Sepal")),
               'could not find function "starts_with"|must be used within a \\*selecting\\* function')
})

test_that("column_numeric() takes shape(), a TensorShape, a vector or a list (issue 22)", {
  skip_if_no_pyestim()
  shape_of <- function(col) unlist(reticulate::py_to_r(col$shape))
  # tfestimators' mnist example
  expect_equal(shape_of(column_numeric("x", shape = shape(784L))), 784L)
  expect_equal(shape_of(column_numeric("x", shape = shape(28L, 28L))), c(28L, 28L))
  expect_equal(shape_of(column_numeric("x", shape = c(28L, 28L))), c(28L, 28L))
  expect_equal(shape_of(column_numeric("x", shape = list(28, 28))), c(28L, 28L))
  err <- expect_error(column_numeric("x", shape = 1.5), class = "PyestimValueError")
  expect_match(conditionMessage(err),
               "a whole number, a vector of whole numbers (c(28, 28)) or a shape(28, 28)",
               fixed = TRUE)
  expect_error(column_numeric("x", shape = shape(NULL, 3L)), "each known")
})

test_that("a first use from R is quiet: no deprecation notice of pyestim's own calls, no CUDA probe without a GPU", {
  skip_if_no_pyestim()
  script <- tempfile(fileext = ".R")
  writeLines(c("library(pyestim)",
               "invisible(column_numeric('x'))",
               "invisible(column_indicator(column_categorical_with_identity('k', num_buckets = 3)))",
               "cat('sum', tf$constant(1)$numpy() + 1, '\\n')"), script)
  vars <- c("TF_CPP_MIN_LOG_LEVEL", "PYESTIM_SHOW_DEPRECATIONS", "PYESTIM_TF_VERBOSITY")
  old <- Sys.getenv(vars, unset = NA)
  Sys.unsetenv(vars)
  on.exit(do.call(Sys.setenv, as.list(old[!is.na(old)])), add = TRUE)
  out <- suppressWarnings(system2(file.path(R.home("bin"), "Rscript"), script, stdout = TRUE,
                                  stderr = TRUE))
  expect_true("sum 2 " %in% out, info = paste(out, collapse = "\n"))
  expect_false(any(grepl("is deprecated", out)), info = paste(out, collapse = "\n"))
  if (!reticulate::import("pyestim._before_tf")$has_nvidia_device()) {
    expect_false(any(grepl("absl::InitializeLog|Could not find cuda drivers|cuInit", out)),
                 info = paste(out, collapse = "\n"))
  }
})
