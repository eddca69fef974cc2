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
:func:`idiom` takes both spellings. A value the message repeats back goes through
:func:`shown` (``'yes'`` / ``"yes"``, ``[1.0, 2.0]`` / ``c(1, 2)``, ``nan`` / ``NaN``), and code
that holds values through ``code("steps={}", steps)``, which fills them in after the idiom rules.

The language ``"marked"`` (tests only) renders each idiom as ``⟦python|r⟧``, so that a test can
check that the Python and the R message of one error differ in idioms only (see
:func:`spellings`).
"""

import contextlib
import contextvars
import math
import re

import numpy as np

from ._root_errors import PyestimValueError

__all__ = ["LANGUAGES", "RULES", "language", "using", "enter", "leave", "call_from_r", "carried",
           "idiom", "code", "shown", "r_value", "r_name", "class_codes", "spellings"]

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
        raise PyestimValueError(f"language must be one of {shown(LANGUAGES)}, got {shown(lang)}.")
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


def shown(value, width=None):
    """``value`` as the caller writes it: ``repr(value)`` for Python; for R ``NULL``,
    ``TRUE``, ``"yes"``, ``1`` (a whole double), ``2.5``, ``NaN``, ``Inf``, ``c(1, 2)``,
    ``list(a = 1, b = "x")``, ``array(c(...), dim = c(2, 3))`` (see :func:`r_value`; what R
    passed as NA reaches Python as None or NaN, and is shown so). ``width`` cuts each spelling
    to that many characters (as the format spec ``:.60`` would, but per language, so that a
    "marked" message keeps its marks)."""
    python, r = repr(value), r_value(value)
    if width is not None:
        python, r = python[:width], r[:width]
    return python if python == r else idiom(python, r)


#: R's reserved words: names that need backticks in list(`if` = 1).
_R_RESERVED = frozenset("if else repeat while function for next break TRUE FALSE NULL Inf NaN "
                        "NA NA_integer_ NA_real_ NA_character_ NA_complex_ in".split())
_R_NAME = re.compile(r"(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*|\.")
_R_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
              "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}


def _r_string(text):
    out = []
    for ch in text:
        if ch in _R_ESCAPES:
            out.append(_R_ESCAPES[ch])
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\{ord(ch):03o}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def r_name(name):
    """A list name as R writes it: `a`, or `my name` in backticks where R needs them."""
    name = str(name)
    if _R_NAME.fullmatch(name) and name not in _R_RESERVED:
        return name
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def _r_double(x):
    """A double as R prints it (deparse(): 15 significant digits, fixed or scientific
    notation, whichever is narrower, fixed on a tie)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.14e}".split("e")
    mantissa, exponent = mantissa.rstrip("0").rstrip("."), int(exponent)
    significant = len(mantissa.lstrip("-").replace(".", ""))
    sci = f"{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent):02d}"
    fixed = f"{x:.{max(0, significant - 1 - exponent)}f}"
    return fixed if len(fixed) <= len(sci) else sci


def _scalar_kind(value):
    """"logical", "numeric" or "character" for a value R holds in a vector, else None."""
    if isinstance(value, (bool, np.bool_)):
        return "logical"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "numeric"
    if isinstance(value, (str, np.str_)):
        return "character"
    return None


def _r_scalar(value):
    kind = _scalar_kind(value)
    if kind == "logical":
        return "TRUE" if value else "FALSE"
    if kind == "character":
        return _r_string(str(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return _r_double(float(value))


def _r_vector(items):
    kinds = {_scalar_kind(v) for v in items}
    if len(kinds) == 1 and None not in kinds:
        return "c(" + ", ".join(_r_scalar(v) for v in items) + ")"
    return "list(" + ", ".join(r_value(v) for v in items) + ")"


def _r_array(arr):
    if arr.ndim == 0:
        return r_value(arr[()])
    flat = list(arr.ravel(order="F"))
    if arr.size > np.get_printoptions()["threshold"]:  # summarised, as numpy's repr does
        body = _r_vector(flat[:3])[:-1] + ", ..., " + _r_vector(flat[-3:])[2:]
    else:
        body = _r_vector(flat) if flat else "c()"
    if arr.ndim == 1:
        return body
    return f"array({body}, dim = c({', '.join(str(n) for n in arr.shape)}))"


def r_value(value):
    """``value`` as R writes it (the R half of :func:`shown`)."""
    if value is None:
        return "NULL"
    if _scalar_kind(value) is not None:
        return _r_scalar(value)
    if isinstance(value, dict):
        return "list(" + ", ".join(f"{r_name(k)} = {r_value(v)}" for k, v in value.items()) + ")"
    if isinstance(value, (list, tuple)):
        return _r_vector(value) if value else "list()"
    # pandas is not imported here (it is slow to load); its classes name "pandas" as their
    # module from pandas 3 on, "pandas.core..." before
    if type(value).__module__.split(".")[0] == "pandas":
        if hasattr(value, "columns"):  # a DataFrame
            return "data.frame(" + ", ".join(f"{r_name(k)} = {_r_array(value[k].to_numpy())}"
                                             for k in value.columns) + ")"
        if hasattr(value, "to_numpy"):  # a Series, an Index
            return _r_array(np.asarray(value.to_numpy()))
    if isinstance(value, np.ndarray):
        return _r_array(value)
    return repr(value)


def class_codes():
    """How to turn class labels into class indices 0..n-1, in the caller's language."""
    return idiom("pd.Categorical(y).codes", "as.integer(factor(y)) - 1")


def _to_r(text):
    for pattern, replacement in RULES:
        text = re.sub(pattern, replacement, text)
    return text


def code(text, *values, **named):
    """Code written in Python (``"optimizer.minimize(loss, global_step=...)"``), spelled in the
    caller's language by the idiom table :data:`RULES`. With values, ``text`` is a
    :meth:`str.format` template whose fields are filled with the values as the caller writes
    them (:func:`shown`): ``code("steps={}", 2.5)``."""
    if not values and not named:
        return idiom(text, _to_r(text))
    python = text.format(*map(repr, values), **{k: repr(v) for k, v in named.items()})
    r = _to_r(text).format(*map(r_value, values), **{k: r_value(v) for k, v in named.items()})
    return idiom(python, r)


def spellings(marked):
    """(Python message, R message) of a message rendered in the "marked" language."""
    return _MARK.sub(lambda m: m.group(1), marked), _MARK.sub(lambda m: m.group(2), marked)
