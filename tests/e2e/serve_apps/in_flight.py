# Marks the requests the test apps are inside, so that a test waits for that state before it signals the server
# instead of sleeping: a file per request in $SERVE_TEST_IN_FLIGHT while the view runs (serve_common.InFlight).
import contextlib
import itertools
import os
import threading

_requests = itertools.count()  # an ASGI worker holds many requests on one thread: each needs its own marker


@contextlib.contextmanager
def in_flight():
    directory = os.environ.get("SERVE_TEST_IN_FLIGHT")
    marker = directory and os.path.join(directory, f"{os.getpid()}-{threading.get_ident()}-{next(_requests)}")
    if marker:
        open(marker, "w").close()
    try:
        yield
    finally:
        if marker:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(marker)
