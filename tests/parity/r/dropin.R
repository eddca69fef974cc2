# Drop-in parity (issue 15, points 4, 5, 10), written as a tfestimators user writes it: a
# linear classifier on iris with the factor response Species; variable_names() before
# training, the trained model's variable_value(), evaluate() on the same data with its levels
# reordered, predict()'s level names, an unseen level, and export_savedmodel() with
# overwrite / versioned. Its Python twin is py_dropin() in test_dropin.py.

drop_error <- function(expr) {
  e <- tryCatch({ force(expr); NULL }, error = function(e) e)
  if (is.null(e)) return(list(class = "", message = ""))
  list(class = setdiff(class(e), c("pyestim_error", "error", "condition"))[[1]],
       message = conditionMessage(e))
}

drop_features <- c("Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width")

drop_input <- function(data, ...) {
  input_fn(data, features = drop_features, response = "Species", shuffle = FALSE, ...)
}

drop_results <- function(model_dir, export_base, seed = 7L, steps = 20L) {
  est <- linear_classifier(
    feature_columns = feature_columns(column_numeric(drop_features)),
    n_classes = 3, model_dir = model_dir, config = run_config(tf_random_seed = seed))
  untrained <- drop_error(variable_names(est))
  untrained_value <- drop_error(variable_value(est, "global_step"))
  train(est, drop_input(iris, batch_size = 30, num_epochs = NULL), steps = steps)
  reordered <- iris
  reordered$Species <- factor(reordered$Species, levels = rev(levels(iris$Species)))
  base <- evaluate(est, drop_input(iris))
  again <- evaluate(est, drop_input(reordered))
  odd <- iris
  odd$Species <- factor(ifelse(seq_len(nrow(iris)) == 1, "tulip", as.character(iris$Species)))
  pred <- predict(est, input_fn(iris, features = drop_features))
  step <- variable_value(est, "global_step")
  exported <- export_savedmodel(est, export_base)
  versioned <- export_savedmodel(est, export_base, versioned = TRUE)
  list(
    untrained = untrained, untrained_value = untrained_value,
    global_step_names = names(step), global_step = as.numeric(step$global_step),
    unknown = drop_error(variable_value(est, "nope")),
    accuracy = c(base$accuracy, again$accuracy), loss = c(base$loss, again$loss),
    unseen = drop_error(evaluate(est, drop_input(odd))),
    classes = as.character(pred$classes),
    levels_file = readLines(file.path(model_dir, "pyestim_response_levels.json"), warn = FALSE),
    export_is_base = normalizePath(exported) == normalizePath(export_base),
    export_files = sort(list.files(export_base)),
    versioned_parent = normalizePath(dirname(versioned)) == normalizePath(export_base),
    refused = drop_error(export_savedmodel(est, export_base, overwrite = FALSE,
                                           versioned = FALSE)))
}
