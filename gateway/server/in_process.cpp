// A client thread writes the request bytes and half-closes, then reads the response until the server closes; this
// thread runs the worker's loop on the other end meanwhile (both at once: either side may fill the socket buffer).
#include "gateway/server/in_process.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>
#include <vector>

#include "core/unique_fd.hpp"
#include "gateway/server/listeners.hpp"
#include "gateway/server/shared_state.hpp"
#include "gateway/server/worker.hpp"

namespace deployctl::gateway::server {

namespace {

void act_as_client(const UniqueFd& socket, std::string_view raw, std::string& received) {
  while (!raw.empty()) {
    const ssize_t sent = ::send(socket.get(), raw.data(), raw.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) break;  // the server closed early (an answer before the whole body): read what it said
    raw.remove_prefix(static_cast<std::size_t>(sent));
  }
  ::shutdown(socket.get(), SHUT_WR);
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::recv(socket.get(), buffer, sizeof buffer, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    received.append(buffer, static_cast<std::size_t>(got));
  }
}

}  // namespace

std::string respond_in_process(const InProcessServer& server, std::string_view raw, const Peer& peer) {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) return {};
  UniqueFd client(ends[0]);
  UniqueFd served(ends[1]);
  const int flags = ::fcntl(served.get(), F_GETFL);
  ::fcntl(served.get(), F_SETFL, flags | O_NONBLOCK);

  ServeOptions options = server.options;
  options.threads = 1;
  std::vector<Listener> listeners(1);  // never accepted on: it names the server for SERVER_NAME / SERVER_PORT
  listeners[0].server_name = std::string(peer.server_name);
  listeners[0].server_port = std::string(peer.server_port);
  WorkerSlot slot;
  WorkerSetup setup;
  setup.options = &options;
  setup.listeners = &listeners;
  setup.app = server.app;
  setup.statics = server.statics;
  setup.slot = &slot;
  setup.trust = &server.trust;

  std::string received;
  std::thread client_thread([&client, raw, &received] { act_as_client(client, raw, received); });
  serve_connection(setup, std::move(served), peer);
  client_thread.join();
  return received;
}

}  // namespace deployctl::gateway::server
