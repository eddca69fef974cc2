#!/usr/bin/env bash
# The parity suite's mutation check (tests/parity/README.md): each repaired comparison is run
# with one side deliberately changed (another seed, one step more, the error cases' Python side
# called as a Python caller instead of in R's language) through
# PYESTIM_PARITY_MUTATE, and must then fail with DIFFERENT rows. Writes a summary to
# build/mutation-check.md (or $1). Run from the repository root after `bash dev.sh setup`.
# PYESTIM_MUTATION_ONLY=<text> runs only the mutations whose PYESTIM_PARITY_MUTATE value
# contains it (e.g. dropin-r); PYESTIM_MUTATION_SECTIONS="tutorial canned ..." only those whose
# test file is tests/parity/test_<section>.py (CI's subset); PYESTIM_MUTATION_REPORTS the
# folder for each mutation's report and pytest log (build/mutation-reports).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out=${1:-build/mutation-check.md}
reports=${PYESTIM_MUTATION_REPORTS:-build/mutation-reports}  # each mutation's report and log
mkdir -p "$(dirname "$out")" "$reports"
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
  "signature:api-python|tests/parity/test_api.py -k test_arguments_match|API (issue 19.6)"
)
{
  echo "# Mutation check ($(git rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "| finding | PYESTIM_PARITY_MUTATE | pytest | seconds | exit status | tests failed | DIFFERENT rows |"
  echo "|---|---|---|---|---|---|---|"
} > "$out"
status=0 ran=0
for c in "${checks[@]}"; do
  IFS='|' read -r spec selection finding <<< "$c"
  if [ -n "${PYESTIM_MUTATION_ONLY:-}" ] && [[ $spec != *"$PYESTIM_MUTATION_ONLY"* ]]; then
    continue
  fi
  if [ -n "${PYESTIM_MUTATION_SECTIONS:-}" ]; then
    file=${selection%% *}; file=${file##*/test_}; file=${file%.py}
    [[ " $PYESTIM_MUTATION_SECTIONS " == *" $file "* ]] || continue
  fi
  report=$reports/${spec//[:,]/_}.md
  log=$reports/${spec//[:,]/_}.log
  # a report left by an earlier run must not stand in for this one's
  rm -f "$report" "$log"
  ran=$((ran + 1)) started=$SECONDS
  # shellcheck disable=SC2086
  PYESTIM_PARITY_MUTATE=$spec PYESTIM_PARITY_REPORT=$report \
    "$venv/bin/python" -m pytest -q -p no:cacheprovider -p no:logging $selection >"$log" 2>&1
  rc=$? took=$((SECONDS - started))
  failed=$(grep -Eo '[0-9]+ failed' "$log" | tail -1)
  if [ ! -f "$report" ]; then
    # pytest stopped before the parity suite wrote its report: nothing was compared
    echo "| $finding | \`$spec\` | \`$selection\` | $took | $rc | ${failed:-0 failed} | NO REPORT WRITTEN (see $log) |" >> "$out"
    echo "[mutation-check] $spec: pytest exited $rc without writing $report; the end of $log:" >&2
    tail -15 "$log" >&2
    status=1
    continue
  fi
  rows=$(grep -c '| DIFFERENT |' "$report" 2>/dev/null || true)
  all=$(grep -Ec '^\| .* \| #[0-9]+ vs #[0-9]+ \|' "$report" 2>/dev/null || true)
  # the cases with a DIFFERENT row: the first 12, and how many more
  cases=$(grep '| DIFFERENT |' "$report" 2>/dev/null | cut -d'|' -f2 | sed 's/^ *//; s/ *$//' |
          sort -u | awk 'NR <= 12 {printf "%s%s", (NR > 1 ? "; " : ""), $0}
                         END {if (NR > 12) printf "; and %d more", NR - 12}')
  echo "| $finding | \`$spec\` | \`$selection\` | $took | $rc | ${failed:-0 failed} | ${rows:-0} of ${all:-0} rows: $cases |" >> "$out"
  # the mutation must make the comparison fail
  if [ "$rc" -eq 0 ] || [ "${rows:-0}" -eq 0 ]; then status=1; fi
done
echo >> "$out"
if [ $ran -eq 0 ]; then
  echo "NO MUTATION RAN (PYESTIM_MUTATION_ONLY / PYESTIM_MUTATION_SECTIONS match none)." >> "$out"
  status=1
elif [ $status -eq 0 ]; then
  echo "Every mutation ($ran) made its comparison fail." >> "$out"
else
  echo "SOME MUTATION DID NOT MAKE ITS COMPARISON FAIL, OR ITS RUN WROTE NO REPORT (see the rows with exit status 0, 0 DIFFERENT rows or no report)." >> "$out"
fi
cat "$out"
exit $status
