# A tiny Chrome DevTools Protocol client over a stdlib-only WebSocket (RFC 6455, client side: masked text
# frames out, unmasked frames in), enough for serve_browser.py to navigate, evaluate and take a screenshot.
import base64
import json
import os
import socket
import struct
import time
import urllib.parse
import urllib.request


class DevTools:
    def __init__(self, ws_url, timeout=20):
        parsed = urllib.parse.urlparse(ws_url)
        self.sock = socket.create_connection((parsed.hostname, parsed.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {parsed.path} HTTP/1.1\r\nHost: {parsed.hostname}:{parsed.port}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            data = self.sock.recv(4096)
            if not data:
                raise OSError("DevTools closed the WebSocket handshake")
            head += data
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise OSError(f"DevTools refused the WebSocket: {head[:200]!r}")
        self.next_id = 0
        self.events = []

    def close(self):
        self.sock.close()

    def _exactly(self, size):
        while len(self.buffer) < size:
            data = self.sock.recv(1 << 20)
            if not data:
                raise OSError("DevTools closed the WebSocket")
            self.buffer += data
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _send(self, text):
        payload = text.encode()
        mask = os.urandom(4)
        size = len(payload)
        if size < 126:
            head = struct.pack("!BB", 0x81, 0x80 | size)
        elif size < 65536:
            head = struct.pack("!BBH", 0x81, 0x80 | 126, size)
        else:
            head = struct.pack("!BBQ", 0x81, 0x80 | 127, size)
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def _receive(self):
        message = b""
        while True:
            first, second = self._exactly(2)
            size = second & 0x7F
            if size == 126:
                size = struct.unpack("!H", self._exactly(2))[0]
            elif size == 127:
                size = struct.unpack("!Q", self._exactly(8))[0]
            payload = self._exactly(size)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise OSError("DevTools closed the WebSocket")
            if opcode in (0x9, 0xA):  # ping/pong: Chromium does not ping its clients; ignore if it ever does
                continue
            message += payload
            if first & 0x80:
                return json.loads(message)

    def call(self, method, timeout=20, **params):
        self.next_id += 1
        wanted = self.next_id
        self._send(json.dumps({"id": wanted, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self._receive()
            if message.get("id") == wanted:
                if "error" in message:
                    raise OSError(f"DevTools {method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)
        raise TimeoutError(f"DevTools {method}: no answer within {timeout} s")

    def wait_event(self, method, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(index)
            self.sock.settimeout(max(0.1, deadline - time.monotonic()))
            self.events.append(self._receive())
        raise TimeoutError(f"DevTools: no {method} within {timeout} s")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise OSError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")


def page_websocket(user_data_dir, timeout=20):
    """The WebSocket URL of the first page of a Chromium started with --remote-debugging-port=0: the port is in
    DevToolsActivePort in its profile directory once it listens."""
    port_file = os.path.join(user_data_dir, "DevToolsActivePort")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(port_file):
            lines = open(port_file).read().split()
            if lines:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{lines[0]}/json/list", timeout=5) as answer:
                        targets = json.load(answer)
                    pages = [target for target in targets if target.get("type") == "page"]
                    if pages:
                        return pages[0]["webSocketDebuggerUrl"]
                except OSError:
                    pass
        time.sleep(0.1)
    raise TimeoutError(f"Chromium's DevTools did not come up within {timeout} s")
