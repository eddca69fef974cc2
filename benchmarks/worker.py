"""One measurement of one Python contender, in a process of its own (started by run.py).

    python benchmarks/worker.py JOB --out RESULT.json [--steps N --warmup K ...]

JOB is one of the names in JOBS below. The worker writes its numbers to RESULT.json
(benchlib.write_result); run.py adds the process's peak RSS and wall time.
"""

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchlib  # noqa: E402  (numpy only: TensorFlow is imported, and timed, by each job)

BATCH = 100


def _imports(info, *modules):
    """Imports the modules, recording the time it took (TensorFlow dominates)."""
    import importlib

    t = time.perf_counter()
    out = [importlib.import_module(m) for m in modules]
    info["import_s"] = time.perf_counter() - t
    info["spawn_to_imported_s"] = benchlib.since_spawn()
    return out


def _plain_imports(info):
    """TensorFlow with tf.estimator (benchlib.plain_tensorflow(): pyestim's stack layer on the
    current stack, nothing else of pyestim) and seed 001's model function, timed."""
    t = time.perf_counter()
    tf = benchlib.plain_tensorflow()
    import cnn_mnist_seed001 as seed  # after the stack layer: TF_USE_LEGACY_KERAS, tf.layers

    info["import_s"] = time.perf_counter() - t
    info["spawn_to_imported_s"] = benchlib.since_spawn()
    return tf, seed


def _tf_versions(info, tf):
    import numpy as np

    info["tensorflow"] = tf.__version__
    info["numpy"] = np.__version__
    info["intra_op_threads"] = tf.config.threading.get_intra_op_parallelism_threads()
    info["inter_op_threads"] = tf.config.threading.get_inter_op_parallelism_threads()


def _data(info, n_train=55000, n_test=10000):
    t = time.perf_counter()
    d = benchlib.load_mnist(n_train, n_test)
    info["data_s"] = time.perf_counter() - t
    return d


# ------------------------------------------------------------------------------ 1. CNN training


def _cnn_plain(a, info, model_dir, reader):
    """Plain tf.estimator, seed 001's code: Estimator(cnn_model_fn).train() fed by the stock
    numpy_input_fn (reader "stock") or by pyestim's (reader "pyestim", which imports
    pyestim for its reader, and so pyestim's set-up of TensorFlow)."""
    if reader == "stock":
        tf, seed = _plain_imports(info)
    else:
        pyestim, tf, seed = _imports(info, "pyestim", "tensorflow", "cnn_mnist_seed001")
        pyestim_input_fn = pyestim.numpy_input_fn  # the first use: pyestim's engine loads
    _tf_versions(info, tf)
    tf1 = tf.compat.v1
    tf1.logging.set_verbosity(tf1.logging.INFO)  # as seed 001
    numpy_input_fn = (tf1.estimator.inputs.numpy_input_fn if reader == "stock"
                      else pyestim_input_fn)
    train_data, train_labels, _, _ = _data(info)
    classifier = tf1.estimator.Estimator(model_fn=seed.cnn_model_fn, model_dir=model_dir)
    train_input_fn = numpy_input_fn(
        x={"x": train_data}, y=train_labels, batch_size=BATCH, num_epochs=None, shuffle=True)
    timer = benchlib.step_timer(a.warmup, a.steps)
    timer.start()
    classifier.train(input_fn=train_input_fn, steps=a.steps, hooks=[timer])
    timer.stop()
    return timer.summary(a.warmup)


def _cnn_pyestim(a, info, model_dir, reader):
    """pyestim from Python: estimator() + numpy_input_fn() + train(), the input function
    pyestim's (reader "pyestim") or TensorFlow's stock one (reader "stock")."""
    tf, pyestim, models = _imports(info, "tensorflow", "pyestim", "pyestim.models")
    _tf_versions(info, tf)
    info["pyestim"] = pyestim.__version__
    train_data, train_labels, _, _ = _data(info)
    classifier = pyestim.estimator(model_fn=models.cnn_model_fn, model_dir=model_dir)
    numpy_input_fn = (pyestim.numpy_input_fn if reader == "pyestim"
                      else tf.compat.v1.estimator.inputs.numpy_input_fn)
    train_input_fn = numpy_input_fn(
        x={"x": train_data}, y=train_labels, batch_size=BATCH, num_epochs=None, shuffle=True)
    timer = benchlib.step_timer(a.warmup, a.steps)
    timer.start()
    pyestim.train(classifier, input_fn=train_input_fn, steps=a.steps, hooks=[timer])
    timer.stop()
    return timer.summary(a.warmup)


def job_cnn_tf(a, info, model_dir):
    """Plain tf.estimator with the stock numpy_input_fn: seed 001's code."""
    return _cnn_plain(a, info, model_dir, "stock")


def job_cnn_pyestim(a, info, model_dir):
    """pyestim from Python: estimator() + numpy_input_fn() + train()."""
    return _cnn_pyestim(a, info, model_dir, "pyestim")


def job_cnn_tf_pyreader(a, info, model_dir):
    """Readers swapped (a diagnostic): plain tf.estimator fed by pyestim's numpy_input_fn."""
    return _cnn_plain(a, info, model_dir, "pyestim")


def job_cnn_pyestim_stockreader(a, info, model_dir):
    """Readers swapped (a diagnostic): pyestim's train() fed by the stock numpy_input_fn."""
    return _cnn_pyestim(a, info, model_dir, "stock")


def keras_cnn(tf):
    """The tutorial's network in tf.keras, layer for layer."""
    layers = tf.keras.layers
    return tf.keras.Sequential([
        layers.Conv2D(32, 5, padding="same", activation="relu", input_shape=(28, 28, 1)),
        layers.MaxPooling2D(2, strides=2),
        layers.Conv2D(64, 5, padding="same", activation="relu"),
        layers.MaxPooling2D(2, strides=2),
        layers.Flatten(),
        layers.Dense(1024, activation="relu"),
        layers.Dropout(0.4),
        layers.Dense(10),
    ])


def job_cnn_keras(a, info, model_dir):
    """Keras model.fit on the same network, SGD 0.001, tf.data from the same arrays."""
    (tf,) = _imports(info, "tensorflow")
    _tf_versions(info, tf)
    import keras

    info["keras"] = keras.__version__
    train_data, train_labels, _, _ = _data(info)
    images = train_data.reshape(-1, 28, 28, 1)
    timer = benchlib.keras_step_timer()
    timer.start()  # build + compile + fit up to the first batch = "first step"
    model = keras_cnn(tf)
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.001),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    ds = (tf.data.Dataset.from_tensor_slices((images, train_labels))
          .shuffle(images.shape[0], reshuffle_each_iteration=True)
          .batch(BATCH).repeat().prefetch(tf.data.AUTOTUNE))
    model.fit(ds, epochs=1, steps_per_epoch=a.steps, verbose=0, callbacks=[timer])
    timer.stop()
    return timer.summary(a.warmup)


def job_peak(a, info, model_dir):
    """This machine's float32 matmul peak: tf.linalg.matmul on square matrices, best of N."""
    (tf,) = _imports(info, "tensorflow")
    _tf_versions(info, tf)
    out = {}
    best = 0.0
    for n in a.matmul_sizes:
        x = tf.random.normal((n, n), dtype=tf.float32, seed=1)
        y = tf.random.normal((n, n), dtype=tf.float32, seed=2)
        tf.linalg.matmul(x, y)[0, 0].numpy()  # warm-up: kernels, thread pool, page faults
        times = []
        for _ in range(a.matmul_reps):
            t = time.perf_counter()
            tf.linalg.matmul(x, y)[0, 0].numpy()
            times.append(time.perf_counter() - t)
        gflops = 2.0 * n ** 3 / min(times) / 1e9
        out[f"gflops_{n}"] = gflops
        best = max(best, gflops)
    out["gflops"] = best
    return out


# ------------------------------------------------------------------------------ 2. input-bound


def tfdata_input_fn(tf, x, y, batch_size):
    """A tf.data pipeline over the arrays: from_tensor_slices + shuffle (a full-size buffer,
    reshuffled every epoch) + batch + repeat + prefetch.

    The arrays come in through placeholders fed once, when the session starts (the hook
    returned alongside), as TensorFlow's guide for NumPy arrays in graph mode says: given
    to from_tensor_slices directly they would become a 172 MB constant in the graph, which
    the estimator writes out as graph.pbtxt and in every checkpoint's meta graph (about a
    minute of the first step here, and as much again at the end).
    """
    tf1 = tf.compat.v1

    class FeedArrays(tf1.train.SessionRunHook):
        init = None

        def after_create_session(self, session, coord):
            op, feed = self.init
            session.run(op, feed_dict=feed)

    hook = FeedArrays()

    def input_fn():
        xp = tf1.placeholder(tf.as_dtype(x.dtype), x.shape)
        yp = tf1.placeholder(tf.as_dtype(y.dtype), y.shape)
        ds = tf.data.Dataset.from_tensor_slices(({"x": xp}, yp))
        ds = ds.shuffle(x.shape[0], reshuffle_each_iteration=True)
        ds = ds.batch(batch_size).repeat().prefetch(tf.data.AUTOTUNE)
        iterator = tf1.data.make_initializable_iterator(ds)
        hook.init = (iterator.initializer, {xp: x, yp: y})
        return iterator.get_next()

    return input_fn, hook


def pipeline_rate(tf, input_fn, hooks, batches, warmup):
    """Batches/s of an input function alone: its output fetched in a bare session, no model
    and no estimator hooks, and the CPU time per batch (all threads of the process). Shows
    how fast each pipeline could feed the training loop, and what it costs the cores."""
    tf1 = tf.compat.v1
    with tf.Graph().as_default():
        result = input_fn()
        init = [tf1.global_variables_initializer(), tf1.local_variables_initializer()]
        if isinstance(result, tf.data.Dataset):
            iterator = tf1.data.make_initializable_iterator(result)
            result = iterator.get_next()
            init.append(iterator.initializer)
        with tf1.Session() as sess:
            sess.run(init)
            for h in hooks:
                h.after_create_session(sess, None)
            coord = tf1.train.Coordinator()
            threads = tf1.train.start_queue_runners(sess=sess, coord=coord)
            for _ in range(warmup):
                sess.run(result)
            t, cpu = time.perf_counter(), time.process_time()
            for _ in range(batches):
                sess.run(result)
            rate = batches / (time.perf_counter() - t)
            cpu_ms = (time.process_time() - cpu) / batches * 1e3
            coord.request_stop()
            coord.join(threads, stop_grace_period_secs=5, ignore_live_threads=True)
    return rate, cpu_ms


def _input_job(a, info, model_dir, which):
    tf, pyestim, models = _imports(info, "tensorflow", "pyestim", "pyestim.models")
    _tf_versions(info, tf)
    train_data, train_labels, _, _ = _data(info)
    hooks = []

    def make():
        if which == "stock":
            return tf.compat.v1.estimator.inputs.numpy_input_fn(
                x={"x": train_data}, y=train_labels, batch_size=BATCH, num_epochs=None,
                shuffle=True), []
        if which == "pyestim":
            return pyestim.numpy_input_fn(
                x={"x": train_data}, y=train_labels, batch_size=BATCH, num_epochs=None,
                shuffle=True), []
        fn, hook = tfdata_input_fn(tf, train_data, train_labels, BATCH)
        return fn, [hook]

    input_fn, hooks = make()
    classifier = tf.estimator.Estimator(model_fn=models.softmax_model_fn, model_dir=model_dir)
    timer = benchlib.step_timer(a.warmup, a.steps)
    timer.start()
    classifier.train(input_fn=input_fn, steps=a.steps, hooks=[timer] + hooks)
    timer.stop()
    out = timer.summary(a.warmup)
    input_fn, hooks = make()
    rate, cpu_ms = pipeline_rate(tf, input_fn, hooks, a.steps, a.warmup)
    out["pipeline_batches_per_s"] = rate
    out["pipeline_cpu_ms_per_batch"] = cpu_ms  # all threads: the main one's session.run too
    return out


def job_input_stock(a, info, model_dir):
    return _input_job(a, info, model_dir, "stock")


def job_input_pyestim(a, info, model_dir):
    return _input_job(a, info, model_dir, "pyestim")


def job_input_tfdata(a, info, model_dir):
    return _input_job(a, info, model_dir, "tfdata")


# ------------------------------------------------------------------------------ 3-4. api costs


def _api(a, info, model_dir, *, make_input_fn, train, evaluate, predict):
    """Fixed costs then evaluate / predict throughput, the same sequence for every language:
    train(steps=1) twice (first call in the process, then again), evaluate() and predict()
    on 100 test images, evaluate() and predict() on the eval_n test images with a StepTimer.
    """
    train_data, train_labels, test_data, test_labels = _data(info, n_test=a.eval_n)
    clock = benchlib.Clock()
    train_fn = make_input_fn({"x": train_data}, train_labels, BATCH, None, True)
    with clock("train_1_first_s"):
        train(train_fn, 1, None)
    with clock("train_1_again_s"):
        train(train_fn, 1, None)
    fn = make_input_fn({"x": test_data[:100]}, test_labels[:100], 128, 1, False)
    with clock("evaluate_100_s"):
        evaluate(fn, None)
    fn = make_input_fn({"x": test_data[:100]}, None, 128, 1, False)
    with clock("predict_100_s"):
        predict(fn, None)
    n = test_data.shape[0]
    last = n - 128 * ((n - 1) // 128)
    out = dict(clock.values)
    timer = benchlib.step_timer()
    fn = make_input_fn({"x": test_data}, test_labels, 128, 1, False)
    timer.start()
    evaluate(fn, [timer])
    timer.stop()
    s = timer.summary(1, batch=128, last_batch=last)
    out["evaluate_n_s"] = s["call_s"]
    out["evaluate_examples_per_s"] = n / s["call_s"]
    out["evaluate_steady_examples_per_s"] = s.get("examples_per_s")
    fn = make_input_fn({"x": test_data}, None, 128, 1, False)
    timer.start()
    predict(fn, [timer])
    timer.stop()
    s = timer.summary(1, batch=128, last_batch=last)
    out["predict_n_s"] = s["call_s"]
    out["predict_examples_per_s"] = n / s["call_s"]
    out["predict_steady_examples_per_s"] = s.get("examples_per_s")
    out["eval_n"] = n
    return out


def job_api_tf(a, info, model_dir):
    tf, seed = _plain_imports(info)
    _tf_versions(info, tf)
    tf1 = tf.compat.v1
    tf1.logging.set_verbosity(tf1.logging.INFO)
    classifier = tf1.estimator.Estimator(model_fn=seed.cnn_model_fn, model_dir=model_dir)

    def make(x, y, batch_size, num_epochs, shuffle):
        return tf1.estimator.inputs.numpy_input_fn(
            x=x, y=y, batch_size=batch_size, num_epochs=num_epochs, shuffle=shuffle)

    return _api(
        a, info, model_dir, make_input_fn=make,
        train=lambda fn, steps, hooks: classifier.train(input_fn=fn, steps=steps, hooks=hooks),
        evaluate=lambda fn, hooks: classifier.evaluate(input_fn=fn, hooks=hooks),
        predict=lambda fn, hooks: list(classifier.predict(input_fn=fn, hooks=hooks)))


def job_api_pyestim(a, info, model_dir):
    tf, pyestim, models = _imports(info, "tensorflow", "pyestim", "pyestim.models")
    _tf_versions(info, tf)
    classifier = pyestim.estimator(model_fn=models.cnn_model_fn, model_dir=model_dir)

    def make(x, y, batch_size, num_epochs, shuffle):
        return pyestim.numpy_input_fn(
            x=x, y=y, batch_size=batch_size, num_epochs=num_epochs, shuffle=shuffle)

    return _api(
        a, info, model_dir, make_input_fn=make,
        train=lambda fn, steps, hooks: pyestim.train(classifier, fn, steps=steps, hooks=hooks),
        evaluate=lambda fn, hooks: pyestim.evaluate(classifier, fn, hooks=hooks),
        predict=lambda fn, hooks: pyestim.predict(classifier, fn, hooks=hooks))


JOBS = {name[4:]: fn for name, fn in globals().items() if name.startswith("job_")}


def main(argv=None):
    t_main = benchlib.since_spawn()
    p = argparse.ArgumentParser()
    p.add_argument("job", choices=sorted(JOBS))
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--eval-n", type=int, default=10000)
    p.add_argument("--matmul-sizes", type=lambda s: [int(v) for v in s.split(",")],
                   default=[2048, 3072, 4096])
    p.add_argument("--matmul-reps", type=int, default=5)
    p.add_argument("--tmp", default=None, help="where model directories go")
    a = p.parse_args(argv)
    info = {"job": a.job, "pid": os.getpid(), "spawn_to_main_s": t_main,
            "python": sys.version.split()[0]}
    model_dir = tempfile.mkdtemp(prefix=f"bench_{a.job}_", dir=a.tmp)
    try:
        metrics = JOBS[a.job](a, info, model_dir)
    except BaseException as err:  # noqa: BLE001 - reported to run.py, which carries on
        logging.shutdown()
        traceback.print_exc()
        benchlib.write_error(a.out, f"{type(err).__name__}: {err}", info)
        return 1
    finally:
        shutil.rmtree(model_dir, ignore_errors=True)
    benchlib.write_result(a.out, metrics, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
