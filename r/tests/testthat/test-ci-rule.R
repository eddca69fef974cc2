# The CI rule of the tests themselves: outside CI a missing prerequisite skips a test, in a CI
# run (CI = true, 1 or yes, any case: the rule of tests/support/ci.py) it fails it.

test_that("in_ci() is true for CI = true, 1 or yes in any case, and false otherwise", {
  for (v in c("true", "TRUE", "True", "1", "yes", "YES", " yes ")) {
    expect_true(in_ci(v), info = v)
  }
  for (v in c("", "false", "0", "no", "y", "on", "truthy")) {
    expect_false(in_ci(v), info = v)
  }
})

test_that("without pyestim a test skips outside CI and fails in CI", {
  missing <- structure(FALSE, reason = "no module named 'pyestim'")
  expect_condition(skip_if_no_pyestim(ok = missing, ci = FALSE), class = "skip")
  expect_error(skip_if_no_pyestim(ok = missing, ci = TRUE),
               "CI is set .* but pyestim cannot be used: no module named 'pyestim': a CI run must not skip")
})

test_that("without MNIST data the example test skips outside CI and fails in CI", {
  expect_condition(mnist_data_dir("", ci = FALSE), class = "skip")
  expect_error(mnist_data_dir("", ci = TRUE), "PYESTIM_DATA_DIR is not set: a CI run must not skip")
  nowhere <- file.path(tempdir(), "no-such-mnist-folder")
  expect_error(mnist_data_dir(nowhere, ci = TRUE), "is not a folder: a CI run must not skip",
               fixed = FALSE)
  here <- tempdir()
  expect_identical(mnist_data_dir(here, ci = TRUE), here)
})

test_that("a missing R package skips outside CI and fails in CI", {
  expect_condition(skip_if_no_package("no.such.package.pyestim", ci = FALSE), class = "skip")
  expect_error(skip_if_no_package("no.such.package.pyestim", ci = TRUE),
               "the R package no.such.package.pyestim is not installed: a CI run must not skip")
  expect_silent(skip_if_no_package("stats", ci = TRUE))
})
