"""The user documentation runs as written and holds together (issue 19, point 1): the README is
short (<= 12 KiB) and links to the rest; every relative link in the README and docs/ names a
file that exists (and a heading of it, for a #anchor); each docs/ page's Python code blocks run,
in order, as one script in a fresh process; the README's R block runs as one Rscript.

The R blocks of docs/ are not run: they are cluster scripts (run on several machines with
``TF_CONFIG``, tested by tests/test_distributed.py and r/tests/testthat/test-distributed.R),
fragments that continue a page's Python example, or the installer."""

import os
import re
import subprocess
import sys

import pytest
from support.ci import needs_mnist
from support.paths import REPO
from support.r import r_program
from test_readme import python_blocks

DOCS = sorted((REPO / "docs").glob("*.md"))
README_LIMIT = 12 * 1024
# Every page that links, and what its links may name.
LINKING = [REPO / "README.md", *DOCS, REPO / "benchmarks" / "README.md",
           REPO / "tests" / "parity" / "README.md"]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def r_blocks(text):
    return re.findall(r"^```r\n(.*?)^```", text, flags=re.S | re.M)


def anchor(heading):
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces as -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path):
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    return {anchor(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.M)}


def test_readme_is_short():
    size = (REPO / "README.md").stat().st_size
    assert size <= README_LIMIT, f"README.md is {size} bytes; move detail to docs/"


def test_anchor_is_githubs():
    assert anchor("Coming from tf.estimator: what differs on the current stack") == \
        "coming-from-tfestimator-what-differs-on-the-current-stack"
    assert anchor("Fast repeated prediction: `predictor()`") == "fast-repeated-prediction-predictor"


@pytest.mark.parametrize("page", LINKING, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_resolve(page):
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    links = [link for link in LINK.findall(text) if not re.match(r"[a-z]+:", link)]
    broken = []
    for link in links:
        target, _, fragment = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        if not path.exists():
            broken.append(f"{link}: no file {path}")
        elif fragment and path.suffix == ".md" and fragment not in anchors(path):
            broken.append(f"{link}: no heading with anchor #{fragment} in {path.name}")
    assert not broken, "\n".join(broken)


def test_readme_links_every_page():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    pages = [f"docs/{p.name}" for p in DOCS] + ["benchmarks/README.md", "tests/parity/README.md"]
    missing = [p for p in pages if f"]({p}" not in readme]
    assert not missing, f"README.md does not link to {missing}"


def test_docs_python_blocks_have_no_placeholders():
    for page in DOCS:
        for block in python_blocks(page.read_text(encoding="utf-8")):
            code = re.sub(r"#.*$", "", block, flags=re.M)  # comments may say "..."
            assert not re.search(r"(^|[(\s=,\[])\.\.\.($|[)\s,\]])", code), (page.name, block)


def run_page(page, tmp_path, replace=()):
    code = "\n\n".join(python_blocks((REPO / "docs" / page).read_text(encoding="utf-8")))
    for old, new in replace:
        assert old in code
        code = code.replace(old, new)
    script = tmp_path / "page.py"
    script.write_text(code + "\nprint('PAGE-DONE')\n")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path,
                          env=dict(os.environ, MPLBACKEND="Agg"),
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "PAGE-DONE" in proc.stdout
    return proc


def test_every_page_with_python_code_is_run():
    with_code = {p.name for p in DOCS if python_blocks(p.read_text(encoding="utf-8"))}
    assert with_code == {"python.md", "mnist.md", "distributed.md"}, \
        "a docs/ page gained or lost Python code: run it in tests/test_docs.py"


def test_python_guide_runs_as_written(tmp_path):
    needs_mnist()
    proc = run_page("python.md", tmp_path)
    # the tutorial's logging hook
    assert "INFO:tensorflow:predicted_classes = [" in proc.stderr


def test_mnist_pictures_run_as_written(tmp_path):
    needs_mnist()
    run_page("mnist.md", tmp_path)
    assert (tmp_path / "conv1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_distributed_script_runs_in_one_process(tmp_path):
    # Without TF_CONFIG the cluster's script trains and evaluates in this process; the shared
    # folder the page names becomes a temporary one.
    model_dir = tmp_path / "models" / "mtcars"
    run_page("distributed.md", tmp_path, replace=[("/shared/models/mtcars", str(model_dir))])
    state = (model_dir / "checkpoint").read_text()
    assert 'model_checkpoint_path: "model.ckpt-2000"' in state, state
    assert list((model_dir / "eval").glob("events.out.tfevents.*"))


def test_readme_r_block_runs_as_written(tmp_path):
    rscript = r_program("Rscript", "Rscript not found",
                        "Rscript is missing: run the tests through `bash dev.sh test`")
    blocks = r_blocks((REPO / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) == 1
    script = tmp_path / "readme.R"
    script.write_text(blocks[0] + 'cat("README-R-DONE\\n")\n')
    proc = subprocess.run([rscript, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "README-R-DONE" in proc.stdout
    # evaluate()'s one-row tibble, predict()'s one row per car of mtcars (32)
    assert re.search(r"# A tibble: 1 .", proc.stdout), proc.stdout[-3000:]
    assert re.search(r"# A tibble: 32 .", proc.stdout), proc.stdout[-3000:]
