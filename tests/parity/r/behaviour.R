# R helpers of the API, behaviour and error parity tests (test_api.py, test_behaviour.py,
# test_errors.py). Each helper returns plain R values (character, numeric and logical vectors,
# lists of them) that the Python side reads back through rpy2.

# ---------------------------------------------------------------------------------------------
# API parity: the signatures of the R package's exports

# The exports that are not the package's own functions: reticulate's and magrittr's re-exports
# and the `tf` module object.
parity_reexports <- c("import", "dict", "tuple", "np_array", "%>%", "tf",
                      # tidyselect's helpers, re-exported as tfestimators does
                      "one_of", "starts_with", "ends_with", "contains", "matches", "num_range",
                      "everything", "last_col")

# One formal argument's default in a form Python can read: kind ("missing", "NULL", "logical",
# "integer", "double", "character", "expression") and the values as strings (doubles with 17
# significant digits, so that Python reads back the same number). A call of `c()` or `list()`
# on literals (`c("a", "b")`) is evaluated to its vector; any other call or symbol stays an
# expression, shown by its deparse().
parity_default <- function(v) {
  if (is.symbol(v) && !nzchar(as.character(v))) {
    return(list(kind = "missing", values = character(0), src = ""))
  }
  src <- paste(deparse(v), collapse = " ")
  if (is.call(v) && as.character(v[[1]]) %in% c("c", "list")) {
    literal <- all(vapply(as.list(v)[-1], function(a) is.atomic(a) || is.null(a), logical(1)))
    if (literal) v <- eval(v, baseenv())
  }
  if (is.null(v)) return(list(kind = "NULL", values = character(0), src = src))
  if (is.list(v)) v <- unlist(v)
  if (!is.atomic(v) || is.language(v)) {
    return(list(kind = "expression", values = character(0), src = src))
  }
  values <- if (is.double(v)) sprintf("%.17g", v) else as.character(v)
  list(kind = typeof(v), values = values, src = src)
}

parity_signature <- function(fn) {
  fmls <- formals(fn)
  defaults <- lapply(fmls, parity_default)
  list(args = as.character(names(fmls)),
       kinds = vapply(defaults, function(d) d$kind, character(1), USE.NAMES = FALSE),
       srcs = vapply(defaults, function(d) d$src, character(1), USE.NAMES = FALSE),
       values = unname(lapply(defaults, function(d) d$values)))
}

# Every function the package exports (its own ones), with `predict` as the S3 method
# predict.tf_estimator and `input_fn` as input_fn.data.frame; for the S3 generics also the tf_estimator method.
parity_r_api <- function() {
  names <- sort(setdiff(getNamespaceExports("pyestim"), parity_reexports))
  out <- list()
  for (name in names) {
    fn <- getExportedValue("pyestim", name)
    if (!is.function(fn)) next
    out[[name]] <- parity_signature(fn)
  }
  predict_method <- getS3method("predict", "tf_estimator")
  out[["predict"]] <- parity_signature(predict_method)
  # input_fn(object, ...) is tfestimators' generic; its arguments are the data frame
  # method's (which the list method shares, and the default and matrix methods pass on to).
  out[["input_fn"]] <- parity_signature(getS3method("input_fn", "data.frame"))
  out
}

# For each S3 generic of the package: whether the generic and its tf_estimator method have
# identical formals.
parity_generic_methods <- function() {
  generics <- c("train", "evaluate", "export_savedmodel")
  vapply(generics, function(g) {
    identical(formals(getExportedValue("pyestim", g)), formals(getS3method(g, "tf_estimator")))
  }, logical(1))
}

# ---------------------------------------------------------------------------------------------
# Behaviour parity: a softmax regression on synthetic data, written as test_behaviour.py
# writes it in Python

beh <- new.env()
beh$modes <- character(0)
beh$events <- character(0)
beh$fetched <- numeric(0)

# n rows, 6 features, 3 classes; the same numbers as test_behaviour.synthetic() computes.
beh_data <- function(n) {
  i <- rep(seq_len(n) - 1L, times = 6L)
  j <- rep(0:5, each = n)
  y <- (seq_len(n) - 1L) %% 3L
  x <- matrix(((i * 7L + j * 3L) %% 11L) / 10, nrow = n, ncol = 6L)
  x <- x + outer(y, 0:5, function(a, b) ifelse(a == b %% 3L, 0.5, 0))
  list(x = x, y = as.integer(y))
}

beh_model_fn <- function(features, labels, mode, params) {
  beh$modes <- c(beh$modes, mode)
  x <- tf$cast(features$x, tf$float32)
  w <- tf$get_variable("w", shape = list(6L, 3L), initializer = tf$zeros_initializer())
  b <- tf$get_variable("b", shape = list(3L), initializer = tf$zeros_initializer())
  logits <- tf$add(tf$matmul(x, w), b)
  classes <- tf$argmax(logits, axis = 1L, name = "classes")
  if (mode == "infer") {
    return(estimator_spec(mode = mode, predictions = list(
      classes = classes, probabilities = tf$nn$softmax(logits, name = "probabilities"))))
  }
  loss <- tf$identity(
    tf$losses$sparse_softmax_cross_entropy(labels = labels, logits = logits), name = "loss")
  if (mode == "train") {
    optimizer <- tf$train$GradientDescentOptimizer(learning_rate = params$learning_rate)
    train_op <- optimizer$minimize(loss = loss, global_step = tf$train$get_global_step())
    return(estimator_spec(mode = mode, loss = loss, train_op = train_op))
  }
  estimator_spec(mode = mode, loss = loss, eval_metric_ops = list(
    accuracy = tf$metrics$accuracy(labels = labels, predictions = classes)))
}

beh_estimator <- function(model_dir, seed = 7L, save_checkpoints_steps = NULL) {
  beh$modes <- character(0)
  estimator(beh_model_fn, model_dir = model_dir, params = list(learning_rate = 0.5),
            config = run_config(tf_random_seed = seed,
                                save_checkpoints_steps = save_checkpoints_steps,
                                keep_checkpoint_max = 0L))
}

# Input functions over beh_data(n): "numpy" (numpy_input_fn's function), "closure0" (an R
# function of no arguments returning a tf$data data set: the rows in order, repeated, in
# batches; numpy_input_fn(shuffle = FALSE) without a last short batch reads the same),
# "closure1" (an R function of one argument, called with the estimator, returning the input
# function).
beh_input_fn <- function(form, n, shuffle, labels = TRUE, num_epochs = NULL, batch_size = 8L) {
  d <- beh_data(n)
  make <- function() {
    numpy_input_fn(x = list(x = d$x), y = if (labels) d$y else NULL, batch_size = batch_size,
                   num_epochs = num_epochs, shuffle = shuffle)
  }
  switch(form,
         numpy = make(),
         closure0 = function() {
           tf$data$Dataset$from_tensor_slices(
             tuple(dict(x = np_array(d$x)), np_array(d$y)))$`repeat`()$batch(batch_size)
         },
         closure1 = function(features_as_named_list) make(),
         stop("unknown input form ", form))
}

beh_history <- function(history) {
  list(class = class(history), steps = history$steps,
       mean_losses = history$metrics$mean_losses, total_losses = history$metrics$total_losses)
}

# train() with the default hooks, from an input function of the given form (not shuffled, so
# that every form reads the same batches) and a given steps value (a double or an integer, as
# the caller passes it).
beh_train <- function(model_dir, form, steps, n = 40L) {
  est <- beh_estimator(model_dir)
  history <- train(est, input_fn = beh_input_fn(form, n, shuffle = FALSE), steps = steps)
  list(history = beh_history(history),
       global_step = as.integer(variable_value(est, "global_step")$global_step),
       w = as.numeric(t(variable_value(est, "w")$w)),
       steps_mode = storage.mode(steps))
}

# The session_run_hook life cycle: every callback appends its name to beh$events; before_run
# asks for the loss (train, eval), after_run keeps it in beh$fetched.
beh_recording_hook <- function(fetch = "loss:0") {
  record <- function(what) {
    beh$events <- c(beh$events, what)
    invisible(NULL)
  }
  session_run_hook(
    begin = function() record("begin"),
    after_create_session = function(session, coord) record("after_create_session"),
    before_run = function(context) {
      record("before_run")
      if (is.null(fetch)) NULL else session_run_args(value = fetch)
    },
    after_run = function(context, values) {
      record("after_run")
      if (!is.null(fetch)) beh$fetched <- c(beh$fetched, as.numeric(values$results$value))
      invisible(NULL)
    },
    end = function(session) record("end"))
}

beh_take_events <- function() {
  out <- list(events = beh$events, fetched = beh$fetched)
  beh$events <- character(0)
  beh$fetched <- numeric(0)
  out
}

# The callbacks' order in train (3 steps), evaluate (2 steps) and predict (10 examples in
# batches of 4), and the modes the model function received.
beh_hook_order <- function(model_dir) {
  est <- beh_estimator(model_dir)
  beh_take_events()
  train(est, beh_input_fn("numpy", 40L, shuffle = TRUE), steps = 3L,
        hooks = beh_recording_hook())
  trained <- beh_take_events()
  evaluate(est, beh_input_fn("numpy", 40L, shuffle = FALSE, num_epochs = 1L), steps = 2L,
           hooks = beh_recording_hook())
  evaluated <- beh_take_events()
  predict(est, beh_input_fn("numpy", 10L, shuffle = FALSE, labels = FALSE, num_epochs = 1L,
                            batch_size = 4L),
          hooks = beh_recording_hook(fetch = NULL))
  predicted <- beh_take_events()
  list(train = trained, evaluate = evaluated, predict = predicted, modes = beh$modes)
}

# One hook, a list of one hook and a list of two hooks: the callbacks each hook saw.
beh_hook_forms <- function(model_dir) {
  est <- beh_estimator(model_dir)
  fn <- beh_input_fn("numpy", 40L, shuffle = TRUE)
  beh_take_events()
  one <- train(est, fn, steps = 2L, hooks = beh_recording_hook())
  single <- c(beh_take_events(), list(history = beh_history(one)))
  listed <- train(est, fn, steps = 2L, hooks = list(beh_recording_hook()))
  in_list <- c(beh_take_events(), list(history = beh_history(listed)))
  two <- train(est, fn, steps = 2L, hooks = list(beh_recording_hook(), beh_recording_hook()))
  in_list2 <- c(beh_take_events(), list(history = beh_history(two)))
  list(single = single, in_list = in_list, in_list2 = in_list2)
}

# A column of a tibble or a value of a named list, as numbers or strings.
beh_values <- function(x) {
  lapply(x, function(v) if (is.list(v)) unlist(v) else v)
}

# Train 20 steps with checkpoints every 10 steps, then evaluate (simplify TRUE and FALSE) and
# predict (simplify TRUE and FALSE, predict_keys = "classes", the step-10 checkpoint).
beh_results <- function(model_dir) {
  est <- beh_estimator(model_dir, save_checkpoints_steps = 10L)
  train(est, beh_input_fn("numpy", 40L, shuffle = TRUE), steps = 20)
  eval_fn <- beh_input_fn("numpy", 40L, shuffle = FALSE, num_epochs = 1L)
  simplified <- evaluate(est, eval_fn)
  listed <- evaluate(est, eval_fn, simplify = FALSE)
  pred_fn <- beh_input_fn("numpy", 12L, shuffle = FALSE, labels = FALSE, num_epochs = 1L,
                          batch_size = 5L)
  frame <- predict(est, pred_fn)
  rows <- predict(est, pred_fn, simplify = FALSE)
  classes_only <- predict(est, pred_fn, predict_keys = "classes")
  older <- predict(est, pred_fn,
                   checkpoint_path = file.path(model_dir(est), "model.ckpt-10"))
  older_rows <- predict(est, pred_fn, simplify = FALSE,
                        checkpoint_path = file.path(model_dir(est), "model.ckpt-10"))
  frame_out <- function(f) {
    list(class = class(f), names = names(f), classes = as.integer(f$classes),
         probabilities = if ("probabilities" %in% names(f))
           as.numeric(unlist(lapply(f$probabilities, as.numeric))) else numeric(0))
  }
  rows_out <- function(r) {
    list(class = class(r), n = length(r),
         names = unique(unlist(lapply(r, names))),
         classes = vapply(r, function(row) as.integer(row$classes), integer(1)),
         probabilities = as.numeric(unlist(lapply(r, function(row) as.numeric(row$probabilities)))))
  }
  list(
    evaluate_simplified = list(class = class(simplified), names = names(simplified),
                               values = beh_values(as.list(simplified))),
    evaluate_list = list(class = class(listed), names = names(listed),
                         values = beh_values(listed)),
    predict_frame = frame_out(frame),
    predict_rows = rows_out(rows),
    predict_classes_only = frame_out(classes_only),
    predict_older = frame_out(older),
    predict_older_rows = rows_out(older_rows),
    latest_checkpoint = basename(latest_checkpoint(model_dir(est))),
    variable_names = variable_names(est),
    w = as.numeric(t(variable_value(est, "w")$w)),
    modes = beh$modes)
}

# ---------------------------------------------------------------------------------------------
# Error parity

# The class and message of the error `expr` signals (character(0) and "" if none).
parity_capture <- function(expr) {
  tryCatch({
    force(expr)
    list(class = character(0), message = "")
  }, error = function(e) list(class = class(e), message = conditionMessage(e)))
}

err_env <- new.env()

# The estimator (trained one step) and input functions the error cases use; test_errors.py
# builds the same in Python.
err_setup <- function(model_dir) {
  err_env$est <- estimator(beh_model_fn, model_dir = model_dir,
                           params = list(learning_rate = 0.5))
  err_env$train_fn <- beh_input_fn("numpy", 16L, shuffle = TRUE)
  err_env$eval_fn <- beh_input_fn("numpy", 16L, shuffle = FALSE, num_epochs = 1L)
  err_env$d8 <- beh_data(8L)
  train(err_env$est, err_env$train_fn, steps = 1L)
  invisible(TRUE)
}

# An estimator whose model function returns `spec_of(mode, loss)` instead of a proper spec.
err_estimator <- function(model_dir, spec_of) {
  model_fn <- function(features, labels, mode) {
    x <- tf$cast(features$x, tf$float32)
    w <- tf$get_variable("w", shape = list(6L, 3L), initializer = tf$zeros_initializer())
    logits <- tf$matmul(x, w)
    loss <- tf$losses$sparse_softmax_cross_entropy(labels = labels, logits = logits)
    spec_of(mode, loss)
  }
  estimator(model_fn, model_dir = model_dir)
}
