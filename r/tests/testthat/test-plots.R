# Seed 003's pictures from R: each function draws, with base graphics, the data pyestim
# computes. What was drawn is read back from the device's display list (recordPlot()): the
# panels (plot.new calls), the labels (title(sub = ...)), the numbers written in the confusion
# matrix's cells (text()). Expectations come from predict() and variable_value().

# The calls an expression made on a fresh (null) device: list(value, calls), each call a list
# of its C entry point's name and its arguments.
drawn <- function(expr) {
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  grDevices::dev.control("enable")
  value <- force(expr)
  calls <- lapply(grDevices::recordPlot()[[1]], function(x) {
    fn <- x[[2]][[1]]
    list(name = if (is.list(fn)) fn$name else "", args = x[[2]][-1])
  })
  list(value = value, calls = calls)
}

of <- function(d, name) Filter(function(call) identical(call$name, name), d$calls)
panels <- function(d) length(of(d, "C_plot_new"))
images_drawn <- function(d) length(of(d, "C_image")) + length(of(d, "C_raster"))
subtitles <- function(d) {
  subs <- lapply(of(d, "C_title"), function(call) call$args[[2]])
  unlist(Filter(function(s) is.character(s) && nzchar(s), subs))
}

mnist_cnn <- local({
  cache <- NULL
  function() {
    if (!is.null(cache)) return(cache)
    data_dir <- Sys.getenv("PYESTIM_DATA_DIR")
    skip_if(!nzchar(data_dir) || !dir.exists(data_dir), "PYESTIM_DATA_DIR is not set")
    mnist <- tf$contrib$learn$datasets$load_dataset("mnist")
    train_x <- mnist$train$images[1:500, ]
    train_y <- as.integer(mnist$train$labels[1:500])
    models <- reticulate::import("pyestim.models", convert = FALSE)
    est <- estimator(models$cnn_model_fn, model_dir = new_model_dir(),
                     config = run_config(tf_random_seed = 3L))
    train(est, numpy_input_fn(list(x = np_array(train_x, dtype = "float32")), train_y,
                              batch_size = 50L, num_epochs = NULL, shuffle = TRUE), steps = 20)
    test_x <- mnist$test$images[1:200, ]
    test_y <- as.integer(mnist$test$labels[1:200])
    classes <- predict(est, numpy_input_fn(list(x = np_array(test_x, dtype = "float32")),
                                           shuffle = FALSE), predict_keys = "classes")$classes
    cache <<- list(est = est, x = test_x, y = test_y, classes = as.integer(classes))
    cache
  }
})

test_that("the plot functions have pyestim's arguments", {
  skip_if_no_pyestim()
  py <- pyestim:::pyestim_module()
  inspect <- reticulate::import("inspect")
  builtins <- reticulate::import_builtins()
  for (name in c("plot_images", "plot_confusion_matrix", "plot_example_errors",
                 "plot_conv_weights", "plot_conv_layer", "predictor")) {
    params <- unlist(builtins$list(inspect$signature(py[[name]])$parameters))
    expect_identical(names(formals(get(name, envir = asNamespace("pyestim")))), params,
                     info = name)
  }
})

test_that("plot_images() draws 9 labelled images", {
  skip_if_no_pyestim()
  m <- mnist_cnn()
  d <- drawn(plot_images(m$x, m$y))
  expect_equal(panels(d), 9L)
  expect_identical(subtitles(d), sprintf("True: %d", m$y[1:9]))
  expect_equal(dim(d$value$images), c(9L, 28L, 28L))
  expect_equal(d$value$images[5, , ], matrix(m$x[5, ], 28, 28, byrow = TRUE),
               tolerance = 1e-7)
  d <- drawn(plot_images(m$x, m$y, object = m$est))
  expect_identical(subtitles(d), sprintf("True: %d, Pred: %d", m$y[1:9], m$classes[1:9]))
  d <- drawn(plot_images(m$x[1:4, ], m$y[1:4], predicted = c(9, 8, 7, 6)))
  expect_equal(panels(d), 9L)
  expect_identical(subtitles(d), sprintf("True: %d, Pred: %d", m$y[1:4], 9:6))
})

test_that("plot_confusion_matrix() counts every example once, the correct ones on the diagonal", {
  skip_if_no_pyestim()
  m <- mnist_cnn()
  d <- drawn(plot_confusion_matrix(m$est, m$x, m$y))
  correct <- sum(m$classes == m$y)
  texts <- of(d, "C_text")
  expect_length(texts, 1L)
  xy <- texts[[1]]$args[[1]]
  counts <- as.integer(texts[[1]]$args[[2]])
  n <- 10
  expect_equal(sum(counts), length(m$y))
  expect_equal(sum(counts[xy$x == n - 1 - xy$y]), correct)
  expected <- table(factor(m$y, 0:9), factor(m$classes, 0:9))
  expect_equal(unname(d$value$matrix), unname(matrix(expected, 10, 10)))
  mains <- unlist(lapply(of(d, "C_title"), function(call) call$args[[1]]))
  expect_true(sprintf("Confusion matrix: %d / %d correct (%.2f%%)", correct, length(m$y),
                      100 * correct / length(m$y)) %in% mains)
  file <- tempfile(fileext = ".png")
  plot_confusion_matrix(m$est, m$x, m$y, path = file)
  expect_gt(file.size(file), 1000)
})

test_that("plot_example_errors() shows the first 9 misclassified images", {
  skip_if_no_pyestim()
  m <- mnist_cnn()
  wrong <- which(m$classes != m$y)
  expect_gte(length(wrong), 9L)
  d <- drawn(plot_example_errors(m$est, m$x, m$y))
  expect_equal(panels(d), 9L)
  first <- wrong[1:9]
  expect_identical(subtitles(d), sprintf("True: %d, Pred: %d", m$y[first], m$classes[first]))
  expect_equal(d$value$errors, length(wrong))
})

test_that("plot_confusion_matrix() and plot_example_errors() take the true labels from an input function", {
  skip_if_no_pyestim()
  m <- mnist_cnn()
  x <- np_array(m$x, dtype = "float32")
  fn <- numpy_input_fn(list(x = x), m$y, shuffle = FALSE)
  expected <- unname(matrix(table(factor(m$y, 0:9), factor(m$classes, 0:9)), 10, 10))
  wrong <- which(m$classes != m$y)[1:9]
  for (images in list(fn, function(estimator) fn)) {
    d <- drawn(plot_confusion_matrix(m$est, images))
    expect_equal(unname(d$value$matrix), expected)
    d <- drawn(plot_example_errors(m$est, images))
    expect_identical(subtitles(d), sprintf("True: %d, Pred: %d", m$y[wrong], m$classes[wrong]))
  }
  expect_error(plot_confusion_matrix(m$est, numpy_input_fn(list(x = x), shuffle = FALSE)),
               "needs the true labels: give labels, or an input function that yields them",
               fixed = TRUE)
  expect_error(plot_example_errors(m$est, numpy_input_fn(list(x = x), shuffle = FALSE)),
               "numpy_input_fn(x, y, shuffle = FALSE)", fixed = TRUE)
})

test_that("plot_conv_weights() draws one square per filter on one scale", {
  skip_if_no_pyestim()
  m <- mnist_cnn()
  w <- variable_value(m$est, "conv2d_1/kernel")[["conv2d_1/kernel"]]
  d <- drawn(plot_conv_weights(m$est, "conv2d_1/kernel", input_channel = 2L))
  expect_equal(panels(d), 64L)  # 64 filters: 8 x 8
  expect_equal(images_drawn(d), 64L)
  expect_equal(d$value$weights[7, , ], w[, , 3, 7])
  expect_equal(c(d$value$min, d$value$max), range(w), tolerance = 1e-7)
  expect_error(plot_conv_weights(m$est, "conv2d/kernel", input_channel = 1L),
               "input_channel must be a whole number from 0 to 0")
})

test_that("plot_conv_layer() draws the layer's output for one image, as Python computes it", {
  skip_if_no_pyestim()
  m <- mnist_cnn()
  d <- drawn(plot_conv_layer(m$est, "conv2d", m$x[1, ]))
  expect_equal(panels(d), 36L)
  expect_equal(images_drawn(d), 32L)
  plots <- reticulate::import("pyestim.plots")
  py <- plots$conv_layer_data(m$est$estimator,
                              "conv2d", np_array(m$x[1, , drop = FALSE], dtype = "float32"))
  expect_identical(d$value$values, py$values)
  expect_equal(dim(d$value$values), c(32L, 28L, 28L))
  as_matrix <- drawn(plot_conv_layer(m$est, "conv2d", matrix(m$x[1, ], 28, 28, byrow = TRUE)))
  expect_identical(as_matrix$value$values, py$values)
})

test_that("plot(history): one panel when mean and total losses coincide, a title, evaluation points", {
  same <- pyestim:::new_history(c(10L, 20L, 30L),
                                list(mean_losses = c(0.9, 0.6, 0.4), total_losses = c(0.9, 0.6, 0.4)),
                                settings = list(model = "cnn", steps = 30L, batch_size = 100L,
                                                learning_rate = 0.001))
  d <- drawn(plot(same))
  expect_equal(panels(d), 1L)
  ylabs <- unlist(lapply(of(d, "C_title"), function(call) call$args[[4]]))
  expect_true("loss (mean = total)" %in% ylabs)
  mtexts <- unlist(lapply(of(d, "C_mtext"), function(call) call$args[[1]]))
  expect_true("model cnn, 30 steps, batch size 100, learning rate 0.001" %in% mtexts)

  differ <- pyestim:::new_history(c(10L, 20L),
                                  list(mean_losses = c(0.9, 0.6), total_losses = c(1.8, 1.2)))
  d <- drawn(plot(differ, evaluation = list(global_step = 20L, loss = 0.5, accuracy = 0.8)))
  ylabs <- unlist(lapply(of(d, "C_title"), function(call) call$args[[4]]))
  expect_true(all(c("mean_losses", "total_losses") %in% ylabs))
  expect_length(of(d, "C_mtext")[vapply(of(d, "C_mtext"), function(call)
    identical(call$args[[1]], "evaluation accuracy"), logical(1))], 1L)
  # the evaluation loss point: drawn at step 20, loss 0.5
  xy <- lapply(of(d, "C_plotXY"), function(call) call$args[[1]])
  expect_true(any(vapply(xy, function(p) identical(p$x, 20) && identical(p$y, 0.5), logical(1))))
  expect_true(any(vapply(xy, function(p) identical(p$x, 20) && identical(p$y, 0.8), logical(1))))
})

test_that("plot(history) of a long run: faint raw losses, TensorBoard's smoothed curve, the legend above the data", {
  skip_if_no_pyestim()
  set.seed(1)
  steps <- 10L * seq_len(2000L)
  losses <- 2.3 * exp(-steps / 3000) + 0.1 + stats::rgamma(2000L, 2, scale = 0.12)
  long <- pyestim:::new_history(steps, list(mean_losses = losses, total_losses = losses))
  # TensorBoard's smoothing written out: a moving average from 0, debiased by 1 - w^n
  ema <- function(y, w) {
    last <- 0
    vapply(seq_along(y), function(i) {
      last <<- w * last + (1 - w) * y[[i]]
      last / (1 - w^i)
    }, numeric(1))
  }
  d <- drawn(plot(long, evaluation = list(global_step = 20000L, loss = 0.3, accuracy = 0.97)))
  lines <- lapply(of(d, "C_plotXY"), function(call) call$args[[1]])
  ys <- lapply(lines, function(p) p$y)
  expect_true(any(vapply(ys, function(y) isTRUE(all.equal(y, losses)), logical(1))))
  expect_true(any(vapply(ys, function(y) isTRUE(all.equal(y, ema(losses, 0.98),
                                                          tolerance = 1e-10)),
                         logical(1))))
  # the legend's labels, written above the panel's data area (y beyond the plot's top)
  texts <- lapply(of(d, "C_text"), function(call) list(xy = call$args[[1]],
                                                       labels = call$args[[2]]))
  key <- Filter(function(t) "evaluation loss" %in% t$labels, texts)
  expect_length(key, 1L)
  ylim <- range(c(losses, 0.3))
  top <- ylim[[2]] + 0.04 * diff(ylim)  # R's default axis extends the range by 4%
  expect_true(all(key[[1]]$xy$y > top))
  expect_true(any(grepl("smoothed 0.98", key[[1]]$labels, fixed = TRUE)))
  # a short run keeps its raw points, and a weight can be chosen
  short <- pyestim:::new_history(1:5, list(mean_losses = 5:1 / 5, total_losses = 5:1 / 5))
  d <- drawn(plot(short, smoothing = 0.5))
  ys <- lapply(of(d, "C_plotXY"), function(call) call$args[[1]]$y)
  expect_true(any(vapply(ys, function(y) isTRUE(all.equal(y, ema(5:1 / 5, 0.5))),
                         logical(1))))
  expect_error(plot(short, smoothing = 1), "smoothing must be a number from 0")
})
