# Run by `bash dev.sh test` (cd r/tests && Rscript testthat.R) and by R CMD check.
# Needs the Python that has pyestim: RETICULATE_PYTHON (dev.sh sets it) or
# options(pyestim.python = ...); the tests skip when pyestim cannot be imported.
library(testthat)
library(pyestim)

test_check("pyestim")
