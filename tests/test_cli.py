"""The main job, ``pyestim mnist``: options, output, plot, errors."""

import json
import subprocess
import sys

import pytest

import pyestim
from pyestim import cli, jobs
from support.ci import needs_mnist
from support.paths import REPO


def test_parser_defaults_are_the_tutorials():
    args = cli.build_parser().parse_args(["mnist"])
    assert (args.steps, args.batch_size, args.model, args.log_every) == (20000, 100, "cnn", 50)
    assert args.learning_rate is None  # the model's own: 0.001 for the tutorial CNN


@pytest.mark.parametrize("bad", [["--steps", "0"], ["--steps", "2.5"], ["--batch-size", "-1"],
                                 ["--learning-rate", "0"], ["--model", "nope"]])
def test_parser_rejects_bad_options(bad, capsys):
    with pytest.raises(SystemExit) as info:
        cli.build_parser().parse_args(["mnist", *bad])
    assert info.value.code == 2
    assert "error" in capsys.readouterr().err


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 2
    assert "mnist" in capsys.readouterr().out


def test_missing_data_is_a_clear_error_not_a_traceback(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "pyestim", "mnist", "--steps", "1", "--data-dir", str(empty),
         "--model-dir", str(tmp_path / "m")],
        capture_output=True, text=True, timeout=300, cwd=REPO)
    assert proc.returncode == 2
    assert "pyestim: error:" in proc.stderr
    assert str(empty) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "m").exists() or not any((tmp_path / "m").iterdir())


def test_mnist_job_end_to_end(tmp_path):
    data = needs_mnist()
    model_dir = tmp_path / "model"
    out_json = tmp_path / "metrics.json"
    proc = subprocess.run(
        [sys.executable, "-m", "pyestim", "mnist", "--steps", "30", "--log-every", "10",
         "--model-dir", str(model_dir), "--data-dir", data, "--seed", "7",
         "--json", str(out_json)],
        capture_output=True, text=True, timeout=600, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # predicted classes are logged every 10 steps while training: steps 1, 11, 21
    logged = [line for line in proc.stderr.splitlines()
              if line.startswith("INFO:tensorflow:predicted_classes = [")]
    assert len(logged) == 3
    assert "INFO:tensorflow:loss = " in proc.stderr
    assert "evaluation on the 10,000 test images: accuracy = " in proc.stdout
    result = json.loads(out_json.read_text())
    assert result["metrics"]["global_step"] == 30
    assert 0.0 <= result["metrics"]["accuracy"] <= 1.0
    assert result["history"]["step"] == [1, 10, 20, 30]  # the first step, every 10th
    assert result["settings"] == {"model": "cnn", "steps": 30, "batch_size": 100,
                                  "learning_rate": 0.001, "seed": 7}
    assert set(result["versions"]) == {"pyestim", "tensorflow", "numpy", "python"}
    png = model_dir / "loss.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (model_dir / "checkpoint").exists()


@pytest.mark.parametrize("flag,where,message", [
    ("--json", "missing/metrics.json", "does not exist"),
    ("--json", ".", "is a folder"),
    ("--plot", "missing/loss.png", "does not exist"),
    ("--model-dir", "afile", "is a file"),
])
def test_output_paths_are_checked_before_training(tmp_path, flag, where, message, capsys):
    (tmp_path / "afile").write_text("x")
    path = str(tmp_path / where)
    argv = ["mnist", "--steps", "1", "--data-dir", str(tmp_path / "no-data"), flag, path]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    # the path is refused before the (missing) data is read: the error is about the path
    assert f"pyestim: error: {flag} {path!r}" in err and message in err
    assert not (tmp_path / "missing").exists()


def test_model_dir_in_an_unwritable_folder_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(cli.os, "access", lambda path, mode: False)
    args = cli.build_parser().parse_args(["mnist", "--model-dir", str(tmp_path / "m")])
    with pytest.raises(pyestim.errors.ModelDirError, match="cannot be created or written"):
        cli.check_outputs(args)


def test_without_model_dir_the_job_says_where_the_model_went_and_how_to_resume():
    note = jobs.model_dir_note("/tmp/pyestim_mnist_abc", given=False)
    assert "a new temporary folder" in note
    assert "pyestim mnist --model-dir /tmp/pyestim_mnist_abc" in note
    assert jobs.model_dir_note("/m", given=True) == "model_dir: /m"
