#' Pictures of what a model learned (seed 003)
#'
#' One call each for the figures of the Layers API tutorial, drawn with base graphics:
#' `plot_images()` (9 images in a 3 x 3 grid, each with its true and predicted class),
#' `plot_confusion_matrix()` (counts of true against predicted classes, with each class's
#' recall), `plot_example_errors()` (the first 9 misclassified images),
#' `plot_conv_weights()` (a convolution kernel from the checkpoint, one square per filter:
#' positive weights red, negative blue, one scale for the whole kernel) and
#' `plot_conv_layer()` (a layer's output for one image, one square per channel). The numbers
#' are computed by pyestim in Python (the same data as pyestim's functions of these names);
#' R converts and draws them.
#'
#' @param images Images, one per row (a matrix `[n, 784]`, or an array `[n, 28, 28]`); or the
#'   features `list(x = images)`; or an input function (its features and labels are read, in
#'   order, once). R numbers are fed as float32, as TensorFlow's layers expect.
#' @param labels The true classes (or one-hot rows); with an input function that yields
#'   labels, `NULL` takes them from it: `plot_confusion_matrix(classifier, input_fn)`.
#' @param predicted The predicted classes; by default the estimator's (`object`).
#' @param object An estimator to predict the classes with (`NULL` when `predicted` is given).
#' @param path Draw into this PNG file instead of the current device.
#' @param variable The kernel's variable name (see [variable_names()]), e.g.
#'   `"conv2d/kernel"` (the first `tf$layers$conv2d`) or `"layer_conv1/kernel"`.
#' @param input_channel Which input channel's weights to show (0-based).
#' @param layer The layer's name in the predict graph (`"conv2d"`: the first
#'   `tf$layers$conv2d`'s output after its activation), an op name (`"conv2d/BiasAdd"`) or a
#'   tensor name (`"conv2d/Relu:0"`).
#' @param image One image: a vector of 784 values or a 28 x 28 matrix.
#'
#' @return The data drawn, invisibly: a list (`images` and `labels`; `matrix`, `recall`,
#'   `correct`, `total`; `weights`, `min`, `max`; `values`; and `title`).
#' @examples
#' \dontrun{
#' plot_images(mnist$test$images[1:9, ], mnist$test$labels[1:9])
#' plot_confusion_matrix(classifier, mnist$test$images, mnist$test$labels)
#' plot_example_errors(classifier, numpy_input_fn(list(x = mnist$test$images),
#'                                                mnist$test$labels, shuffle = FALSE))
#' plot_conv_weights(classifier, "conv2d/kernel", input_channel = 0L)
#' plot_conv_layer(classifier, "conv2d", mnist$test$images[1, ])
#' }
#' @name plots
NULL

plots_module <- function() {
  if (is.null(.pyestim$plots)) {
    pyestim_module()
    .pyestim$plots <- reticulate::import("pyestim.plots", convert = FALSE)
  }
  .pyestim$plots
}

# Images, features or an input function as pyestim's plots take them (R numbers as float32).
as_py_images <- function(x) {
  if (is.function(x) && !is_py(x)) return(as_py_function(x, "images"))
  if (is.null(x) || is_py(x)) return(x)
  to_f32 <- function(v) {
    if (is.numeric(v) && !is.object(v)) numpy()$asarray(reticulate::np_array(v), dtype = "float32")
    else as_py_array(v)
  }
  if (is.list(x) && !is.object(x)) return(lapply(x, to_f32))
  to_f32(x)
}

as_py_classes <- function(x) {
  if (is.null(x) || is_py(x)) return(x)
  if (is.factor(x)) x <- as.integer(x) - 1L
  if (is.numeric(x) && !is.matrix(x) && all(is.finite(x)) && all(x == round(x))) {
    x <- as.integer(x)
  }
  reticulate::np_array(x)
}

plot_data <- function(fn, args, call) {
  py_value(with_python_errors(do.call(plots_module()[[fn]], args), call = call))
}

# Draw `draw(data)` into `path` (a PNG) or the current device; return the data invisibly.
draw_to <- function(path, data, draw, width = 540, height = 580) {
  if (!is.null(path)) {
    grDevices::png(path.expand(path), width = width, height = height)
    on.exit(grDevices::dev.off(), add = TRUE)
  }
  draw(data)
  invisible(data)
}

grey_binary <- grDevices::grey(seq(1, 0, length.out = 256))  # matplotlib's "binary"
seismic <- grDevices::colorRampPalette(c("#00004c", "#0000ff", "#ffffff", "#ff0000",
                                         "#800000"))(256)

# One image (a [h, w] matrix, row 1 at the top) in the current panel.
draw_image <- function(img, col, zlim = range(img, finite = TRUE)) {
  if (!all(is.finite(zlim)) || zlim[[1]] == zlim[[2]]) zlim <- zlim[[1]] + c(-0.5, 0.5)
  graphics::image(t(img)[, nrow(img):1, drop = FALSE], col = col, zlim = zlim, axes = FALSE,
                  useRaster = TRUE)
  graphics::box(col = "grey70")
}

# Images [k, h, w] in a grid of side x side panels, each labelled below; unused panels empty.
draw_grid <- function(images, labels = NULL, title = NULL, col = grey_binary, zlim = NULL,
                      side = 3L) {
  k <- if (length(images)) dim(images)[[1]] else 0L
  old <- graphics::par(mfrow = c(side, side), mar = c(if (is.null(labels)) 0.4 else 2, 0.4, 0.4,
                                                      0.4),
                       oma = c(0, 0, if (is.null(title)) 0 else 2, 0))
  on.exit(graphics::par(old), add = TRUE)
  for (i in seq_len(side * side)) {
    if (i <= k) {
      img <- images[i, , , drop = TRUE]
      draw_image(img, col, zlim %||% range(img, finite = TRUE))
      if (!is.null(labels)) graphics::title(sub = labels[[i]], line = 0.8)
    } else {
      graphics::plot.new()
    }
  }
  if (!is.null(title)) graphics::mtext(title, side = 3, outer = TRUE, line = 0.5)
}

as_image_stack <- function(x) {
  if (length(dim(x)) == 2L) dim(x) <- c(1L, dim(x))
  x
}

#' @rdname plots
#' @export
plot_images <- function(images, labels = NULL, predicted = NULL, object = NULL, path = NULL) {
  data <- plot_data("images_data", list(
    images = as_py_images(images), labels = as_py_classes(labels),
    predicted = as_py_classes(predicted), object = as_py_estimator(object)), sys.call())
  data$images <- as_image_stack(data$images)
  draw_to(path, data, function(d) draw_grid(d$images, unlist(d$labels)))
}

#' @rdname plots
#' @export
plot_confusion_matrix <- function(object, images, labels = NULL, predicted = NULL,
                                  path = NULL) {
  data <- plot_data("confusion_matrix_data", list(
    object = as_py_estimator(object), images = as_py_images(images),
    labels = as_py_classes(labels), predicted = as_py_classes(predicted)), sys.call())
  draw_to(path, data, draw_confusion_matrix, width = 640, height = 560)
}

draw_confusion_matrix <- function(d) {
  m <- d$matrix
  n <- nrow(m)
  old <- graphics::par(mar = c(4.5, 4.5, 3, 5))
  on.exit(graphics::par(old), add = TRUE)
  blues <- grDevices::colorRampPalette(c("#f7fbff", "#6baed6", "#08306b"))(256)
  # rows (true classes) from top to bottom, columns (predicted) from left to right
  graphics::image(0:(n - 1), 0:(n - 1), t(m)[, n:1, drop = FALSE], col = blues,
                  axes = FALSE, xlab = "Predicted", ylab = "True", main = d$title)
  graphics::axis(1, at = 0:(n - 1), labels = 0:(n - 1))
  graphics::axis(2, at = 0:(n - 1), labels = (n - 1):0, las = 1)
  recall <- ifelse(is.na(d$recall), "n/a", sprintf("%.1f%%", 100 * d$recall))
  graphics::axis(4, at = 0:(n - 1), labels = rev(recall), las = 1, tick = FALSE)
  graphics::mtext("recall", side = 4, line = 3.5)
  cells <- which(m > 0, arr.ind = TRUE)
  high <- max(m) / 2
  graphics::text(cells[, "col"] - 1, n - cells[, "row"], labels = m[cells], cex = 0.7,
                 col = ifelse(m[cells] > high, "white", "black"))
  graphics::box()
}

#' @rdname plots
#' @export
plot_example_errors <- function(object, images, labels = NULL, predicted = NULL,
                                path = NULL) {
  data <- plot_data("example_errors_data", list(
    object = as_py_estimator(object), images = as_py_images(images),
    labels = as_py_classes(labels), predicted = as_py_classes(predicted)), sys.call())
  data$images <- as_image_stack(data$images)
  draw_to(path, data, function(d) draw_grid(d$images, unlist(d$labels), d$title))
}

#' @rdname plots
#' @export
plot_conv_weights <- function(object, variable = "conv2d/kernel", input_channel = 0L,
                              path = NULL) {
  data <- plot_data("conv_weights_data", list(
    object = as_py_estimator(object), variable = variable,
    input_channel = as_py_int(input_channel)), sys.call())
  data$weights <- as_image_stack(data$weights)
  draw_to(path, data, function(d) {
    draw_grid(d$weights, title = d$title, col = seismic, zlim = c(d$min, d$max),
              side = ceiling(sqrt(dim(d$weights)[[1]])))
  }, width = 500, height = 520)
}

#' @rdname plots
#' @export
plot_conv_layer <- function(object, layer, image, path = NULL) {
  if (is.numeric(image) && !is_py(image)) image <- matrix(as.vector(t(image)), nrow = 1L)
  data <- plot_data("conv_layer_data", list(
    object = as_py_estimator(object), layer = layer, image = as_py_images(image)), sys.call())
  data$values <- as_image_stack(data$values)
  draw_to(path, data, function(d) {
    draw_grid(d$values, title = d$title, side = ceiling(sqrt(dim(d$values)[[1]])))
  }, width = 500, height = 520)
}
