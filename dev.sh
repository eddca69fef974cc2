#!/usr/bin/env bash
# pyestim's one entry point for a new machine: it installs what the project needs, then runs
# what you ask for.
#
#   bash dev.sh setup            install system packages, the venv, pyestim and the R package
#   bash dev.sh test [ARGS]      setup, then every test: R testthat, then pytest (ARGS go to pytest)
#   bash dev.sh mnist [ARGS]     setup, then the main job: `pyestim mnist ARGS`
#   bash dev.sh bench [ARGS]     setup, then the benchmarks (benchmarks/run.py ARGS)
#
# Environment: PYESTIM_VENV (default .venv), PYESTIM_DATA_DIR (default ../shared/datasets/mnist
# when that folder exists), PYESTIM_SKIP_APT=1 to skip apt-get (when R is already installed).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
venv=${PYESTIM_VENV:-$here/.venv}
py=$venv/bin/python

log() { printf '[dev.sh] %s\n' "$*" >&2; }

# pip, with its output kept for when it fails (a pip.conf naming missing local indexes makes
# it warn about every package otherwise)
quiet_pip() {
  local out
  out=$(mktemp)
  if ! "$py" -m pip --disable-pip-version-check "$@" >"$out" 2>&1; then
    grep -v "is ignored: it is neither a file nor a directory" "$out" >&2
    rm -f "$out"
    return 1
  fi
  rm -f "$out"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_packages=(r-base-core r-base-dev r-cran-reticulate r-cran-testthat r-cran-progress
              r-cran-tibble r-cran-tidyselect r-cran-rlang chromium)

setup_system() {
  [ "${PYESTIM_SKIP_APT:-0}" = 1 ] && return 0
  local missing=()
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ! command -v python3 >/dev/null; then missing+=(python3 python3-dev); fi
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then missing+=(python3-venv); fi
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing from Debian: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

pick_python() {
  for c in python3.11 python3.10 python3.9 python3; do
    if command -v "$c" >/dev/null && "$c" -c 'import sys; sys.exit(not ((3, 9) <= sys.version_info[:2] <= (3, 11)))'; then
      echo "$c"; return 0
    fi
  done
  log "pyestim needs Python 3.9 to 3.11 (TensorFlow 2.15 has no wheels for newer ones)"
  return 1
}

setup_python() {
  local stamp=$venv/.pyestim-setup
  local want
  want=$(cat pyproject.toml requirements-lock.txt 2>/dev/null | sha256sum | cut -c1-16)
  if [ -x "$py" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  if [ ! -x "$py" ]; then
    local base
    base=$(pick_python)
    log "creating $venv with $base"
    "$base" -m venv "$venv"
  fi
  log "installing pyestim and its test dependencies into $venv"
  quiet_pip install --upgrade "pip>=23"
  quiet_pip install -c requirements-lock.txt -e ".[test,plot]"
  echo "$want" > "$stamp"
}

build_wheel() {
  # The pyestim wheel (and the pinned dependencies) shipped in the R package's inst/wheels,
  # for install_pyestim(). Built from a copy of the sources, so the checkout stays clean, and
  # only when the sources changed (the R package is reinstalled when its files change).
  local out=r/inst/wheels
  [ -f r/DESCRIPTION ] || return 0
  local want
  want=$(find pyproject.toml setup.py README.md requirements-lock.txt pyestim -type f -not -name '*.pyc' \
           -not -path '*/__pycache__/*' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)
  if [ -f "$out/.source-hash" ] && [ "$(cat "$out/.source-hash")" = "$want" ] &&
       ls "$out"/pyestim-*.whl >/dev/null 2>&1; then
    return 0
  fi
  log "building the pyestim wheel into $out"
  local tmp
  tmp=$(mktemp -d)
  cp -r pyproject.toml setup.py README.md pyestim "$tmp"/
  rm -rf "$out" && mkdir -p "$out"
  quiet_pip wheel --no-deps --wheel-dir "$out" "$tmp"
  rm -rf "$tmp"
  cp requirements-lock.txt "$out"/
  echo "$want" > "$out/.source-hash"
}

setup_r() {
  # The R package is installed into a library inside the venv, so nothing outside the project
  # changes and a new checkout gets its own copy.
  local lib=$venv/R-library
  mkdir -p "$lib"
  [ -f r/DESCRIPTION ] || return 0
  local want
  want=$(find r -type f -not -path '*.Rcheck/*' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)
  if [ -f "$lib/.pyestim-setup" ] && [ "$(cat "$lib/.pyestim-setup")" = "$want" ]; then
    return 0
  fi
  log "installing the R package into $lib"
  R CMD INSTALL --no-test-load --library="$lib" r >"$venv/r-install.log" 2>&1 || {
    cat "$venv/r-install.log" >&2; return 1; }
  echo "$want" > "$lib/.pyestim-setup"
}

export_env() {
  export RETICULATE_PYTHON=$py
  export R_LIBS=$venv/R-library${R_LIBS:+:$R_LIBS}
  if [ -z "${PYESTIM_DATA_DIR:-}" ] && [ -d "$here/../shared/datasets/mnist" ]; then
    PYESTIM_DATA_DIR=$(cd "$here/../shared/datasets/mnist" && pwd)
    export PYESTIM_DATA_DIR
  fi
  export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
  export PATH=$venv/bin:$PATH
}

setup() {
  setup_system
  setup_python
  build_wheel
  setup_r
  export_env
}

cmd=${1:-test}
shift || true
case "$cmd" in
  setup)
    setup ;;
  test)
    setup
    status=0
    if [ -d r/tests/testthat ]; then
      log "R tests (testthat)"
      (cd r/tests && Rscript testthat.R) || status=$?
    fi
    log "Python tests (pytest)"
    "$py" -m pytest "$@" || status=$?
    exit $status ;;
  mnist)
    setup
    exec "$venv/bin/pyestim" mnist "$@" ;;
  bench)
    setup
    exec "$py" benchmarks/run.py "$@" ;;
  *)
    log "unknown command '$cmd': use setup, test, mnist or bench"
    exit 2 ;;
esac
