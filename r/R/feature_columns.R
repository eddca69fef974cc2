# Feature columns: how each input (a column of the data) becomes model input.

# Call a column constructor that takes feature names in `...`.
named_columns <- function(name, dots, args, call) {
  names_given <- lapply(unname(dots), function(x) {
    if (is.character(x) && length(x) > 1L) as.list(x) else x
  })
  pycall(name, c(names_given, args), call = call)
}

#' Define feature columns
#'
#' Gathers feature columns into the list a canned estimator takes.
#'
#' Names may be given instead of columns: a bare name stands for a numeric column
#' (`"x"` is `column_numeric("x")`). A name containing `*`, `?` or `[` is a glob pattern
#' (`"Sepal*"`), matched against `names`; the `column_*()` constructors take patterns too
#' (`column_numeric("Petal*")`), resolved here.
#'
#' The column constructors called inside `feature_columns(..., names = )` (or inside a
#' [set_columns()] / [with_columns()] scope) also take tidyselect selections, as in
#' tfestimators: `feature_columns(column_numeric(starts_with("Sepal")), names = iris)`.
#' tfestimators' formula syntax puts the selection first: `starts_with("Sepal") ~
#' column_numeric()` is `column_numeric(starts_with("Sepal"))`, the constructor applied to
#' each matched name (its other arguments as given: `c(a, b) ~ column_numeric(shape = 2)`).
#'
#' @param ... Feature columns (from the `column_*()` functions), lists of them, pattern
#'   selections, bare feature names or glob patterns (numeric columns), and formulas
#'   `selection ~ constructor(...)`.
#' @param names Available feature names (for selection / pattern matching): a character
#'   vector, or a data frame or named list whose names are taken; by default those of the
#'   current [set_columns()] scope. Needed when patterns are used; when given, plain names
#'   are checked against it.
#'
#' @return A list of feature columns, flattened, in the order given (a pattern yields its
#'   matches in the order of `names`); a column given twice is kept once.
#' @family feature columns
#' @examples
#' \dontrun{
#' feature_columns(column_numeric("Sepal*", "Petal*"), names = iris)
#' feature_columns(column_numeric("drat"), column_numeric("cyl"))
#' feature_columns(starts_with("Sepal") ~ column_numeric(), names = iris)
#' }
#' @export
feature_columns <- function(..., names = NULL) {
  names <- column_names(names)
  # The column constructors in `...` see the names while they are evaluated (tidyselect);
  # without `names`, the names of the scope (set_columns(), with_columns(), ...) if any.
  if (is.null(names)) names <- .pyestim$active_names
  old <- .pyestim$active_names
  .pyestim$active_names <- if (is.character(names)) names else NULL
  on.exit(.pyestim$active_names <- old, add = TRUE)
  quos <- lapply(rlang::enquos(...), formula_as_call)
  dots <- lapply(selected_quos(quos), function(x) {
    if (is.character(x) && length(x) > 1L) as.list(x) else as_py_columns(x)
  })
  if (is.character(names)) names <- as.list(names)
  py_value_list(pycall("feature_columns", c(dots, list(names = names))))
}

# The names given for selection: a character vector, or the names of a data frame, named
# list or matrix; NULL and Python objects stay as they are.
column_names <- function(columns) {
  if (is.null(columns) || is_py(columns)) return(columns)
  if (is.data.frame(columns) || (is.list(columns) && !is.null(base::names(columns)))) {
    columns <- base::names(columns)
  }
  if (is.matrix(columns)) columns <- colnames(columns)
  as.character(columns)
}

# tfestimators' formula syntax: `selection ~ constructor(args)` stands for
# `constructor(selection, args)` (e.g. `starts_with("Sepal") ~ column_numeric()`).
formula_as_call <- function(quo) {
  expr <- rlang::quo_get_expr(quo)
  if (!rlang::is_formula(expr, lhs = TRUE)) return(quo)
  lhs <- rlang::f_lhs(expr)
  rhs <- rlang::f_rhs(expr)
  if (!is.call(rhs)) {
    stop("feature_columns(): the right-hand side of `", deparse(expr), "` must be a call ",
         "of a column constructor, such as column_numeric().", call. = FALSE)
  }
  rlang::quo_set_expr(quo, as.call(c(rhs[[1]], lhs, as.list(rhs)[-1])))
}

#' Set the column names that selections choose from
#'
#' tfestimators' selection scope: the names that tidyselect helpers (`starts_with("Sepal")`)
#' and unquoted names inside the column constructors and [feature_columns()] choose from.
#' `set_columns()` sets them (until set again), `with_columns()` while `expr` is evaluated,
#' `scoped_columns()` until the calling function returns.
#'
#' @param columns The names: a character vector, or a data frame, named list or matrix whose
#'   (column) names are taken.
#' @param expr An expression evaluated with the names set.
#' @return `set_columns()` and `scoped_columns()`: the names set before, invisibly;
#'   `with_columns()`: the value of `expr`.
#' @examples
#' \dontrun{
#' with_columns(iris, feature_columns(starts_with("Sepal") ~ column_numeric()))
#' }
#' @name column-scope
#' @family feature columns
NULL

#' @rdname column-scope
#' @export
set_columns <- function(columns) {
  old <- .pyestim$active_names
  .pyestim$active_names <- column_names(columns)
  invisible(old)
}

#' @rdname column-scope
#' @export
with_columns <- function(columns, expr) {
  old <- set_columns(columns)
  on.exit(.pyestim$active_names <- old, add = TRUE)
  expr
}

#' @rdname column-scope
#' @export
scoped_columns <- function(columns) {
  old <- set_columns(columns)
  restore <- rlang::call2(function() .pyestim$active_names <- old)
  do.call(base::on.exit, list(restore, add = TRUE), envir = parent.frame())
  invisible(old)
}

# The arguments `...` of a column constructor, evaluated (see selected_quos()).
selected_names <- function(...) {
  selected_quos(rlang::enquos(...))
}

# Quosures (arguments of a column constructor or of feature_columns()), evaluated. When
# names are in scope (feature_columns(..., names = ), set_columns(), ...), arguments that
# cannot be evaluated on their own (tidyselect helpers such as starts_with("Sepal"), bare
# column names) select among the names instead: the result is then one character vector.
selected_quos <- function(quos) {
  active <- .pyestim$active_names
  if (is.null(active)) return(unname(lapply(quos, rlang::eval_tidy)))
  values <- lapply(quos, function(q) tryCatch(rlang::eval_tidy(q), error = function(e) e))
  failed <- vapply(values, function(v) inherits(v, "error"), logical(1))
  if (!any(failed)) return(unname(values))
  data <- structure(rep(list(logical()), length(active)), names = active,
                    class = "data.frame", row.names = integer())
  selected <- tidyselect::eval_select(rlang::expr(c(!!!unname(quos))), data)
  list(base::names(selected))
}

# A Python list as an R list of Python objects (feature columns stay Python objects).
py_value_list <- function(x) {
  if (!is_py(x)) return(x)
  n <- reticulate::py_len(x)
  lapply(seq_len(n) - 1L, function(i) reticulate::py_get_item(x, i))
}

# The result of a constructor given names: one column, or an R list of them.
column_result <- function(x) {
  if (is_py(x) && inherits(x, "python.builtin.list")) return(py_value_list(x))
  x
}

#' Construct a real-valued column
#'
#' @param ... Name(s) of the input feature(s) (character vectors; glob patterns are
#'   resolved by [feature_columns()]; inside `feature_columns(..., names = )`, tidyselect
#'   selections such as `starts_with("Sepal")` when tidyselect is installed). Used as the column name and the dictionary key for
#'   feature parsing configs, feature tensors and feature columns.
#' @param shape The shape of the tensor. An integer means a single-dimension tensor of that
#'   width; a vector (`c(28, 28)`), a list or a [shape()] (`shape(784L)`) gives each
#'   dimension. The tensor representing the column will have the shape
#'   `[batch_size] + shape`.
#' @param default_value The value the column takes on during parsing if data is missing.
#'   `NULL` makes parsing fail if an example does not contain this column.
#' @param dtype The type of the values, by default `"float32"` (a name, or a TensorFlow type
#'   such as `tf$float32`); a non-quantized real integer or floating point type.
#' @param normalizer_fn Applied to the tensor after `default_value`, e.g.
#'   `function(x) (x - 3) / 4.2`.
#'
#' @return A numeric column; a list of them when several names are given.
#' @family feature columns
#' @examples
#' \dontrun{
#' column_numeric("drat")
#' column_numeric(c("drat", "cyl"))
#' }
#' @export
column_numeric <- function(..., shape = 1L, default_value = NULL, dtype = "float32",
                           normalizer_fn = NULL) {
  column_result(named_columns("column_numeric", selected_names(...), list(
    shape = as_py_list(shape),
    default_value = default_value,
    dtype = dtype,
    normalizer_fn = as_py_callable(normalizer_fn, "normalizer_fn")), sys.call()))
}

#' Construct a bucketized column
#'
#' Represents discretized dense input. Buckets include the left boundary and exclude the
#' right boundary: `boundaries = c(0, 1, 2)` makes the buckets `(-inf, 0)`, `[0, 1)`,
#' `[1, 2)` and `[2, +inf)`.
#'
#' @param source_column A one-dimensional dense column, as generated by [column_numeric()].
#' @param boundaries A sorted (strictly increasing) vector of boundaries.
#'
#' @return A bucketized column.
#' @family feature columns
#' @export
column_bucketized <- function(source_column, boundaries) {
  pycall("column_bucketized", list(source_column = source_column,
                                   boundaries = as_py_list(as.numeric(boundaries))))
}

#' Construct a categorical column that returns identity values
#'
#' Use this when the inputs are integers in `[0, num_buckets)` and the value itself is the
#' category ID (such as a factor fed by [input_fn()], as its 0-based codes). Values outside
#' this range become `default_value` if given, otherwise they fail.
#'
#' @inheritParams column_numeric
#' @param num_buckets Number of unique values: the range of inputs and outputs is
#'   `[0, num_buckets)`.
#' @param default_value The ID for out-of-range inputs; must be in `[0, num_buckets)`.
#'
#' @return A categorical column (or a list of them).
#' @family feature columns
#' @export
column_categorical_with_identity <- function(..., num_buckets, default_value = NULL) {
  column_result(named_columns("column_categorical_with_identity", selected_names(...), list(
    num_buckets = as_py_int(num_buckets),
    default_value = as_py_int(default_value)), sys.call()))
}

#' Construct a categorical column with an in-memory vocabulary
#'
#' @inheritParams column_numeric
#' @param vocabulary_list The vocabulary: a character or whole-number vector (no
#'   duplicates).
#' @param dtype The type of features: string or integer; by default inferred from
#'   `vocabulary_list`.
#' @param default_value The ID of out-of-vocabulary values (-1 by default); cannot be
#'   combined with `num_oov_buckets`.
#' @param num_oov_buckets Number of out-of-vocabulary buckets, assigned by hash.
#'
#' @return A categorical column (or a list of them).
#' @family feature columns
#' @export
column_categorical_with_vocabulary_list <- function(..., vocabulary_list, dtype = NULL,
                                                    default_value = -1L, num_oov_buckets = 0L) {
  column_result(named_columns("column_categorical_with_vocabulary_list", selected_names(...), list(
    vocabulary_list = as_py_list(vocabulary_list),
    dtype = dtype,
    default_value = as_py_int(default_value),
    num_oov_buckets = as_py_int(num_oov_buckets)), sys.call()))
}

#' Construct a categorical column with a vocabulary file
#'
#' @inheritParams column_numeric
#' @param vocabulary_file The vocabulary file: one value per line.
#' @param vocabulary_size Number of entries in the vocabulary; no greater than the number of
#'   lines in the file (later lines are ignored). `NULL` counts the lines.
#' @param num_oov_buckets Number of out-of-vocabulary buckets, assigned by hash; cannot be
#'   combined with `default_value`.
#' @param default_value The ID of out-of-vocabulary values (-1 when `NULL` and no OOV
#'   buckets).
#' @param dtype The type of features: string or integer.
#'
#' @return A categorical column (or a list of them).
#' @family feature columns
#' @export
column_categorical_with_vocabulary_file <- function(..., vocabulary_file, vocabulary_size,
                                                    num_oov_buckets = 0L, default_value = NULL,
                                                    dtype = "string") {
  column_result(named_columns("column_categorical_with_vocabulary_file", selected_names(...), list(
    vocabulary_file = as_py_path(vocabulary_file),
    vocabulary_size = as_py_int(vocabulary_size),
    num_oov_buckets = as_py_int(num_oov_buckets),
    default_value = as_py_int(default_value),
    dtype = dtype), sys.call()))
}

#' Construct a categorical column with hash buckets
#'
#' The IDs are set by hashing: `id = Hash(value) %% hash_bucket_size`.
#'
#' @inheritParams column_numeric
#' @param hash_bucket_size The number of buckets, > 1.
#' @param dtype The type of features: string or integer.
#'
#' @return A categorical column (or a list of them).
#' @family feature columns
#' @export
column_categorical_with_hash_bucket <- function(..., hash_bucket_size, dtype = "string") {
  column_result(named_columns("column_categorical_with_hash_bucket", selected_names(...), list(
    hash_bucket_size = as_py_int(hash_bucket_size),
    dtype = dtype), sys.call()))
}

#' Construct a weighted categorical column
#'
#' Each ID comes with a weight, read from the feature `weight_feature_key` (e.g. terms with
#' their frequencies).
#'
#' @param categorical_column Created by a `column_categorical_*()` function.
#' @param weight_feature_key The name of the feature holding the weights.
#' @param dtype Type of the weights (float or integer).
#'
#' @return A categorical column.
#' @family feature columns
#' @export
column_categorical_weighted <- function(categorical_column, weight_feature_key,
                                        dtype = "float32") {
  pycall("column_categorical_weighted", list(categorical_column = categorical_column,
                                             weight_feature_key = weight_feature_key,
                                             dtype = dtype))
}

#' Represent a categorical column as an indicator
#'
#' Multi-hot (one-hot for one value per row) representation, e.g. to feed a DNN.
#'
#' @param categorical_column Created by a `column_categorical_*()` function or
#'   [column_crossed()].
#'
#' @return An indicator column.
#' @family feature columns
#' @export
column_indicator <- function(categorical_column) {
  pycall("column_indicator", list(categorical_column = categorical_column))
}

#' Construct an embedding column
#'
#' A dense column that embeds a categorical column.
#'
#' @param categorical_column Produces the sparse IDs that are inputs to the embedding
#'   lookup.
#' @param dimension The dimension of the embedding, > 0.
#' @param combiner How to reduce several entries in a row: `"mean"` (default), `"sqrtn"`
#'   or `"sum"`.
#' @param initializer Variable initializer; by default a truncated normal with mean 0 and
#'   standard deviation `1 / sqrt(dimension)`.
#' @param ckpt_to_load_from,tensor_name_in_ckpt A checkpoint and the tensor in it to restore
#'   the embedding from (both or neither).
#' @param max_norm If given, embeddings are l2-normalized to this value.
#' @param trainable Whether the embedding is trainable.
#'
#' @return A dense (embedding) column.
#' @family feature columns
#' @export
column_embedding <- function(categorical_column, dimension, combiner = "mean",
                             initializer = NULL, ckpt_to_load_from = NULL,
                             tensor_name_in_ckpt = NULL, max_norm = NULL, trainable = TRUE) {
  pycall("column_embedding", list(
    categorical_column = categorical_column,
    dimension = as_py_int(dimension),
    combiner = combiner,
    initializer = as_py_callable(initializer, "initializer"),
    ckpt_to_load_from = as_py_path(ckpt_to_load_from),
    tensor_name_in_ckpt = tensor_name_in_ckpt,
    max_norm = max_norm,
    trainable = as_py_bool(trainable)))
}

#' Construct a crossed column
#'
#' `Hash(cartesian product of the features) %% hash_bucket_size`.
#'
#' @param keys At least two features to cross, each a feature name (a string feature) or a
#'   categorical column (not a hashed one): a character vector or a list.
#' @param hash_bucket_size The number of buckets, > 1.
#' @param hash_key The hash key used to combine the crosses' fingerprints.
#'
#' @return A crossed (categorical) column.
#' @family feature columns
#' @export
column_crossed <- function(keys, hash_bucket_size, hash_key = NULL) {
  pycall("column_crossed", list(
    keys = if (is.character(keys)) as.list(keys) else as_py_columns(keys),
    hash_bucket_size = as_py_int(hash_bucket_size),
    hash_key = as_py_int(hash_key)))
}

#' Construct an input layer
#'
#' A dense tensor `[batch_size, first_layer_dimension]` of float32 built from `features` by
#' dense feature columns. Call it inside a model function (it builds graph ops). Columns are
#' laid out in the order of their names, as TensorFlow does.
#'
#' @param features A named list of tensors; columns look up their key in it.
#' @param feature_columns Dense columns: numeric, bucketized, indicator, embedding. Wrap
#'   categorical columns in [column_indicator()] or [column_embedding()].
#' @param weight_collections Collections to which created variables are added.
#' @param trainable Whether created variables are trainable.
#'
#' @return A tensor.
#' @family feature columns
#' @export
input_layer <- function(features, feature_columns, weight_collections = NULL,
                        trainable = TRUE) {
  pycall("input_layer", list(
    features = as_py_dict(features),
    feature_columns = as_py_columns(feature_columns),
    weight_collections = as_py_list(weight_collections),
    trainable = as_py_bool(trainable)))
}

#' Parsing specs for `tf.train.Example` protos
#'
#' Generate the parsing spec for examples read by classifiers or regressors: the features'
#' specs plus the label's (and the weight's).
#'
#' @param feature_columns All the feature columns.
#' @param label_key The key under which examples store the label.
#' @param label_dtype The type of labels: `"int64"` for classifiers by default (`"string"`
#'   with a label vocabulary; `"float32"` only for binary classification), `"float32"` for
#'   regressors.
#' @param label_default The label of examples without one; `NULL` makes parsing fail on a
#'   missing label.
#' @param weight_column The feature holding example weights.
#' @param label_dimension Number of regression targets per example.
#'
#' @return A named list, as tfestimators returned: feature key -> TensorFlow's
#'   `FixedLenFeature` or `VarLenFeature` (Python objects, such as
#'   `tf$python$ops$parsing_ops$FixedLenFeature(tuple(1L), dtype = tf$float32)`), in
#'   TensorFlow's order: the features', the label's, the weight's.
#' @family feature columns
#' @export
classifier_parse_example_spec <- function(feature_columns, label_key, label_dtype = "int64",
                                          label_default = NULL, weight_column = NULL) {
  py_value(pycall("classifier_parse_example_spec", list(
    feature_columns = as_py_columns(feature_columns),
    label_key = label_key,
    label_dtype = label_dtype,
    label_default = label_default,
    weight_column = weight_column)))
}

#' @rdname classifier_parse_example_spec
#' @export
regressor_parse_example_spec <- function(feature_columns, label_key, label_dtype = "float32",
                                         label_default = NULL, label_dimension = 1L,
                                         weight_column = NULL) {
  py_value(pycall("regressor_parse_example_spec", list(
    feature_columns = as_py_columns(feature_columns),
    label_key = label_key,
    label_dtype = label_dtype,
    label_default = label_default,
    label_dimension = as_py_int(label_dimension),
    weight_column = weight_column)))
}
