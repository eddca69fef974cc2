# tfestimators' input function contract (issue 22, point 3), written as its own tests write it:
# input_fn(...) called with TRUE, FALSE, an estimator or an object that only carries
# tfestimators' class gives the input function, which returns list(features, labels) as
# tensors. Each batch is returned as plain values; its Python twin is py_contract() in
# tests/parity/test_input_contract.py.

contract_values <- function(t) {
  v <- t$numpy()
  if (inherits(v, "python.builtin.object")) v <- reticulate::py_to_r(v)
  list(dim = if (is.null(dim(v))) length(v) else dim(v), values = as.numeric(v))
}

# One batch: how many parts, the features' names (none for one matrix), each feature's
# dimensions and values (column-major, as R stores them) and the labels'.
contract_batch <- function(batch) {
  features <- batch[[1]]
  named <- is.list(features)
  list(length = length(batch), names = if (named) names(features) else character(),
       features = if (named) lapply(unname(features), contract_values)
                  else list(contract_values(features)),
       labels = contract_values(batch[[2]]))
}

contract_results <- function() {
  cars <- mtcars[1:10, ]
  fake_canned <- structure(list(a = 1), class = "tf_estimator")
  fake_custom <- structure(list(a = 1), class = "tf_custom_estimator")
  sequences <- list(
    features = list(list(list(1), list(2), list(3)), list(list(4), list(5), list(6))),
    response = list(list(1, 2, 3), list(4, 5, 6)))
  frame <- input_fn(cars, response = mpg, features = c(drat, cyl), batch_size = 4,
                    shuffle = FALSE)
  m <- input_fn(as.matrix(cars), response = mpg, features = c(drat, cyl), batch_size = 4,
                shuffle = FALSE)
  list(
    frame_true = contract_batch(frame(TRUE)()),
    formula_true = contract_batch(input_fn(mpg ~ drat + cyl, data = cars, batch_size = 4,
                                           shuffle = FALSE)(TRUE)()),
    frame_false = contract_batch(frame(FALSE)()),
    matrix_canned = contract_batch(m(fake_canned)()),
    matrix_custom = contract_batch(m(fake_custom)()),
    list_canned = contract_batch(input_fn(object = sequences, features = c(features),
                                          response = response, shuffle = FALSE)(fake_canned)()),
    epochs = {
      lin <- linear_regressor(feature_columns(column_numeric("drat")))
      train(lin, input_fn(cars, features = drat, response = mpg, batch_size = 4,
                          shuffle = FALSE, epochs = 3))
      as.integer(variable_value(lin, "global_step")$global_step)
    })
}
