# A Starlette app (Debian's python3-starlette), for tests/e2e/serve_asgi.py: a framework nobody here wrote. Its
# BaseHTTPMiddleware runs each endpoint in an anyio task group, whose cancel scope needs the request's asyncio Task
# from the app's first line; the routes cover a plain answer, a body read, a streamed answer and an error.
import asyncio

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse, PlainTextResponse, StreamingResponse
from starlette.routing import Route


class Tagging(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        response = await call_next(request)
        response.headers["x-middleware"] = "tagging"
        return response


async def hello(request):
    return PlainTextResponse("Hello, Starlette")


async def echo(request):
    body = await request.body()
    return JSONResponse({"length": len(body), "path": request.url.path, "query": dict(request.query_params)})


async def stream(request):
    async def parts():
        for number in range(3):
            await asyncio.sleep(0)
            yield f"part {number}\n"

    return StreamingResponse(parts(), media_type="text/plain")


async def fail(request):
    raise RuntimeError("failing inside a Starlette endpoint")


application = Starlette(routes=[Route("/hello", hello), Route("/echo", echo, methods=["POST"]),
                                Route("/stream", stream), Route("/fail", fail)],
                        middleware=[Middleware(Tagging)])
