// The transports' gathered writes on a real socket pair whose buffers are kept small, so the kernel takes only part
// of what is offered: the bytes must arrive whole and in order, and the queued transport must never wait.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <string_view>
#include <thread>

#include "core/unique_fd.hpp"
#include "gateway/server/gathered_send.hpp"
#include "gateway/server/queued_transport.hpp"
#include "gateway/server/transport.hpp"

namespace server = deployctl::gateway::server;
using deployctl::UniqueFd;

namespace {

struct SocketPair {
  UniqueFd writer, reader;
};

SocketPair small_socket_pair() {
  int fds[2] = {-1, -1};
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  const int small = 4096;
  ::setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  ::setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Everything readable now, without waiting.
std::string read_available(int fd) {
  std::string got;
  char block[65536];
  for (;;) {
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, 0) <= 0) return got;
    const ssize_t n = ::read(fd, block, sizeof block);
    if (n <= 0) return got;
    got.append(block, static_cast<std::size_t>(n));
  }
}

std::string pattern(std::size_t size, char first) {
  std::string text(size, ' ');
  for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>(first + static_cast<char>(i % 23));
  return text;
}

void count_backlog(void* context) { ++*static_cast<int*>(context); }

}  // namespace

TEST_SUITE("gateway_server transport") {
  TEST_CASE("consume_gathered drops bytes across parts") {
    std::string_view parts[] = {"ab", "", "cde", "f"};
    CHECK_FALSE(server::consume_gathered(parts, 3));
    CHECK(parts[0].empty());
    CHECK(parts[2] == "de");
    CHECK_FALSE(server::consume_gathered(parts, 2));
    CHECK(parts[3] == "f");
    CHECK(server::consume_gathered(parts, 1));
  }

  TEST_CASE("the queued transport keeps what the socket leaves, in order, and drains it later") {
    SocketPair pair = small_socket_pair();
    int backlogged = 0;
    server::QueuedTransport transport(pair.writer.get(), count_backlog, &backlogged);
    const std::string head = "5000\r\n", body = pattern(300000, 'a'), tail = "\r\n";
    const std::string_view parts[] = {head, body, tail};
    REQUIRE(transport.write_parts(parts));  // never waits, though the socket takes far less
    CHECK(backlogged == 1);
    CHECK(transport.queued() > 0);
    const std::string more = pattern(1000, 'A');
    REQUIRE(transport.write(more));  // behind the queue: appended, not sent ahead of it
    std::string received;
    while (transport.queued() > 0) {
      received += read_available(pair.reader.get());
      REQUIRE(transport.drain());
    }
    received += read_available(pair.reader.get());
    CHECK(received == head + body + tail + more);
  }

  TEST_CASE("the queued transport fails once the peer is gone") {
    SocketPair pair = small_socket_pair();
    int backlogged = 0;
    server::QueuedTransport transport(pair.writer.get(), count_backlog, &backlogged);
    pair.reader.reset();
    const std::string_view parts[] = {"x", "y"};
    CHECK_FALSE(transport.write_parts(parts));
    CHECK(transport.failed());
  }

  TEST_CASE("the socket transport waits for the peer and sends every part whole") {
    SocketPair pair = small_socket_pair();
    const std::string head = "HTTP/1.1 200 OK\r\n\r\n", body = pattern(500000, 'k'), tail = "end";
    std::string received;
    std::thread reader([&] {
      char block[8192];
      for (;;) {
        const ssize_t n = ::read(pair.reader.get(), block, sizeof block);
        if (n <= 0) return;
        received.append(block, static_cast<std::size_t>(n));
      }
    });
    server::SocketTransport transport(pair.writer.get(), 30);
    const std::string_view parts[] = {head, "", body, tail};
    CHECK(transport.write_parts(parts));
    ::shutdown(pair.writer.get(), SHUT_WR);
    reader.join();
    CHECK(received == head + body + tail);
  }
}
