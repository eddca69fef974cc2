"""Names loaded on first use (PEP 562), so that ``import pyestim`` (and the CLI's argument
parsing) does not import TensorFlow.

A module that loads names lazily keeps a module-level dict ``_LAZY`` (public name -> the module
that defines it, as a string literal; the package writes it as ``_EXPORTS``, module -> names, and
derives ``_LAZY``; ``tests/test_structure.py`` reads either as imports when it looks for import
cycles) and sets ``__getattr__, __dir__ = attach(__name__, _LAZY, ...)``.
A module that needs a module only at run time (the CLI, after parsing) calls
``load("pyestim.x")``. This module is the only place in pyestim that imports by name.

No public name of a package is also the name of one of its submodules
(``tests/test_structure.py`` checks it): importing a submodule binds it on its package under its
own name, which would otherwise replace the public object of that name.
"""

import importlib
import importlib.util
import sys

__all__ = ["attach", "load"]


def load(module_name):
    """Import the module ``module_name`` (an absolute name, as a string literal at the call,
    which ``tests/test_structure.py`` reads as an import)."""
    return importlib.import_module(module_name)


def attach(module_name, table, before=None, light=(), submodules=False):
    """``(__getattr__, __dir__)`` for the module ``module_name``.

    ``__getattr__(name)`` imports ``table[name]`` (with ``submodules``, also the submodule
    ``module_name.name``), keeps the object in the module's namespace and returns it.
    ``before()`` runs once before the first import of a module not in ``light``."""
    namespace = sys.modules[module_name].__dict__
    done = []

    def __getattr__(name):
        owner = table.get(name)
        if owner is None and submodules and not name.startswith("__") and \
                importlib.util.find_spec(f"{module_name}.{name}") is not None:
            owner = f"{module_name}.{name}"
        if owner is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        if before is not None and not done and owner not in light:
            before()
            done.append(True)
        module = load(owner)
        value = getattr(module, name) if name in table else module
        namespace[name] = value
        return value

    def __dir__():
        return sorted(set(namespace) | set(table) | set(namespace.get("__all__", ())))

    return __getattr__, __dir__

