# Killing or interrupting an R process during train(): the model directory stays usable.

start_training_process <- function(model_dir, marker_dir, r_hook) {
  script <- file.path(marker_dir, "train.R")
  writeLines(c(
    "library(pyestim)",
    "args <- commandArgs(trailingOnly = TRUE)",
    "model_dir <- args[1]; marker_dir <- args[2]",
    "writeLines(as.character(Sys.getpid()), file.path(marker_dir, 'pid'))",
    "model <- linear_regressor(feature_columns(column_numeric('drat', 'cyl')),",
    "  model_dir = model_dir, config = run_config(save_checkpoints_steps = 20))",
    "fn <- input_fn(mpg ~ drat + cyl, mtcars, batch_size = 8, num_epochs = NULL)",
    "hook <- session_run_hook(after_run = function(context, values) {",
    "  if (!file.exists(file.path(marker_dir, 'running')))",
    "    file.create(file.path(marker_dir, 'running'))",
    "  Sys.sleep(0.01)",
    "})",
    sprintf("hooks <- if (%s) hook else NULL", r_hook),
    "result <- tryCatch({ train(model, fn, steps = 1000000, hooks = hooks); 'finished' },",
    "  interrupt = function(e) 'interrupted')",
    "cat('TRAIN RESULT:', result, '\\n')",
    "quit(status = 0)"), script)
  out <- file.path(marker_dir, "out.txt")
  system2(file.path(R.home("bin"), "Rscript"), c(shQuote(script), shQuote(model_dir),
                                                 shQuote(marker_dir)),
          stdout = out, stderr = out, wait = FALSE)
  list(out = out, pid_file = file.path(marker_dir, "pid"))
}

wait_for <- function(cond, timeout) {
  deadline <- Sys.time() + timeout
  while (Sys.time() < deadline) {
    if (isTRUE(cond())) return(TRUE)
    Sys.sleep(0.2)
  }
  FALSE
}

checkpoint_step <- function(model_dir) {
  ckpt <- latest_checkpoint(model_dir)
  if (is.null(ckpt)) return(0L)
  as.integer(sub(".*-", "", ckpt))
}

process_alive <- function(pid) {
  identical(system2("kill", c("-0", pid), stdout = FALSE, stderr = FALSE), 0L)
}

train_in_subprocess <- function(r_hook = TRUE) {
  marker_dir <- tempfile("pyestim-proc-")
  dir.create(marker_dir)
  model_dir <- file.path(marker_dir, "model")
  proc <- start_training_process(model_dir, marker_dir, r_hook)
  expect_true(wait_for(function() file.exists(proc$pid_file), 60), info = "no pid file")
  pid <- as.integer(readLines(proc$pid_file))
  started <- wait_for(function() checkpoint_step(model_dir) >= 20L, 120)
  if (!started) {
    tools::pskill(pid, tools::SIGKILL)
    fail(paste(readLines(proc$out), collapse = "\n"))
  }
  list(pid = pid, model_dir = model_dir, out = proc$out)
}

resume_and_check <- function(model_dir) {
  model <- linear_regressor(feature_columns(column_numeric("drat", "cyl")),
                            model_dir = model_dir)
  before <- global_step(model)
  expect_gte(before, 20L)
  train(model, input_fn(mpg ~ drat + cyl, mtcars, batch_size = 8, num_epochs = NULL),
        steps = 3)
  expect_equal(global_step(model), before + 3L)
  res <- evaluate(model, input_fn(mpg ~ drat + cyl, mtcars))
  expect_equal(res$global_step, before + 3L)
  expect_true(is.finite(res$loss))
}

test_that("a train() killed with SIGKILL leaves a model_dir that resumes", {
  skip_if_no_pyestim()
  skip_on_os("windows")
  run <- train_in_subprocess()
  tools::pskill(run$pid, tools::SIGKILL)
  expect_true(wait_for(function() !process_alive(run$pid), 30))
  resume_and_check(run$model_dir)
})

for (r_hook in c(FALSE, TRUE)) {
  where <- if (r_hook) "in an R hook callback" else "in Python (TensorFlow)"
  test_that(paste("an interrupt (SIGINT) during train() returns control to R:", where), {
    skip_if_no_pyestim()
    skip_on_os("windows")
    run <- train_in_subprocess(r_hook)
    tools::pskill(run$pid, tools::SIGINT)
    ended <- wait_for(function() !process_alive(run$pid), 120)
    if (!ended) tools::pskill(run$pid, tools::SIGKILL)
    log <- paste(readLines(run$out), collapse = "\n")
    expect_true(ended, info = log)
    expect_match(log, "TRAIN RESULT: interrupted", fixed = TRUE)
    resume_and_check(run$model_dir)
  })
}

# ---------------------------------------------------------------------------------------------
# An interrupt or SIGTERM while train() runs writes a checkpoint of the steps done (issue 11,
# point 5). The child trains with no periodic checkpoint but step 0's, so a checkpoint at the
# step the log names can only be the one written on the signal.

start_signal_child <- function(marker_dir, model_dir, phase) {
  script <- file.path(marker_dir, "signal.R")
  writeLines(c(
    "library(pyestim)",
    "args <- commandArgs(trailingOnly = TRUE)",
    "model_dir <- args[1]; marker_dir <- args[2]; phase <- args[3]",
    "writeLines(as.character(Sys.getpid()), file.path(marker_dir, paste0('pid-', phase)))",
    "model <- linear_regressor(feature_columns(column_numeric('drat', 'cyl')),",
    "  model_dir = model_dir,",
    "  config = run_config(save_checkpoints_steps = 100000000, log_step_count_steps = 200))",
    "fn <- input_fn(mpg ~ drat + cyl, mtcars, batch_size = 8, num_epochs = NULL)",
    "steps <- if (phase == 'resume') 3 else 100000000",
    "# with an R hook, the signal mostly arrives while R code runs (called from Python); the",
    "# hook computes (R's Sys.sleep() would take SIGINT itself: the int-sleep phases)",
    "hooks <- if (phase == 'int-hook') session_run_hook(after_run = function(context, values)",
    "  for (i in 1:20) sum(sqrt(seq_len(5000)))) else NULL",
    "# an R callback that, at its 30th call (the 30th step), sleeps until interrupted: R takes",
    "# the SIGINT itself there, in Sys.sleep()",
    "calls <- 0",
    "sleep_at_30 <- function() {",
    "  calls <<- calls + 1",
    "  if (calls == 30) { message('HOOK SLEEPING'); Sys.sleep(600) }",
    "}",
    "if (phase == 'int-sleep-after_run')",
    "  hooks <- session_run_hook(after_run = function(context, values) sleep_at_30())",
    "if (phase == 'int-sleep-before_run') hooks <- session_run_hook(",
    "  before_run = function(context) {",
    "    sleep_at_30()",
    "    session_run_args(step = tf$train$get_global_step())",
    "  },",
    "  # never called without the values before_run asked for",
    "  after_run = function(context, values) stopifnot(length(values$results) == 1L))",
    "if (phase == 'int-sleep-formatter') hooks <- hook_logging_tensor(",
    "  list(step = 'global_step/Read/ReadVariableOp'), every_n_iter = 1,",
    "  formatter = function(values) { sleep_at_30(); paste('formatted step', values$step) })",
    "if (phase == 'eval-sleep') {",
    "  # outside train() an R interrupt in a callback acts at once (nothing to save)",
    "  train(model, fn, steps = 1)",
    "  result <- tryCatch({",
    "    evaluate(model, fn, steps = 100000000,",
    "             hooks = session_run_hook(after_run = function(context, values) sleep_at_30()))",
    "    'finished'",
    "  }, interrupt = function(e) 'interrupted',",
    "  error = function(e) paste('error:', paste(class(e), collapse = ' ')))",
    "  cat('EVALUATE RESULT:', result, '\\n')",
    "  quit(status = 0)",
    "}",
    "result <- tryCatch({ train(model, fn, steps = steps, hooks = hooks); 'finished' },",
    "  interrupt = function(e) 'interrupted',",
    "  error = function(e) paste('error:', paste(class(e), collapse = ' ')))",
    "cat('TRAIN RESULT:', result, '\\n')",
    "cat('CHECKPOINT:', basename(latest_checkpoint(model_dir)), '\\n')",
    "if (startsWith(phase, 'int')) {",
    "  # R's own interrupt works again after train(): an R loop is interrupted by SIGINT",
    "  file.create(file.path(marker_dir, 'idle'))",
    "  idle <- tryCatch({ for (i in 1:6000) Sys.sleep(0.05); 'not interrupted' },",
    "    interrupt = function(e) 'interrupted')",
    "  cat('R LOOP:', idle, '\\n')",
    "}",
    "quit(status = 0)"), script)
  out <- file.path(marker_dir, paste0("out-", phase, ".txt"))
  system2(file.path(R.home("bin"), "Rscript"),
          c(shQuote(script), shQuote(model_dir), shQuote(marker_dir), phase),
          stdout = out, stderr = out, wait = FALSE)
  pid_file <- file.path(marker_dir, paste0("pid-", phase))
  expect_true(wait_for(function() file.exists(pid_file), 60), info = "no pid file")
  list(pid = as.integer(readLines(pid_file)), out = out)
}

read_log <- function(out) paste(readLines(out, warn = FALSE), collapse = "\n")

# Waits for the log to match `pattern`; kills the child and fails when it does not (hang guard).
wait_for_log <- function(child, pattern, timeout = 120) {
  found <- wait_for(function() grepl(pattern, read_log(child$out)), timeout)
  if (!found) {
    tools::pskill(child$pid, tools::SIGKILL)
    fail(paste0("no line matching '", pattern, "' in:\n", read_log(child$out)))
  }
  found
}

# A child training with steps running (its log shows a step after the first: a signal during
# the first step acts at once, rolling the start back), in a new folder; or, given `ready`,
# once its log matches that.
training_child <- function(phase, ready = "step = [1-9][0-9]*") {
  marker_dir <- tempfile(paste0("pyestim-", phase, "-"))
  dir.create(marker_dir)
  model_dir <- file.path(marker_dir, "model")
  child <- start_signal_child(marker_dir, model_dir, phase)
  wait_for_log(child, ready)
  list(child = child, marker_dir = marker_dir, model_dir = model_dir)
}

stopped_at_step <- function(log, signal_name) {
  found <- regmatches(log, regexpr(paste0("Training stopped by ", signal_name,
                                          " after [0-9]+ step"), log))
  expect_length(found, 1L)
  as.integer(sub(" step$", "", sub(".* after ", "", found)))
}

resume_in_a_second_process <- function(marker_dir, model_dir, step) {
  child <- start_signal_child(marker_dir, model_dir, "resume")
  wait_for_log(child, "CHECKPOINT:")
  log <- read_log(child$out)
  expect_match(log, paste0("Resuming training from step ", step, " "), fixed = TRUE)
  expect_match(log, "TRAIN RESULT: finished", fixed = TRUE)
  expect_match(log, paste0("CHECKPOINT: model.ckpt-", step + 3L, " "), fixed = TRUE)
}

# After an interrupted train(), reticulate's interrupt handler is back: R code is interrupted
# again (the child's R loop after train()).
expect_r_interrupted_again <- function(child, marker_dir) {
  expect_true(wait_for(function() file.exists(file.path(marker_dir, "idle")), 60))
  Sys.sleep(0.5)  # let the loop start (a SIGINT before it is caught by it all the same)
  tools::pskill(child$pid, tools::SIGINT)
  wait_for_log(child, "R LOOP:")
  expect_match(read_log(child$out), "R LOOP: interrupted", fixed = TRUE)
}

# A child whose R callback sleeps in its 30th call, and a SIGINT sent once it sleeps: R takes
# the signal in Sys.sleep() and raises its interrupt inside the callback.
interrupt_sleeping_callback <- function(phase) {
  run <- training_child(phase, "HOOK SLEEPING")
  Sys.sleep(0.5)  # let Sys.sleep() start
  tools::pskill(run$child$pid, tools::SIGINT)
  run
}

for (phase in c("int", "int-hook")) test_that(paste(
    "SIGINT during train() writes a checkpoint of the steps done and returns an interrupt",
    if (phase == "int") "(in Python)" else "(in an R hook callback)"), {
  skip_if_no_pyestim()
  skip_on_os("windows")
  run <- training_child(phase)
  child <- run$child; marker_dir <- run$marker_dir; model_dir <- run$model_dir
  tools::pskill(child$pid, tools::SIGINT)
  wait_for_log(child, "CHECKPOINT:")
  log <- read_log(child$out)
  expect_match(log, "Received SIGINT: stopping after this step", fixed = TRUE, info = log)
  expect_match(log, "TRAIN RESULT: interrupted", fixed = TRUE)
  step <- stopped_at_step(log, "SIGINT")
  expect_gt(step, 0L)
  expect_match(log, paste0("CHECKPOINT: model.ckpt-", step, " "), fixed = TRUE)
  expect_r_interrupted_again(child, marker_dir)
  resume_in_a_second_process(marker_dir, model_dir, step)
})

for (where in c("after_run", "before_run", "formatter")) test_that(paste0(
    "SIGINT taken by R in an R ", where, " callback during train() writes a checkpoint of the ",
    "steps done and returns an interrupt"), {
  skip_if_no_pyestim()
  skip_on_os("windows")
  run <- interrupt_sleeping_callback(paste0("int-sleep-", where))
  wait_for_log(run$child, "CHECKPOINT:")
  log <- read_log(run$child$out)
  expect_match(log, paste0("Received SIGINT (an R interrupt in ", where,
                           "()): stopping after this step"), fixed = TRUE, info = log)
  expect_match(log, "TRAIN RESULT: interrupted", fixed = TRUE, info = log)
  # the callback slept in its 30th call, which belongs to the 30th step: that step completes
  expect_equal(stopped_at_step(log, "SIGINT"), 30L)
  expect_match(log, "CHECKPOINT: model.ckpt-30 ", fixed = TRUE)
  if (where == "formatter") {
    expect_match(log, "(interrupted: stopping after this step)", fixed = TRUE)
  }
  expect_r_interrupted_again(run$child, run$marker_dir)
  resume_in_a_second_process(run$marker_dir, run$model_dir, 30L)
})

test_that("an R interrupt in an R hook callback during evaluate() acts at once", {
  skip_if_no_pyestim()
  skip_on_os("windows")
  run <- interrupt_sleeping_callback("eval-sleep")
  wait_for_log(run$child, "EVALUATE RESULT:")
  log <- read_log(run$child$out)
  expect_match(log, "EVALUATE RESULT: interrupted", fixed = TRUE, info = log)
  expect_no_match(log, "stopping after this step", fixed = TRUE)
})

test_that("SIGTERM to an Rscript during train() writes a checkpoint; the next train() resumes", {
  skip_if_no_pyestim()
  skip_on_os("windows")
  run <- training_child("term")
  child <- run$child; marker_dir <- run$marker_dir; model_dir <- run$model_dir
  tools::pskill(child$pid, tools::SIGTERM)
  expect_true(wait_for(function() !process_alive(child$pid), 120))
  log <- read_log(child$out)
  expect_match(log, "Received SIGTERM: stopping after this step", fixed = TRUE)
  expect_no_match(log, "TRAIN RESULT:", fixed = TRUE)  # SIGTERM then ends the process
  step <- stopped_at_step(log, "SIGTERM")
  expect_gt(step, 0L)
  expect_equal(checkpoint_step(model_dir), step)
  resume_in_a_second_process(marker_dir, model_dir, step)
})
