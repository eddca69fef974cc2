# Every exported function has tfestimators' formals (names, order, defaults), compared with a
# table taken from tfestimators' own R sources (tfestimators-formals.csv, which says which
# file and version each row comes from). Where pyestim differs on purpose, the difference is
# listed with its reason in tests/parity/differences.csv, in rows whose difference starts with
# "tfestimators:"; the test fails on a difference that is not listed and on a listed one that
# no longer exists.

differences_csv <- function() differences_rows("tfestimators:")

# "a;b=NULL;..." as a list: names, and each default as source text (NA: no default).
table_formals <- function(text) {
  if (!nzchar(text)) return(list(names = character(), defaults = character()))
  parts <- strsplit(text, ";", fixed = TRUE)[[1]]
  has <- grepl("=", parts, fixed = TRUE)
  list(names = ifelse(has, sub("=.*$", "", parts), parts),
       defaults = ifelse(has, sub("^[^=]*=", "", parts), NA_character_))
}

# The value of a default when it is a constant (numbers, strings, logicals, NULL and c() of
# them); otherwise its source text.
default_value <- function(expr) {
  constant <- function(e) {
    is.null(e) || (is.atomic(e) && length(e) == 1L) ||
      (is.call(e) && identical(e[[1]], as.name("c")) && all(vapply(as.list(e)[-1], constant,
                                                                   logical(1)))) ||
      (is.call(e) && identical(e[[1]], as.name("-")) && length(e) == 2L && is.numeric(e[[2]]))
  }
  if (constant(expr)) {
    v <- eval(expr, baseenv())
    return(if (is.numeric(v)) as.numeric(v) else v)
  }
  paste(deparse(expr), collapse = "")
}

pyestim_function <- function(name) {
  ns <- asNamespace("pyestim")
  if (name %in% getNamespaceExports("pyestim")) return(getExportedValue("pyestim", name))
  parts <- regmatches(name, regexpr("[.]", name), invert = TRUE)[[1]]
  generic <- parts[[1]]
  if (generic %in% getNamespaceExports("pyestim") || generic == "predict") {
    return(tryCatch(getS3method(generic, parts[[2]], envir = ns), error = function(e) NULL))
  }
  NULL
}

formals_differences <- function(name, text) {
  fn <- pyestim_function(name)
  if (is.null(fn)) return("tfestimators: not exported")
  want <- table_formals(text)
  have <- formals(fn)
  out <- character()
  missing <- setdiff(want$names, names(have))
  extra <- setdiff(names(have), want$names)
  out <- c(out, sprintf("tfestimators: missing argument `%s`", missing),
           sprintf("tfestimators: extra argument `%s`", extra))
  common <- intersect(want$names, names(have))
  if (!identical(common, intersect(names(have), want$names))) {
    out <- c(out, "tfestimators: argument order")
  }
  for (arg in common) {
    src <- want$defaults[[match(arg, want$names)]]
    mine_missing <- identical(have[[arg]], quote(expr = ))
    if (is.na(src) && mine_missing) next
    mine <- if (mine_missing) NULL else have[[arg]]
    mine_text <- if (mine_missing) "none" else paste(deparse(mine), collapse = "")
    if (is.na(src) || mine_missing ||
        !identical(default_value(str2lang(src)), default_value(mine))) {
      out <- c(out, sprintf("tfestimators: default of `%s`: tfestimators %s vs pyestim %s",
                            arg, if (is.na(src)) "none" else src, mine_text))
    }
  }
  out
}

test_that("every export has tfestimators' formals, or the difference is listed", {
  table <- read_comment_csv(test_path("tfestimators-formals.csv"))
  expect_identical(names(table), c("function", "formals", "source"))
  expect_true(all(nzchar(table$source)))
  found <- list()
  for (i in seq_len(nrow(table))) {
    for (d in formals_differences(table[["function"]][[i]], table$formals[[i]])) {
      found[[length(found) + 1L]] <- c(table[["function"]][[i]], d)
    }
  }
  # Exports that are not tfestimators functions (nor generics of its methods).
  generics <- sub("[.].*$", "", table[["function"]])
  for (e in setdiff(getNamespaceExports("pyestim"), c(table[["function"]], generics))) {
    found[[length(found) + 1L]] <- c(e, "tfestimators: not a tfestimators function")
  }
  found <- vapply(found, paste, character(1), collapse = " | ")
  listed <- differences_csv()
  listed_keys <- paste(listed[["function"]], listed$difference, sep = " | ")
  expect_true(all(nzchar(trimws(listed$reason))))
  unlisted <- setdiff(found, listed_keys)
  stale <- setdiff(listed_keys, found)
  expect(length(unlisted) == 0L, paste0(
    "formals differ from tfestimators' where tests/parity/differences.csv says nothing:\n",
    paste(" ", sort(unlisted), collapse = "\n")))
  expect(length(stale) == 0L, paste0(
    "differences.csv lists tfestimators differences that no longer exist:\n",
    paste(" ", sort(stale), collapse = "\n")))
})

test_that("the formals comparison sees a changed default, a missing and an extra argument", {
  expect_identical(formals_differences("session_run_args", "..."), character())
  expect_identical(formals_differences("session_run_args", "...;extra=1"),
                   "tfestimators: missing argument `extra`")
  expect_identical(formals_differences("session_run_args", ""),
                   "tfestimators: extra argument `...`")
  expect_identical(formals_differences("hook_nan_tensor", "fail_on_nan_loss=TRUE;loss_tensor"),
                   "tfestimators: argument order")
  expect_identical(formals_differences("hook_history_saver", "every_n_step=10"), character())
  expect_identical(formals_differences("hook_history_saver", "every_n_step=20"),
                   "tfestimators: default of `every_n_step`: tfestimators 20 vs pyestim 10L")
  expect_identical(formals_differences("no_such_function", ""), "tfestimators: not exported")
})
