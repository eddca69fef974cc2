"""dev.sh's search for a Python (issue 22, point 9): where pyenv is installed, the first
``python3.X`` on the PATH may be a shim of a version pyenv does not activate, which says
"pyenv: python3.13: command not found" on stderr; dev.sh skips it without printing that."""

import os
import subprocess
import sys
import textwrap

from support.paths import REPO as ROOT


def _script(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o755)


def test_pick_python_skips_a_shim_that_cannot_run_without_a_word(tmp_path):
    # the stack whose Python versions hold this test's Python; its first two names
    stack, first, second = ("current", "python3.13", "python3.12") \
        if sys.version_info[:2] >= (3, 10) else ("reference", "python3.11", "python3.10")
    bin_dir = tmp_path / "shims"
    bin_dir.mkdir()
    # pyenv's shim of a version that is installed but not active: exit 127, text on stderr
    _script(bin_dir / first, textwrap.dedent(f"""\
        #!/bin/sh
        echo "pyenv: {first}: command not found" >&2
        exit 127
        """))
    # a shim that runs: a wrapper script around this test's Python
    _script(bin_dir / second, f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    run = ('set -euo pipefail; log() { printf "[dev.sh] %s\\n" "$*" >&2; }; '
           f'stack={stack}; '
           f'source <(sed -n "/^pick_python() {{/,/^}}/p" "{ROOT}/dev.sh"); pick_python')
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(["bash", "-c", run], capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == second
    assert proc.stderr == ""
