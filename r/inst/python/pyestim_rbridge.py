"""Glue between R functions and Python, for the pyestim R package only.

pyestim matches a model function's arguments by name (``inspect.signature``) and decides
what an input function is from its number of arguments, so an R closure handed to Python
must look like a Python function with the same formals. :func:`r_function` builds one (its
``__signature__`` is the R function's formals).

An R error inside such a function must reach the R caller as the same R condition. The R
side catches it, keeps the condition under a token and returns :class:`RFailure`; the
Python wrapper then raises :class:`RError`, which travels through TensorFlow like any
exception, and the R package re-signals the kept condition when the call returns. An R error
that is a Python exception (raised by a Python call the R function made) is raised again as
that exception, so pyestim handles it as it would in Python.

An R interrupt in such a function (Ctrl-C landed in R code that checks for interrupts, e.g.
``Sys.sleep()``) is handed to :func:`pyestim.guards.calls.defer_interrupt`, which decides: in a hook
callback during ``train()``, past its first step, it becomes a request to stop after the step
(checkpoint, then KeyboardInterrupt, an R interrupt again); anywhere else it is raised at once.

Each such function is marked as R's (``guards.R_FUNCTION``), and raises
:class:`pyestim.errors.RThreadError` at once when it is called from a thread other than R's
main thread (:func:`pyestim.guards.calls.refuse_r_thread`): R cannot run there while TensorFlow's
calling thread waits (a distribution strategy's replica threads), so the call would hang.

``language`` is :mod:`pyestim._lang`: the R package makes R the caller's language around each
call into pyestim (``in_r_language()`` in ``r/R/convert.R``), so messages name code as R
writes it.
"""

import inspect
import keyword

from pyestim import _lang as language
from pyestim.guards import calls as guards

__all__ = ["RError", "RFailure", "r_function", "find_r_error", "exception_info", "frame_columns",
           "language"]


class RError(Exception):
    """An error signalled by R code that Python called (a model function, an input
    function, a hook callback).

    Attributes
    ----------
    r_token : str
        Key under which the R package keeps the original R condition.
    r_classes : list of str
        The R condition's classes.
    """

    def __init__(self, message, r_token=None, r_classes=()):
        super().__init__(message)
        self.r_token = r_token
        self.r_classes = list(r_classes)


class RFailure:
    """Returned (not raised) by the R side of a bridged call when the R function failed.

    ``exception`` is the Python exception behind the R error when the R function failed
    because a Python call it made raised (e.g. a TensorFlow op's ValueError in a model
    function): that exception is raised again, so that Python sees what it would have seen
    from a Python function."""

    def __init__(self, message, token, classes=(), exception=None):
        self.message = message
        self.token = token
        self.classes = list(classes)
        self.exception = exception if isinstance(exception, BaseException) else None


class _Missing:
    def __repr__(self):
        return "<missing>"


MISSING = _Missing()


def _identifier(name, taken):
    out = name if name.isidentifier() and not keyword.iskeyword(name) else None
    if out is None or out in taken or out.startswith("_pyestim"):
        base = "".join(c if c.isalnum() or c == "_" else "_" for c in name) or "arg"
        if not (base[0].isalpha() or base[0] == "_"):
            base = "arg_" + base
        out, i = base, 1
        while out in taken or keyword.iskeyword(out) or out.startswith("_pyestim"):
            i += 1
            out = f"{base}_{i}"
    taken.add(out)
    return out


def r_function(call_r, formals, has_default, name="r_function", doc=None):
    """A Python function whose parameters are an R function's formals.

    Parameters
    ----------
    call_r : callable
        The R side: called with the arguments (positional ones unnamed, the rest by their
        R names); returns the R function's value or an :class:`RFailure`.
    formals : list of str
        The R function's formal argument names, in order; ``"..."`` becomes
        ``*args, **kwargs``.
    has_default : list of bool
        Whether each formal has a default; such parameters may be omitted (R then uses its
        default).
    name : str
        The Python function's ``__name__``.
    """
    taken = set()
    params, r_names = [], {}
    seen_default = dots = False
    for formal, default in zip(list(formals), [bool(d) for d in has_default]):
        if formal == "...":
            dots = True
            params.append(inspect.Parameter("_pyestim_args", inspect.Parameter.VAR_POSITIONAL))
            continue
        py = _identifier(formal, taken)
        r_names[py] = formal
        # After R's `...` a formal can only be given by name: keyword-only, optional here
        # (R reports it if it is missing and used).
        if dots:
            params.append(inspect.Parameter(py, inspect.Parameter.KEYWORD_ONLY, default=MISSING))
        elif default or seen_default:
            params.append(inspect.Parameter(py, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                            default=MISSING))
            seen_default = True
        else:
            params.append(inspect.Parameter(py, inspect.Parameter.POSITIONAL_OR_KEYWORD))
    if dots:
        params.append(inspect.Parameter("_pyestim_kwargs", inspect.Parameter.VAR_KEYWORD))
    signature = inspect.Signature(params)

    def fn(*args, **kwargs):
        """Bind the arguments as the R function's formals and call R: positional ones of
        `...` unnamed, the rest by their R names (those not given are left to R)."""
        # R runs only in its main thread: a call from another thread (a distribution
        # strategy's replica thread) raises at once instead of waiting for R forever.
        guards.refuse_r_thread(fn.__name__)
        bound = signature.bind(*args, **kwargs).arguments
        by_name = {r_names[k]: v for k, v in bound.items()
                   if k in r_names and v is not MISSING}
        by_name.update(bound.get("_pyestim_kwargs", {}))
        try:
            value = call_r(*bound.get("_pyestim_args", ()), **by_name)
        except KeyboardInterrupt:  # reticulate's own way to report an R interrupt (rare)
            if guards.defer_interrupt(fn, f"an R interrupt in {fn.__name__}()"):
                return guards.INTERRUPTED
            raise
        if isinstance(value, RFailure):
            if value.exception is not None:
                raise value.exception
            if "interrupt" in value.classes and guards.defer_interrupt(
                    fn, f"an R interrupt in {fn.__name__}()"):
                return guards.INTERRUPTED
            raise RError(value.message, value.token, value.classes)
        return value

    fn.__signature__ = signature
    fn.__name__ = fn.__qualname__ = name if str(name).isidentifier() else "r_function"
    fn.__doc__ = doc
    fn.r_function = call_r
    setattr(fn, guards.R_FUNCTION, True)  # pyestim knows it is R's (pyestim.guards)
    return fn


def find_r_error(exc, limit=20):
    """The first :class:`RError` in ``exc``'s chain of causes and contexts, or None."""
    return guards.in_chain(exc, RError, limit)


def exception_info(exc):
    """(class name, class names up the MRO, message) of a Python exception."""
    mro = [c.__name__ for c in type(exc).__mro__ if c is not object]
    return type(exc).__name__, mro, str(exc)


def frame_columns(df):
    """The columns of a DataFrame from pyestim, ready for R: a list of ``(values,
    is_list_column, name)``. Columns of arrays (vector-valued predictions) are stacked into
    one array whose first axis is the row (a list when they differ in shape)."""
    import numpy as np

    out = []
    for name in df.columns:
        values = df[name].to_numpy()
        if values.dtype == object and len(values) and isinstance(values[0], np.ndarray):
            try:
                out.append((np.stack(list(values)), True, str(name)))
            except ValueError:
                out.append((list(values), True, str(name)))
        elif values.dtype == object:
            out.append((list(values), False, str(name)))
        else:
            if values.dtype.kind in "iu" and values.size and values.itemsize > 4:
                # Classes and other counts: R integers when they fit.
                if np.abs(values).max() <= np.iinfo(np.int32).max:
                    values = values.astype(np.int32)
            out.append((values, False, str(name)))
    return out
