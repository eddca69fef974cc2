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
  expect_true(wait_for(function() file.exists(proc$pid_file), 30), info = "no pid file")
  pid <- as.integer(readLines(proc$pid_file))
  started <- wait_for(function() checkpoint_step(model_dir) >= 20L, 45)
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
  expect_true(wait_for(function() !process_alive(run$pid), 10))
  resume_and_check(run$model_dir)
})

for (r_hook in c(FALSE, TRUE)) {
  where <- if (r_hook) "in an R hook callback" else "in Python (TensorFlow)"
  test_that(paste("an interrupt (SIGINT) during train() returns control to R:", where), {
    skip_if_no_pyestim()
    skip_on_os("windows")
    run <- train_in_subprocess(r_hook)
    tools::pskill(run$pid, tools::SIGINT)
    ended <- wait_for(function() !process_alive(run$pid), 30)
    if (!ended) tools::pskill(run$pid, tools::SIGKILL)
    log <- paste(readLines(run$out), collapse = "\n")
    expect_true(ended, info = log)
    expect_match(log, "TRAIN RESULT: interrupted", fixed = TRUE)
    resume_and_check(run$model_dir)
  })
}
