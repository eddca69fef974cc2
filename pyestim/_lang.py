"""The caller's language: error messages name code in the idioms of whoever called pyestim.

A Python caller reads ``tf.cast``, ``steps=10``, ``True`` and ``None``; an R caller (the R
package, through reticulate) reads ``tf$cast``, ``steps = 10``, ``TRUE`` and ``NULL``. The
error classes are the same in both languages; only the code named in a message changes.

The language is held in a :class:`contextvars.ContextVar` (default ``"python"``). The R package
sets it to ``"r"`` around each call into Python (``with_python_errors()`` in ``r/R/convert.R``
calls :func:`enter` and, on the way out, :func:`leave`), so that R and Python callers in one
process (the parity suite runs both under rpy2) each get their own idioms, and a Python call
nested in an R call nested in a Python call gets the right one at each level. A new thread
starts in the default language (a ContextVar does not follow it there): pyestim raises its
errors in the caller's thread (tf.estimator runs the hooks there too, so a hook's error while
R trains speaks R), and a generator handed back to the caller (``predict(as_iterable=True)``)
is :func:`carried` in the language of the call that made it.

A message is written once. Code in it is written in Python and passed through :func:`code`,
which gives it back as written for Python and rewritten for R by a few mechanical rules (the
idiom table, :data:`RULES`); where the two languages differ in more than those rules (``return
estimator_spec(...)`` vs ``return(estimator_spec(...))``, ``{'CPU': 2}`` vs ``list(CPU = 2)``)
:func:`idiom` takes both spellings.

The language ``"marked"`` (tests only) renders each idiom as ``⟦python|r⟧``, so that a test can
check that the Python and the R message of one error differ in idioms only (see
:func:`spellings`).
"""

import contextlib
import contextvars
import re

from .errors import PyestimValueError

__all__ = ["LANGUAGES", "RULES", "language", "using", "enter", "leave", "call_from_r", "carried",
           "idiom", "code", "shown", "class_codes", "spellings"]

#: The languages a caller can have; "marked" is for tests.
LANGUAGES = ("python", "r", "marked")

_LANGUAGE = contextvars.ContextVar("pyestim_language", default="python")

#: The idiom table: how code written in Python is spelled in R, applied in this order by
#: code(). (pattern, replacement) pairs for re.sub.
RULES = (
    (r"(?<![\w.])True\b", "TRUE"),
    (r"(?<![\w.])False\b", "FALSE"),
    (r"(?<![\w.])None\b", "NULL"),
    # member access: tf.train.get_global_step -> tf$train$get_global_step (not 0.5, not "a.b")
    (r"(?<=[A-Za-z_)\]])\.(?=[A-Za-z_*])", "$"),
    # keyword arguments: steps=10 -> steps = 10 (not ==, <=, >=, !=; f(name=) stays)
    (r"(?<=\w)=(?![=)])", " = "),
)

_MARK = re.compile(r"⟦(.*?)\|(.*?)⟧", re.S)


def language():
    """The caller's language: "python" (the default), "r" or "marked"."""
    return _LANGUAGE.get()


def enter(lang):
    """Make ``lang`` the caller's language until :func:`leave` is given the returned token.
    For callers that cannot use a ``with`` block (the R package)."""
    if lang not in LANGUAGES:
        raise PyestimValueError(f"language must be one of {LANGUAGES}, got {lang!r}.")
    return _LANGUAGE.set(lang)


def leave(token):
    """Restore the language that was current before :func:`enter` returned ``token``."""
    _LANGUAGE.reset(token)


@contextlib.contextmanager
def using(lang):
    """``with using("r"): ...``: the code inside runs for a caller of language ``lang``."""
    token = enter(lang)
    try:
        yield
    finally:
        leave(token)


def call_from_r(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` called as R calls it: its messages speak R."""
    with using("r"):
        return fn(*args, **kwargs)


def carried(iterable):
    """Iterate ``iterable`` in the language current now, wherever it is resumed: a generator
    that R gets back (``predict(as_iterable = TRUE)``) is resumed by R's ``iterate()``
    outside any call that set R's language. The language is read now, not at the first item."""
    return _resumed_in(language(), iter(iterable))


def _resumed_in(lang, it):
    try:
        while True:
            with using(lang):
                try:
                    item = next(it)
                except StopIteration:
                    return
            yield item
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            with using(lang):
                close()


def idiom(python, r):
    """``python`` for a Python caller, ``r`` for an R caller."""
    lang = _LANGUAGE.get()
    if lang == "r":
        return r
    if lang == "marked":
        return f"⟦{python}|{r}⟧"
    return python


def shown(value):
    """``repr(value)``, with None / True / False spelled in the caller's language (what R
    passed as NULL or NA reaches Python as None)."""
    if value is None or isinstance(value, bool):
        return code(repr(value))
    return repr(value)


def class_codes():
    """How to turn class labels into class indices 0..n-1, in the caller's language."""
    return idiom("pd.Categorical(y).codes", "as.integer(factor(y)) - 1")


def _to_r(text):
    for pattern, replacement in RULES:
        text = re.sub(pattern, replacement, text)
    return text


def code(text):
    """Code written in Python (``"optimizer.minimize(loss, global_step=...)"``), spelled in the
    caller's language by the idiom table :data:`RULES`."""
    return idiom(text, _to_r(text))


def spellings(marked):
    """(Python message, R message) of a message rendered in the "marked" language."""
    return _MARK.sub(lambda m: m.group(1), marked), _MARK.sub(lambda m: m.group(2), marked)
