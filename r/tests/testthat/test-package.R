test_that("library(pyestim) loads without touching Python and tf is delay-loaded", {
  # In a fresh R process pointed at a Python without pyestim: library() works, the first
  # call explains what is missing and how to fix it.
  rscript <- file.path(R.home("bin"), "Rscript")
  script <- tempfile(fileext = ".R")
  writeLines(c(
    "library(pyestim)",
    "cat('loaded\\n')",
    "e <- tryCatch(estimator(function(features) NULL), error = function(e) e)",
    "cat('class:', class(e), '\\n')",
    "cat('message:', conditionMessage(e), '\\n')",
    "e <- tryCatch(tf$reshape, error = function(e) e)",
    "cat('tf:', conditionMessage(e), '\\n')"
  ), script)
  out <- suppressWarnings(system2(rscript, script, stdout = TRUE, stderr = TRUE,
                                  env = c("RETICULATE_PYTHON=/nonexistent/python")))
  out <- paste(out, collapse = "\n")
  expect_match(out, "loaded", fixed = TRUE)
  expect_match(out, "class: pyestim_unavailable pyestim_error error condition", fixed = TRUE)
  expect_match(out, "dev.sh setup", fixed = TRUE)
  expect_match(out, "RETICULATE_PYTHON", fixed = TRUE)
  if (utils::packageVersion("reticulate") >= "1.36") {
    # reticulate >= 1.36 (the current stack's) re-raises its own start-up error for `tf`,
    # before pyestim's delay-load hook can run: it names the variable and the path.
    expect_match(out, "tf: .*RETICULATE_PYTHON.*/nonexistent/python")
  } else {
    expect_match(out, "tf: .*dev.sh setup")
  }
  expect_match(out, "message: .*run install_pyestim\\(\\)")
})

# The message of the first pyestim call in a new Rscript with the environment `env`.
first_call_message <- function(env) {
  script <- tempfile(fileext = ".R")
  writeLines(c(
    "library(pyestim)",
    "e <- tryCatch(run_config(), error = function(e) e)",
    "cat(conditionMessage(e), '\\n')"
  ), script)
  out <- suppressWarnings(system2(file.path(R.home("bin"), "Rscript"), script, stdout = TRUE,
                                  stderr = TRUE, env = env))
  paste(out, collapse = "\n")
}

test_that("a Python without pyestim is named in the message", {
  skip_if_no_pyestim()
  candidates <- c("/usr/bin/python3", Sys.which("python3"))
  python <- candidates[nzchar(candidates) & file.exists(candidates)][1]
  skip_if(is.na(python), "no python3 found")
  has <- system2(python, c("-c", shQuote("import pyestim")), stdout = FALSE, stderr = FALSE)
  skip_if(has == 0, "the python3 on PATH has pyestim")
  out <- first_call_message(c(paste0("RETICULATE_PYTHON=", python)))
  expect_match(out, "Python module pyestim not found in", fixed = TRUE)
  expect_match(out, "dev.sh setup", fixed = TRUE)
})

test_that("a Python with pyestim but without TensorFlow is named in the message", {
  # `import pyestim` alone does not import TensorFlow; the R package loads a name at once,
  # so the missing TensorFlow is reported when pyestim is loaded, not at some later call.
  skip_if_no_pyestim()
  python <- "/usr/bin/python3"
  skip_if(!file.exists(python), "no /usr/bin/python3")
  has_tf <- system2(python, c("-c", shQuote("import tensorflow")), stdout = FALSE,
                    stderr = FALSE)
  skip_if(has_tf == 0, "/usr/bin/python3 has TensorFlow")
  source_root <- dirname(dirname(reticulate::py_to_r(
    reticulate::py_get_attr(reticulate::import("pyestim"), "__file__"))))
  out <- first_call_message(c(paste0("RETICULATE_PYTHON=", python),
                               paste0("PYTHONPATH=", source_root)))
  expect_match(out, "Python module pyestim was found in", fixed = TRUE)
  expect_match(out, "could not be imported (UnsupportedTensorFlowError: TensorFlow is not installed",
               fixed = TRUE)
})

test_that("pyestim_available() is TRUE with the configured Python", {
  skip_if_no_pyestim()
  expect_true(pyestim_available())
})

test_that("tf is pyestim.tf and TensorFlow's deprecated functions can be called from R", {
  skip_if_no_pyestim()
  expect_s3_class(tf, "python.builtin.module")
  expect_equal(reticulate::py_to_r(reticulate::py_get_attr(tf, "__name__")), "pyestim.tf")
  # These go through TensorFlow's deprecation notice, which used to fail from R with
  # "'NoneType' object has no attribute 'f_code'".
  config <- tf$estimator$RunConfig()
  expect_s3_class(config, "tensorflow_estimator.python.estimator.run_config.RunConfig")
  g <- tf$Graph()
  with(g$as_default(), {
    x <- tf$zeros(shape(2L, 3L))
    y <- tf$layers$dense(x, units = 4L)
    expect_equal(y$shape$as_list(), c(2L, 4L))
  })
  expect_true(is.function(tf$estimator$inputs$numpy_input_fn))
  expect_true(is.function(tf$contrib$learn$datasets$load_dataset))
})

test_that("reticulate helpers are re-exported", {
  skip_if_no_pyestim()
  np <- import("numpy", convert = FALSE)
  expect_s3_class(np, "python.builtin.module")
  d <- dict(a = 1L)
  expect_s3_class(d, "python.builtin.dict")
  expect_s3_class(tuple(1L, 2L), "python.builtin.tuple")
  a <- np_array(1:6, dtype = "float32")
  expect_equal(reticulate::py_to_r(a$dtype$name), "float32")
  expect_equal(c(1, 2) %>% sum(), 3)
  s <- shape(NULL, 28L, 28)
  expect_equal(s$as_list(), list(NULL, 28L, 28L))
  expect_equal(shape(2, 3)$as_list(), c(2L, 3L))
})
