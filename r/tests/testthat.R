# Run by `bash dev.sh test` (cd r/tests && Rscript testthat.R) and by R CMD check.
# Needs the Python that has pyestim: RETICULATE_PYTHON (dev.sh sets it) or
# options(pyestim.python = ...); the tests skip when pyestim cannot be imported, and fail
# instead in a CI run (CI = true, 1 or yes: helper-pyestim.R).
# With PYESTIM_R_TIMES = N set (.ci/run sets 15), the N slowest test files are listed with their
# seconds after the run.
library(testthat)
library(pyestim)

results <- test_check("pyestim", stop_on_failure = FALSE)
table <- as.data.frame(results)
slowest <- suppressWarnings(as.integer(Sys.getenv("PYESTIM_R_TIMES", "0")))
if (!is.na(slowest) && slowest > 0 && nrow(table) > 0) {
  seconds <- sort(tapply(table$real, table$file, sum), decreasing = TRUE)
  cat(sprintf("\nslowest R test files (%.0f s in all):\n", sum(seconds)))
  shown <- utils::head(seconds, slowest)
  cat(sprintf("%8.1f s  %s\n", shown, names(shown)), "\n", sep = "")
}
# what stop_on_failure = TRUE does: fail on a failed expectation or an error
if (nrow(table) > 0 && (sum(table$failed) > 0 || any(table$error)))
  stop("Test failures", call. = FALSE)
