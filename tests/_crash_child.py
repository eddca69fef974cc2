"""A training process for the model_dir tests to kill (support.model_dirs.Child runs it
for test_checkpoints_rollback.py and test_checkpoints_lock.py; not a test module).

    python _crash_child.py MODEL_DIR STEPS [--pause EVENT:STEP] [--truncate-index-at-start]

Trains the suite's softmax regression (support.models.linear_model) on a fixed synthetic problem
with a checkpoint every 3 steps, and reports on stdout, one line each, flushed:

    READY                        about to call train()
    BEGIN                        graph built (a hook's begin())
    STEP <n>                     step n has run (after_run, global step read after the run)
    SAVING <n>                   a saving listener's before_save: the save of step n starts
    SAVED <n>                    after_save: step n's files and the state file are written
    STATE <n>                    the ``checkpoint`` state file is about to name step n
                                 (data and index of step n are on disk)
    META <n>                     the state file names step n; its meta graph is next
    PAUSED <event> <n>           sleeping at that point until killed
    DONE <global step>           train() returned

``--pause EVENT:STEP`` sleeps (for at most 120 s) right after reporting EVENT for STEP
(EVENT one of BEGIN, STEP, SAVING, STATE, META; STEP ignored for BEGIN), so the parent can
kill it at exactly that point of a save. ``--truncate-index-at-start`` cuts the latest
checkpoint's ``.index`` in half when the resumed run's start-up save of that same step
begins and then pauses: the state a kill inside TensorFlow's in-place rewrite of that index
leaves (TensorFlow opens it with O_TRUNC while the state file already names it).
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def say(*words):
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


def main(argv):
    model_dir, steps = argv[0], int(argv[1])
    pause = None
    truncate_at_start = "--truncate-index-at-start" in argv
    if "--pause" in argv:
        event, _, step = argv[argv.index("--pause") + 1].partition(":")
        pause = (event, int(step) if step else None)

    import numpy as np

    import pyestim
    from support.models import N_FEATURES, linear_model
    from tensorflow.python.checkpoint import checkpoint_management
    import tensorflow as tf

    def maybe_pause(event, step=None):
        if pause and pause[0] == event and (event == "BEGIN" or pause[1] == step):
            say("PAUSED", event, step)
            time.sleep(120)
            say("NOT-KILLED")
            os._exit(3)

    # Report the points inside Saver.save at which a kill is most interesting.
    real_update = checkpoint_management.update_checkpoint_state_internal

    def update_state(save_dir, model_checkpoint_path, *args, **kwargs):
        step = int(str(model_checkpoint_path).rsplit("-", 1)[1])
        say("STATE", step)
        maybe_pause("STATE", step)
        real_update(save_dir, model_checkpoint_path, *args, **kwargs)
        say("META", step)
        maybe_pause("META", step)

    checkpoint_management.update_checkpoint_state_internal = update_state

    start_step = None
    latest = tf.train.latest_checkpoint(model_dir) if os.path.isdir(model_dir) else None
    if latest:
        start_step = int(latest.rsplit("-", 1)[1])

    class Listener(tf.compat.v1.train.CheckpointSaverListener):
        def before_save(self, session, global_step_value):
            step = int(global_step_value)
            say("SAVING", step)
            if truncate_at_start and step == start_step:
                index = latest + ".index"
                size = os.path.getsize(index)
                with open(index, "r+b") as f:
                    f.truncate(size // 2)
                say("PAUSED", "TRUNCATED", step)
                time.sleep(120)
                os._exit(3)
            maybe_pause("SAVING", step)

        def after_save(self, session, global_step_value):
            say("SAVED", int(global_step_value))

    def begin():
        say("BEGIN")
        maybe_pause("BEGIN")

    step_tensor = []

    def begin_steps():
        step_tensor.append(tf.compat.v1.train.get_global_step())

    def after_run(run_context, run_values):
        step = int(run_context.session.run(step_tensor[-1]))
        say("STEP", step)
        maybe_pause("STEP", step)

    rng = np.random.default_rng(7)
    x = rng.normal(size=(256, N_FEATURES)).astype(np.float32)
    y = np.argmax(x @ rng.normal(size=(N_FEATURES, 10)), axis=1).astype(np.int32)
    config = pyestim.run_config(save_checkpoints_steps=3, keep_checkpoint_max=3,
                                tf_random_seed=1, log_step_count_steps=1000)
    est = pyestim.estimator(linear_model, model_dir=model_dir, config=config,
                            params={"learning_rate": 0.1})
    hooks = [pyestim.session_run_hook(begin=begin),
             pyestim.session_run_hook(begin=begin_steps, after_run=after_run)]
    say("READY")
    pyestim.train(est, pyestim.numpy_input_fn({"x": x}, y, batch_size=32, num_epochs=None,
                                              shuffle=True),
                  steps=steps, hooks=hooks, saving_listeners=[Listener()])
    say("DONE", int(tf.train.load_variable(model_dir, "global_step")))


if __name__ == "__main__":
    main(sys.argv[1:])
