# predictor() from R: the same predictions as predict() (batch by batch) and as pyestim's
# Python predictor on the same estimator, bit for bit.

test_that("a predictor answers like predict(), and like Python's predictor", {
  skip_if_no_pyestim()
  est <- trained_toy()
  d <- toy_data(n = 120L, seed = 7L)
  expected <- predict(est, toy_eval_fn(d, batch_size = 40L, labels = FALSE), simplify = FALSE)
  p <- predictor(est)
  expect_s3_class(p, "pyestim_predictor")
  got <- lapply(0:2, function(i) p(list(x = d$x[i * 40L + 1:40, , drop = FALSE])))
  probs <- do.call(rbind, lapply(got, function(g) g$probabilities))
  classes <- unlist(lapply(got, function(g) as.vector(g$classes)))
  expect_identical(probs, do.call(rbind, lapply(expected, function(r) as.vector(r$probabilities))))
  expect_identical(classes, vapply(expected, function(r) as.vector(r$classes), numeric(1)))
  # Python's predictor, called directly on the same batches
  py <- pyestim:::pyestim_module(convert = TRUE)$predictor(est$estimator)
  from_python <- lapply(0:2, function(i)
    py(list(x = reticulate::np_array(d$x[i * 40L + 1:40, , drop = FALSE]))))
  expect_identical(probs, do.call(rbind, lapply(from_python, function(g) g$probabilities)))
  py$close()
  close(p)
  expect_error(p(list(x = d$x[1:2, , drop = FALSE])), "closed")
})

test_that("a predictor restores a newer checkpoint, and its errors are pyestim's", {
  skip_if_no_pyestim()
  est <- toy_estimator()
  train(est, toy_train_fn(), steps = 5)
  d <- toy_data(n = 30L, seed = 9L)
  p <- predictor(est, predict_keys = "probabilities")
  first <- p(list(x = d$x))
  expect_named(first, "probabilities")
  train(est, toy_train_fn(), steps = 5)
  second <- p(list(x = d$x))
  expected <- predict(est, toy_eval_fn(d, batch_size = 30L, labels = FALSE),
                      predict_keys = "probabilities", simplify = FALSE)
  expect_identical(second$probabilities,
                   do.call(rbind, lapply(expected, function(r) as.vector(r$probabilities))))
  expect_false(identical(first$probabilities, second$probabilities))
  expect_output(print(p), "model.ckpt-10")
  close(p)
  empty <- predictor(toy_estimator())
  err <- tryCatch(empty(list(x = d$x)), error = function(e) e)
  expect_s3_class(err, "pyestim_error")
  expect_match(conditionMessage(err), "CheckpointError: .*train\\(\\) it first")
  close(empty)
})
