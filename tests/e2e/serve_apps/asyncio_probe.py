# A WSGI app that reports, as JSON, which asyncio the worker's interpreter runs: the C Task and Future of the
# _asyncio extension or the pure-Python fallback (twice the cost per task), and whether uvloop can run a loop.
import asyncio
import json
import sys


def _on_loop(new_loop):
    """Runs one coroutine as a Task on a fresh loop and returns (task type, future type, result)."""
    async def job():
        future = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_soon(future.set_result, 42)
        return type(asyncio.current_task()), type(future), await future

    loop = new_loop()
    try:
        return loop.run_until_complete(job())
    finally:
        loop.close()


def _name(kind):
    return f"{kind.__module__}.{kind.__qualname__}"


def probe():
    found = {}
    try:
        import _asyncio
    except ImportError as error:
        found["c_module"] = f"ImportError: {error}"
    else:
        found["c_module"] = getattr(_asyncio, "__file__", "built in")
        found["task_is_c"] = asyncio.Task is _asyncio.Task
        found["future_is_c"] = asyncio.Future is _asyncio.Future
        found["running_loop_is_c"] = asyncio.events._get_running_loop is _asyncio._get_running_loop
    task_type, future_type, result = _on_loop(asyncio.new_event_loop)
    found["asyncio_loop"] = {"task": _name(task_type), "future": _name(future_type), "result": result}
    try:
        import uvloop
    except ImportError as error:
        found["uvloop"] = f"ImportError: {error}"
    else:
        task_type, future_type, result = _on_loop(uvloop.new_event_loop)
        found["uvloop"] = {"version": uvloop.__version__, "task": _name(task_type), "future": _name(future_type),
                           "result": result}
    found["executable"] = sys.executable
    return found


def application(environ, start_response):
    body = json.dumps(probe()).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
