# Convolutional Neural Network on MNIST: the tfestimators tutorial (tensorflow.rstudio.com,
# "A Guide to TF Layers: Building a Convolutional Neural Network"), run with pyestim.
#
# The tutorial's code, in order, with three changes only:
# * library(pyestim) in place of library(tensorflow) / library(tfestimators);
# * the model function, cnn_model_fn, is sourced from the package's models.R (the tutorial's,
#   verbatim: one copy for the example, the parity suite and the benchmark);
# * model_dir comes from the environment variable MNIST_MODEL_DIR, and defaults to a new
#   temporary directory instead of /tmp/mnist_convnet_model, so that runs start afresh.
# MNIST is read from $PYESTIM_DATA_DIR (or pyestim's download cache).
#
#   PYESTIM_DATA_DIR=/path/to/mnist Rscript cnn_mnist.R

library(pyestim)

# The tutorial's cnn_model_fn, verbatim, is in the package's models.R (the seed networks).
source(system.file("models.R", package = "pyestim", mustWork = TRUE))

np <- import("numpy", convert = FALSE)
# Load training and eval data
mnist <- tf$contrib$learn$datasets$load_dataset("mnist")
train_data <- np$asmatrix(mnist$train$images, dtype = np$float32)
train_labels <- np$asarray(mnist$train$labels, dtype = np$int32)
eval_data <- np$asmatrix(mnist$test$images, dtype = np$float32)
eval_labels <- np$asarray(mnist$test$labels, dtype = np$int32)

# Not in the tutorial: where the checkpoints go (see the note at the top).
model_dir <- Sys.getenv("MNIST_MODEL_DIR", file.path(tempdir(), "mnist_convnet_model"))

# Create the Estimator
mnist_classifier <- estimator(
  model_fn = cnn_model_fn, model_dir = model_dir)

# Set up logging for predicted classes
tensors_to_log <- list(predicted_classes = "predicted_classes")
logging_hook <- hook_logging_tensor(
  tensors = tensors_to_log, every_n_iter = 50)

# Train the model
train_input_fn <- function(features_as_named_list) {
  tf$estimator$inputs$numpy_input_fn(
    x = list(x = train_data),
    y = train_labels,
    batch_size = 100L,
    num_epochs = NULL,
    shuffle = TRUE)
}
train(
  mnist_classifier,
  input_fn = train_input_fn,
  steps = 20,
  hooks = logging_hook)

# Evaluate the model and print results
eval_input_fn <- function(features_as_named_list) {
  tf$estimator$inputs$numpy_input_fn(
    x = list(x = eval_data),
    y = eval_labels,
    batch_size = 100L,
    num_epochs = NULL,
    shuffle = TRUE)
}
evaluate(
  mnist_classifier,
  input_fn = eval_input_fn,
  steps = 10,
  hooks = logging_hook)
