# Installing the Python side from R (in the spirit of tensorflow::install_tensorflow() and
# keras::install_keras()). What is installed is written in one place: the Python versions
# pyestim runs on and the pip requirement of pyestim itself (the wheel shipped with this
# package, built from the same checkout by `bash dev.sh setup`, with the pinned dependencies
# of each TensorFlow stack beside it: requirements-lock-current.txt, -reference.txt).

#: The Python versions of each stack, most preferred first: those its TensorFlow has wheels
#: for (2.21, current: 3.10 to 3.13; 2.15, reference: 3.9 to 3.11).
pyestim_python_versions <- list(current = c("3.13", "3.12", "3.11", "3.10"),
                                reference = c("3.11", "3.10", "3.9"))

#: The virtual environment install_pyestim() creates and library(pyestim) looks for.
pyestim_envname <- "r-pyestim"

# The wheel shipped in inst/wheels (NULL if none) and the lock file of pinned dependencies.
shipped_wheel <- function() {
  dir <- system.file("wheels", package = "pyestim")
  wheels <- if (nzchar(dir)) list.files(dir, pattern = "^pyestim-.*\\.whl$", full.names = TRUE)
  if (length(wheels)) wheels[[length(wheels)]] else NULL
}

shipped_lock <- function(stack) {
  lock <- system.file("wheels", sprintf("requirements-lock-%s.txt", stack), package = "pyestim")
  if (nzchar(lock)) lock else NULL
}

# What a Python command is: its version ("3.11") and the executable that runs
# (sys.executable), or NAs when it does not run (a pyenv shim of a version pyenv does not
# activate says "command not found" and exits 127).
python_probe <- function(python) {
  out <- tryCatch(suppressWarnings(system2(python, c("-c", shQuote(paste0(
    "import sys; print('%d.%d' % sys.version_info[:2]); print(sys.executable)"))),
    stdout = TRUE, stderr = FALSE)), error = function(e) character())
  ok <- length(out) == 2L && grepl("^[0-9]+\\.[0-9]+$", out[[1]])
  list(version = if (ok) out[[1]] else NA_character_,
       executable = if (ok && nzchar(out[[2]]) && file.exists(out[[2]])) out[[2]]
                    else NA_character_)
}

python_version_of <- function(python) python_probe(python)$version

# A Python of a version the stack supports to create the environment with: `python` if given
# (it must be one), else the first of the stack's versions (python3.X) or python3 on the PATH
# that runs. The result is the real executable (Python's sys.executable), not the command
# found: a pyenv shim or a wrapper script has no lib/ beside its bin/, where reticulate looks
# for the interpreter's libraries.
find_install_python <- function(python = NULL, stack = "current") {
  versions <- pyestim_python_versions[[stack]]
  wanted <- paste(rev(versions), collapse = ", ")
  real <- function(probe, command) {
    if (is.na(probe$executable)) command else probe$executable
  }
  if (!is.null(python)) {
    probe <- python_probe(python)
    if (is.na(probe$version) || !probe$version %in% versions)
      stop(sprintf("install_pyestim(python = %s): that is Python %s; pyestim needs one of %s.",
                   shQuote(python), if (is.na(probe$version)) "<not runnable>" else probe$version,
                   wanted),
           call. = FALSE)
    return(real(probe, python))
  }
  for (name in c(paste0("python", versions), "python3")) {
    path <- Sys.which(name)
    if (!nzchar(path)) next
    probe <- python_probe(path)
    if (probe$version %in% versions) return(real(probe, unname(path)))
  }
  stop(sprintf(paste0(
    "install_pyestim() found no Python %s on the PATH. Install one (e.g. `apt-get install ",
    "python3.11 python3.11-venv`, or from https://www.python.org), then run ",
    "install_pyestim(python = \"/path/to/python3.11\")."), wanted), call. = FALSE)
}

#' Install pyestim's Python side
#'
#' Creates (or reuses) the virtual environment `r-pyestim` with a Python that the chosen
#' TensorFlow stack supports and installs pyestim and that stack's pinned dependencies into it
#' (`current`: TensorFlow 2.21, tf-keras, NumPy 2, Python 3.10 to 3.13; `reference`:
#' TensorFlow 2.15, NumPy 1.26, Python 3.9 to 3.11): by default from the wheel shipped with this R package (built from the same
#' source), or from `package` (a path to a wheel or checkout, or a URL). Afterwards
#' `library(pyestim)` uses that environment, with no environment variable to set (unless
#' `RETICULATE_PYTHON`, `options(pyestim.python)` or `PYESTIM_PYTHON` choose another Python).
#'
#' @param envname The name of the virtual environment (reticulate's, under
#'   `RETICULATE_VIRTUALENV_ROOT` or `WORKON_HOME`, by default `~/.virtualenvs`), or a path.
#' @param package What to pip install: `NULL` for the shipped wheel, else a path or URL.
#' @param python The Python to create the environment with; by default the first Python of a
#'   version the stack supports on the PATH.
#' @param stack `"current"` (TensorFlow 2.21, the default) or `"reference"` (TensorFlow 2.15).
#' @param restart_session Unused; kept for the familiar signature of `install_*()`.
#' @param ... Further arguments for [reticulate::virtualenv_install()].
#'
#' @return The path of the environment's Python, invisibly.
#' @export
install_pyestim <- function(envname = "r-pyestim", package = NULL, python = NULL,
                            stack = c("current", "reference"), restart_session = TRUE, ...) {
  stack <- match.arg(stack)
  versions <- pyestim_python_versions[[stack]]
  package <- package %||% shipped_wheel()
  if (is.null(package))
    stop(paste0("install_pyestim(): this installation of the R package ships no pyestim ",
                "wheel; give package = <path to a pyestim checkout or wheel, or a URL>."),
         call. = FALSE)
  # Python and pip run as child processes of R, which sets LD_LIBRARY_PATH to its own
  # libraries; a Python (e.g. pyenv's) can then load another libpython's modules (ssl fails,
  # and with it pip's downloads). The children get the environment without it.
  library_path <- Sys.getenv("LD_LIBRARY_PATH", NA)
  if (!is.na(library_path)) {
    Sys.unsetenv("LD_LIBRARY_PATH")
    on.exit(Sys.setenv(LD_LIBRARY_PATH = library_path), add = TRUE)
  }
  if (reticulate::virtualenv_exists(envname)) {
    env_python <- reticulate::virtualenv_python(envname)
    if (!python_version_of(env_python) %in% versions)
      stop(sprintf(paste0("install_pyestim(): the virtual environment %s has Python %s, which ",
                          "pyestim does not support; remove it with ",
                          "reticulate::virtualenv_remove(\"%s\") and run install_pyestim() ",
                          "again."), envname, python_version_of(env_python), envname),
           call. = FALSE)
  } else {
    reticulate::virtualenv_create(envname, python = find_install_python(python, stack))
  }
  lock <- shipped_lock(stack)
  if (stack == "reference" && !is.null(lock)) {
    # pyestim's own requirements name the current stack on Python >= 3.10: the reference
    # lock is the whole environment, and pyestim goes in beside it without its requirements.
    env_python <- reticulate::virtualenv_python(envname)
    status <- system2(env_python, c("-m", "pip", "install", "--disable-pip-version-check",
                                    "-r", shQuote(lock)))
    if (!identical(status, 0L))
      stop(sprintf("install_pyestim(): pip could not install %s (exit status %s).", lock,
                   status), call. = FALSE)
    options <- c("--upgrade", "--no-deps")
  } else {
    options <- c("--upgrade", if (!is.null(lock)) c("--constraint", lock))
  }
  reticulate::virtualenv_install(envname, packages = package, ignore_installed = FALSE,
                                 pip_options = options, ...)
  env_python <- reticulate::virtualenv_python(envname)
  message(sprintf("pyestim installed into %s (%s). Restart R, then library(pyestim).",
                  envname, env_python))
  invisible(env_python)
}

# The Python of the r-pyestim virtual environment, if there is one (for library(pyestim)).
installed_env_python <- function() {
  ok <- tryCatch(reticulate::virtualenv_exists(pyestim_envname), error = function(e) FALSE)
  if (!isTRUE(ok)) return(NULL)
  python <- tryCatch(reticulate::virtualenv_python(pyestim_envname), error = function(e) NULL)
  if (is.null(python) || !file.exists(python)) NULL else python
}
