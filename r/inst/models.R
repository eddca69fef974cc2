# The seed tutorials' networks as R model functions: the one copy that the example
# (inst/examples/cnn_mnist.R), the parity suite (tests/parity/r/models.R) and the benchmark
# (benchmarks/worker.R) source, with
#
#   source(system.file("models.R", package = "pyestim"))
#
# after library(pyestim). The Python twins are in pyestim/models.py.
#
# * cnn_model_fn: seed 000's (the tfestimators tutorial "A Guide to TF Layers"), verbatim,
#   comments included;
# * deep_mnist_model_fn: seed 002 ("Deep MNIST for experts"), and layers_cnn_model_fn: seed
#   003 (the Layers API tutorial), each in the shape of seed 000's model function, with the
#   predictions, loss, training op and metrics of seed_head(). tf$contrib$layers$flatten is
#   pyestim.tf's shim.
# * seed_models: the three by name (cnn, deep_mnist, layers_cnn).

cnn_model_fn <- function(features, labels, mode, params, config) {
  # Input Layer
  # Reshape X to 4-D tensor: [batch_size, width, height, channels]
  # MNIST images are 28x28 pixels, and have one color channel
  input_layer <- tf$reshape(features$x, c(-1L, 28L, 28L, 1L))
  # Convolutional Layer #1
  # Computes 32 features using a 5x5 filter with ReLU activation.
  # Padding is added to preserve width and height.
  # Input Tensor Shape: [batch_size, 28, 28, 1]
  # Output Tensor Shape: [batch_size, 28, 28, 32]
  conv1 <- tf$layers$conv2d(
    inputs = input_layer,
    filters = 32L,
    kernel_size = c(5L, 5L),
    padding = "same",
    activation = tf$nn$relu)
  # Pooling Layer #1
  # First max pooling layer with a 2x2 filter and stride of 2
  # Input Tensor Shape: [batch_size, 28, 28, 32]
  # Output Tensor Shape: [batch_size, 14, 14, 32]
  pool1 <- tf$layers$max_pooling2d(inputs = conv1, pool_size = c(2L, 2L), strides = 2L)
  # Convolutional Layer #2
  # Computes 64 features using a 5x5 filter.
  # Padding is added to preserve width and height.
  # Input Tensor Shape: [batch_size, 14, 14, 32]
  # Output Tensor Shape: [batch_size, 14, 14, 64]
  conv2 <- tf$layers$conv2d(
    inputs = pool1,
    filters = 64L,
    kernel_size = c(5L, 5L),
    padding = "same",
    activation = tf$nn$relu)
  # Pooling Layer #2
  # Second max pooling layer with a 2x2 filter and stride of 2
  # Input Tensor Shape: [batch_size, 14, 14, 64]
  # Output Tensor Shape: [batch_size, 7, 7, 64]
  pool2 <- tf$layers$max_pooling2d(inputs = conv2, pool_size = c(2L, 2L), strides = 2L)
  # Flatten tensor into a batch of vectors
  # Input Tensor Shape: [batch_size, 7, 7, 64]
  # Output Tensor Shape: [batch_size, 7 * 7 * 64]
  pool2_flat <- tf$reshape(pool2, c(-1L, 7L * 7L * 64L))
  # Dense Layer
  # Densely connected layer with 1024 neurons
  # Input Tensor Shape: [batch_size, 7 * 7 * 64]
  # Output Tensor Shape: [batch_size, 1024]
  dense <- tf$layers$dense(inputs = pool2_flat, units = 1024L, activation = tf$nn$relu)
  # Add dropout operation; 0.6 probability that element will be kept
  dropout <- tf$layers$dropout(
    inputs = dense, rate = 0.4, training = (mode == "train"))
  # Logits layer
  # Input Tensor Shape: [batch_size, 1024]
  # Output Tensor Shape: [batch_size, 10]
  logits <- tf$layers$dense(inputs = dropout, units = 10L)
  # Generate Predictions (for prediction mode)
  predicted_classes <- tf$argmax(input = logits, axis = 1L, name = "predicted_classes")
  if (mode == "infer") {
    predictions <- list(
      classes = predicted_classes,
      probabilities = tf$nn$softmax(logits, name = "softmax_tensor")
    )
    return(estimator_spec(mode = mode, predictions = predictions))
  }
  # Calculate Loss (for both "train" and "eval" modes)
  onehot_labels <- tf$one_hot(indices = tf$cast(labels, tf$int32), depth = 10L)
  loss <- tf$losses$softmax_cross_entropy(
    onehot_labels = onehot_labels, logits = logits)
  # Configure the Training Op (for "train" mode)
  if (mode == "train") {
    optimizer <- tf$train$GradientDescentOptimizer(learning_rate = 0.001)
    train_op <- optimizer$minimize(
      loss = loss,
      global_step = tf$train$get_global_step())
    return(estimator_spec(mode = mode, loss = loss, train_op = train_op))
  }
  # Add evaluation metrics (for EVAL mode)
  eval_metric_ops <- list(accuracy = tf$metrics$accuracy(
    labels = labels, predictions = predicted_classes))
  return(estimator_spec(
    mode = mode, loss = loss, eval_metric_ops = eval_metric_ops))
}

seed_head <- function(mode, logits, labels, optimizer) {
  predicted_classes <- tf$argmax(input = logits, axis = 1L, name = "predicted_classes")
  if (mode == "infer") {
    predictions <- list(
      classes = predicted_classes,
      probabilities = tf$nn$softmax(logits, name = "softmax_tensor")
    )
    return(estimator_spec(mode = mode, predictions = predictions))
  }
  onehot_labels <- tf$one_hot(indices = tf$cast(labels, tf$int32), depth = 10L)
  loss <- tf$losses$softmax_cross_entropy(
    onehot_labels = onehot_labels, logits = logits)
  if (mode == "train") {
    train_op <- optimizer$minimize(
      loss = loss,
      global_step = tf$train$get_global_step())
    return(estimator_spec(mode = mode, loss = loss, train_op = train_op))
  }
  eval_metric_ops <- list(accuracy = tf$metrics$accuracy(
    labels = labels, predictions = predicted_classes))
  estimator_spec(mode = mode, loss = loss, eval_metric_ops = eval_metric_ops)
}

deep_mnist_model_fn <- function(features, labels, mode) {
  # shapes as lists: reticulate turns a length-one vector into a scalar, not a list
  weight_variable <- function(shape) {
    tf$Variable(tf$truncated_normal(as.list(shape), stddev = 0.1))
  }
  bias_variable <- function(shape) tf$Variable(tf$constant(0.1, shape = as.list(shape)))
  conv2d <- function(x, W) tf$nn$conv2d(x, W, strides = c(1L, 1L, 1L, 1L), padding = "SAME")
  max_pool_2x2 <- function(x) {
    tf$nn$max_pool(x, ksize = c(1L, 2L, 2L, 1L), strides = c(1L, 2L, 2L, 1L), padding = "SAME")
  }
  x_image <- tf$reshape(features$x, c(-1L, 28L, 28L, 1L))
  # tensors are added with tf$add: base R has no `+` for Python objects
  h_conv1 <- tf$nn$relu(tf$add(conv2d(x_image, weight_variable(c(5L, 5L, 1L, 32L))),
                               bias_variable(c(32L))))
  h_pool1 <- max_pool_2x2(h_conv1)
  h_conv2 <- tf$nn$relu(tf$add(conv2d(h_pool1, weight_variable(c(5L, 5L, 32L, 64L))),
                               bias_variable(c(64L))))
  h_pool2 <- max_pool_2x2(h_conv2)
  h_pool2_flat <- tf$reshape(h_pool2, c(-1L, 7L * 7L * 64L))
  h_fc1 <- tf$nn$relu(tf$add(tf$matmul(h_pool2_flat, weight_variable(c(7L * 7L * 64L, 1024L))),
                             bias_variable(c(1024L))))
  keep_prob <- if (mode == "train") 0.5 else 1.0
  h_fc1_drop <- tf$nn$dropout(h_fc1, rate = 1.0 - keep_prob)
  logits <- tf$add(tf$matmul(h_fc1_drop, weight_variable(c(1024L, 10L))), bias_variable(c(10L)))
  optimizer <- if (mode == "train") tf$train$AdamOptimizer(1e-4) else NULL
  seed_head(mode, logits, labels, optimizer)
}

layers_cnn_model_fn <- function(features, labels, mode) {
  net <- tf$reshape(features$x, c(-1L, 28L, 28L, 1L))
  net <- tf$layers$conv2d(inputs = net, name = "layer_conv1", padding = "same",
                          filters = 16L, kernel_size = 5L, activation = tf$nn$relu)
  net <- tf$layers$max_pooling2d(inputs = net, pool_size = 2L, strides = 2L)
  net <- tf$layers$conv2d(inputs = net, name = "layer_conv2", padding = "same",
                          filters = 36L, kernel_size = 5L, activation = tf$nn$relu)
  net <- tf$layers$max_pooling2d(inputs = net, pool_size = 2L, strides = 2L)
  net <- tf$contrib$layers$flatten(net)
  net <- tf$layers$dense(inputs = net, name = "layer_fc1", units = 128L,
                         activation = tf$nn$relu)
  logits <- tf$layers$dense(inputs = net, name = "layer_fc_out", units = 10L,
                            activation = NULL)
  optimizer <- if (mode == "train") tf$train$AdamOptimizer(learning_rate = 1e-4) else NULL
  seed_head(mode, logits, labels, optimizer)
}

seed_models <- list(cnn = cnn_model_fn, deep_mnist = deep_mnist_model_fn,
                    layers_cnn = layers_cnn_model_fn)
