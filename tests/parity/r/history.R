# The training history against plain tf.estimator's logged loss (issue 22, point 1): canned
# estimators of each head and the behaviour model (a custom model function), trained with a
# history saver at every step, as an R user writes it. Its Python twin is py_history_run() in
# test_history.py; plain tf.estimator's side is there too.

hist_estimator <- function(head, model_dir, seed) {
  config <- run_config(tf_random_seed = seed)
  iris_columns <- column_numeric("Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width")
  switch(head,
         regression = linear_regressor(feature_columns(column_numeric("drat", "cyl")),
                                       model_dir = model_dir, config = config),
         binary = linear_classifier(feature_columns(column_numeric("drat", "cyl")),
                                    n_classes = 2L, model_dir = model_dir, config = config),
         multiclass = dnn_classifier(hidden_units = c(10L, 10L),
                                     feature_columns = feature_columns(iris_columns),
                                     n_classes = 3L, model_dir = model_dir, config = config),
         custom = beh_estimator(model_dir, seed = seed),
         stop("unknown head ", head))
}

# The rows in order, batches of 8, repeated: mtcars (drat, cyl; mpg or am), iris (the four
# measures; Species as the codes 0, 1, 2), beh_data(40).
hist_input <- function(head) {
  iris_x <- as.list(iris[c("Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width")])
  switch(head,
         regression = numpy_input_fn(as.list(mtcars[c("drat", "cyl")]), mtcars$mpg,
                                     batch_size = 8L, num_epochs = NULL, shuffle = FALSE),
         binary = numpy_input_fn(as.list(mtcars[c("drat", "cyl")]), mtcars$am,
                                 batch_size = 8L, num_epochs = NULL, shuffle = FALSE),
         multiclass = numpy_input_fn(iris_x, as.integer(iris$Species) - 1L, batch_size = 8L,
                                     num_epochs = NULL, shuffle = FALSE),
         custom = beh_input_fn("numpy", 40L, shuffle = FALSE),
         stop("unknown head ", head))
}

hist_run <- function(head, model_dir, seed = 3L, steps = 12L) {
  est <- hist_estimator(head, model_dir, seed)
  h <- train(est, hist_input(head), steps = steps,
             hooks = list(hook_history_saver(every_n_step = 1L)))
  list(names = names(h), step = h$step, mean_losses = h$losses$mean_losses,
       total_losses = h$losses$total_losses, params_steps = h$params$steps,
       params_metrics = h$params$metrics)
}
