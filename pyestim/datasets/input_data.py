"""The stand-in for TensorFlow 1's ``tensorflow.examples.tutorials.mnist.input_data`` (seed
002's import), reachable as ``from pyestim.tf.examples.tutorials.mnist import input_data``:
``input_data.read_data_sets(dir, one_hot=True)`` reads MNIST with TensorFlow 1's split (see
:func:`pyestim.datasets.read_data_sets`)."""

from .mnist import DataSet, Datasets, read_data_sets

__all__ = ["read_data_sets", "DataSet", "Datasets"]
