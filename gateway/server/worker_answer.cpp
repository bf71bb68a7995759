// Answering one request on its connection (on the loop, or a pool thread): the handler, a streamed body read as
// the app reads it, 100 Continue on its first read, and the accounting after the response.
#include "gateway/server/worker_loop.hpp"

#include <signal.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "gateway/server/error_log.hpp"
#include "gateway/server/shared_state.hpp"
#include "gateway/server/socket_body_source.hpp"
#include "gateway/server/transport.hpp"

namespace deployctl::gateway::server::worker_loop {

Peer Worker::peer_of(const Connection& connection) const {
  const Listener& listener = (*setup_.listeners)[connection.listener];
  return Peer{connection.peer_address, connection.peer_port, connection.unix_socket,
              connection.trusted,      listener.server_name, listener.server_port};
}

BodyPace Worker::body_pace() const { return {transport_stall_s_, options_.header_timeout, options_.min_body_rate}; }

std::function<void()> Worker::continue_sender(Connection& connection, Transport& transport, bool expect) {
  return [&connection, &transport, expect] {
    if (!expect) return;
    connection.out += "HTTP/1.1 100 Continue\r\n\r\n";
    if (transport.write(connection.out)) connection.out.clear();
  };
}

void Worker::answer(Connection& connection) {
  const http::Request& request = connection.parser.request();
  WorkerSlot& slot = *setup_.slot;
  const auto wall_start = std::chrono::system_clock::now();
  const auto start = std::chrono::steady_clock::now();
  // The request line for the master's timeout report, then the start mark it watches.
  publish_request_line(slot, request.method, request.target, request.http_minor);
  slot.request_started_ms.store(monotonic_ms());

  const Outcome outcome = answer_with_body(connection, handler_, peer_of(connection), draining_ || retiring_,
                                           [&slot] { slot.request_started_ms.store(monotonic_ms()); });

  slot.request_started_ms.store(0);
  const auto duration_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  account(connection, outcome, wall_start, duration_us);
}

// Runs the handler on the connection's current request, on the loop or a pool thread. A streamed body is read by
// the app through a source on the socket; "100 Continue" goes out on its first read (after what the connection
// has buffered), so an app that answers without reading never asks for the body. A body left unread ends the
// connection, after a short drain so that the client sees the response rather than a reset.
// --timeout counts from the last bytes of the body that arrived (`on_body_progress`), not from the request's start.
Outcome Worker::answer_with_body(Connection& connection, RequestHandler& handler, const Peer& peer, bool closing,
                                 std::function<void()> on_body_progress) {
  SocketTransport transport(connection.fd.get(), transport_stall_s_);
  const http::Request& request = connection.parser.request();
  const bool streamed = request.body.streamed;
  SocketBodySource body(connection.fd.get(), connection.parser, body_pace(),
                        continue_sender(connection, transport, request.expect_continue), std::move(on_body_progress));
  Outcome outcome = handler.handle(request, streamed ? &body : nullptr, peer, closing, connection.out, transport);
  if (streamed) {
    if (body.left() > 0) {
      outcome.keep_alive = false;
      connection.drain_before_close = true;
    }
  }
  return outcome;
}

// After our FIN: the client's bytes are read and dropped (on_event) until it closes, a second passes, or
// linger_limit bytes came.
void Worker::linger(Connection& connection, std::int64_t now) {
  connection.lingering_until_ms = now + 1000;
  connection.lingering_bytes = 0;
  if (connection.waiting_to_write) {
    connection.waiting_to_write = false;
    watch(connection, EPOLLIN | EPOLLRDHUP);
  }
}

// After a response, on the loop: metrics, the access log line, keep-alive, and --max-requests.
void Worker::account(Connection& connection, const Outcome& outcome, std::chrono::system_clock::time_point wall_start,
                     std::int64_t duration_us) {
  const http::Request& request = connection.parser.request();
  WorkerSlot& slot = *setup_.slot;
  record_request(slot, outcome.status, duration_us);
  if (setup_.access_log_fd >= 0) {
    AccessRecord record;
    record.remote_addr = connection.unix_socket ? std::string_view("unix") : std::string_view(connection.peer_address);
    record.method = request.method;
    record.target = request.target;
    record.path = request.path;
    record.query = request.query;
    record.http_minor = request.http_minor;
    record.status = outcome.status;
    record.bytes = outcome.body_bytes;
    record.headers = request.headers;
    record.start = wall_start;
    record.duration_us = duration_us;
    access_line_.clear();
    setup_.access_format->render(record, access_line_);
    [[maybe_unused]] const ssize_t ignored = ::write(setup_.access_log_fd, access_line_.data(), access_line_.size());
  }
  if (!outcome.keep_alive) connection.close_after_flush = true;
  connection.answered_once = true;
  ++requests_handled_;
  if (request_budget_ > 0 && requests_handled_ >= request_budget_ && slot.retire.load() == 0) {
    log_info("Autorestarting worker after current request.");
    slot.retire.store(1);
    ::kill(::getppid(), SIGUSR1);  // wakes the master to start the replacement now
    // The other workers (and soon the replacement) take new connections; this one closes its own.
    retiring_ = true;
    stop_accepting_for_good();
  }
}

}  // namespace deployctl::gateway::server::worker_loop
