# ASGI apps for tests/e2e/serve_asgi.py, written from the ASGI spec (HTTP 2.4): `application` answers by path, one
# behaviour per path; `Asgi2App` is the ASGI 2 form; `wsgi_application` and `partial_application` are for
# interface detection; `lifespan_application`, `failing_lifespan_application` and `stuck_shutdown_application` are
# for --lifespan. Paths that report what they saw write it to the file $DISCONNECT_MARK.
import asyncio
import contextvars
import functools
import json
import os
import time

REQUEST_VALUE = contextvars.ContextVar("request_value")  # set by one request: never seen by the next


async def _body(receive):
    """The request body and the number of http.request messages it came in."""
    chunks, messages = [], 0
    while True:
        message = await receive()
        assert message["type"] == "http.request", message
        messages += 1
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), messages


async def _answer(send, status, body, headers=((b"content-type", b"text/plain"),)):
    await send({"type": "http.response.start", "status": status, "headers": list(headers)})
    await send({"type": "http.response.body", "body": body})


def _mark(text):
    with open(os.environ["DISCONNECT_MARK"], "w") as mark:
        mark.write(text)


async def _until_file(path):
    """Waits, without blocking the loop, until the test creates `path`: the test's turn to look at the wire."""
    while not os.path.exists(path):
        await asyncio.sleep(0.01)


def _plain(value):
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


async def application(scope, receive, send):
    assert scope["type"] == "http", scope
    path = scope["path"]
    if path == "/hello":
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain"), (b"x-order", b"1"), (b"x-order", b"2")]})
        await send({"type": "http.response.body", "body": b"Hello, ASGI"})
    elif path.endswith("/scope"):
        shown = {key: _plain(value) for key, value in scope.items() if key not in ("state",)}
        await _answer(send, 200, json.dumps(shown).encode(), [(b"content-type", b"application/json")])
    elif path == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for part in (b"one,", b"two,", b"three"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    elif path == "/echo":
        body, messages = await _body(receive)
        await _answer(send, 200, body, [(b"x-messages", str(messages).encode())])
    elif path == "/sleep":
        await asyncio.sleep(0.01)
        await _answer(send, 200, b"slept")
    elif path == "/executor":
        value = await asyncio.get_running_loop().run_in_executor(None, lambda: 6 * 7)
        await _answer(send, 200, str(value).encode())
    elif path == "/task-types":
        task = asyncio.current_task()
        future = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_soon(future.set_result, "done")
        await future
        task = asyncio.current_task()
        import _asyncio
        shown = {"task_is_c": type(task) is _asyncio.Task, "future_is_c": type(future) is _asyncio.Future,
                 "loop": type(asyncio.get_running_loop()).__name__}
        await _answer(send, 200, json.dumps(shown).encode())
    elif path == "/task-registry":
        # asyncio's registry of all tasks as the worker leaves it: its add() native, requests' Tasks gone from it once
        # done, and a Task that goes while the registry is iterated removed only when the iteration ends (WeakSet's
        # rule, which asyncio.all_tasks() relies on).
        import sys
        registry = sys.modules["asyncio.tasks"]._all_tasks
        added = vars(registry).get("add")

        async def nothing():
            pass

        finished = asyncio.ensure_future(nothing())
        await finished
        for _ in range(2):  # the wake-up that resumed this Task holds the finished one until its step ends
            await asyncio.sleep(0)
        iteration = iter(registry)
        while next(iteration) is finished:  # the iteration must not be holding it either
            pass
        del finished
        waiting_while_iterated = len(registry._pending_removals)
        iteration.close()
        shown = {"native_add": type(added).__name__ == "builtin_function_or_method",
                 "current_listed": asyncio.current_task() in asyncio.all_tasks(), "tasks": len(registry),
                 "waiting_while_iterated": waiting_while_iterated, "waiting_after": len(registry._pending_removals)}
        await _answer(send, 200, json.dumps(shown).encode())
    elif path == "/current-task":
        # From the app's first line, before anything suspends: the request's own Task, as asyncio.timeout() and
        # anyio's cancel scopes need it, and a Context of the request's own.
        import _asyncio
        first = asyncio.current_task()
        inherited = REQUEST_VALUE.get(None)
        REQUEST_VALUE.set(scope["query_string"].decode())
        async with asyncio.timeout(5):
            pass
        try:
            async with asyncio.timeout(0.01):
                await asyncio.sleep(30)
            timed_out = False
        except TimeoutError:
            timed_out = True
        shown = {"first_is_c_task": type(first) is _asyncio.Task, "same_task_after": asyncio.current_task() is first,
                 "timed_out": timed_out, "in_all_tasks": first in asyncio.all_tasks(), "inherited": inherited,
                 "context_kept": REQUEST_VALUE.get(), "name": first.get_name()}
        await _answer(send, 200, json.dumps(shown).encode())
    elif path == "/raise-before":
        raise RuntimeError("failing before the response started")
    elif path == "/raise-after":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"partial", "more_body": True})
        raise RuntimeError("failing after the response started")
    elif path == "/no-response":
        return
    elif path == "/twice":
        await _answer(send, 200, b"first")
        await send({"type": "http.response.start", "status": 200, "headers": []})
    elif path == "/until-disconnect":
        await _body(receive)
        mark = os.environ["DISCONNECT_MARK"]
        with open(mark, "w") as waiting:
            waiting.write("waiting")
        message = await receive()  # suspends until the client leaves
        with open(mark, "w") as seen:
            seen.write(message["type"])
    elif path == "/block":
        await asyncio.sleep(0)  # after a suspension, as a view that awaited something first
        time.sleep(20)  # a sync call in an async view: the worker's loop is blocked
        await _answer(send, 200, b"too late")
    elif path == "/continue-late":  # 100 Continue must wait for the first receive(), however late it comes
        _mark("before receive")
        await _until_file(os.environ["DISCONNECT_MARK"] + ".go")
        body, _ = await _body(receive)
        await _answer(send, 200, body)
    elif path == "/body-until-disconnect":  # the client leaves in the middle of the request body
        seen = []
        while True:
            message = await receive()
            seen.append(message["type"])
            if message["type"] == "http.disconnect":
                break
            _mark("reading")
        _mark(",".join(sorted(set(seen))))
    elif path == "/stream-until-disconnect":  # the client leaves while the response streams
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await _body(receive)
        disconnected = asyncio.ensure_future(receive())
        sends, failure = 0, None
        deadline = time.monotonic() + 20
        while not disconnected.done() and time.monotonic() < deadline:
            try:
                await send({"type": "http.response.body", "body": b"x" * 1024, "more_body": True})
            except Exception as error:  # the spec allows an OSError subclass; deployctl drops it quietly
                failure = type(error).__name__
            sends += 1
            if sends == 1:
                _mark("streaming")
            await asyncio.sleep(0.001)
        message = disconnected.result()["type"] if disconnected.done() else "no disconnect"
        try:
            await send({"type": "http.response.body", "body": b"after", "more_body": True})
        except Exception as error:
            failure = failure or type(error).__name__
        _mark(f"{message}, send raised {failure}")
    elif path == "/duplex":  # each piece of the request body echoed at once, while more of it is still to come
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        while True:
            message = await receive()
            await send({"type": "http.response.body", "body": message.get("body", b"").upper(), "more_body": True})
            if not message.get("more_body", False):
                break
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    elif path == "/start-only":
        await send({"type": "http.response.start", "status": 200, "headers": []})
    elif path == "/unfinished":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"partial", "more_body": True})
    elif path == "/start-twice":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b"never"})
    elif path == "/body-after-final":
        await _answer(send, 200, b"final")
        await send({"type": "http.response.body", "body": b"too late"})
    elif path == "/after-disconnect":
        await _answer(send, 200, b"done")
        message = await receive()
        assert message["type"] == "http.disconnect", message
    else:
        await _answer(send, 404, b"no such test path")


class Asgi2App:
    """ASGI 2: instantiated with the scope, then awaited with receive and send."""

    def __init__(self, scope):
        self.scope = scope

    async def __call__(self, receive, send):
        await _answer(send, 200, b"ASGI 2 " + self.scope["path"].encode())


def wsgi_application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"WSGI"]


partial_application = functools.partial(application)


async def lifespan_application(scope, receive, send):
    """Lifespan: the state startup fills reaches each request (a copy); shutdown writes $LIFESPAN_MARK."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                scope["state"]["greeting"] = "filled at startup"
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                with open(os.environ["LIFESPAN_MARK"], "w") as mark:
                    mark.write("shut down")
                await send({"type": "lifespan.shutdown.complete"})
                return
    state = scope.get("state", {})  # --lifespan off: no startup filled it
    seen = dict(state)
    state["request"] = "changed by a request"  # a copy: the next request must not see it
    await _answer(send, 200, json.dumps(seen).encode())


async def failing_lifespan_application(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.failed", "message": "the database is unreachable"})
        return
    await _answer(send, 200, b"never served")


async def stuck_shutdown_application(scope, receive, send):
    """A lifespan whose shutdown never completes: the worker must not wait past --graceful-timeout."""
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await asyncio.Event().wait()
    await _answer(send, 200, b"served")
