#!/usr/bin/env bash
# pyestim's one entry point for a new machine: it installs what the project needs, then runs
# what you ask for.
#
#   bash dev.sh setup            install system packages, the venv, pyestim and the R package
#   bash dev.sh test [ARGS]      setup, then every test: R testthat, then pytest (ARGS go to pytest)
#   bash dev.sh test-r           setup, then the R tests only (testthat)
#   bash dev.sh test-python [ARGS]  setup, then pytest only (ARGS go to pytest)
#   bash dev.sh mnist [ARGS]     setup, then the main job: `pyestim mnist ARGS`
#   bash dev.sh bench [ARGS]     setup, then the benchmarks (benchmarks/run.py ARGS)
#
# Environment: PYESTIM_STACK=current (default: TensorFlow 2.21, tf-keras, tensorflow-estimator
# 2.15.0, numpy 2; Python 3.10-3.13) or reference (TensorFlow 2.15.1, numpy 1.26; Python
# 3.9-3.11), each at the versions of requirements-lock-STACK.txt in its own venv; PYESTIM_VENV
# (default .venv-STACK, which also holds the R library); PYESTIM_DATA_DIR (default
# ../shared/datasets/mnist when that folder exists); PYESTIM_PARITY_REPORT (default
# build/parity-report-STACK.md); PYESTIM_SKIP_APT=1 to skip apt-get (when R is installed);
# PYESTIM_PYTHON, the interpreter (a path or a command name) the venv is made from, instead of
# the newest Python on PATH that the stack supports (e.g. /root/.pyenv/versions/3.13.0/bin/python3.13);
# PYESTIM_PANDAS=3 to install pandas 3 (requirements-pandas3.txt) in place of the lock's pandas 2
# (current stack, Python >= 3.11).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
stack=${PYESTIM_STACK:-current}
case "$stack" in
  current|reference) ;;
  *) printf '[dev.sh] PYESTIM_STACK=%s: use current (TensorFlow 2.21) or reference (TensorFlow 2.15)\n' \
       "$stack" >&2; exit 2 ;;
esac
lock=requirements-lock-$stack.txt
venv=${PYESTIM_VENV:-$here/.venv-$stack}
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
  # the versions TensorFlow has wheels for: 2.21 (current) 3.10-3.13, 2.15 (reference) 3.9-3.11
  local lo=10 hi=13 names="python3.13 python3.12 python3.11 python3.10 python3"
  if [ "$stack" = reference ]; then lo=9 hi=11 names="python3.11 python3.10 python3.9 python3"; fi
  for c in $names; do
    # 2>/dev/null: a pyenv shim of a version pyenv does not activate says "command not found"
    if command -v "$c" >/dev/null && "$c" -c "import sys; sys.exit(not ((3, $lo) <= sys.version_info[:2] <= (3, $hi)))" 2>/dev/null; then
      echo "$c"; return 0
    fi
  done
  log "the $stack stack needs Python 3.$lo to 3.$hi (its TensorFlow has no wheels for others)"
  return 1
}

named_python() {
  # PYESTIM_PYTHON: the interpreter asked for, checked against the stack's versions
  local c=$PYESTIM_PYTHON lo=10 hi=13
  if [ "$stack" = reference ]; then lo=9 hi=11; fi
  if ! command -v "$c" >/dev/null; then
    log "PYESTIM_PYTHON=$c: no such interpreter on this machine"; return 1
  fi
  if ! "$c" -c "import sys; sys.exit(not ((3, $lo) <= sys.version_info[:2] <= (3, $hi)))"; then
    log "PYESTIM_PYTHON=$c is Python $("$c" -c 'import sys; print("%d.%d" % sys.version_info[:2])'); the $stack stack needs 3.$lo to 3.$hi"
    return 1
  fi
  echo "$c"
}

# The constraints pip installs the current stack with: the lock, or with PYESTIM_PANDAS=3 the
# lock with requirements-pandas3.txt's pandas in place of its own.
constraints() {
  case "${PYESTIM_PANDAS:-}" in
    "") echo "$lock" ;;
    3) local file=$venv/constraints-pandas3.txt
       { grep -v '^pandas==' "$lock"; grep -v '^#' requirements-pandas3.txt; } > "$file"
       echo "$file" ;;
    *) log "PYESTIM_PANDAS=$PYESTIM_PANDAS: use 3 (pandas 3), or leave it unset (the lock's pandas)"
       return 1 ;;
  esac
}

setup_python() {
  local stamp=$venv/.pyestim-setup
  local want
  if [ -n "${PYESTIM_PANDAS:-}" ] && [ "$stack" != current ]; then
    log "PYESTIM_PANDAS=${PYESTIM_PANDAS} needs the current stack (reference pins pandas 2)"; return 1
  fi
  want=$(cat pyproject.toml "$lock" requirements-pandas3.txt 2>/dev/null | sha256sum | cut -c1-16)
  want="$want ${PYESTIM_PANDAS:-lock}"
  if [ -x "$py" ] && [ -n "${PYESTIM_PYTHON:-}" ]; then
    local have asked
    have=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    asked=$("$(named_python)" -c 'import sys; print("%d.%d" % sys.version_info[:2])') || return 1
    if [ "$have" != "$asked" ]; then
      log "$venv has Python $have, PYESTIM_PYTHON=$PYESTIM_PYTHON is $asked: remove the venv or set PYESTIM_VENV to another folder"
      return 1
    fi
  fi
  if [ -x "$py" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  if [ ! -x "$py" ]; then
    local base
    if [ -n "${PYESTIM_PYTHON:-}" ]; then base=$(named_python); else base=$(pick_python); fi
    log "creating $venv with $base ($("$base" --version 2>&1))"
    "$base" -m venv "$venv"
  fi
  log "installing pyestim ($stack stack) and its test dependencies into $venv"
  quiet_pip install --upgrade "pip>=23"
  if [ "$stack" = current ]; then
    local pins
    pins=$(constraints)
    # pandas named, so that a venv switched to or from PYESTIM_PANDAS=3 gets the one pinned
    quiet_pip install -c "$pins" -e ".[test,plot]" pandas
  else
    # pyproject's dependencies name the current stack on Python >= 3.10: the reference lock
    # is the whole environment, and pyestim goes in without its dependencies.
    quiet_pip install -r "$lock"
    quiet_pip install --no-deps -e .
  fi
  echo "$want" > "$stamp"
}

# NumPy 2 (the current stack) needs reticulate >= 1.36 (Debian 12 ships 1.28, which refuses
# NumPy 2's C API). Debian 13 (trixie) packages 1.41: apt-get fetches its upstream source by
# package name, from the Debian archive this machine's apt already uses (a deb-src entry for
# trixie in a private apt state under the venv; the system's apt lists are not touched), and R
# builds it into the venv's R library against Debian 12's R.
reticulate_orig=r-cran-reticulate_1.41.0.1+dfsg.orig.tar.xz
reticulate_sha256=fca24ebaa8867e2b4da9b735410cf080f09d20ca326407f1759f30c1914b7cf9

fetch_reticulate_source() {
  local dir=$1 state=$venv/apt-trixie-src uri
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  if [ -z "$uri" ]; then log "no Debian archive in this machine's apt sources"; return 1; fi
  mkdir -p "$state/parts" "$state/lists/partial"
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: %s\n' \
    "$uri" /usr/share/keyrings/debian-archive-keyring.gpg > "$state/parts/trixie-src.sources"
  local opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$state/parts"
              -o "Dir::State::Lists=$state/lists" -o "APT::Sandbox::User=root")
  apt-get "${opts[@]}" -qq update >/dev/null || { log "apt-get update (trixie sources) failed"; return 1; }
  # The upstream tarball is all R needs; apt checks it against the signed Sources index (and
  # may fail to fetch Debian's own packaging files, which are not needed).
  (cd "$dir" && apt-get "${opts[@]}" -qq source --download-only r-cran-reticulate >/dev/null 2>&1) || true
  [ -f "$dir/$reticulate_orig" ]
}

setup_reticulate() {
  local lib=$1
  [ "$stack" = current ] || return 0
  R_LIBS=$lib Rscript -e 'quit(status = packageVersion("reticulate") < "1.36")' 2>/dev/null && return 0
  log "building reticulate 1.41 (NumPy 2 support) from Debian's source into $lib"
  local tmp
  tmp=$(mktemp -d)
  if ! fetch_reticulate_source "$tmp"; then
    log "could not fetch $reticulate_orig with apt-get source"; rm -rf "$tmp"; return 1
  fi
  if ! echo "$reticulate_sha256  $tmp/$reticulate_orig" | sha256sum -c --quiet; then
    log "$reticulate_orig does not have the expected SHA-256"; rm -rf "$tmp"; return 1
  fi
  tar -xf "$tmp/$reticulate_orig" -C "$tmp"
  R CMD INSTALL --library="$lib" "$tmp/reticulate" >"$venv/reticulate-install.log" 2>&1 || {
    cat "$venv/reticulate-install.log" >&2; rm -rf "$tmp"; return 1; }
  rm -rf "$tmp"
}

build_wheel() {
  # The pyestim wheel (and the pinned dependencies) shipped in the R package's inst/wheels,
  # for install_pyestim(). Built from a copy of the sources, so the checkout stays clean, and
  # only when the sources changed (the R package is reinstalled when its files change).
  local out=r/inst/wheels
  [ -f r/DESCRIPTION ] || return 0
  local want
  want=$(find pyproject.toml setup.py README.md requirements-lock-current.txt requirements-lock-reference.txt pyestim -type f -not -name '*.pyc' \
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
  cp requirements-lock-current.txt requirements-lock-reference.txt "$out"/
  echo "$want" > "$out/.source-hash"
}

setup_r() {
  # The R package is installed into a library inside the venv, so nothing outside the project
  # changes and a new checkout gets its own copy.
  local lib=$venv/R-library
  mkdir -p "$lib"
  [ -f r/DESCRIPTION ] || return 0
  setup_reticulate "$lib"
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
  export PYESTIM_STACK=$stack
  export PYESTIM_PARITY_REPORT=${PYESTIM_PARITY_REPORT:-$here/build/parity-report-$stack.md}
  export PATH=$venv/bin:$PATH
}

setup() {
  setup_system
  setup_python
  build_wheel
  setup_r
  export_env
}

r_tests() {
  [ -d r/tests/testthat ] || return 0
  log "R tests (testthat), $stack stack"
  (cd r/tests && Rscript testthat.R)
}

python_tests() {
  log "Python tests (pytest), $stack stack, Python $("$py" -c 'import sys; print(sys.version.split()[0])')"
  "$py" -m pytest "$@"
}

cmd=${1:-test}
shift || true
case "$cmd" in
  setup)
    setup ;;
  test)
    # each part's time in a line of its own ("[dev.sh] time: ..."), which .ci/run collects
    started=$SECONDS
    setup
    log "time: setup $((SECONDS - started)) s"
    status=0 started=$SECONDS
    r_tests || status=$?
    log "time: R tests $((SECONDS - started)) s (exit status $status)"
    rc=0 started=$SECONDS
    python_tests "$@" || rc=$?
    log "time: pytest $((SECONDS - started)) s (exit status $rc)"
    [ $rc -eq 0 ] || status=$rc
    exit $status ;;
  test-r)
    setup
    r_tests ;;
  test-python)
    setup
    python_tests "$@" ;;
  mnist)
    setup
    exec "$venv/bin/pyestim" mnist "$@" ;;
  bench)
    setup
    exec "$py" benchmarks/run.py "$@" ;;
  *)
    log "unknown command '$cmd': use setup, test, test-r, test-python, mnist or bench"
    exit 2 ;;
esac
