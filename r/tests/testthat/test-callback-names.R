# R functions that Python calls (model_fn, input_fn, hook callbacks, formatter, device_fn)
# may name their arguments anything, including the names the R-to-Python bridge uses itself
# (f, name, fn, x, ..., object, args): R must not match them to the bridge's own formals.

bridge_names <- c("f", "name", "fn", "x", "object", "args")

# function(<nm>) body, with the argument named nm.
one_arg_function <- function(nm, body, env = parent.frame()) {
  f <- function() NULL
  environment(f) <- env
  formals(f) <- stats::setNames(list(quote(expr = )), nm)
  body(f) <- body
  f
}

test_that("an input_fn whose one argument has any name is called with the estimator", {
  skip_if_no_pyestim()
  est <- trained_toy()
  for (nm in bridge_names) {
    seen <- NULL
    fn <- one_arg_function(nm, substitute({
      seen <<- inherits(get(NM), "tf_estimator")
      toy_eval_fn()
    }, list(NM = nm)))
    result <- evaluate(est, input_fn = fn, steps = 1)
    expect_true(isTRUE(seen), info = nm)
    expect_equal(result$global_step, 20, info = nm)
  }
})

test_that("evaluate() takes function(f) as input_fn (the reported case)", {
  skip_if_no_pyestim()
  d <- toy_data()
  result <- evaluate(trained_toy(), input_fn = function(f) numpy_input_fn(
    x = list(x = d$x), y = d$y, num_epochs = 1, shuffle = FALSE))
  expect_equal(result$global_step, 20)
})

test_that("a model_fn with `...` receives the arguments it does not name", {
  skip_if_no_pyestim()
  got <- NULL
  dots_model_fn <- function(features, labels, mode, ...) {
    got <<- sort(names(list(...)))
    toy_model_fn(features, labels, mode, ...)
  }
  est <- toy_estimator(dots_model_fn)
  h <- train(est, toy_train_fn(), steps = 2)
  expect_equal(got, c("config", "params"))
  expect_equal(global_step(est), 2L)
  all_dots <- function(...) {
    a <- list(...)
    toy_model_fn(a$features, a$labels, a$mode, a$params, a$config)
  }
  est2 <- toy_estimator(all_dots)
  train(est2, toy_train_fn(), steps = 2)
  expect_equal(global_step(est2), 2L)
})

test_that("hook callbacks may name their arguments f, name, fn, x, object, args or ...", {
  skip_if_no_pyestim()
  calls <- character()
  hook <- session_run_hook(
    begin = function(...) calls <<- c(calls, paste("begin", length(list(...)))),
    after_create_session = function(f, name) {
      calls <<- c(calls, paste("after_create_session", class(f)[[1]] != "NULL"))
    },
    before_run = function(fn) {
      calls <<- c(calls, paste("before_run", !is.null(fn)))
      NULL
    },
    after_run = function(object, args) {
      calls <<- c(calls, paste("after_run", !is.null(object), !is.null(args)))
    },
    end = function(x) calls <<- c(calls, paste("end", !is.null(x))))
  train(toy_estimator(), toy_train_fn(), steps = 2, hooks = hook)
  expect_equal(calls, c("begin 0", "after_create_session TRUE", "before_run TRUE",
                        "after_run TRUE TRUE", "before_run TRUE", "after_run TRUE TRUE",
                        "end TRUE"))
})

test_that("a logging formatter may name its argument f, name, fn, x, object, args or ...", {
  skip_if_no_pyestim()
  for (nm in c(bridge_names, "...")) {
    n <- 0L
    fmt <- if (nm == "...") {
      function(...) {
        n <<- n + length(list(...)[[1]]$classes)
        "formatted"
      }
    } else {
      one_arg_function(nm, substitute({
        n <<- n + length(get(NM)$classes)
        "formatted"
      }, list(NM = nm)))
    }
    hook <- hook_logging_tensor(list(classes = "classes"), every_n_iter = 1, formatter = fmt)
    evaluate(trained_toy(), toy_eval_fn(), steps = 2, hooks = hook)
    expect_equal(n, 100L, info = nm)
  }
})

test_that("a device_fn may name its argument f, name, fn, x, object, args or ...", {
  skip_if_no_pyestim()
  for (nm in c(bridge_names, "...")) {
    n <- 0L
    dev <- if (nm == "...") {
      function(...) {
        n <<- n + length(list(...))
        "/cpu:0"
      }
    } else {
      one_arg_function(nm, substitute({
        n <<- n + !is.null(get(NM))
        "/cpu:0"
      }, list(NM = nm)))
    }
    est <- toy_estimator(config = run_config(device_fn = dev))
    train(est, toy_train_fn(), steps = 1)
    expect_equal(global_step(est), 1L, info = nm)
    expect_gt(n, 0L)
  }
})
