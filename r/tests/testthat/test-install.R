# install_pyestim() (issue 15, point 11): for real, a fresh virtual environment r-pyestim made
# by install_pyestim() from the wheel shipped in the installed R package (under a temporary
# RETICULATE_VIRTUALENV_ROOT / WORKON_HOME), then, in a new R process with no Python chosen
# by any environment variable, library(pyestim) finds it and the tutorial's first steps run.

rscript <- function() file.path(R.home("bin"), "Rscript")

run_r <- function(lines, env) {
  script <- tempfile(fileext = ".R")
  writeLines(lines, script)
  out <- suppressWarnings(system2(rscript(), script, stdout = TRUE, stderr = TRUE, env = env))
  list(status = attr(out, "status") %||% 0L, out = paste(out, collapse = "\n"))
}

`%||%` <- function(x, y) if (is.null(x)) y else x

test_that("install_pyestim() explains a Python it cannot use", {
  expect_error(install_pyestim(python = "/nonexistent/python3.11"),
               "pyestim needs one of 3.10, 3.11, 3.12, 3.13")
  expect_error(install_pyestim(python = "/nonexistent/python3.11", stack = "reference"),
               "pyestim needs one of 3.9, 3.10, 3.11")
  expect_error(install_pyestim(package = NULL, envname = tempfile(), python = "/nonexistent"),
               "install_pyestim\\(python = ")
})

test_that("install_pyestim() skips a shim that cannot run and resolves a wrapper to its Python", {
  # pyenv's shims: python3.X scripts first on the PATH; one of a version pyenv does not
  # activate fails, another runs a real interpreter, which has lib/ beside its bin/ where the
  # shim has none (reticulate 1.41 stops with "object 'oldlibpath' not found" then).
  skip_if_no_pyestim()
  real <- reticulate::py_exe()
  stack <- Sys.getenv("PYESTIM_STACK", "current")
  names <- paste0("python", pyestim:::pyestim_python_versions[[stack]][1:2])
  shims <- tempfile("shims-")
  dir.create(shims)
  writeLines(c("#!/bin/sh", sprintf("echo 'pyenv: %s: command not found' >&2", names[[1]]),
               "exit 127"), file.path(shims, names[[1]]))
  writeLines(c("#!/bin/sh", sprintf("exec '%s' \"$@\"", real)), file.path(shims, names[[2]]))
  Sys.chmod(file.path(shims, names), "755")
  old_path <- Sys.getenv("PATH")
  Sys.setenv(PATH = paste(shims, old_path, sep = .Platform$path.sep))
  on.exit(Sys.setenv(PATH = old_path), add = TRUE)
  expect_identical(unname(Sys.which(names[[2]])), file.path(shims, names[[2]]))
  found <- pyestim:::find_install_python(stack = stack)
  executable <- system2(real, c("-c", shQuote("import sys; print(sys.executable)")),
                        stdout = TRUE)
  expect_identical(found, executable)
  expect_false(startsWith(found, shims))
  expect_true(dir.exists(file.path(dirname(dirname(found)), "lib")))
  # a shim given as python = is resolved the same way
  expect_identical(pyestim:::find_install_python(file.path(shims, names[[2]]), stack),
                   executable)
})

test_that("install_pyestim() makes r-pyestim, which library(pyestim) then uses by itself", {
  skip_if_no_pyestim()  # the test needs a Python to build the environment from
  if (!in_ci() && !nzchar(Sys.getenv("PYESTIM_TEST_INSTALL")))
    skip("set PYESTIM_TEST_INSTALL=1 (or CI=true) to create a virtual environment")
  wheels <- list.files(system.file("wheels", package = "pyestim"), pattern = "\\.whl$")
  expect_length(wheels, 1L)  # shipped by `bash dev.sh setup`
  root <- tempfile("pyestim-venvs-")
  dir.create(root)
  env <- c(paste0("RETICULATE_VIRTUALENV_ROOT=", root), paste0("WORKON_HOME=", root),
           "RETICULATE_PYTHON=", "PYESTIM_PYTHON=",
           paste0("R_LIBS=", paste(.libPaths(), collapse = ":")))
  # the stack under test (dev.sh exports it): its R library has the reticulate that stack needs
  install <- sprintf("pyestim::install_pyestim(stack = '%s')",
                     Sys.getenv("PYESTIM_STACK", "current"))
  installed <- run_r(install, env)
  expect_equal(installed$status, 0L, info = installed$out)
  expect_match(installed$out, "pyestim installed into r-pyestim", fixed = TRUE)
  expect_true(file.exists(file.path(root, "r-pyestim", "bin", "python")))
  first_steps <- run_r(c(
    "library(pyestim)",
    "cat('python:', reticulate::py_config()$python, '\\n')",
    "cat('available:', pyestim_available(), '\\n')",
    "mnist <- tf$contrib$learn$datasets$load_dataset('mnist')",
    "train_data <- mnist$train$images[1:50, ]",
    "train_labels <- as.integer(mnist$train$labels[1:50])",
    "source(system.file('models.R', package = 'pyestim', mustWork = TRUE))",
    "classifier <- estimator(model_fn = cnn_model_fn, model_dir = tempfile())",
    "train_input_fn <- tf$estimator$inputs$numpy_input_fn(x = list(x = train_data),",
    "  y = train_labels, batch_size = 10L, num_epochs = NULL, shuffle = TRUE)",
    "train(classifier, input_fn = train_input_fn, steps = 2)",
    "cat('global step:', variable_value(classifier, 'global_step')$global_step, '\\n')"
  ), c(env, paste0("PYESTIM_DATA_DIR=", mnist_data_dir())))
  expect_equal(first_steps$status, 0L, info = first_steps$out)
  expect_match(first_steps$out, paste0("python: ", normalizePath(root)), fixed = TRUE)
  expect_match(first_steps$out, "available: TRUE", fixed = TRUE)
  expect_match(first_steps$out, "global step: 2", fixed = TRUE)
  # reused, not created again, by a second call
  again <- run_r(install, env)
  expect_equal(again$status, 0L, info = again$out)
})
