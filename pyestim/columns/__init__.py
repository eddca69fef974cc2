"""Feature columns (being split by job; see docs/architecture.md)."""

from .constructors import *  # noqa: F401,F403
from .constructors import __all__  # noqa: F401
