# A MultiWorkerMirroredStrategy cluster from R: a chief, a worker and an evaluator, each an
# Rscript process with its own TF_CONFIG on 127.0.0.1, running the same script through
# train_and_evaluate() (tf.estimator's distribute coordinator; pyestim's glue on the current
# stack). The learned weights of y = 2a - 3b + 1 (noiseless) are compared with the truth and
# with the same model trained in this process, within 0.01 (synchronous training on two batches
# per step instead of one: a different path to the same optimum). Every process has a deadline
# and is killed at the end if still alive.
#
# Twice: with a canned estimator, and with a custom estimator built from R whose model function
# is written in Python (reticulate::py_run_file(), as docs/distributed.md tells R users): under
# a distribution strategy TensorFlow calls the model function in a replica thread of its own
# while R's thread waits for it, so an R model function cannot run there (pyestim refuses it
# with RThreadError instead of hanging: test-r-threads.R).

CLUSTER_TIMEOUT <- 540  # seconds for the whole cluster run

cluster_script <- function(dir) {
  script <- file.path(dir, "train.R")
  writeLines(c(
    "args <- commandArgs(trailingOnly = TRUE)",
    "Sys.setenv(TF_CONFIG = readLines(args[1]))",
    "writeLines(as.character(Sys.getpid()), args[3])",
    "library(pyestim)",
    "tf$disable_eager_execution()",
    "strategy <- tf$distribute$experimental$MultiWorkerMirroredStrategy()",
    "source(args[2])",
    "model <- toy_model(args[4], strategy, args[5])",
    "invisible(train_and_evaluate(model, toy_train_spec(), toy_eval_spec()))",
    "quit(status = 0)"), script)
  script
}

# A linear model function written in Python (y = x w + bias, squared error, plain gradient
# descent with TensorFlow 1's optimizer): what an R user passes to estimator() under a strategy.
toy_python_model_fn <- function(dir) {
  path <- file.path(dir, "toy_model_fn.py")
  writeLines(c(
    "import tensorflow as tf",
    "import pyestim",
    "tf1 = tf.compat.v1",
    "def toy_model_fn(features, labels, mode):",
    "    x = tf.reshape(tf.cast(features, tf.float32), [-1, 2])  # a custom estimator's matrix: a, b",
    "    w = tf1.get_variable('toy/weights', [2, 1], initializer=tf1.zeros_initializer())",
    "    bias = tf1.get_variable('toy/bias', [1], initializer=tf1.zeros_initializer())",
    "    y = tf.matmul(x, w) + bias",
    "    if labels is None:",
    "        return pyestim.estimator_spec(mode, predictions={'y': y})",
    "    loss = tf1.losses.mean_squared_error(tf.reshape(tf.cast(labels, tf.float32), [-1, 1]), y)",
    "    train_op = tf1.train.GradientDescentOptimizer(0.1).minimize(",
    "        loss, global_step=tf1.train.get_global_step())",
    "    return pyestim.estimator_spec(mode, predictions={'y': y}, loss=loss, train_op=train_op)"),
    path)
  path
}

# The model, data and specs, shared by the cluster's processes and this one.
toy_definitions <- function(dir) {
  path <- file.path(dir, "toy.R")
  python <- toy_python_model_fn(dir)
  writeLines(c(
    "toy_data <- function() {",
    "  set.seed(2024)",
    "  d <- data.frame(a = rnorm(256), b = rnorm(256))",
    "  d$y <- 2 * d$a - 3 * d$b + 1",
    "  d",
    "}",
    "toy_model <- function(model_dir, strategy = NULL, kind = 'canned') {",
    "  config <- run_config(model_dir = model_dir, save_checkpoints_steps = 50,",
    "                      log_step_count_steps = 50, train_distribute = strategy)",
    sprintf("  if (kind == 'custom') return(estimator(reticulate::py_run_file('%s')$toy_model_fn, config = config))",
            python),
    "  linear_regressor(feature_columns(column_numeric('a', 'b')),",
    "    optimizer = tf$keras$optimizers$legacy$SGD(learning_rate = 0.1), config = config)",
    "}",
    "toy_train_spec <- function() train_spec(input_fn(y ~ a + b, toy_data(), batch_size = 32,",
    "  num_epochs = NULL), max_steps = 200)",
    "toy_eval_spec <- function() eval_spec(input_fn(y ~ a + b, toy_data(), batch_size = 128),",
    "  steps = NULL, start_delay_secs = 0, throttle_secs = 1)"), path)
  path
}

# n distinct free ports on 127.0.0.1 (bound to port 0, then released).
free_ports <- function(n) {
  socket <- reticulate::import("socket")
  socks <- lapply(seq_len(n), function(i) socket$socket())
  on.exit(for (s in socks) s$close())
  vapply(socks, function(s) {
    s$bind(reticulate::tuple("127.0.0.1", 0L))
    as.integer(s$getsockname()[[2]])
  }, 0L)
}

toy_weights <- function(checkpoint, kind) {
  read <- function(name) as.numeric(tf$train$load_variable(checkpoint, name))
  if (kind == "custom") {
    w <- read("toy/weights")
    return(c(a = w[1], b = w[2], bias = read("toy/bias")[1]))
  }
  c(a = read("linear/linear_model/a/weights")[1], b = read("linear/linear_model/b/weights")[1],
    bias = read("linear/linear_model/bias_weights")[1])
}

# TF_CONFIG's JSON for one role (written by hand: the R package does not depend on jsonlite).
tf_config_json <- function(cluster, role) {
  jobs <- vapply(names(cluster), function(job) sprintf('"%s": ["%s"]', job,
                                                      unlist(cluster[[job]])), "")
  sprintf('{"cluster": {%s}, "task": {"type": "%s", "index": 0}}',
          paste(jobs, collapse = ", "), role)
}

cluster_matches_one_process <- function(kind) {
  dir <- tempfile("pyestim-cluster-")
  dir.create(dir)
  ports <- free_ports(3)
  cluster <- list(chief = list(sprintf("127.0.0.1:%d", ports[1])),
                  worker = list(sprintf("127.0.0.1:%d", ports[2])),
                  evaluator = list(sprintf("127.0.0.1:%d", ports[3])))
  script <- cluster_script(dir)
  toy <- toy_definitions(dir)
  model_dir <- file.path(dir, "model")
  roles <- c("chief", "worker", "evaluator")
  pid_file <- function(role) file.path(dir, paste0(role, ".pid"))
  log_file <- function(role) file.path(dir, paste0(role, ".log"))
  done_file <- function(role) file.path(dir, paste0(role, ".status"))
  on.exit({
    for (role in roles) if (file.exists(pid_file(role))) {
      tools::pskill(as.integer(readLines(pid_file(role))), tools::SIGKILL)
    }
  }, add = TRUE)
  for (role in roles) {
    config <- file.path(dir, paste0(role, ".json"))
    writeLines(tf_config_json(cluster, role), config)
    # The shell writes the exit status once Rscript ends, so that the test can wait for it.
    system2("sh", c("-c", shQuote(sprintf("%s %s %s %s %s %s %s > %s 2>&1; echo $? > %s",
      shQuote(file.path(R.home("bin"), "Rscript")), shQuote(script), shQuote(config),
      shQuote(toy), shQuote(pid_file(role)), shQuote(model_dir), kind, shQuote(log_file(role)),
      shQuote(done_file(role))))), wait = FALSE)
  }
  tails <- function() paste(unlist(lapply(roles, function(role) c(paste("---", role),
    tail(if (file.exists(log_file(role))) readLines(log_file(role)) else character(), 20)))),
    collapse = "\n")
  # Generous: three R processes import TensorFlow at once, on a shared 2-core machine.
  deadline <- Sys.time() + CLUSTER_TIMEOUT
  while (!all(file.exists(vapply(roles, done_file, ""))) && Sys.time() < deadline) {
    Sys.sleep(0.5)
  }
  finished <- file.exists(vapply(roles, done_file, ""))
  if (!all(finished)) {
    fail(paste("the cluster did not finish within", CLUSTER_TIMEOUT, "s\n", tails()))
    return(invisible())
  }
  status <- vapply(roles, function(role) as.integer(readLines(done_file(role))), 0L)
  expect_equal(unname(status), c(0L, 0L, 0L), info = tails())
  expect_true(any(grepl("mode = 'independent_worker'", readLines(log_file("chief")),
                        fixed = TRUE)), info = tails())

  checkpoint <- latest_checkpoint(model_dir)
  expect_false(is.null(checkpoint), info = tails())
  expect_equal(as.integer(tf$train$load_variable(checkpoint, "global_step")), 200L)
  expect_true(dir.exists(file.path(model_dir, "eval")))  # the evaluator wrote its metrics

  source(toy, local = TRUE)
  withr_tf_config <- Sys.getenv("TF_CONFIG", NA)
  Sys.unsetenv("TF_CONFIG")
  single <- toy_model(file.path(dir, "single"), kind = kind)
  train_and_evaluate(single, toy_train_spec(), toy_eval_spec())
  if (!is.na(withr_tf_config)) Sys.setenv(TF_CONFIG = withr_tf_config)
  truth <- c(a = 2, b = -3, bias = 1)
  distributed <- toy_weights(checkpoint, kind)
  alone <- toy_weights(latest_checkpoint(file.path(dir, "single")), kind)
  within <- function(x, y) all(abs(x - y) <= 0.01)  # absolute: the weights are near 1
  expect_true(within(distributed, truth), info = paste(distributed, collapse = " "))
  expect_true(within(alone, truth), info = paste(alone, collapse = " "))
  expect_true(within(distributed, alone))
}

test_that("a MultiWorkerMirroredStrategy cluster trains a canned estimator from R as in one process", {
  skip_if_no_pyestim()
  cluster_matches_one_process("canned")
})

test_that("a MultiWorkerMirroredStrategy cluster trains a custom estimator from R (its model function written in Python) as in one process", {
  skip_if_no_pyestim()
  cluster_matches_one_process("custom")
})
