#' Training history
#'
#' [train()] returns the losses its history-saver hook recorded (see
#' [hook_history_saver()]) as an object of class `tf_estimator_history`, a list with
#' tfestimators' fields: `losses` (a named list with `mean_losses` and `total_losses`, one
#' value per recorded step), `step` (the recorded global steps), `params` (`metrics`: the
#' metric names, `steps`: the last recorded step) and `evaluation_metrics` (`NULL`: a
#' training history holds no evaluation; [evaluate()] returns the metrics); and pyestim's
#' `steps` (the same as `step`), `metrics` (the same as `losses`) and `settings` (what the
#' plot's title says about the run, when known). The numbers are those of the Python
#' `History`.
#'
#' `total_losses` is the model's loss at each recorded step, the value TensorFlow logs as
#' `loss = ...` (its `estimator_spec()`'s `loss`; for a canned estimator, the sum over the
#' batch). `mean_losses` is the mean of the per-example losses a canned estimator computes
#' (the loss over the batch size, when the examples are not weighted), as in tfestimators;
#' for a custom model function, whose loss is one number, it is the loss itself.
#'
#' @param x A training history.
#' @param y Not used.
#' @param metrics Which of `"mean_losses"`, `"total_losses"` to plot; by default both, or
#'   one panel (labelled "loss (mean = total)") when they are the same at every step.
#' @param settings What the title says about the run: a named list such as
#'   `list(model = "cnn", steps = 2000, batch_size = 100, learning_rate = 0.001)`; by default
#'   the history's own `settings` (when known).
#' @param evaluation Evaluation results (`evaluate()`'s: `global_step`, `loss`, `accuracy`),
#'   drawn as points at their step: the loss on the loss panel, the accuracy on a right-hand
#'   axis.
#' @param smoothing TensorBoard's smoothing weight, from 0 (none) to below 1; by default none
#'   up to 50 recorded steps, and beyond an average over about 1/40 of them (0.98 for 2,000
#'   steps). When smoothing, the raw losses are drawn faint and the smoothed curve (pyestim's
#'   `smoothing.smoothed()`, TensorBoard's debiased moving average) over them. The legend
#'   sits above each panel, where it hides no data.
#' @param row.names,optional,... As for [as.data.frame()]; for `plot()`, further graphical
#'   parameters passed to [graphics::plot()].
#'
#' @return `as.data.frame()`: a data frame in tfestimators' long shape, one row per recorded
#'   step and metric, with the columns `step`, `metric` and `value` (all steps of
#'   `mean_losses`, then all steps of `total_losses`). `print()` ("Trained for N steps." and
#'   the final step's metrics) and `plot()`: `x`, invisibly.
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
  settings <- tryCatch(py_value(py_history$settings), error = function(e) NULL)
  new_history(steps, metrics, settings)
}

# tfestimators' fields (params, losses, step, evaluation_metrics) and pyestim's (steps,
# metrics, settings); every name is whole, so `$` never completes a partial one.
new_history <- function(steps, metrics, settings = NULL) {
  last <- if (length(steps)) steps[[length(steps)]] else NULL
  structure(
    list(params = list(metrics = names(metrics), steps = last),
         losses = metrics, step = steps, evaluation_metrics = NULL,
         steps = steps, metrics = metrics,
         settings = if (length(settings)) settings else NULL),
    class = "tf_estimator_history")
}

#' @rdname tf_estimator_history
#' @export
print.tf_estimator_history <- function(x, ...) {
  n <- length(x$steps)
  if (n == 0L) {
    cat("Trained for 0 steps (no steps recorded).\n")
    return(invisible(x))
  }
  cat(sprintf("Trained for %d steps.\n", x$steps[[n]]))
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
  # tfestimators' long shape (Python: History.to_dataframe(long = True)): every step of the
  # first metric, then every step of the next.
  n <- length(x$steps)
  data.frame(step = rep(x$steps, length(x$metrics)),
             metric = rep(names(x$metrics), each = n),
             value = as.numeric(unlist(x$metrics, use.names = FALSE)),
             row.names = row.names, stringsAsFactors = FALSE)
}

#' @rdname tf_estimator_history
#' @export
plot.tf_estimator_history <- function(x, y, metrics = NULL, settings = NULL,
                                      evaluation = NULL, smoothing = NULL, ...) {
  same <- identical(x$metrics$mean_losses, x$metrics$total_losses)
  one_panel <- is.null(metrics) && same
  if (one_panel) metrics <- "mean_losses"
  # Which metrics, and the smoothing: pyestim says (and names an unknown metric, a bad weight).
  py <- pyestim_module(TRUE)
  metrics <- as.character(unlist(with_python_errors(py$history$select_metrics(metrics))))
  if (length(x$steps) == 0L) {
    stop("Nothing to plot: the training history recorded no steps.", call. = FALSE)
  }
  weight <- with_python_errors(py$smoothing$smoothing_weight(length(x$steps), smoothing))
  title <- history_title(settings %||% x$settings)
  points <- evaluation_points(evaluation)
  old <- graphics::par(mfrow = c(length(metrics), 1L), mar = c(4, 4, 3, 4),
                       oma = c(0, 0, if (nzchar(title)) 2 else 0, 0))
  on.exit(graphics::par(old), add = TRUE)
  for (m in metrics) {
    label <- if (one_panel) "loss (mean = total)" else m
    values <- x$metrics[[m]]
    losses <- if (m == "mean_losses") points$loss else numeric()
    ylim <- range(c(values, losses), finite = TRUE)
    key <- plot_losses(x$steps, values, label, ylim, weight, py, ...)
    graphics::grid()
    if (m == "mean_losses" && length(points$step)) {
      key <- plot_evaluation(points, key)
    } else {
      legend_above(key)
    }
  }
  if (nzchar(title)) graphics::mtext(title, side = 3, outer = TRUE, line = 0.5)
  invisible(x)
}

# One panel's losses: the raw points; for a long run (weight > 0), faint, with pyestim's
# smoothed curve over them. Returns the legend's entries.
plot_losses <- function(steps, values, label, ylim, weight, py, ...) {
  training <- paste("training", label)
  if (weight == 0) {
    graphics::plot(steps, values, type = "o", pch = 20, xlab = "step", ylab = label,
                   ylim = ylim, ...)
    return(list(legend = training, pch = 20, lty = 1, lwd = 1, col = "black"))
  }
  faint <- grDevices::adjustcolor("steelblue", alpha.f = 0.3)
  graphics::plot(steps, values, type = "l", col = faint, xlab = "step", ylab = label,
                 ylim = ylim, ...)
  graphics::lines(steps, as.numeric(unlist(py$smoothing$smoothed(values, weight))),
                  col = "steelblue4", lwd = 2)
  list(legend = c(paste(training, "(raw)"), sprintf("%s (smoothed %.2f)", training, weight)),
       pch = c(NA, NA), lty = c(1, 1), lwd = c(1, 2), col = c(faint, "steelblue4"))
}

# The evaluation points on the loss panel (the loss; the accuracy on a right-hand axis), and
# the legend with them.
plot_evaluation <- function(points, key) {
  has_loss <- !is.na(points$loss)
  graphics::points(points$step[has_loss], points$loss[has_loss], pch = 15, col = "red",
                   cex = 1.5)
  has_acc <- !is.na(points$accuracy)
  key <- add_key(key, "evaluation loss", 15, "red")
  if (any(has_acc)) key <- add_key(key, "evaluation accuracy", 18, "darkgreen")
  legend_above(key)  # in the loss panel's coordinates, before the accuracy axis replaces them
  if (any(has_acc)) {
    usr <- graphics::par("usr")
    graphics::par(new = TRUE)
    graphics::plot(points$step[has_acc], points$accuracy[has_acc], pch = 18,
                   col = "darkgreen", cex = 2, xlim = usr[1:2], ylim = c(0, 1.05),
                   xaxs = "i", axes = FALSE, xlab = "", ylab = "")
    graphics::axis(4)
    graphics::mtext("evaluation accuracy", side = 4, line = 2.5, cex = 0.8)
  }
  key
}

add_key <- function(key, legend, pch, col) {
  list(legend = c(key$legend, legend), pch = c(key$pch, pch), lty = c(key$lty, NA),
       lwd = c(key$lwd, NA), col = c(key$col, col))
}

# The legend in the margin above the panel (outside the data, so it hides none).
legend_above <- function(key) {
  usr <- graphics::par("usr")
  graphics::legend(x = usr[[1]], y = usr[[4]], xjust = 0, yjust = 0, xpd = NA, bty = "n",
                   cex = 0.8, ncol = 2L, legend = key$legend, pch = key$pch, lty = key$lty,
                   lwd = key$lwd, col = key$col)
}

# "model cnn, 2000 steps, batch size 100, learning rate 0.001" from what is known.
history_title <- function(settings) {
  if (!length(settings)) return("")
  known <- c(model = "model %s", steps = "%s steps", batch_size = "batch size %s",
             learning_rate = "learning rate %s")
  parts <- character()
  for (key in names(known)) {
    if (!is.null(settings[[key]])) parts <- c(parts, sprintf(known[[key]], settings[[key]]))
  }
  for (key in setdiff(names(settings), names(known))) {
    if (!is.null(settings[[key]])) parts <- c(parts, paste(key, settings[[key]]))
  }
  paste(parts, collapse = ", ")
}

# Evaluation results (one, or a list of them) as columns step, loss, accuracy.
evaluation_points <- function(evaluation) {
  if (is.null(evaluation)) return(list(step = numeric(), loss = numeric(), accuracy = numeric()))
  if (is.data.frame(evaluation)) evaluation <- lapply(seq_len(nrow(evaluation)),
                                                      function(i) as.list(evaluation[i, ]))
  else if (!is.null(evaluation$global_step)) evaluation <- list(evaluation)
  get <- function(r, k) if (is.null(r[[k]])) NA_real_ else as.numeric(r[[k]])
  evaluation <- Filter(function(r) !is.null(r$global_step), evaluation)
  list(step = vapply(evaluation, get, 0, "global_step"),
       loss = vapply(evaluation, get, 0, "loss"),
       accuracy = vapply(evaluation, get, 0, "accuracy"))
}
