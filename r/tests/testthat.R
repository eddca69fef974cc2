# Run by `bash dev.sh test` (cd r/tests && Rscript testthat.R) and by R CMD check.
# Needs the Python that has pyestim: RETICULATE_PYTHON (dev.sh sets it) or
# options(pyestim.python = ...); the tests skip when pyestim cannot be imported, and fail
# instead in a CI run (CI = true, 1 or yes: helper-pyestim.R).
library(testthat)
library(pyestim)

test_check("pyestim")
