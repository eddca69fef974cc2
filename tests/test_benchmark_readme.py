"""The README's performance table is the benchmark's, never a hand edit (issue 20, point 3):
the README's block equals benchmarks/readme_table.py's rendering of the committed
benchmarks/results/readme.json, and the renderer / merger behave as documented on made-up
results (expectations written by hand). No benchmark runs here."""

import importlib.util
import json
import pytest

from support.paths import REPO


def _load_module():
    spec = importlib.util.spec_from_file_location(
        "readme_table", REPO / "benchmarks" / "readme_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rt = _load_module()

AVX512 = ["avx", "avx2", "avx512f", "fma"]


def report(started, comparisons, flags=AVX512, load="6.20", isa=None, rounds=5, quick=False,
           load_end=None):
    """A made-up results dict shaped like run.py's latest.json (the parts the table reads)."""
    return {"started": started,
            "machine": {"tensorflow": "2.21.0", "cpu_model": "AMD EPYC 9B14", "cpu_flags": flags,
                        "usable_cpus": 2, "loadavg_start": [load, "5.00", "4.00"],
                        **({"loadavg_end": [load_end, "1", "1"]} if load_end else {})},
            "settings": {"repeats": rounds, "isa": isa, "quick": quick},
            "comparisons": comparisons}


def ratio(median, lo, hi, n):
    return {"median": median, "min": lo, "max": hi, "n": n, "q1": lo, "q3": hi}


def block_of(text):
    start = text.index(rt.START) + len(rt.START) + 1
    return text[start:text.index(rt.END) - 1]


def test_readme_block_is_the_rendering_of_the_committed_results():
    data = json.loads((REPO / "benchmarks" / "results" / "readme.json").read_text())
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.count(rt.START) == 1 and readme.count(rt.END) == 1
    assert block_of(readme) == rt.render(data), (
        "README.md's benchmark table is not the rendering of benchmarks/results/readme.json: "
        "run `python benchmarks/readme_table.py` (or benchmarks/run.py --readme-only)")
    assert len(rt.render(data).encode()) < 1600  # the README stays short


def test_render_one_run_by_hand():
    data = rt.merge({}, report("2026-12-07T15:52:10+00:00", {
        "cnn_pyestim/cnn_tf": ratio(0.9724, 0.9301, 1.0139, 5),
        "input_pyestim/input_stock": ratio(1.5, 1.5, 1.5, 1),
        "small_pyestim_k32/small_keras_spe32": ratio(1.0, 0.9, 1.2, 5),  # exactly the target
        "small_r_k1/small_pyestim_k1": None,  # run.py's value for a pair it did not measure
    }))
    lines = rt.render(data).splitlines()
    assert lines[0] == (
        "Measured by one run of `benchmarks/run.py`: 2026-12-07 15:52 UTC, TensorFlow 2.21.0, "
        "AMD EPYC 9B14 (2 CPUs, AVX-512 and AVX2), load average 6.2 at the start, 5 rounds. "
        "Each ratio: steps/s of the two, per round, median (min–max); a target is met when "
        "the median reaches it.")
    assert lines[2:] == [
        "| what | ratio | target | |",
        "|---|---|---|---|",
        "| Tutorial CNN: pyestim / plain tf.estimator | 0.972x (0.930–1.014) | >= 0.98x "
        "| **missed** † |",
        "| Input-bound softmax regression: pyestim's numpy_input_fn / the stock one | 1.500x "
        "| >= 1.39x | met |",
        "| Small DNN: pyestim steps_per_run 32 / Keras steps_per_execution 32 "
        "| 1.000x (0.900–1.200) | >= 1.00x | met † |",
        "| Small DNN, steps_per_run 1: pyestim from R / from Python | not measured | >= 0.95x "
        "| not measured |",
        "| Small DNN, steps_per_run 32: R / Python | not measured | >= 0.95x | not measured |",
        "| Small DNN, steps_per_run 1: pyestim.train() / without its default hooks "
        "| not measured | >= 0.95x | not measured |",
        "",
        "† the target lies within the rounds' min–max. Method, absolute numbers and profiles: "
        "[benchmarks/README.md](benchmarks/README.md).",
    ]


def test_an_avx2_machine_and_the_isa_setting_are_named():
    data = rt.merge({}, report("2026-12-08T09:00:00+01:00",
                               {"cnn_pyestim/cnn_tf": ratio(0.99, 0.98, 1.0, 3)},
                               flags=["avx", "avx2", "fma"], isa="AVX2", load="0.12", rounds=3,
                               load_end="3.46"))
    text = rt.render(data)
    assert text.splitlines()[0].startswith(
        "Measured by one run of `benchmarks/run.py`: 2026-12-08 09:00+01:00, TensorFlow 2.21.0, "
        "AMD EPYC 9B14 (2 CPUs, AVX2, no AVX-512, oneDNN limited to AVX2 (`--isa`)), load "
        "average 0.1 at the start (3.5 at the end), 3 rounds.")
    # 0.99 (0.98–1.00) against 0.98: the target is the minimum, not inside the spread
    assert "| 0.990x (0.980–1.000) | >= 0.98x | met |" in text
    assert "†" not in text


def test_a_partial_run_keeps_the_rows_it_did_not_measure_with_their_run():
    first = rt.merge({}, report("2026-12-01T10:00:00+00:00", {
        "cnn_pyestim/cnn_tf": ratio(0.90, 0.85, 0.95, 5),
        "small_pyestim_k1/small_pyestim_k1_bare": ratio(0.97, 0.96, 0.99, 5)}))
    # a later run measured only the CNN
    second = rt.merge(first, report("2026-12-02T11:30:00+00:00", {
        "cnn_pyestim/cnn_tf": ratio(1.01, 0.99, 1.03, 2),
        "small_pyestim_k1/small_pyestim_k1_bare": None}, load="1.00", rounds=2))
    assert second["rows"]["cnn"]["run"] == "2026-12-02T11:30:00+00:00"
    assert second["rows"]["small_hooks"]["run"] == "2026-12-01T10:00:00+00:00"
    text = rt.render(second)
    assert text.startswith(
        "Measured by runs of `benchmarks/run.py`: run a: 2026-12-01 10:00 UTC, TensorFlow "
        "2.21.0, AMD EPYC 9B14 (2 CPUs, AVX-512 and AVX2), load average 6.2 at the start, "
        "5 rounds; run b: 2026-12-02 11:30 UTC, TensorFlow 2.21.0, AMD EPYC 9B14 (2 CPUs, "
        "AVX-512 and AVX2), load average 1.0 at the start, 2 rounds.")
    assert ("| Tutorial CNN: pyestim / plain tf.estimator (run b) | 1.010x (0.990–1.030) "
            "| >= 0.98x | met |") in text
    assert ("| Small DNN, steps_per_run 1: pyestim.train() / without its default hooks "
            "(run a) | 0.970x (0.960–0.990) | >= 0.95x | met |") in text
    # once a run has measured every row of an earlier one, that run is no longer described
    third = rt.merge(second, report("2026-12-03T08:00:00+00:00", {
        "small_pyestim_k1/small_pyestim_k1_bare": ratio(0.94, 0.93, 0.95, 5)}))
    assert sorted(third["runs"]) == ["2026-12-02T11:30:00+00:00", "2026-12-03T08:00:00+00:00"]
    assert "**missed**" in rt.render(third)
    # a run that measured none of the rows changes nothing
    assert rt.merge(third, report("2026-12-04T08:00:00+00:00", {})) == third


def test_update_writes_the_json_and_the_block_only(tmp_path):
    readme, data = tmp_path / "README.md", tmp_path / "readme.json"
    readme.write_text(f"# title\n\nbefore\n{rt.START}\nstale table\n{rt.END}\nafter\n")
    rt.update(report("2026-12-07T15:52:10+00:00",
                     {"input_pyestim/input_stock": ratio(1.2, 1.1, 1.3, 5)}),
              readme=str(readme), path=str(data))
    saved = json.loads(data.read_text())
    assert saved["rows"] == {"input": {"median": 1.2, "min": 1.1, "max": 1.3, "n": 5,
                                       "run": "2026-12-07T15:52:10+00:00"}}
    text = readme.read_text()
    assert text.startswith(f"# title\n\nbefore\n{rt.START}\n") and text.endswith(
        f"\n{rt.END}\nafter\n")
    assert "stale table" not in text
    assert block_of(text) == rt.render(saved)
    assert ("| Input-bound softmax regression: pyestim's numpy_input_fn / the stock one "
            "| 1.200x (1.100–1.300) | >= 1.39x | **missed** |") in text


def test_readme_without_markers_and_quick_results_are_refused(tmp_path):
    with pytest.raises(ValueError, match="markers"):
        rt.replace_block("# no table here\n", "x")
    quick = tmp_path / "quick.json"
    quick.write_text(json.dumps(report("2026-12-07T15:52:10+00:00", {}, quick=True)))
    with pytest.raises(SystemExit, match="--quick"):
        rt.update_from_results(str(quick), readme=str(tmp_path / "R.md"),
                               path=str(tmp_path / "r.json"))
