# A fixed number of GET requests on one keep-alive connection, each answered before the next is sent: the load
# of bench/serve_instructions.sh, where a request count matters and a rate does not. Exits 1 on any non-200.
# Usage: serve_requests.py PORT PATH COUNT
import socket
import sys


def main(port, path, count):
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    buffered = b""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        for _ in range(count):
            connection.sendall(request)
            while True:
                head_end = buffered.find(b"\r\n\r\n")
                if head_end >= 0:
                    head = buffered[:head_end].decode("latin-1")
                    fields = dict(line.lower().split(":", 1) for line in head.split("\r\n")[1:])
                    length = int(fields["content-length"])
                    if len(buffered) >= head_end + 4 + length:
                        if not head.startswith("HTTP/1.1 200"):
                            sys.exit(f"bench: {path} answered {head.splitlines()[0]}")
                        buffered = buffered[head_end + 4 + length:]
                        break
                chunk = connection.recv(65536)
                if not chunk:
                    sys.exit("bench: the server closed the connection")
                buffered += chunk


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
