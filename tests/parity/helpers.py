"""What the parity test modules share: the runs a comparison is made of (:class:`Run`), the
deliberate mutations that show a comparison can fail (:func:`mutated`), reading R values back,
exact comparison, the behaviour model's Python twin (used by the behaviour and error tests) and
the table of intentional differences.

Every row of the parity report compares two :class:`Run` objects. A run is made once (the
modules cache them by a key that includes the type of every argument, so that ``25`` and
``25.0`` are two runs) and gets a number; the report's "runs compared" column names both, and
``Report.check`` refuses a row whose two sides are the same run (a self-comparison, which
cannot fail).
"""

import csv
import itertools
import math
import os
import pathlib

import numpy as np

N_FEATURES, N_CLASSES, SEED, LEARNING_RATE = 6, 3, 7, 0.5
TABLE = pathlib.Path(__file__).resolve().parent / "differences.csv"


# --------------------------------------------------------------------------------------------
# Runs and mutations


class Run:
    """One side of a comparison: who made it (``side``: "R", "Python", "plain", "expected"),
    how (``how``: the call and its arguments, as the report shows it) and what it gave
    (``value``). Each Run has its own number (``id``), in the order the runs were made."""

    _ids = itertools.count(1)

    def __init__(self, side, how, value=None):
        self.id = next(Run._ids)
        self.side, self.how, self.value = side, how, value
        self._parts = {}

    def part(self, key, how, value=None):
        """One call inside this run (``value[key]`` unless ``value`` is given, e.g. one of
        several train() calls a helper makes) as a Run of its own, made once per key."""
        if key not in self._parts:
            self._parts[key] = Run(self.side, f"{self.how}: {how}",
                                   self.value[key] if value is None else value)
        return self._parts[key]

    def __str__(self):
        return f"#{self.id} {self.side}: {self.how}"

    def __repr__(self):
        return f"Run({self})"


def expected(how, value=None):
    """A fixed expectation written in the test (not a run of any implementation)."""
    return Run("expected", how, value)


class SelfComparison(AssertionError):
    """A report row whose two sides are one run: it cannot fail, so it must not be counted."""


def distinct_sides(runs):
    """The two Runs of a comparison, checked to be two different runs (by object, by number,
    and by result object when there is one); returns them."""
    a, b = runs
    for side in (a, b):
        if not isinstance(side, Run):
            raise TypeError(f"a side of a comparison must be a Run, got {side!r:.80}")
    if a is b or a.id == b.id:
        raise SelfComparison(f"both sides of the comparison are run {a}")
    if a.value is not None and a.value is b.value and not isinstance(a.value, (bool, int,
                                                                               float, str)):
        raise SelfComparison(f"runs {a} and {b} hold one result object")
    return a, b


#: PYESTIM_PARITY_MUTATE: "seed", "steps", "language" or "signature", optionally
#: ":<tag>[,<tag>...]". The sides of the repaired comparisons that carry one of these tags (all
#: of them without a tag list) then run with another seed (+1), another number of steps (+1),
#: for the error cases in Python's language instead of R's, or for the API comparison with
#: each Python signature's last named argument left out, so that their rows must come out
#: DIFFERENT: the mutation check of tests/parity/README.md.
MUTATE_ENV = "PYESTIM_PARITY_MUTATE"


def mutation(tag):
    """The mutation asked for this side ("seed", "steps", "language", "signature") or None."""
    spec = os.environ.get(MUTATE_ENV, "").strip()
    if not spec:
        return None
    kind, _, tags = spec.partition(":")
    if kind not in ("seed", "steps", "language", "signature"):
        raise ValueError(f"{MUTATE_ENV} must be seed, steps, language or signature[:tags], "
                         f"got {spec!r}")
    if tags and tag not in [t.strip() for t in tags.split(",")]:
        return None
    return kind


def mutated(tag, seed, steps):
    """(seed, steps, note) for the side tagged ``tag``: changed by one if the mutation check
    asks for it (note then says so, for the report), else as given."""
    kind = mutation(tag)
    if kind == "seed":
        return seed + 1, steps, f" [MUTATED: seed {seed + 1}]"
    if kind == "steps":
        return seed, steps + 1, f" [MUTATED: steps {steps + 1}]"
    return seed, steps, ""


def type_key(*args):
    """A cache key from values and their types: 25 and 25.0 are equal in Python but are two
    different calls (an R integer and an R double)."""
    return tuple((type(a).__name__, a) for a in args)


# --------------------------------------------------------------------------------------------
# Reading R values back; exact comparison


def from_r(x):
    """An rpy2 value as plain Python: NULL -> None, atomic vectors -> lists (NA -> None),
    lists -> dicts when every element is named, else lists."""
    import rpy2.rinterface as ri

    kind = getattr(x, "typeof", None)
    if x is ri.NULL or kind == ri.RTYPES.NILSXP:
        return None
    if kind == ri.RTYPES.VECSXP:
        items = [from_r(v) for v in x]
        names = x.names
        if names is ri.NULL or not len(items) or any(n in ("", ri.NA_Character)
                                                     for n in names):
            return items
        return dict(zip([str(n) for n in names], items))
    if kind in (ri.RTYPES.LGLSXP, ri.RTYPES.INTSXP, ri.RTYPES.REALSXP, ri.RTYPES.STRSXP):
        nas = (ri.NA_Logical, ri.NA_Integer, ri.NA_Real, ri.NA_Character)
        out = []
        for v in x:
            if any(v is na for na in nas):
                out.append(None)
            elif kind == ri.RTYPES.LGLSXP:
                out.append(bool(v))
            elif kind == ri.RTYPES.INTSXP:
                out.append(int(v))
            elif kind == ri.RTYPES.REALSXP:
                out.append(float(v))
            else:
                out.append(str(v))
        return out
    raise TypeError(f"cannot read an R value of type {kind}")


def r_collect(r, code):
    """Evaluate R code, then run R's garbage collector, both with the GIL held (through
    RSession.eval).

    R objects that stand for Python objects (reticulate's references) run Python code when R
    collects them. rpy2 calls into R with the GIL released (reading a value back allocates,
    ``.names`` calls R's names()), and a collection that runs there finalizes those
    references without the GIL: "Fatal Python error: PyThreadState_Get". So every R evaluation
    of these tests that may leave such garbage behind collects it at once, while the GIL is
    held, and the values read back through rpy2 are plain R values."""
    r.eval(f"tryCatch({{\n{code}\n}}, finally = invisible(gc()))")


def r_value(r, code):
    """The value of R code (plain R values only), read back with :func:`from_r`."""
    r_collect(r, f".parity_value <- {{\n{code}\n}}")
    return from_r(r.get(".parity_value"))


def md(text, limit=140):
    """Text for a cell of the Markdown report."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[:limit - 3] + "..."


def same_numbers(a, b):
    """Exact equality of two sequences of numbers (floats bit for bit, NaN equal to NaN)."""
    a, b = list(a), list(b)
    return len(a) == len(b) and all(
        (x == y) or (isinstance(x, float) and isinstance(y, float) and math.isnan(x)
                     and math.isnan(y))
        for x, y in zip(a, b))


SCALARS = ("global_step", "latest_checkpoint", "n", "steps_mode")


def unwrap(value, scalars=SCALARS):
    """R's length-one vectors under the keys of scalars (``scalars``) as Python scalars
    (metric values stay lists, as the Python side gives them)."""
    if isinstance(value, dict):
        return {k: (v[0] if k in scalars and isinstance(v, list) and len(v) == 1
                    else v if k == "values" else unwrap(v, scalars)) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v, scalars) for v in value]
    return value


# --------------------------------------------------------------------------------------------
# The behaviour model's Python twin (tests/parity/r/behaviour.R)


def synthetic(n):
    """beh_data(n) of behaviour.R: x [n, 6] (float64), y [n] (int32, classes 0..2)."""
    i = np.arange(n)[:, None]
    j = np.arange(N_FEATURES)[None, :]
    y = (np.arange(n) % N_CLASSES).astype(np.int32)
    x = ((i * 7 + j * 3) % 11) / 10
    x = x + np.where(y[:, None] == j % N_CLASSES, 0.5, 0.0)
    return x, y


class Recorder:
    """What the Python model function and hooks record (beh$modes, beh$events, beh$fetched)."""

    def __init__(self):
        self.modes, self.events, self.fetched = [], [], []

    def take_events(self):
        out = {"events": self.events, "fetched": self.fetched}
        self.events, self.fetched = [], []
        return out


def make_model_fn(rec):
    from pyestim import estimator_spec, tf

    def model_fn(features, labels, mode, params):
        rec.modes.append(mode)
        x = tf.cast(features["x"], tf.float32)
        w = tf.get_variable("w", shape=[N_FEATURES, N_CLASSES],
                            initializer=tf.zeros_initializer())
        b = tf.get_variable("b", shape=[N_CLASSES], initializer=tf.zeros_initializer())
        logits = tf.add(tf.matmul(x, w), b)
        classes = tf.argmax(logits, axis=1, name="classes")
        if mode == "infer":
            return estimator_spec(mode=mode, predictions={
                "classes": classes, "probabilities": tf.nn.softmax(logits, name="probabilities")})
        loss = tf.identity(
            tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits), name="loss")
        if mode == "train":
            optimizer = tf.train.GradientDescentOptimizer(learning_rate=params["learning_rate"])
            train_op = optimizer.minimize(loss=loss, global_step=tf.train.get_global_step())
            return estimator_spec(mode=mode, loss=loss, train_op=train_op)
        return estimator_spec(mode=mode, loss=loss, eval_metric_ops={
            "accuracy": tf.metrics.accuracy(labels=labels, predictions=classes)})

    return model_fn


def py_input_fn(form, n, shuffle, labels=True, num_epochs=None, batch_size=8):
    from pyestim import numpy_input_fn

    x, y = synthetic(n)

    def make():
        return numpy_input_fn(x={"x": x}, y=y if labels else None, batch_size=batch_size,
                              num_epochs=num_epochs, shuffle=shuffle)

    if form == "numpy":
        return make()
    if form == "closure0":
        from pyestim import tf

        return lambda: tf.data.Dataset.from_tensor_slices(({"x": x}, y)).repeat().batch(
            batch_size)
    if form == "closure1":
        return lambda features_as_named_list: make()
    raise ValueError(form)


# --------------------------------------------------------------------------------------------
# The table of intentional differences


def read_differences(path=TABLE):
    """The rows of differences.csv as {(function, difference): reason}. Checks the format:
    the three columns, a reason on every row, no row twice."""
    lines = [line for line in path.read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(lines)
    assert reader.fieldnames == ["function", "difference", "reason"], \
        f"{path.name}: the columns must be function,difference,reason; got {reader.fieldnames}"
    rows = {}
    for row in reader:
        key = (row["function"].strip(), row["difference"].strip())
        assert all(key) and (row["reason"] or "").strip(), f"{path.name}: incomplete row {row}"
        assert key not in rows, f"{path.name}: row listed twice: {key}"
        rows[key] = row["reason"].strip()
    return rows


def is_error_row(key):
    return key[1].startswith("error:")


def is_tfestimators_row(key):
    """A row about tfestimators, not about R against Python: its formals ("tfestimators:",
    r/tests/testthat/test-tfestimators-formals.R checks those) or its outputs ("tfestimators
    output:", the columns TensorFlow 2 gives where tfestimators' tests expected fewer,
    r/tests/testthat/test-tfestimators-outputs.R)."""
    return key[1].startswith(("tfestimators:", "tfestimators output:"))
