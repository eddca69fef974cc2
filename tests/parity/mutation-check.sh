#!/usr/bin/env bash
# The parity suite's mutation check (tests/parity/README.md): each repaired comparison is run
# with one side deliberately changed (another seed, one step more, the error cases' Python side
# called as a Python caller instead of in R's language) through
# PYESTIM_PARITY_MUTATE, and must then fail with DIFFERENT rows. Writes a summary to
# build/mutation-check.md (or $1). Run from the repository root after `bash dev.sh setup`.
# PYESTIM_MUTATION_ONLY=<text> runs only the mutations whose PYESTIM_PARITY_MUTATE value
# contains it (e.g. dropin-r).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out=${1:-build/mutation-check.md}
mkdir -p "$(dirname "$out")" build/mutation-reports
# the stack's environment as dev.sh makes it (PYESTIM_VENV, else .venv-<stack>)
venv=${PYESTIM_VENV:-$PWD/.venv-${PYESTIM_STACK:-current}}
export RETICULATE_PYTHON=${RETICULATE_PYTHON:-$venv/bin/python}
export R_LIBS=${R_LIBS:-$venv/R-library}
export PYESTIM_DATA_DIR=${PYESTIM_DATA_DIR:-$(cd ../shared/datasets/mnist 2>/dev/null && pwd)}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}

# mutation | pytest selection | finding of issue 14
checks=(
  "steps:steps-r-integer|tests/parity/test_behaviour.py -k test_steps_as_r_numbers|1"
  "steps:steps-r-double|tests/parity/test_behaviour.py -k test_steps_as_r_numbers|1"
  "steps:steps-py-float|tests/parity/test_behaviour.py -k test_steps_as_r_numbers|1"
  "seed:canned-pyestim|tests/parity/test_canned.py -k test_canned_matches_plain|2"
  "steps:canned-pyestim|tests/parity/test_canned.py -k test_canned_matches_plain|2"
  "steps:input-forms-r-formula|tests/parity/test_canned.py -k test_input_forms|5"
  "seed:tutorial-plain-tf-reader|tests/parity/test_tutorial.py -k own_reader|6"
  "steps:tutorial-plain-tf-reader|tests/parity/test_tutorial.py -k own_reader|6"
  "steps:predictor-r|tests/parity/test_predictor.py|predictor (issue 13)"
  "language:errors-python|tests/parity/test_errors.py -k test_error|errors (issue 11.6)"
  "steps:dropin-r|tests/parity/test_dropin.py|drop-in (issue 15)"
  "steps:history|tests/parity/test_history.py -k plain_logged_loss|history (issue 22.1)"
)
{
  echo "# Mutation check ($(git rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "| finding | PYESTIM_PARITY_MUTATE | pytest | exit status | tests failed | DIFFERENT rows |"
  echo "|---|---|---|---|---|---|"
} > "$out"
status=0
for c in "${checks[@]}"; do
  IFS='|' read -r spec selection finding <<< "$c"
  if [ -n "${PYESTIM_MUTATION_ONLY:-}" ] && [[ $spec != *"$PYESTIM_MUTATION_ONLY"* ]]; then
    continue
  fi
  report=build/mutation-reports/${spec//[:,]/_}.md
  log=build/mutation-reports/${spec//[:,]/_}.log
  # shellcheck disable=SC2086
  PYESTIM_PARITY_MUTATE=$spec PYESTIM_PARITY_REPORT=$report \
    "$venv/bin/python" -m pytest -q -p no:cacheprovider -p no:logging $selection >"$log" 2>&1
  rc=$?
  failed=$(grep -Eo '[0-9]+ failed' "$log" | tail -1)
  rows=$(grep -c '| DIFFERENT |' "$report" 2>/dev/null || true)
  all=$(grep -Ec '^\| .* \| #[0-9]+ vs #[0-9]+ \|' "$report" 2>/dev/null || true)
  cases=$(grep '| DIFFERENT |' "$report" 2>/dev/null | cut -d'|' -f2 | sed 's/^ *//; s/ *$//' |
          sort -u | paste -sd';' - | sed 's/;/; /g')
  echo "| $finding | \`$spec\` | \`$selection\` | $rc | ${failed:-0 failed} | ${rows:-0} of ${all:-0} rows: $cases |" >> "$out"
  # the mutation must make the comparison fail
  if [ "$rc" -eq 0 ] || [ "${rows:-0}" -eq 0 ]; then status=1; fi
done
echo >> "$out"
if [ $status -eq 0 ]; then
  echo "Every mutation made its comparison fail." >> "$out"
else
  echo "SOME MUTATION DID NOT MAKE ITS COMPARISON FAIL (see the rows with exit status 0)." >> "$out"
fi
cat "$out"
exit $status
