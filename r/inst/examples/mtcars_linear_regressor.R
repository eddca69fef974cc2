# A linear regressor on mtcars (mpg ~ drat + cyl): the tfestimators documentation's
# example, run with pyestim.
#
# Changes: library(pyestim); the input function is built from a formula; training repeats
# the data (num_epochs = NULL) for MTCARS_STEPS steps (default 500); the model directory comes
# from MTCARS_MODEL_DIR (default: a new temporary directory).
#
#   Rscript mtcars_linear_regressor.R

library(pyestim)

# construct feature columns and the model
cols <- feature_columns(column_numeric("drat", "cyl"))
model_dir <- Sys.getenv("MTCARS_MODEL_DIR", tempfile("mtcars-linear-"))
model <- linear_regressor(feature_columns = cols, model_dir = model_dir)

# split into train, test datasets
set.seed(123)
indices <- sample(seq_len(nrow(mtcars)), size = 0.8 * nrow(mtcars))
train_data <- mtcars[indices, ]
test_data <- mtcars[-indices, ]

# the input function, from a formula
mtcars_input_fn <- function(data, num_epochs = 1) {
  input_fn(mpg ~ drat + cyl, data, num_epochs = num_epochs)
}

# train, evaluate, predict
steps <- as.integer(Sys.getenv("MTCARS_STEPS", "500"))
model %>% train(mtcars_input_fn(train_data, num_epochs = NULL), steps = steps) %>% print()
evaluation <- model %>% evaluate(mtcars_input_fn(test_data))
print(evaluation)
obs <- mtcars[1:3, ]
predictions <- model %>% predict(mtcars_input_fn(obs))
print(predictions)
cat(sprintf("RESULT loss=%.4f baseline=%.4f\n", evaluation$loss, mean(test_data$mpg^2)))
