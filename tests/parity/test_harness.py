"""The parity harness itself: a report row needs two distinct runs, run caches tell 25 from
25.0, and the mutation switch changes exactly the side it names. No R needed."""

import pytest

from .conftest import Report
from .helpers import (MUTATE_ENV, Run, SelfComparison, distinct_sides, mutated, mutation,
                      type_key)


def test_a_row_with_one_run_on_both_sides_is_refused():
    report = Report("harness self-test")
    run = Run("Python", "one run", {"loss": [1.0]})
    with pytest.raises(SelfComparison, match="both sides of the comparison are run #"):
        report.check("case", "what", True, runs=(run, run))
    with pytest.raises(SelfComparison):
        report.note("case", "what", "detail", runs=(run, run))


def test_two_runs_holding_one_result_object_are_refused():
    value = {"loss": [1.0]}
    with pytest.raises(SelfComparison, match="hold one result object"):
        distinct_sides((Run("R", "a", value), Run("Python", "b", value)))


def test_sides_must_be_runs():
    with pytest.raises(TypeError, match="must be a Run"):
        distinct_sides((Run("R", "a"), {"loss": 1.0}))


def test_distinct_runs_are_accepted_and_numbered_in_order():
    a, b = Run("R", "a", {"x": 1}), Run("Python", "b", {"x": 1})
    assert distinct_sides((a, b)) == (a, b)
    assert b.id == a.id + 1
    assert a.part("x", "x") is a.part("x", "x")  # a part is made once
    assert a.part("x", "x") is not b.part("x", "x")


def test_cache_keys_tell_an_integer_from_a_double():
    assert 25 == 25.0  # the collision finding 1 of issue 14 was about
    assert type_key("numpy", 25) != type_key("numpy", 25.0)
    assert type_key("numpy", 25) == type_key("numpy", 25)


def test_mutation_switch(monkeypatch):
    monkeypatch.delenv(MUTATE_ENV, raising=False)
    assert mutated("t", 3, 40) == (3, 40, "")
    monkeypatch.setenv(MUTATE_ENV, "seed")
    assert mutated("t", 3, 40)[:2] == (4, 40)
    monkeypatch.setenv(MUTATE_ENV, "steps:other,t")
    assert mutated("t", 3, 40)[:2] == (3, 41)
    assert mutated("u", 3, 40) == (3, 40, "")
    monkeypatch.setenv(MUTATE_ENV, "bogus")
    with pytest.raises(ValueError, match="seed, steps, language or signature"):
        mutated("t", 3, 40)
    # the language mutation changes no seed and no steps; the error cases read it (mutation())
    monkeypatch.setenv(MUTATE_ENV, "language:t")
    assert mutated("t", 3, 40) == (3, 40, "")
    assert mutation("t") == "language" and mutation("u") is None
    # so does the signature mutation; the API comparison reads it
    monkeypatch.setenv(MUTATE_ENV, "signature:api-python")
    assert mutated("api-python", 3, 40) == (3, 40, "")
    assert mutation("api-python") == "signature" and mutation("t") is None
