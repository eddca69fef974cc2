#' Input function for a data frame, matrix, list or formula
#'
#' Builds an input function that feeds columns of a data frame (or a named list of
#' vectors, or a matrix with column names) into a model.
#'
#' Methods: a data frame, a matrix with column names, a named list of equally long vectors
#' (or of lists of equally long sequences, one per example), and a formula
#' (`input_fn(mpg ~ drat + cyl, mtcars)`: the formula comes first, the data second). Python
#' objects (a pandas DataFrame, a dict) are passed on as they are.
#'
#' Factors are passed to Python as factors (pandas categoricals) and fed as their 0-based
#' integer codes (level `i` of `levels(x)` is `i - 1`), as tfestimators feeds them; a message
#' says so, in tfestimators' words ("The following factor levels of 'Species' have been
#' encoded: ..."; [suppressMessages()] silences it). Use
#' `column_categorical_with_identity(name, num_buckets = nlevels(x))` for such a feature.
#'
#' The result is tfestimators' input function generator: a function of the estimator
#' (`TRUE` / `FALSE` also do, tfestimators' `features_as_named_list`: a named list of
#' features, or one matrix) returning the input function, which, called, returns
#' `list(features, labels)` as tensors (the features alone without a response), the first
#' batch when called outside a graph. [train()], [evaluate()] and
#' [predict()][predict.tf_estimator] take either.
#'
#' @param object,data The input source: a data frame, a matrix with column names, a named
#'   list of columns, or (formula method, `object`) the formula, whose `data` then follows.
#' @param features The feature columns: names (a character vector), unquoted column names
#'   (`c(drat, cyl)`), tidyselect helpers (`one_of(c("drat", "cyl"))`, `starts_with("Sepal")`),
#'   or a formula `response ~ feature1 + feature2` (then `response` must be `NULL`; `.`
#'   means every other column).
#' @param response The response (label) column: a name, or an unquoted column name
#'   (`response = mpg`).
#' @param batch_size The size of batches.
#' @param shuffle Whether to shuffle: `TRUE`, `FALSE` or `"auto"`, which shuffles except when
#'   [predict()][predict.tf_estimator] calls this input function.
#' @param num_epochs Passes over the data; `NULL` repeats forever.
#' @param queue_capacity Number of examples to keep ready ahead of the model.
#' @param num_threads Accepted for compatibility (reading is single-threaded, for a
#'   reproducible order).
#' @param allow_nonfinite Accept features holding `NA`, `NaN` or infinite values (refused by
#'   default, naming the column, the first row and the count).
#' @param epochs The number of passes over the data, as tfestimators' vignettes name
#'   `num_epochs` (`input_fn(mtcars, c(drat, cyl), mpg, epochs = 3)`); give one of them.
#' @param ... Passed on to the method for the data (`input_fn()`, `input_fn.default()`,
#'   `input_fn.formula()`, `input_fn.matrix()`); must be empty for the data frame method.
#'
#' @return A function of one argument (the estimator, or `TRUE` / `FALSE`) returning the
#'   input function, as [train()], [evaluate()] and [predict()][predict.tf_estimator] take
#'   it; the input function returns `list(features, labels)` as tensors. For a custom
#'   estimator (or `FALSE`) the features arrive as one matrix `[batch, n_features]`; for a
#'   canned estimator (or `TRUE`) as a named list of columns.
#' @seealso [numpy_input_fn()]
#' @examples
#' \dontrun{
#' fn <- input_fn(mtcars, features = c("drat", "cyl"), response = "mpg", batch_size = 8)
#' fn <- input_fn(mtcars, response = mpg, features = c(drat, cyl))
#' fn <- input_fn(mtcars, mpg ~ drat + cyl)
#' fn <- input_fn(mpg ~ drat + cyl, mtcars)
#' batch <- fn(TRUE)()  # list(features, labels): a named list of tensors, a tensor
#' }
#' @export
input_fn <- function(object, ...) {
  UseMethod("input_fn")
}

#' @rdname input_fn
#' @export
input_fn.default <- function(object, ...) {
  input_fn.data.frame(object, ...)
}

#' @rdname input_fn
#' @export
input_fn.formula <- function(object, data, ...) {
  input_fn(data, object, ...)
}

#' @rdname input_fn
#' @export
input_fn.data.frame <- function(object, features, response = NULL, batch_size = 128,
                                shuffle = "auto", num_epochs = 1, queue_capacity = 1000,
                                num_threads = 1, allow_nonfinite = FALSE, epochs = NULL,
                                ...) {
  call <- generic_call("input_fn")
  check_dots_empty(...)
  columns <- data_columns(object)
  available <- if (is_py(columns)) character() else names(columns)
  features <- column_selection(rlang::enquo(features), available)
  response <- column_selection(rlang::enquo(response), available)
  if (inherits(features, "formula")) {
    if (!is.null(response)) {
      stop("input_fn(): give the response either in the formula or as response =, not both.",
           call. = FALSE)
    }
    parsed <- formula_columns(features, available)
    features <- parsed$features
    response <- parsed$response
  }
  features <- as.character(unlist(features))
  if (length(features) == 1L) features <- list(features)
  make <- pycall("input_fn", list(
    data = if (is_py(columns)) columns else lapply(columns, as_py_column),
    features = features,
    response = response,
    batch_size = as_py_int(batch_size),
    shuffle = as_py_bool(shuffle),
    num_epochs = as_py_int(num_epochs),
    queue_capacity = as_py_int(queue_capacity),
    num_threads = as_py_int(num_threads),
    allow_nonfinite = as_py_bool(allow_nonfinite),
    epochs = as_py_int(epochs)), call = call)
  show_python_messages(make)
  input_fn_generator(make)
}

# The notes pyestim leaves for R on what it returns (the `pyestim_messages` attribute:
# tfestimators' note on the factor levels input_fn() encodes), shown as R messages.
show_python_messages <- function(x) {
  notes <- tryCatch(py_value(reticulate::py_get_attr(x, "pyestim_messages", silent = TRUE)),
                    error = function(e) NULL)
  for (note in as.character(unlist(notes))) message(note)
}

# input_fn()'s result, tfestimators' generator: function(estimator) returning the input
# function, an R function returning list(features, labels) as tensors. Handed to train()
# and the others, each is the Python function behind it (as_py_function()).
input_fn_generator <- function(make) {
  # reticulate::py_call(): reticulate 1.28 (the reference stack's) cannot call a Python object
  # as an R function.
  generator <- function(estimator) {
    inner <- with_python_errors(reticulate::py_call(make, as_py_input_target(estimator)))
    input_function <- function() py_value(with_python_errors(reticulate::py_call(inner)))
    structure(input_function, py_function = inner, class = c("pyestim_function", "function"))
  }
  structure(generator, py_function = make, class = c("pyestim_function", "function"))
}

# What the generator is called with, for Python: an estimator as its Python object; TRUE /
# FALSE (tfestimators' features_as_named_list) as they are; an object that only carries
# tfestimators' class (as its tests build them: structure(list(), class = "tf_estimator"))
# as its kind: features as one matrix (FALSE) for a tf_custom_estimator, as named columns
# (TRUE) for any other tf_estimator.
as_py_input_target <- function(estimator) {
  if (!inherits(estimator, c("tf_estimator", "tf_custom_estimator"))) return(estimator)
  if (is_py(estimator[["estimator"]])) return(estimator[["estimator"]])
  !inherits(estimator, "tf_custom_estimator")
}

#' @rdname input_fn
#' @export
input_fn.list <- input_fn.data.frame

#' @rdname input_fn
#' @export
input_fn.matrix <- function(object, ...) {
  input_fn.data.frame(object, ...)
}

# Which columns `features` or `response` (a quosure) names. A column's unquoted name, alone
# or in c() (`c(drat, cyl)`, `c(features)`), is that column, even where a variable of the same
# name exists (as tidyselect reads it). Any other value that can be evaluated (a character
# vector, a formula, NULL, a Python object) is taken as it is (pyestim checks the names);
# otherwise (tidyselect helpers such as one_of()) it is a tidyselect selection among the
# data's column names.
column_selection <- function(quo, available) {
  if (rlang::quo_is_missing(quo)) return(NULL)
  expr <- rlang::quo_get_expr(quo)
  if (is.symbol(expr) && as.character(expr) %in% available) return(as.character(expr))
  data <- structure(rep(list(logical()), length(available)), names = available,
                    class = "data.frame", row.names = integer())
  if (names_a_column(expr, available)) return(names(tidyselect::eval_select(quo, data)))
  value <- tryCatch(rlang::eval_tidy(quo), error = function(e) e)
  if (!inherits(value, "error") && !is.function(value)) return(value)
  names(tidyselect::eval_select(quo, data))
}

# TRUE for c(...) with a column's unquoted name among its arguments.
names_a_column <- function(expr, available) {
  is.call(expr) && identical(expr[[1]], as.name("c")) &&
    any(vapply(as.list(expr)[-1], function(a) is.symbol(a) && as.character(a) %in% available,
               logical(1)))
}

# The data as a named list of columns for Python; pyestim checks what it is (a matrix without
# column names, or anything but a data frame or a named list, goes as it is and pyestim says
# what is wrong).
data_columns <- function(data) {
  if (is_py(data)) return(data)
  if (is.matrix(data)) {
    if (is.null(colnames(data))) return(reticulate::np_array(data))
    data <- as.data.frame(data, stringsAsFactors = FALSE)
  }
  if (is.data.frame(data)) data <- as.list(data)
  if (is.list(data) && !is.null(names(data)) && all(nzchar(names(data)))) return(data)
  as_py_column(data)
}

formula_columns <- function(formula, available) {
  response <- if (length(formula) == 3L) all.vars(formula[[2]]) else character()
  features <- all.vars(formula[[length(formula)]], unique = TRUE)
  if ("." %in% features) {
    features <- unique(c(setdiff(features, "."), setdiff(available, response)))
  }
  if (length(response) > 1L) {
    stop("input_fn(): the formula's left-hand side must name one response column.",
         call. = FALSE)
  }
  list(features = features, response = if (length(response)) response else NULL)
}

#' Input function for arrays
#'
#' Builds an input function that feeds arrays (R arrays or NumPy arrays) into a model, in
#' batches. The arrays stay in Python; the function itself runs in Python.
#'
#' @param x Features: a named list of arrays (each a feature, all with the same number of
#'   rows), or one array, fed as one feature tensor. R vectors, matrices and arrays are
#'   converted to NumPy arrays (factors to 0-based integer codes).
#' @param y Labels: an array, or a named list of arrays; `NULL` if absent (prediction).
#' @param batch_size Size of the batches to return.
#' @param num_epochs Number of passes over the data; `NULL` repeats forever.
#' @param shuffle Whether to shuffle the rows (a new order every epoch). Must be given, as
#'   in TensorFlow: `TRUE` for training, `FALSE` for evaluation and prediction.
#' @param queue_capacity Number of examples to keep ready ahead of the model (rounded up to
#'   whole batches).
#' @param num_threads Accepted for compatibility; reading is single-threaded so that the
#'   order of examples is reproducible.
#' @param allow_nonfinite Accept features holding `NA`, `NaN` or infinite values (refused by
#'   default, naming the feature, the first row and the count).
#'
#' @return An input function (a Python function of no arguments).
#' @seealso [input_fn()]
#' @examples
#' \dontrun{
#' fn <- numpy_input_fn(x = list(x = matrix(runif(20), 10)), y = rep(0:1, 5),
#'                      batch_size = 5, shuffle = TRUE)
#' }
#' @export
numpy_input_fn <- function(x, y = NULL, batch_size = 128L, num_epochs = 1L, shuffle = NULL,
                           queue_capacity = 1000L, num_threads = 1L, allow_nonfinite = FALSE) {
  pycall("numpy_input_fn", list(
    x = as_py_arrays(x),
    y = as_py_arrays(y),
    batch_size = as_py_int(batch_size),
    num_epochs = as_py_int(num_epochs),
    shuffle = as_py_bool(shuffle),
    queue_capacity = as_py_int(queue_capacity),
    num_threads = as_py_int(num_threads),
    allow_nonfinite = as_py_bool(allow_nonfinite)))
}
