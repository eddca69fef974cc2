# Several training steps per session.run (issue 20, point 1): the behaviour model (a custom
# model function), a linear and a DNN classifier over beh_data(40), trained with
# run_config(steps_per_run = k) as an R user writes it. Its Python twin is py_steps_run() in
# test_steps_per_run.py, which reads the variables of both sides' checkpoints.

steps_estimator <- function(kind, model_dir, k, seed) {
  config <- run_config(tf_random_seed = seed, steps_per_run = k, keep_checkpoint_max = 0L)
  columns <- feature_columns(column_numeric("x", shape = 6L))
  switch(kind,
         custom = estimator(beh_model_fn, model_dir = model_dir,
                            params = list(learning_rate = 0.5), config = config),
         linear = linear_classifier(columns, n_classes = 3L, model_dir = model_dir,
                                    config = config),
         dnn = dnn_classifier(hidden_units = c(16L, 8L), feature_columns = columns,
                              n_classes = 3L, model_dir = model_dir, config = config),
         stop("unknown kind ", kind))
}

steps_run <- function(kind, model_dir, k, seed = 3L, steps = 11L) {
  est <- steps_estimator(kind, model_dir, k, seed)
  h <- train(est, beh_input_fn("numpy", 40L, shuffle = FALSE), steps = steps)
  list(model_dir = model_dir, step = h$step, total_losses = h$losses$total_losses)
}
