"""``traced_after_first_call``: a method decorator like ``tf.function`` whose first call
per instance runs eagerly.

Tracing a network's call into a graph costs ~0.5-1 s on this CPU and pays off from the
second call on (a 512 px arbitrary-style render: 1.0 s traced first call, then 0.09 s;
eager: 0.55 s every call, measured once while choosing). A one-image command makes one
call, so it skips the trace; commands that make many calls (batch, video) call
:func:`expect_many_calls` and trace on the first. Inside a graph (training, export) the
first call is traced inline, as any Python code.
"""

import functools

_EAGER_FIRST = [True]


def expect_many_calls():
    """From now on in this process, decorated methods trace on their first call (a batch
    or a video calls them hundreds of times: the eager first call would only add to the
    trace that follows)."""
    _EAGER_FIRST[0] = False


def many_calls_expected():
    """Whether :func:`expect_many_calls` was called in this process."""
    return not _EAGER_FIRST[0]


def traced_after_first_call(input_signature):
    """Decorates a method; later calls go through ``tf.function(method, input_signature)``
    made once per instance."""
    def decorate(method):
        name = f"_traced_{method.__name__}"

        @functools.wraps(method)
        def call(instance, *args):
            traced = instance.__dict__.get(name)
            if traced is None:
                import tensorflow as tf  # here: expect_many_calls needs no TensorFlow
                traced = instance.__dict__[name] = tf.function(
                    method.__get__(instance), input_signature=input_signature)
                if _EAGER_FIRST[0]:
                    return method(instance, *args)
            return traced(*args)

        return call
    return decorate
