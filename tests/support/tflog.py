"""What TensorFlow's logger (``tf.get_logger()``, the "tensorflow" logger) writes while a
block runs, with the logger at INFO for the block."""

import contextlib
import logging

__all__ = ["capture_tf_log"]


class _Collect(logging.Handler):
    def __init__(self, prefix, formatted):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
        self.prefix, self.formatted = prefix, formatted
        self.lines = []

    def emit(self, record):
        message = record.getMessage()
        if message.startswith(self.prefix):
            self.lines.append(self.format(record) if self.formatted else message)


@contextlib.contextmanager
def capture_tf_log(prefix="", formatted=False):
    """Yields the list of the messages logged in the block that start with ``prefix`` (all by
    default); ``formatted=True`` gives them as ``INFO:tensorflow:<message>``. The logger's
    level and handlers are as before afterwards."""
    import tensorflow as tf

    logger = tf.get_logger()
    handler = _Collect(prefix, formatted)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
