# A DNN classifier on iris: the tfestimators documentation's example, run with pyestim.
#
# Changes: library(pyestim); the train / test split uses sample() instead of modelr; a
# fixed TensorFlow seed (IRIS_SEED, default 1); training repeats the data (num_epochs =
# NULL) for IRIS_STEPS steps (default 2000); the model directory comes from IRIS_MODEL_DIR
# (default: a new temporary directory).
#
#   Rscript iris_dnn_classifier.R

library(pyestim)

response <- function() "Species"
features <- function() setdiff(names(iris), response())

# split into train, test datasets
set.seed(123)
indices <- sample(seq_len(nrow(iris)), size = 0.8 * nrow(iris))
iris_train <- iris[indices, ]
iris_test <- iris[-indices, ]

# construct feature columns
feature_columns <- feature_columns(column_numeric(features()))

# construct classifier
model_dir <- Sys.getenv("IRIS_MODEL_DIR", tempfile("iris-dnn-"))
classifier <- dnn_classifier(
  feature_columns = feature_columns,
  hidden_units = c(10, 20, 10),
  n_classes = 3,
  model_dir = model_dir,
  config = run_config(tf_random_seed = as.integer(Sys.getenv("IRIS_SEED", "1")))
)

# construct input function
iris_input_fn <- function(data, num_epochs = 1) {
  input_fn(data, features = features(), response = response(), batch_size = 32,
           num_epochs = num_epochs)
}

# train classifier with training dataset
steps <- as.integer(Sys.getenv("IRIS_STEPS", "2000"))
history <- train(classifier, input_fn = iris_input_fn(iris_train, num_epochs = NULL),
                 steps = steps)
print(history)

# evaluate with test dataset
predictions <- predict(classifier, input_fn = iris_input_fn(iris_test))
print(table(predicted = predictions$class_ids, actual = as.integer(iris_test$Species) - 1L))
evaluation <- evaluate(classifier, input_fn = iris_input_fn(iris_test))
print(evaluation)
cat(sprintf("RESULT accuracy=%.4f loss=%.4f average_loss=%.4f\n", evaluation$accuracy,
            evaluation$loss, evaluation$average_loss))
