#' Training history
#'
#' [train()] returns the losses its history-saver hook recorded (see
#' [hook_history_saver()]) as an object of class `tf_estimator_history`: a list with
#' `steps` (the recorded global steps), `metrics` (a named list with `mean_losses` and
#' `total_losses`, one value per recorded step) and `params` (`metrics`: the metric names,
#' `steps`: the last recorded step). The numbers are those of the Python `History`.
#'
#' @param x A training history.
#' @param y Not used.
#' @param metrics Which of `"mean_losses"`, `"total_losses"` to plot; all by default.
#' @param row.names,optional,... As for [as.data.frame()]; for `plot()`, further graphical
#'   parameters passed to [graphics::plot()].
#'
#' @return `as.data.frame()`: a data frame with one row per recorded step and the columns
#'   `step`, `mean_losses` and `total_losses`. `print()` and `plot()`: `x`, invisibly.
#' @examples
#' \dontrun{
#' history <- train(model, input_fn, steps = 100)
#' history
#' as.data.frame(history)
#' png("history.png"); plot(history); dev.off()
#' }
#' @name tf_estimator_history
NULL

# The Python History as an R tf_estimator_history (one conversion, at the end of train()).
# The metrics are the History's own columns (all but step).
as_history <- function(py_history) {
  columns <- py_value(py_history$to_dict())
  steps <- as.integer(unlist(columns$step))
  metric_names <- setdiff(names(columns), "step")
  metrics <- lapply(metric_names, function(m) as.numeric(unlist(columns[[m]])))
  names(metrics) <- metric_names
  new_history(steps, metrics)
}

new_history <- function(steps, metrics) {
  structure(
    list(steps = steps, metrics = metrics,
         params = list(metrics = names(metrics),
                       steps = if (length(steps)) steps[[length(steps)]] else NULL)),
    class = "tf_estimator_history")
}

#' @rdname tf_estimator_history
#' @export
print.tf_estimator_history <- function(x, ...) {
  n <- length(x$steps)
  if (n == 0L) {
    cat("Training history: no steps recorded\n")
    return(invisible(x))
  }
  cat(sprintf("Training history: %d record%s, steps %d to %d\n", n, if (n == 1L) "" else "s",
              x$steps[[1]], x$steps[[n]]))
  cat("Final step (plot to see history):\n")
  width <- max(nchar(names(x$metrics)))
  for (m in names(x$metrics)) {
    cat(sprintf("%*s: %s\n", width, m, format(x$metrics[[m]][[n]], digits = 4)))
  }
  invisible(x)
}

#' @rdname tf_estimator_history
#' @export
as.data.frame.tf_estimator_history <- function(x, row.names = NULL, optional = FALSE, ...) {
  df <- data.frame(step = x$steps, x$metrics, row.names = row.names,
                   check.names = !optional, stringsAsFactors = FALSE)
  df
}

#' @rdname tf_estimator_history
#' @export
plot.tf_estimator_history <- function(x, y, metrics = NULL, ...) {
  # Which metrics: pyestim's History says (and names an unknown one).
  metrics <- as.character(unlist(with_python_errors(
    pyestim_module(TRUE)$history$select_metrics(metrics))))
  if (length(x$steps) == 0L) {
    stop("Nothing to plot: the training history recorded no steps.", call. = FALSE)
  }
  old <- graphics::par(mfrow = c(length(metrics), 1L), mar = c(4, 4, 1, 1))
  on.exit(graphics::par(old), add = TRUE)
  for (m in metrics) {
    graphics::plot(x$steps, x$metrics[[m]], type = "o", pch = 20, xlab = "step", ylab = m,
                   ...)
    graphics::grid()
  }
  invisible(x)
}
