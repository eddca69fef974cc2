"""Guards: what pyestim adds around a call so that it stops early with an error naming the
problem and the fix where TensorFlow would run forever, fail late (after a graph is built or
files are written) or go on silently with wrong numbers (NaN). A guard watches a call or the
data it is given; it never changes what a call computes. Checks of an argument's type or
value are not guards: they are the arguments' normalisers (:mod:`pyestim._args` and each
family's own).

One module per kind:

* :mod:`pyestim.guards.calls`: around one call: endless input refused or bounded, a
  ``train_op`` that never increments the global step, Ctrl-C and SIGTERM as a stop after the
  current step, the log line of the step ``train()`` resumes from, and an R function
  refused where TensorFlow would call it from a thread other than R's (it would hang);
* :mod:`pyestim.guards.training`: while training runs: the NaN hook on the model's loss and
  no checkpoint of NaN / infinite variables (``divergence_guards()``);
* :mod:`pyestim.guards.data`: the data, before anything is built: finite feature values,
  labels against ``n_classes``, what a user's input function returns.

The checks of data against an estimator's own feature columns are the estimator's
(``Estimator.check_data()``), as what kinds of estimator differ in are its methods.
"""

__all__ = []
