"""
ASGI middleware that times each HTTP request: adds `Server-Timing: app;dur=<ms>` to the response.

The duration runs from the call into the app to the response's start: what the app spent before its first byte,
which browsers' developer tools show beside the network times. Other scopes (lifespan, websocket) pass through.
"""
import time


class ServerTimingMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_with_timing(message):
            if message['type'] == 'http.response.start':
                milliseconds = (time.perf_counter() - started) * 1000
                # A new message and list: the app may still hold the ones it passed.
                headers = [*message.get('headers', ()), (b'server-timing', b'app;dur=%.3f' % milliseconds)]
                message = {**message, 'headers': headers}
            await send(message)

        await self.app(scope, receive, send_with_timing)
