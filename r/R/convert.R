# Every R <-> Python conversion of the package, and the one place where Python errors become
# R conditions.

`%||%` <- function(x, y) if (is.null(x)) y else x

is_py <- function(x) inherits(x, "python.builtin.object")

is_py_none <- function(x) is.null(x) || (is_py(x) && reticulate::py_is_null_xptr(x)) ||
  (is_py(x) && identical(class(x)[[1]], "python.builtin.NoneType"))

# ---------------------------------------------------------------------------------------------
# Calling pyestim

# Call the pyestim function `name` with the (already converted) arguments `args`, a named
# list; NULL elements are passed as None. Python errors become R conditions (see
# python_condition()).
pycall <- function(name, args = list(), convert = FALSE, call = sys.call(sys.parent())) {
  force(call)  # the caller: the function whose frame called pycall() (even via py_value())
  fn <- pyestim_module(convert)[[name]]
  with_python_errors(do.call(fn, args), call = call)
}

# Evaluate `expr` (which calls Python); re-signal a failure as the R condition it stands for.
# Python runs `expr` for an R caller: pyestim's messages name code in R's idioms (tf$cast,
# TRUE, NULL, steps = 10), while Python callers in the same process keep Python's.
with_python_errors <- function(expr, call = sys.call(sys.parent())) {
  force(call)
  reticulate::py_clear_last_error()
  tryCatch(in_r_language(expr), error = function(e) {
    cond <- python_condition(e, call)
    if (inherits(cond, "KeyboardInterrupt")) {
      # Python's KeyboardInterrupt (Ctrl-C while Python ran; train() first writes a
      # checkpoint of the steps done): reticulate >= 1.36 signals it as an R interrupt
      # itself, older ones as an error. Either way the caller sees an interrupt.
      cond <- structure(class = c("interrupt", "condition"), list(message = "", call = call))
    }
    if (inherits(cond, "interrupt")) {
      # An interrupt (Ctrl-C) that arrived while R code called by Python was running: the
      # caller sees an interrupt again, not an error.
      signalCondition(cond)
      invokeRestart("abort")
    }
    stop(cond)
  })
}

# Evaluate `expr` with R as pyestim's caller language (pyestim._lang), restored on the way out
# whatever happens: Python -> R -> Python nesting (an R model_fn that calls pyestim) gets the
# right language at each level.
in_r_language <- function(expr) {
  if (is.null(.pyestim$language)) load_pyestim()
  lang <- .pyestim$language
  token <- lang$enter("r")
  on.exit(lang$leave(token), add = TRUE)
  expr
}

# The Python exception behind an R error raised by reticulate, or NULL if there is none.
python_exception <- function(e) {
  if (is_py(e)) return(e)  # newer reticulate: the condition is the exception
  exc <- e$exception %||% NULL
  if (is_py(exc)) return(exc)
  err <- tryCatch(reticulate::py_last_error(), error = function(err) NULL)
  if (is.null(err)) return(NULL)
  msg <- conditionMessage(e)
  if (!startsWith(msg, err$type) && !grepl(err$type, msg, fixed = TRUE)) return(NULL)
  exc <- attr(err, "exception")
  if (is_py(exc)) exc else NULL
}

# Turn an error from a Python call into the R condition it stands for:
# * an R error raised inside an R function that Python called (model_fn, input_fn, hook
#   callbacks): that very R condition;
# * a Python exception: an error of class c("pyestim_error", <Python class and its bases>,
#   "error", "condition") with message "<PythonClass>: <message>";
# * anything else: unchanged.
python_condition <- function(e, call = NULL) {
  if (inherits(e, "pyestim_error") || !inherits(e, "error")) return(e)
  exc <- python_exception(e)
  if (is.null(exc) || is.null(.pyestim$bridge)) return(e)
  b <- .pyestim$bridge
  r_err <- tryCatch(b$find_r_error(exc), error = function(err) NULL)
  if (!is.null(r_err) && !is_py_none(r_err)) {
    token <- reticulate::py_to_r(r_err$r_token)
    kept <- recall_condition(token)
    if (!is.null(kept)) return(kept)
    return(simpleError(reticulate::py_to_r(reticulate::py_str(r_err)), call))
  }
  info <- tryCatch(reticulate::py_to_r(b$exception_info(exc)), error = function(err) NULL)
  if (is.null(info)) return(e)
  class_name <- info[[1]]
  message <- info[[3]]
  err <- reticulate::py_last_error()
  structure(
    class = unique(c("pyestim_error", unlist(info[[2]]), "error", "condition")),
    list(message = if (nzchar(message)) paste0(class_name, ": ", message) else class_name,
         call = call,
         python_class = class_name,
         python_exception = exc,
         python_traceback = if (!is.null(err)) err$traceback else NULL)
  )
}

# R conditions signalled in R functions that Python called, kept until the Python call that
# led there returns. A handful at most are pending at any time.
remember_condition <- function(cond) {
  .pyestim$counter <- (.pyestim$counter %||% 0) + 1
  token <- paste0("r", .pyestim$counter)
  kept <- .pyestim$conditions %||% list()
  kept[[token]] <- cond
  if (length(kept) > 20) kept <- kept[seq.int(length(kept) - 19, length(kept))]
  .pyestim$conditions <- kept
  token
}

recall_condition <- function(token) {
  kept <- .pyestim$conditions %||% list()
  if (!is.character(token) || !token %in% names(kept)) return(NULL)
  cond <- kept[[token]]
  kept[[token]] <- NULL
  .pyestim$conditions <- kept
  cond
}

# ---------------------------------------------------------------------------------------------
# R functions as Python functions

# A Python function that calls the R function `f`, with `f`'s formals as its parameters
# (pyestim matches model_fn arguments by name and counts input_fn arguments). Arguments
# arrive in R converted as reticulate converts them. An R error in `f` is kept and re-signalled
# to the R caller of the Python function that led here. An R function returned by `f`
# (an input_fn generator's input function) is wrapped the same way.
as_py_function <- function(f, name = "r_function") {
  if (is.null(f) || is_py(f) || !is.function(f)) return(f)
  # pyestim's own functions (input_fn()'s results) are the Python functions behind them.
  if (inherits(f, "pyestim_function")) return(attr(f, "py_function"))
  fmls <- formals(args(f)) %||% list()
  nms <- names(fmls) %||% character()
  has_default <- vapply(fmls, function(v) !(is.symbol(v) && identical(as.character(v), "")),
                        logical(1), USE.NAMES = FALSE)
  # The arguments travel as one list, so that none of the user's argument names (f, name,
  # args, ...) can be matched to call_r_function()'s own formals.
  call_r <- function(...) call_r_function(f, name, list(...))
  bridge()$r_function(reticulate::r_to_py(call_r, convert = TRUE), as.list(nms),
                      as.list(has_default), name)
}

call_r_function <- function(f, name, args) {
  args <- lapply(args, as_r_argument)
  # Call f as `name(arg = .arg1, ...)`, so that an error's call reads well.
  env <- new.env(parent = environment(f) %||% baseenv())
  fn_name <- if (make.names(name) == name) name else "r_function"
  assign(fn_name, f, envir = env)
  symbols <- lapply(seq_along(args), function(i) as.name(paste0(".arg", i)))
  for (i in seq_along(args)) assign(paste0(".arg", i), args[[i]], envir = env)
  names(symbols) <- names(args)
  value <- tryCatch(eval(as.call(c(as.name(fn_name), symbols)), env),
                    error = function(e) r_failure(python_condition(e), name),
                    interrupt = function(e) r_failure(e, name))
  if (is.function(value) && !is_py(value)) value <- as_py_function(value, paste0(name, "_result"))
  value
}

# Arguments from Python as R sees them: reticulate's conversion, and estimators as
# tf_estimator objects (an input_fn generator is called with the estimator).
as_r_argument <- function(x) {
  if (inherits(x, "pyestim.estimators.Estimator")) return(new_estimator(x))
  x
}

r_failure <- function(cond, name) {
  exc <- if (inherits(cond, "pyestim_error")) cond$python_exception else NULL
  if (is_py(exc)) {
    # A Python exception passing through R code: Python gets it back as it was.
    return(bridge()$RFailure(conditionMessage(cond), NULL, as.list(class(cond)), exc))
  }
  token <- remember_condition(cond)
  msg <- conditionMessage(cond) %||% ""
  if (!nzchar(msg) && inherits(cond, "interrupt")) msg <- "interrupted from R"
  bridge()$RFailure(msg, token, as.list(class(cond)))
}

# ---------------------------------------------------------------------------------------------
# Argument conversions

# A whole R number as an integer (Python then gets an int); anything else unchanged, so that
# pyestim reports what is wrong with it.
# R's logical NA has no Python twin (reticulate would turn it into True): a count that is NA
# becomes NaN (as NA_real_ does), a switch that is NA becomes None (Python's "not given").
as_py_int <- function(x) {
  if (is.logical(x) && length(x) == 1L && is.na(x)) return(NA_real_)
  if (is.numeric(x) && !is.object(x) && length(x) == 1L && !is.na(x) &&
      is.finite(x) && x == round(x) && abs(x) <= .Machine$integer.max) {
    return(as.integer(x))
  }
  x
}

as_py_bool <- function(x) {
  if (is.logical(x) && length(x) == 1L) return(if (is.na(x)) NULL else x)
  x
}

as_py_path <- function(x) {
  if (is.character(x) && length(x) == 1L && !is.na(x)) return(path.expand(x))
  x
}

# A named list as a dict (an empty list too); NULL stays NULL.
as_py_dict <- function(x) {
  if (is.null(x) || is_py(x)) return(x)
  if (is.list(x) && length(x) == 0L) return(reticulate::dict())
  x
}

# One hook, a list of hooks, or NULL.
as_py_hooks <- function(hooks) {
  if (is.null(hooks) || is_py(hooks)) return(hooks)
  if (is.list(hooks) && !is.object(hooks)) return(unname(hooks))
  hooks
}

# An R vector, matrix or array as a NumPy array; a factor as a pandas Categorical (pyestim
# feeds its 0-based codes and logs the encoding); Python objects unchanged.
as_py_array <- function(x) {
  if (is.null(x) || is_py(x)) return(x)
  if (is.factor(x)) return(as_py_factor(x))
  if (is.atomic(x)) return(reticulate::np_array(x))
  x
}

# Features or labels: one array, or a named list / data frame of arrays.
as_py_arrays <- function(x) {
  if (is.null(x) || is_py(x)) return(x)
  if (is.data.frame(x)) x <- as.list(x)
  if (is.list(x) && !is.object(x)) return(lapply(x, as_py_array))
  as_py_array(x)
}

# The Python object behind an estimator.
as_py_estimator <- function(object) {
  if (inherits(object, "tf_estimator")) return(object$estimator)
  object
}

# ---------------------------------------------------------------------------------------------
# Result conversions

py_value <- function(x) {
  if (is_py(x)) reticulate::py_to_r(x) else x
}

# A DataFrame from pyestim as a tibble: numeric and string columns as R vectors, columns of
# arrays (vector-valued predictions) as list columns.
frame_to_tibble <- function(df) {
  cols <- py_value(bridge()$frame_columns(df))
  if (length(cols) == 0L) return(tibble::tibble())
  out <- lapply(cols, function(col) {
    values <- col[[1]]
    if (isTRUE(col[[2]])) rows_as_list(values) else as.vector(values)
  })
  names(out) <- vapply(cols, function(col) col[[3]], character(1))
  tibble::as_tibble(out)
}

rows_as_list <- function(values) {
  d <- dim(values)
  if (is.null(d)) return(as.list(values))
  n <- d[[1]]
  rest <- d[-1]
  lapply(seq_len(n), function(i) {
    row <- values[seq.int(i, length(values), by = n)]
    if (length(rest) > 1L) dim(row) <- rest
    row
  })
}

# ---------------------------------------------------------------------------------------------
# Canned estimators and feature columns

# An R vector as a Python list (a length-one vector too); whole numbers as integers.
# NULL, Python objects and R lists stay as they are (lists are converted element-wise by
# reticulate).
as_py_list <- function(x) {
  if (is.null(x) || is_py(x) || is.object(x)) return(x)
  if (is.list(x)) return(unname(x))
  if (is.numeric(x) && all(is.finite(x)) && all(x == round(x)) &&
      all(abs(x) <= .Machine$integer.max)) {
    x <- as.integer(x)
  }
  if (is.atomic(x)) return(as.list(unname(x)))
  x
}

# Feature columns: one column, or a (nested) list of them; NULL stays NULL.
as_py_columns <- function(x) {
  if (is.null(x) || is_py(x)) return(x)
  if (is.list(x) && !is.object(x)) return(lapply(unname(x), as_py_columns))
  x
}

# A device function: TensorFlow checks that it takes exactly one argument named op, so the
# R function (whatever its formal is called) gets the operation by position.
as_py_device_fn <- function(f) {
  if (!is.function(f) || is_py(f)) return(f)
  as_py_function(function(op) f(op), "device_fn")
}

# A function argument that may be a name, a Python object or an R function.
as_py_callable <- function(x, name) {
  if (is.function(x) && !is_py(x)) return(as_py_function(x, name))
  x
}

# An R factor as a pandas Categorical (R's levels as its categories, NA as code -1), so
# that pyestim sees the factor, feeds its codes and logs how (input_fn(), numpy_input_fn()).
as_py_factor <- function(x) {
  pd <- reticulate::import("pandas", convert = FALSE)
  codes <- as.integer(x) - 1L
  codes[is.na(codes)] <- -1L
  pd$Categorical$from_codes(reticulate::np_array(codes), categories = as.list(levels(x)))
}

# A column of input_fn()'s data: a factor as a pandas Categorical, a list of sequences as a
# list of lists, any other column as a NumPy array.
as_py_column <- function(x) {
  if (is.null(x) || is_py(x)) return(x)
  if (is.list(x)) return(unname(lapply(x, function(v) if (is.atomic(v)) as.list(v) else v)))
  as_py_array(x)
}
