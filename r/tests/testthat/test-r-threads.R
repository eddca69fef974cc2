# An R model function under a distribution strategy. MirroredStrategy and its relatives call
# the model function from replica threads of their own while R's thread waits for them, and R
# code runs only in R's thread: without pyestim's guard the process hangs there. pyestim
# refuses such a call before anything is built (RThreadError naming the fixes), and any R
# function called from such a thread (a canned estimator's R optimizer function) raises at
# once instead of calling R. OneDeviceStrategy and predict() call the model function in R's
# thread: those run.
#
# Each scenario runs in an Rscript child with a deadline, so that a regression (a hang) fails
# the test instead of blocking the run; the child writes each case's outcome as it goes.

THREAD_TIMEOUT <- 240  # seconds for one child (it imports TensorFlow on a shared machine)

thread_child_script <- function(dir) {
  script <- file.path(dir, "child.R")
  writeLines(c(
    "args <- commandArgs(trailingOnly = TRUE)",
    "out <- args[1]; route <- args[2]; base <- args[3]",
    "if (route == 'tf_config') Sys.setenv(TF_CONFIG = readLines(args[4]))",
    "library(pyestim)",
    "set.seed(1)",
    "d <- data.frame(a = rnorm(64), b = rnorm(64)); d$y <- 2 * d$a - 3 * d$b + 1",
    "calls <- 0L",
    "model_fn <- function(features, labels, mode) {",
    "  calls <<- calls + 1L",
    "  pred <- tf$squeeze(tf$layers$dense(features, 1L, name = 'w'), 1L)",
    "  if (mode == 'infer') return(estimator_spec(mode, predictions = list(y = pred)))",
    "  loss <- tf$losses$mean_squared_error(labels, pred)",
    "  train_op <- tf$train$GradientDescentOptimizer(0.1)$minimize(",
    "    loss, global_step = tf$train$get_global_step())",
    "  estimator_spec(mode, loss = loss, train_op = train_op)",
    "}",
    "fn <- function(epochs = 1L) input_fn(y ~ a + b, d, batch_size = 16, num_epochs = epochs)",
    "outcome <- function(case, model_dir, expr) {",
    "  calls <<- 0L",
    "  err <- tryCatch({ force(expr); NULL }, error = function(e) e)",
    "  files <- if (dir.exists(model_dir)) list.files(model_dir, recursive = TRUE) else character()",
    "  line <- c(case = case, class = if (is.null(err)) 'ok' else paste(class(err), collapse = ' '),",
    "    message = if (is.null(err)) '' else gsub('\\n', ' ', conditionMessage(err)),",
    "    calls = calls, files = length(files))",
    "  write.table(t(line), out, append = TRUE, sep = '\\t', row.names = FALSE,",
    "              col.names = FALSE, quote = FALSE)",
    "}",
    "mirrored <- function() tf$distribute$MirroredStrategy(list('/cpu:0'))",
    "custom <- function(name, ...) {",
    "  dir <- file.path(base, name)",
    "  list(dir = dir, est = estimator(model_fn, model_dir = dir, config = run_config(...)))",
    "}",
    "if (route == 'tf_config') {",
    "  tf$disable_eager_execution()",
    "  m <- custom('mwms', train_distribute =",
    "              tf$distribute$experimental$MultiWorkerMirroredStrategy())",
    "  outcome('tf_config', m$dir, train_and_evaluate(m$est, train_spec(fn(NULL), max_steps = 2),",
    "                                                eval_spec(fn(), steps = 1)))",
    "  quit(status = 0)",
    "}",
    "m <- custom('train', train_distribute = mirrored())",
    "outcome('train', m$dir, train(m$est, fn(NULL), steps = 2))",
    "outcome('predict', m$dir, predict(m$est, fn()))",
    "m <- custom('evaluate', eval_distribute = mirrored())",
    "outcome('evaluate', m$dir, evaluate(m$est, fn()))",
    "m <- custom('train_and_evaluate', train_distribute = mirrored())",
    "outcome('train_and_evaluate', m$dir, train_and_evaluate(m$est,",
    "  train_spec(fn(NULL), max_steps = 2), eval_spec(fn(), steps = 1)))",
    "m <- custom('one_device', train_distribute = tf$distribute$OneDeviceStrategy('/cpu:0'))",
    "outcome('one_device', m$dir, train(m$est, fn(NULL), steps = 2))",
    "dir <- file.path(base, 'canned')",
    "canned <- linear_regressor(feature_columns(column_numeric('a', 'b')), model_dir = dir,",
    "  optimizer = function() tf$keras$optimizers$legacy$SGD(learning_rate = 0.1),",
    "  config = run_config(train_distribute = mirrored()))",
    "outcome('canned_r_optimizer', dir, train(canned, fn(NULL), steps = 2))",
    "quit(status = 0)"), script)
  script
}

# Run the child for `route` with a deadline; the outcomes it wrote, one row per case (NULL,
# after a failure, when the child did not finish: it is killed).
run_thread_child <- function(route, tf_config = NULL) {
  dir <- tempfile("pyestim-threads-")
  dir.create(dir)
  out <- file.path(dir, "outcomes.tsv")
  log <- file.path(dir, "child.log")
  status <- file.path(dir, "status")
  pid <- file.path(dir, "pid")
  config <- file.path(dir, "tf_config.json")
  if (!is.null(tf_config)) writeLines(tf_config, config)
  # The shell records its pid (the child is its only command: exec) and, after it, the status.
  command <- sprintf("echo $$ > %s; %s %s %s %s %s %s > %s 2>&1; echo $? > %s", shQuote(pid),
                     shQuote(file.path(R.home("bin"), "Rscript")),
                     shQuote(thread_child_script(dir)), shQuote(out), route,
                     shQuote(file.path(dir, "models")), shQuote(config), shQuote(log),
                     shQuote(status))
  system2("sh", c("-c", shQuote(command)), wait = FALSE)
  deadline <- Sys.time() + THREAD_TIMEOUT
  while (!file.exists(status) && Sys.time() < deadline) Sys.sleep(0.5)
  outcomes <- if (file.exists(out)) {
    utils::read.delim(out, header = FALSE, quote = "", stringsAsFactors = FALSE,
                      col.names = c("case", "class", "message", "calls", "files"))
  } else {
    data.frame(case = character(), class = character(), message = character(),
               calls = integer(), files = integer())
  }
  log_tail <- paste(utils::tail(if (file.exists(log)) readLines(log) else character(), 30),
                    collapse = "\n")
  if (!file.exists(status)) {
    if (file.exists(pid)) {  # the shell and the Rscript it runs
      shell <- as.integer(readLines(pid))
      tools::pskill(as.integer(system2("pgrep", c("-P", shell), stdout = TRUE)),
                    tools::SIGKILL)
      tools::pskill(shell, tools::SIGKILL)
    }
    fail(sprintf("the child (%s) did not finish within %d s (a hang?); cases done: %s\n%s",
                 route, THREAD_TIMEOUT,
                 if (nrow(outcomes)) paste(outcomes$case, collapse = ", ") else "none",
                 log_tail))
    return(NULL)
  }
  attr(outcomes, "log") <- log_tail
  rownames(outcomes) <- outcomes$case
  outcomes
}

expect_refused <- function(outcomes, case, setting, verb) {
  info <- attr(outcomes, "log")
  expect_true(case %in% outcomes$case, info = info)
  row <- outcomes[case, ]
  expect_match(row$class, "RThreadError", fixed = TRUE, info = info)
  expect_match(row$message, paste0(verb, "() would hang"), fixed = TRUE)
  expect_match(row$message, "MirroredStrategy", fixed = TRUE)
  expect_match(row$message, "replica thread", fixed = TRUE)
  # R spelling, and the three fixes
  expect_match(row$message, paste0("run_config(", setting, " = ...)"), fixed = TRUE)
  expect_match(row$message, "canned estimator", fixed = TRUE)
  expect_match(row$message, "reticulate::py_run_string()", fixed = TRUE)
  expect_match(row$message, paste0("drop ", setting, " = ..."), fixed = TRUE)
  expect_equal(row$calls, 0L)  # the R model function was never called
  expect_equal(row$files, 0L)  # model_dir left clean
}

test_that("an R model function under MirroredStrategy is refused, not hung", {
  skip_if_no_pyestim()
  outcomes <- run_thread_child("local")
  if (is.null(outcomes)) return(invisible())
  info <- attr(outcomes, "log")
  expect_refused(outcomes, "train", "train_distribute", "train")
  expect_refused(outcomes, "evaluate", "eval_distribute", "evaluate")
  expect_refused(outcomes, "train_and_evaluate", "train_distribute", "train_and_evaluate")
  # predict() does not use the strategy: the R model function runs (in R's thread)
  expect_equal(outcomes["predict", "class"], "ok", info = info)
  expect_equal(outcomes["predict", "calls"], 1L)
  # OneDeviceStrategy calls the model function in R's thread: it trains
  expect_equal(outcomes["one_device", "class"], "ok", info = info)
  expect_equal(outcomes["one_device", "calls"], 1L)
  # A canned estimator's R optimizer function, called in a replica thread: raised at once
  row <- outcomes["canned_r_optimizer", ]
  expect_match(row$class, "RThreadError", fixed = TRUE, info = info)
  expect_match(row$message, "optimizer() was called from the thread", fixed = TRUE)
  expect_match(row$message, "not R's main thread", fixed = TRUE)
})

test_that("an R model function in a TF_CONFIG cluster with a strategy is refused, not hung", {
  skip_if_no_pyestim()
  # One process is enough: the refusal comes before the server would start.
  ports <- vapply(1:2, function(i) {
    s <- reticulate::import("socket")$socket()
    on.exit(s$close())
    s$bind(reticulate::tuple("127.0.0.1", 0L))
    as.integer(s$getsockname()[[2]])
  }, 0L)
  tf_config <- sprintf(paste0('{"cluster": {"chief": ["127.0.0.1:%d"], "worker": ',
                              '["127.0.0.1:%d"]}, "task": {"type": "chief", "index": 0}}'),
                       ports[1], ports[2])
  outcomes <- run_thread_child("tf_config", tf_config)
  if (is.null(outcomes)) return(invisible())
  row <- outcomes["tf_config", ]
  expect_match(row$class, "RThreadError", fixed = TRUE, info = attr(outcomes, "log"))
  expect_match(row$message, "train_and_evaluate() would hang", fixed = TRUE)
  expect_match(row$message, "CollectiveAllReduceStrategy", fixed = TRUE)  # MultiWorkerMirrored's class
  expect_equal(row$calls, 0L)
  expect_equal(row$files, 0L)
})
