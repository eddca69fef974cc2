# The R functions have the Python functions' arguments: same names, order and defaults.
# R-only extra: `...` on the S3 generics and methods (train, evaluate, predict,
# export_savedmodel, model_dir); latest_checkpoint()'s `...` is Python's latest_filename.

python_signature <- function(fn) {
  helper <- reticulate::py_run_string(paste(
    "def pyestim_signature(fn):",
    "    import inspect",
    "    out = []",
    "    for p in inspect.signature(fn).parameters.values():",
    "        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):",
    "            if not out or out[-1][0] != '...':",
    "                out.append(('...', False, None))",
    "        else:",
    "            d = None if p.default is p.empty else p.default",
    "            if hasattr(d, 'as_datatype_enum'):",
    "                d = d.name  # a TensorFlow type: R gives its name",
    "            out.append((p.name, p.default is not p.empty, d))",
    "    return out",
    sep = "\n"), local = TRUE)
  params <- helper$pyestim_signature(fn)
  defaults <- lapply(params, function(p) if (isTRUE(p[[2]])) p[[3]] else quote(expr = ))
  names(defaults) <- vapply(params, function(p) p[[1]], "")
  defaults
}

# The defaults, evaluated as R would: a default may name an earlier argument
# (export_savedmodel's versioned = !overwrite).
r_signature <- function(fn) {
  env <- new.env()
  f <- formals(fn)
  for (name in names(f)) {
    if (identical(f[[name]], quote(expr = ))) next  # no default
    value <- eval(f[[name]], env)
    if (!is.null(value)) assign(name, value, envir = env)
    f[name] <- list(value)
  }
  as.list(f)
}

exported <- c(
  "estimator", "estimator_spec", "train", "evaluate", "predict", "export_savedmodel",
  "input_fn", "numpy_input_fn", "hook_logging_tensor", "hook_checkpoint_saver",
  "hook_step_counter", "hook_stop_at_step", "hook_summary_saver", "hook_nan_tensor",
  "hook_global_step_waiter", "hook_history_saver", "hook_progress_bar", "session_run_hook",
  "session_run_args", "run_config", "session_config", "mode_keys", "metric_keys",
  "prediction_keys", "graph_keys", "latest_checkpoint", "model_dir", "variable_names",
  "variable_value",
  "linear_regressor", "linear_classifier", "dnn_regressor", "dnn_classifier",
  "dnn_linear_combined_regressor", "dnn_linear_combined_classifier",
  "boosted_trees_regressor", "boosted_trees_classifier",
  "feature_columns", "column_numeric", "column_bucketized", "column_categorical_with_identity",
  "column_categorical_with_vocabulary_list", "column_categorical_with_vocabulary_file",
  "column_categorical_with_hash_bucket", "column_categorical_weighted", "column_indicator",
  "column_embedding", "column_crossed", "input_layer", "classifier_parse_example_spec",
  "regressor_parse_example_spec",
  "train_and_evaluate", "train_spec", "eval_spec", "keras_model_to_estimator")

test_that("every pyestim function has an R twin with the same arguments and defaults", {
  skip_if_no_pyestim()
  py <- import("pyestim", convert = FALSE)
  generics <- c("train", "evaluate", "predict", "export_savedmodel", "input_fn", "model_dir")
  for (name in exported) {
    r_fn <- if (name == "predict") getS3method("predict", "tf_estimator") else
      if (name == "input_fn") getS3method("input_fn", "data.frame") else
        getExportedValue("pyestim", name)
    r_sig <- r_signature(r_fn)
    # tfestimators' names: input_fn()'s data is `object` (Python: `data`); estimator() takes
    # R classes (`class`), an R notion (tests/parity/differences.csv).
    if (name == "input_fn") names(r_sig)[names(r_sig) == "object"] <- "data"
    if (name == "estimator") r_sig <- r_sig[names(r_sig) != "class"]
    if (name %in% c("session_run_args", "session_config", "estimator_spec")) {
      # Python's *args / **kwargs are R's `...`.
    }
    py_sig <- python_signature(py[[name]])
    if (name == "latest_checkpoint") {
      # tfestimators' latest_checkpoint(checkpoint_dir, ...) passes `...` on to TensorFlow's
      # latest_filename, which Python names (tests/parity/differences.csv).
      expect_identical(names(r_sig), c("checkpoint_dir", "..."))
      expect_identical(names(py_sig), c("checkpoint_dir", "latest_filename"))
      r_sig <- r_sig[1]
      py_sig <- py_sig[1]
    }
    if (name %in% generics) {
      expect_equal(tail(names(r_sig), 1), "...", info = name)
      r_sig <- r_sig[-length(r_sig)]
    }
    expect_identical(as.character(names(r_sig)), as.character(names(py_sig)), info = name)
    for (arg in names(py_sig)) {
      # versioned = !overwrite: None in Python (tests/parity/differences.csv says why).
      if (name == "export_savedmodel" && arg == "versioned") next
      expect_equal(r_sig[[arg]], py_sig[[arg]], info = paste(name, arg))
    }
  }
  # The generics themselves have the methods' arguments.
  for (name in setdiff(generics, c("predict", "input_fn"))) {
    expect_identical(formals(getExportedValue("pyestim", name)),
                     formals(getS3method(name, "tf_estimator")), info = name)
  }
  # input_fn() is tfestimators' generic input_fn(object, ...): the list method is the data
  # frame method; default, matrix and formula pass `...` on (test-dropin.R checks them).
  expect_identical(formals(getS3method("input_fn", "list")),
                   formals(getS3method("input_fn", "data.frame")))
})
