"""Only so that building pyestim (pip install <checkout>, pip wheel) leaves the source tree
clean: setuptools' build/ and pyestim.egg-info go to a temporary folder. Everything else is in
pyproject.toml."""
import tempfile

from setuptools import setup

_scratch = tempfile.mkdtemp(prefix="pyestim-build-")
setup(options={"build": {"build_base": _scratch}, "egg_info": {"egg_base": _scratch}})
