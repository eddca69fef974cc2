"""tensorboard(): TensorBoard started on a model_dir that pyestim trained, read through its HTTP
API, and stopped (pyestim/board.py).

The expectations come from what was trained, not from pyestim's code: a canned estimator
writes its `loss` scalar into model_dir every `save_summary_steps` steps and its evaluation
into model_dir/eval, so TensorBoard must list the runs "." and "eval" and the `loss` tag. A
stopped TensorBoard's process must be gone and its port closed, also when the Python that
started it ends (normally, or killed).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest
from support.process import child_env

import pyestim
from pyestim import board, errors

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _train(model_dir):
    mtcars = pyestim.datasets.mtcars()
    model = pyestim.linear_regressor(
        feature_columns=pyestim.feature_columns(pyestim.column_numeric("drat", "cyl")),
        model_dir=str(model_dir), config=pyestim.run_config(save_summary_steps=2))
    data = pyestim.input_fn(mtcars, response="mpg", features=["drat", "cyl"])
    pyestim.train(model, data, steps=6)
    pyestim.evaluate(model, data)
    return str(model_dir)


@pytest.fixture(scope="module")
def trained_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("board")
    return _train(root / "one"), _train(root / "two")


@pytest.fixture(autouse=True)
def _nothing_left_running():
    yield
    pyestim.tensorboard(action="stop")


def _json(url, path):
    with urllib.request.urlopen(url + path, timeout=10) as response:
        return json.load(response)


def _loaded(url, runs, timeout=90):
    """TensorBoard's runs and scalar tags once every run of ``runs`` is loaded (it loads the
    event files in the background after it starts answering)."""
    deadline = time.monotonic() + timeout
    while True:
        found, tags = _json(url, "/data/runs"), _json(url, "/data/plugin/scalars/tags")
        if set(runs) <= set(found) and all("loss" in tags.get(run, {}) for run in runs):
            return found, tags
        assert time.monotonic() < deadline, f"TensorBoard lists runs {found}, tags {tags}"
        time.sleep(0.5)


def _gone(pid, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if os.path.exists(f"/proc/{pid}/stat"):
            with open(f"/proc/{pid}/stat") as f:  # a zombie of another parent is gone too
                if f.read().split(")")[-1].split()[0] == "Z":
                    return True
        time.sleep(0.25)
    return False


def _port_closed(url):
    host, port = url.rsplit("/", 1)[-1].rsplit(":", 1)
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex((host, int(port))) != 0


def test_start_read_restart_and_stop_on_a_trained_model_dir(trained_dirs, capsys):
    model_dir, _ = trained_dirs
    opened = []
    url = pyestim.tensorboard(log_dir=model_dir, launch_browser=opened.append)
    assert url.startswith("http://127.0.0.1:")
    assert opened == [url]
    assert f"Started TensorBoard at {url}" in capsys.readouterr().out
    runs, tags = _loaded(url, [".", "eval"])
    assert "loss" in tags["."] and "loss" in tags["eval"]
    [started] = board.running()
    assert started["url"] == url and started["log_dir"] == model_dir

    # Again on the same log_dir: the old process is replaced, on the same port.
    again = pyestim.tensorboard(log_dir=model_dir, launch_browser=False)
    assert again == url
    assert _gone(started["pid"])
    [restarted] = board.running()
    assert restarted["pid"] != started["pid"]
    assert _loaded(url, ["."])

    pyestim.tensorboard(log_dir=model_dir, action="stop")
    assert "TensorBoard stopped." in capsys.readouterr().out
    assert board.running() == []
    assert _gone(restarted["pid"])
    assert _port_closed(url)


def test_named_runs_and_stop_all(trained_dirs, capsys):
    one, two = trained_dirs
    url = pyestim.tensorboard(log_dir={"first": one, "second": two}, launch_browser=False)
    # TensorBoard names the runs under a named directory "<name>/<subdirectory>".
    runs, tags = _loaded(url, ["first/.", "second/.", "first/eval", "second/eval"])
    [started] = board.running()
    assert started["log_dir"] == {"first": one, "second": two}
    pyestim.tensorboard(action="stop")
    assert board.running() == []
    assert _gone(started["pid"]) and _port_closed(url)
    pyestim.tensorboard(action="stop")
    assert "No TensorBoard was running." in capsys.readouterr().out


def test_a_taken_port_fails_with_tensorboards_own_words(trained_dirs):
    model_dir, _ = trained_dirs
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(errors.TensorBoardError) as info:
            pyestim.tensorboard(log_dir=model_dir, port=port, launch_browser=False)
    message = str(info.value)
    assert message.startswith(f"TensorBoard did not start at http://127.0.0.1:{port}: it exited")
    assert "already in use" in message  # TensorBoard's last lines, quoted
    assert 'port="auto"' in message
    assert board.running() == []


@pytest.mark.parametrize("kwargs, error, match", [
    ({}, errors.PyestimValueError, r"^log_dir is missing: .*tensorboard\(log_dir=model_dir"),
    ({"log_dir": "/no/such/dir"}, errors.PyestimValueError,
     r"^log_dir '/no/such/dir' does not exist: give the directory of the training logs"),
    ({"log_dir": __file__}, errors.PyestimValueError, r"is not a directory"),
    ({"log_dir": []}, errors.PyestimValueError, r"^log_dir is empty"),
    ({"log_dir": 3}, errors.PyestimTypeError, r"^log_dir must be a directory path"),
    ({"log_dir": ".", "port": 0}, errors.PyestimValueError,
     r"^port must be \"auto\" or a port number from 1 to 65535, got 0"),
    ({"log_dir": ".", "port": 70000}, errors.PyestimValueError, r"from 1 to 65535, got 70000"),
    ({"log_dir": ".", "port": "6006x"}, errors.PyestimValueError, r"got '6006x'"),
    ({"log_dir": ".", "port": 60.5}, errors.PyestimValueError, r"got 60.5"),
    ({"log_dir": ".", "action": "restart"}, errors.PyestimValueError,
     r"^action must be \"start\" or \"stop\", got 'restart'"),
    ({"log_dir": ".", "host": ""}, errors.PyestimTypeError, r"^host must be"),
    ({"log_dir": ".", "reload_interval": -1}, errors.PyestimValueError, r"reload_interval"),
    ({"log_dir": ".", "purge_orphaned_data": "yes"}, errors.PyestimTypeError,
     r"purge_orphaned_data"),
    ({"log_dir": ".", "launch_browser": "yes"}, errors.PyestimTypeError, r"launch_browser"),
    ({"log_dir": {"a:b": "."}}, errors.PyestimValueError, r"run name .* got 'a:b'"),
])
def test_bad_input_is_refused_before_anything_starts(kwargs, error, match):
    with pytest.raises(error, match=match):
        pyestim.tensorboard(**kwargs)
    assert board.running() == []


def test_two_directories_of_one_name_must_be_named(tmp_path):
    (tmp_path / "a" / "model").mkdir(parents=True)
    (tmp_path / "b" / "model").mkdir(parents=True)
    with pytest.raises(errors.PyestimValueError, match="would both be the run 'model'"):
        pyestim.tensorboard([tmp_path / "a" / "model", tmp_path / "b" / "model"])


_CHILD = textwrap.dedent("""
    import sys, pyestim
    from pyestim import board
    pyestim.tensorboard(sys.argv[1], launch_browser=False)
    b = board.running()[0]
    print("PID", b["pid"], "URL", b["url"], "OUTPUT", b["output"], flush=True)
    if sys.argv[2] == "wait":
        sys.stdin.read()
""")


@pytest.mark.parametrize("ending", ["exit", "SIGKILL"])
def test_nothing_is_left_running_when_the_python_that_started_it_ends(trained_dirs, ending):
    """A normal exit runs pyestim's exit handler; a killed Python runs none, and TensorBoard
    stops itself when the pipe from its parent closes."""
    model_dir, _ = trained_dirs
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, model_dir, "wait" if ending == "SIGKILL" else "exit"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=child_env(TF_CPP_MIN_LOG_LEVEL="2"))
    try:
        line = next(line for line in child.stdout if line.startswith("PID"))
        _, pid, _, url, _, output = line.split()
        assert os.path.exists(output)
        if ending == "SIGKILL":
            child.send_signal(signal.SIGKILL)
        child.wait(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert _gone(int(pid)), f"TensorBoard {pid} still runs after its parent's {ending}"
    assert _port_closed(url)
    assert not os.path.exists(output)  # removed by the exit handler, or by the child itself
