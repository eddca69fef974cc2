#' Fast repeated prediction
#'
#' A predictor holds the estimator's predict graph in a live session, after TensorFlow 1's
#' `tf$contrib$predictor$from_estimator`: the first call builds the graph for the features it
#' is given and restores the latest checkpoint; later calls only run the session (restoring
#' again when a newer checkpoint has appeared in the model directory). Its predictions equal
#' [predict()][predict.tf_estimator]'s bit for bit, batch by batch. The work is done by
#' pyestim's Python `predictor()`; R converts the features and the results.
#'
#' @param object An estimator (it must have a checkpoint).
#' @param predict_keys Which predictions to return (names); all by default.
#'
#' @return A function of class `pyestim_predictor`: call it with the features as a named
#'   list of arrays, `p(list(x = images))`; it returns a named list of arrays, one row per
#'   example. Close it with `close(p)`.
#' @examples
#' \dontrun{
#' p <- predictor(classifier)
#' p(list(x = np_array(images[1:1, , drop = FALSE], dtype = "float32")))$classes
#' close(p)
#' }
#' @export
predictor <- function(object, predict_keys = NULL) {
  call <- sys.call()
  py <- pycall("predictor", list(object = as_py_estimator(object),
                                 predict_keys = predict_keys), call = call)
  p <- function(features) {
    out <- with_python_errors(py$run(as_py_arrays(features)), call = sys.call())
    py_value(out)
  }
  structure(p, py_predictor = py, class = c("pyestim_predictor", "function"))
}

#' @rdname predictor
#' @param con A predictor.
#' @param ... Not used.
#' @export
close.pyestim_predictor <- function(con, ...) {
  attr(con, "py_predictor")$close()
  invisible(NULL)
}

#' @export
print.pyestim_predictor <- function(x, ...) {
  cat(reticulate::py_repr(attr(x, "py_predictor")), "\n", sep = "")
  invisible(x)
}
