"""The report page, checked in a real browser: Debian's Chromium, headless, run by the test.

The test copies the page beside itself with a small script added that, once the page has
loaded, writes what it sees into the page (each image's natural width, the accuracy shown);
Chromium's --dump-dom prints that DOM. A screenshot of the real page goes to build/.
Without Chromium the test fails under CI=true (dev.sh installs Debian's chromium) and is
skipped otherwise.
"""

import json
import re
import shutil
import subprocess

import numpy as np
import pytest

from pyestim import estimator, evaluate, numpy_input_fn, run_config
from pyestim.cli import main
from pyestim.datasets import read_data_sets
from pyestim.models import cnn_model_fn

from support.ci import unavailable
from support.paths import REPO

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
EXPECTED_IMAGES = ["loss.png", "confusion_matrix.png", "example_errors.png",
                   "conv1_weights.png", "conv1_outputs.png"]

PROBE = """<script>
window.addEventListener("load", function () {
  var out = {images: [], accuracy_text: null, accuracy_value: null};
  for (var i = 0; i < document.images.length; i++) {
    var img = document.images[i];
    out.images.push({src: img.getAttribute("src"), width: img.naturalWidth,
                     complete: img.complete});
  }
  var acc = document.getElementById("accuracy");
  if (acc) { out.accuracy_text = acc.textContent; out.accuracy_value = acc.dataset.value; }
  var pre = document.createElement("pre");
  pre.id = "pyestim-probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


@pytest.fixture(scope="module")
def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    message = ("Chromium is not installed (Debian package chromium; `bash dev.sh setup` "
               "installs it)")
    unavailable(message)


def _browse(chromium, page):
    """What the page shows once loaded in Chromium (see PROBE)."""
    probe = page.with_name("_probe.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                     encoding="utf-8")
    try:
        done = subprocess.run(
            [chromium, *FLAGS, "--virtual-time-budget=10000", "--dump-dom", probe.as_uri()],
            capture_output=True, text=True, timeout=120)
    finally:
        probe.unlink()
    found = re.search(r'<pre id="pyestim-probe">(.*?)</pre>', done.stdout, re.S)
    assert found, f"no probe output from Chromium: {done.stdout[-500:]} {done.stderr[-2000:]}"
    text = found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace(
        "&gt;", ">").replace("&amp;", "&")
    return json.loads(text)


def _screenshot(chromium, page, name):
    out = REPO / "build" / name
    out.parent.mkdir(exist_ok=True)
    subprocess.run([chromium, *FLAGS, "--hide-scrollbars", "--window-size=1000,4000",
                    f"--screenshot={out}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return out


def _evaluated_accuracy(model_dir):
    """evaluate() on the 10,000 test images, independently of the report."""
    data = read_data_sets()
    est = estimator(cnn_model_fn, model_dir=str(model_dir), config=run_config(tf_random_seed=1))
    metrics = evaluate(est, numpy_input_fn({"x": data.test.images},
                                           data.test.labels.astype(np.int32), shuffle=False),
                       simplify=False)
    return metrics["accuracy"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory, mnist_dir):
    root = tmp_path_factory.mktemp("report")
    model_dir, report = root / "model", root / "report"
    status = main(["mnist", "--steps", "30", "--seed", "1", "--model-dir", str(model_dir),
                   "--log-every", "1000", "--report", str(report)])
    assert status == 0
    return model_dir, report


def test_mnist_report_in_chromium(trained, chromium):
    model_dir, report = trained
    page = report / "index.html"
    assert sorted(p.name for p in report.glob("*.png")) == sorted(EXPECTED_IMAGES)
    seen = _browse(chromium, page)
    assert [img["src"] for img in seen["images"]] == EXPECTED_IMAGES
    assert all(img["complete"] and img["width"] > 0 for img in seen["images"]), seen
    accuracy = _evaluated_accuracy(model_dir)
    assert seen["accuracy_value"] == repr(accuracy)
    assert seen["accuracy_text"] == f"{100 * accuracy:.2f}%"
    html = page.read_text()
    assert "http://" not in html and "https://" not in html  # nothing from the network
    for word in ("TensorFlow", "batch_size", "learning_rate", "Accuracy per class"):
        assert word in html
    _screenshot(chromium, page, "report-screenshot.png")


def test_the_browser_check_sees_a_broken_image(trained, chromium, tmp_path):
    """The check can fail: with one PNG missing, Chromium reports its natural width as 0."""
    _, report = trained
    copy = tmp_path / "copy"
    shutil.copytree(report, copy)
    (copy / "conv1_weights.png").unlink()
    seen = _browse(chromium, copy / "index.html")
    widths = {img["src"]: img["width"] for img in seen["images"]}
    assert widths["conv1_weights.png"] == 0 and widths["loss.png"] > 0


def test_report_command_for_a_trained_model_dir(trained, chromium, tmp_path):
    model_dir, _ = trained
    out = tmp_path / "again"
    assert main(["report", str(model_dir), "--data", "mnist", "--report", str(out)]) == 0
    seen = _browse(chromium, out / "index.html")
    assert [img["src"] for img in seen["images"]] == EXPECTED_IMAGES  # loss from event files
    assert all(img["width"] > 0 for img in seen["images"])
    assert seen["accuracy_value"] == repr(_evaluated_accuracy(model_dir))
    assert "model</th><td>cnn" in (out / "index.html").read_text()


def test_report_command_on_a_missing_dir(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nothing"), "--data", "mnist"]) == 2
    assert "is not a directory" in capsys.readouterr().err
