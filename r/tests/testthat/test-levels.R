# A factor response keeps its levels with the model (issue 15, point 10): stored in model_dir
# by the first train(), re-mapped by name at evaluate() / predict(), unseen levels refused,
# level names returned by predict().

read_text <- function(path) paste(readLines(path, warn = FALSE), collapse = "")

iris_columns <- function(model_dir) {
  linear_classifier(
    feature_columns = feature_columns(column_numeric("Sepal.Length", "Sepal.Width",
                                                     "Petal.Length", "Petal.Width")),
    n_classes = 3, model_dir = model_dir, config = run_config(tf_random_seed = 1))
}

iris_input <- function(data, ...) {
  input_fn(data, features = c("Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"),
           response = "Species", shuffle = FALSE, ...)
}

test_that("a factor response's levels are stored, re-mapped by name and returned", {
  skip_if_no_pyestim()
  dir <- tempfile("pyestim-levels-")
  model <- iris_columns(dir)
  train(model, iris_input(iris, batch_size = 30, num_epochs = NULL), steps = 60)
  stored <- read_text(file.path(dir, "pyestim_response_levels.json"))
  expect_match(stored, '"levels": \\["setosa", "versicolor", "virginica"\\]')

  again <- iris_columns(dir)  # a new estimator object on the same model_dir
  base <- evaluate(again, iris_input(iris))
  reordered <- iris
  reordered$Species <- factor(reordered$Species, levels = rev(levels(iris$Species)))
  expect_false(identical(as.integer(reordered$Species), as.integer(iris$Species)))
  expect_equal(evaluate(again, iris_input(reordered))$accuracy, base$accuracy)
  expect_gt(base$accuracy, 0.5)

  p <- predict(again, input_fn(iris, features = c("Sepal.Length", "Sepal.Width",
                                                  "Petal.Length", "Petal.Width")))
  expect_type(p$classes, "character")
  expect_equal(p$classes, levels(iris$Species)[as.integer(p$class_ids) + 1L])

  odd <- iris
  odd$Species <- factor(ifelse(seq_len(nrow(iris)) == 1, "tulip", as.character(iris$Species)))
  expect_error(evaluate(again, iris_input(odd)), "not trained on: tulip",
               class = "InputDataError")
})
