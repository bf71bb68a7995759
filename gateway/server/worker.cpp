// The per-worker event loop. Connections are read and written without blocking. With --threads 1 a request is
// answered synchronously (the app holds the worker meanwhile, as in gunicorn's sync worker); with --threads N it
// is handed to a pool thread, which owns the connection (its buffers and its socket, left out of epoll) until it
// hands it back through the pool's eventfd, as in gunicorn's gthread worker. Either way only a response too big
// for the output buffer waits on its socket, and bytes pipelined behind a request wait in the parser until its
// response is out: one request per connection at a time keeps the responses in order.
// This file is the loop itself; worker_loop.hpp names the files that do the rest, one job each.
#include "gateway/server/worker.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>

#include "gateway/http/response_head.hpp"
#include "gateway/server/error_log.hpp"
#include "gateway/server/next_step.hpp"
#include "gateway/server/response_writer.hpp"
#include "gateway/server/worker_loop.hpp"
#include "python/gil.hpp"

namespace deployctl::gateway::server {

namespace worker_loop {

namespace {

void peer_strings(const sockaddr_storage& address, Connection& connection) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    connection.peer_address = text;
    connection.peer_port = std::to_string(ntohs(v4.sin_port));
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    if (IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr)) {
      inet_ntop(AF_INET, reinterpret_cast<const unsigned char*>(&v6.sin6_addr) + 12, text, sizeof text);
    } else {
      inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    }
    connection.peer_address = text;
    connection.peer_port = std::to_string(ntohs(v6.sin6_port));
  } else {
    connection.unix_socket = true;
  }
}

}  // namespace

void Worker::watch(Connection& connection, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = static_cast<std::uint64_t>(connection.fd.get());
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, connection.fd.get(), &event);
}

void Worker::accept_connections(std::size_t listener_index) {
  const Listener& listener = (*setup_.listeners)[listener_index];
  for (;;) {
    // At the cap a new client takes the place of the connection that matters least; the victim is chosen
    // before the accept (none: stop accepting) and dropped after it (no client waiting: nobody is dropped).
    Connection* victim = nullptr;
    if (open_connections_ >= static_cast<std::size_t>(options_.worker_connections)) {
      victim = least_needed_connection();
      if (victim == nullptr) break;
    }
    sockaddr_storage address{};
    socklen_t size = sizeof address;
    const int fd =
        ::accept4(listener.fd.get(), reinterpret_cast<sockaddr*>(&address), &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR) continue;
      return;  // EAGAIN (another worker took it), or a transient error such as EMFILE
    }
    UniqueFd socket(fd);
    if (victim != nullptr) make_room(*victim);
    if (!listener.unix_socket) {
      const int on = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    Connection* connection = adopt(std::move(socket), listener_index);
    if (connection == nullptr) continue;
    peer_strings(address, *connection);
    if (listener.unix_socket) connection->unix_socket = true;
    connection->trusted = connection->unix_socket || setup_.trust->trusts(connection->peer_address);
  }
  // At the cap with every connection busy: stop watching the listeners until a connection closes (other workers
  // take the load).
  if (!accepting_paused_) {
    for (const Listener& each : *setup_.listeners) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, each.fd.get(), nullptr);
    accepting_paused_ = true;
  }
}

// A connected socket becomes one of the loop's connections (null when epoll refuses it: the socket is closed).
Connection* Worker::adopt(UniqueFd socket, std::size_t listener_index) {
  const int fd = socket.get();
  const auto index = static_cast<std::size_t>(fd);
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP;
  event.data.u64 = static_cast<std::uint64_t>(fd);
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) return nullptr;
  if (connections_.size() <= index) connections_.resize(index + 1);
  auto connection = std::make_unique<Connection>(limits_);
  connection->fd = std::move(socket);
  connection->listener = listener_index;
  connection->job.worker = this;
  connection->job.connection = connection.get();
  connection->last_activity_ms = monotonic_ms();
  connections_[index] = std::move(connection);
  ++open_connections_;
  return connections_[index].get();
}

void Worker::close_connection(Connection& connection) {
  const int fd = connection.fd.get();
  // An app still answering on it: from now on it is answering nobody.
  if (connection.app_exchange && connection.app_exchange->running) connection.app_exchange->running->detach();
  request_memory_ -= connection.memory_charged;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  connections_[static_cast<std::size_t>(fd)].reset();  // closes the socket
  --open_connections_;
  if (accepting_paused_ && !draining_ && !retiring_) {
    watch_listeners();
    accepting_paused_ = false;
  }
}

void Worker::watch_listeners() {
  for (std::size_t i = 0; i < setup_.listeners->size(); ++i) {
    epoll_event event{};
    event.events = EPOLLIN | EPOLLEXCLUSIVE;
    event.data.u64 = listener_tag | i;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, (*setup_.listeners)[i].fd.get(), &event);
  }
}

void Worker::reject(Connection& connection, int status) {
  log_rejection(connection, status);
  http::append_error_response(connection.out, status);
  connection.close_after_flush = true;
  flush(connection);
}

// A refused request (parser or timeout) is counted and gets its access-log line as nginx gives it one: the
// status, and the request line as far as it arrived ("-" when none of it did), escaped.
void Worker::log_rejection(const Connection& connection, int status) {
  record_rejection(*setup_.slot, status);
  if (setup_.access_log_fd < 0) return;
  const http::RequestParser::PartialLine line = connection.parser.partial_request_line();
  const std::string method = escape_for_log(line.method);
  const std::string target = escape_for_log(line.target);
  AccessRecord record;
  record.remote_addr = connection.unix_socket ? std::string_view("unix") : std::string_view(connection.peer_address);
  record.method = method;
  record.target = target;
  record.http_minor = line.http_minor;
  record.status = status;
  record.start = std::chrono::system_clock::now();
  access_line_.clear();
  setup_.access_format->render(record, access_line_);
  [[maybe_unused]] const ssize_t ignored = ::write(setup_.access_log_fd, access_line_.data(), access_line_.size());
}

void Worker::flush(Connection& connection) {
  while (connection.out_sent < connection.out.size()) {
    const ssize_t sent = ::send(connection.fd.get(), connection.out.data() + connection.out_sent,
                                connection.out.size() - connection.out_sent, MSG_NOSIGNAL);
    if (sent > 0) {
      connection.out_sent += static_cast<std::size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!connection.waiting_to_write) {
        connection.waiting_to_write = true;
        watch(connection, EPOLLOUT | EPOLLRDHUP);
      }
      return;
    }
    close_connection(connection);
    return;
  }
  connection.out.clear();
  connection.out_sent = 0;
  if (connection.close_after_flush) {
    // Half-close first so that the client reads the whole response before it sees the connection end.
    ::shutdown(connection.fd.get(), SHUT_WR);
    if (connection.drain_before_close) {
      linger(connection, monotonic_ms());
      return;
    }
    close_connection(connection);
    return;
  }
  if (connection.waiting_to_write) {
    connection.waiting_to_write = false;
    watch(connection, EPOLLIN | EPOLLRDHUP);
    process(connection);  // requests pipelined behind the one just sent
  }
}

void Worker::stop_accepting_for_good() {
  closing_.store(true);
  for (const Listener& each : *setup_.listeners) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, each.fd.get(), nullptr);
  accepting_paused_ = true;
}

void Worker::process(Connection& connection) {
  const auto index = static_cast<std::size_t>(connection.fd.get());
  while (!connection.close_after_flush && !connection.waiting_to_write) {
    const NextStep step = next_step(connection.parser, connection.out);
    if (step == NextStep::refuse) {
      const http::Rejection& rejection = connection.parser.rejection();
      log_debug("rejected a request from " + connection.peer_address + ": " + std::string(rejection.reason));
      reject(connection, rejection.status);  // flushes, and may close the connection: nothing more to do here
      return;
    }
    if (step == NextStep::read_more) break;
    if (pool_) {
      hand_to_thread(connection);
      return;
    }
    if (setup_.asgi_app != nullptr) {
      answer_later(connection);
      if (!still_open(index, &connection) || connection.in_app || connection.waiting_to_write) return;
    } else {
      answer(connection);
    }
    if (connection.close_after_flush) break;
    connection.parser.next();
    // Many pipelined responses: send what is buffered before answering more.
    if (connection.out.size() > ResponseWriter::flush_threshold) {
      flush(connection);
      return;
    }
  }
  flush_soon(connection);
}

void Worker::flush_soon(Connection& connection) {
  if (!in_event_round_) {
    flush(connection);
    return;
  }
  if (connection.flush_pending) return;
  connection.flush_pending = true;
  flush_pending_.push_back(connection.fd.get());
}

void Worker::flush_answered() {
  for (const int fd : flush_pending_) {
    const auto index = static_cast<std::size_t>(fd);
    // Closed meanwhile (its fd maybe reused by a new connection, whose flag is clear): nothing to send.
    if (index >= connections_.size() || !connections_[index] || !connections_[index]->flush_pending) continue;
    Connection& connection = *connections_[index];
    connection.flush_pending = false;
    // A thread owns its buffers (hand_to_thread sent what was pending), or an app writes them (answer_later did).
    if (connection.in_pool || connection.in_app) continue;
    flush(connection);
  }
  flush_pending_.clear();
}

void Worker::read_from(Connection& connection) {
  char buffer[65536];
  const ssize_t got = ::recv(connection.fd.get(), buffer, sizeof buffer, 0);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    close_connection(connection);
    return;
  }
  connection.last_activity_ms = monotonic_ms();
  if (got == 0) {
    if (connection.parser.finish() == http::ParseStatus::rejected && connection.out.empty()) {
      close_connection(connection);  // cut mid-request: nobody is left to read an error response
      return;
    }
    close_connection(connection);
    return;
  }
  const auto index = static_cast<std::size_t>(connection.fd.get());
  connection.parser.feed({buffer, static_cast<std::size_t>(got)});
  charge_memory(connection);  // may refuse this very connection
  if (!still_open(index, &connection)) return;
  process(connection);
  if (still_open(index, &connection) && !connection.in_pool && !connection.in_app) charge_memory(connection);
}

// Closing an idle keep-alive connection races with a request the client may be sending on it. A request that
// already arrived is answered (with Connection: close when draining). Otherwise our FIN goes first and what the
// client still sends is read and dropped until it closes (or a second passes): a plain close() with unread bytes
// would make the kernel send a reset, which the client cannot tell from a crash, instead of the clean end of a
// keep-alive connection that HTTP clients retry on.
void Worker::close_idle(Connection& connection, std::int64_t now) {
  char buffer[65536];
  const ssize_t got = ::recv(connection.fd.get(), buffer, sizeof buffer, MSG_DONTWAIT);
  if (got > 0) {
    connection.last_activity_ms = now;
    connection.parser.feed({buffer, static_cast<std::size_t>(got)});
    process(connection);
    return;
  }
  if (got == 0 || ::shutdown(connection.fd.get(), SHUT_WR) != 0) {
    close_connection(connection);
    return;
  }
  linger(connection, now);
}

void Worker::on_event(Connection& connection, std::uint32_t events) {
  if (connection.in_pool) return;
  if (connection.in_app) {
    on_app_event(connection, events);
    return;
  }
  if (connection.lingering_until_ms != 0) {
    char buffer[65536];
    ssize_t got = 0;
    while ((got = ::recv(connection.fd.get(), buffer, sizeof buffer, MSG_DONTWAIT)) > 0) {
      connection.lingering_bytes += static_cast<std::size_t>(got);
      if (connection.lingering_bytes > linger_limit) break;
    }
    if (got == 0 || connection.lingering_bytes > linger_limit ||
        (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
      close_connection(connection);
    return;
  }
  if (connection.waiting_to_write) {
    if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
      close_connection(connection);
      return;
    }
    if ((events & EPOLLOUT) != 0) flush(connection);
    return;
  }
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) read_from(connection);
}

void Worker::sweep(std::int64_t now) {
  const auto header_ms = static_cast<std::int64_t>(options_.header_timeout * 1000);
  const auto idle_ms = static_cast<std::int64_t>(options_.keep_alive * 1000);
  for (auto& slot : connections_) {
    if (!slot) continue;
    Connection& connection = *slot;
    if (connection.in_app) {
      // The app waits for a streamed body that the loop reads as it comes: held to --min-body-rate like any body.
      if (app_body_too_slow(connection, now)) {
        // As for a body the loop reads: 408, unless the app's response began (then the connection is cut).
        log_debug("refusing a request body that arrives slower than the minimum rate");
        if (connection.app_exchange->running)
          connection.app_exchange->running->body_refused(408);
        else
          close_connection(connection);
      } else if (app_output_stalled(connection)) {
        log_debug("closing a connection whose client stopped reading the app's response");
        close_connection(connection);
      }
      continue;
    }
    if (connection.in_pool) continue;  // its thread owns it; --timeout watches the request
    if (connection.lingering_until_ms != 0) {
      if (now > connection.lingering_until_ms) close_connection(connection);
      continue;
    }
    if (connection.waiting_to_write || connection.flush_pending) continue;  // an answer still has to go out
    if (connection.parser.head_in_progress()) {
      if (connection.head_started_ms == 0) connection.head_started_ms = now;
      if (now - connection.head_started_ms > header_ms) {
        log_debug("closing a connection whose request head took longer than the header timeout");
        reject(connection, 408);
      }
      continue;
    }
    connection.head_started_ms = 0;
    if (connection.parser.body_in_progress()) {
      if (connection.body_started_ms == 0) connection.body_started_ms = now;
      const std::int64_t elapsed = now - connection.body_started_ms;
      if (elapsed > header_ms && static_cast<double>(connection.parser.body_bytes()) <
                                     options_.min_body_rate * static_cast<double>(elapsed) / 1000.0) {
        log_debug("closing a connection whose request body arrives slower than the minimum rate");
        reject(connection, 408);
      }
      continue;
    }
    connection.body_started_ms = 0;
    if (draining_ || retiring_) {
      // A connection that has not sent its first request may be a client between connect() and send(): closing
      // it now would fail a request the client already began, so it gets a moment to send it.
      if (!connection.answered_once && now - connection.last_activity_ms <= first_request_grace_ms) continue;
      close_idle(connection, now);
    } else if (now - connection.last_activity_ms > idle_ms) {
      close_idle(connection, now);
    }
  }
}

void Worker::begin_drain() {
  if (draining_) return;
  draining_ = true;
  // Connections the kernel already completed are clients that believe they are connected: they are taken and
  // answered (with Connection: close) rather than left in the backlog to be reset when the listener closes.
  for (std::size_t i = 0; i < setup_.listeners->size() && !accepting_paused_; ++i) accept_connections(i);
  stop_accepting_for_good();
  // An ASGI response that streams may never end by itself (server-sent events): its app hears http.disconnect.
  for (const auto& slot : connections_)
    if (slot && slot->in_app && slot->app_exchange && slot->app_exchange->running)
      slot->app_exchange->running->server_stopping();
  sweep(monotonic_ms());  // idle keep-alive connections go at once
}

void Worker::on_signal() {
  signalfd_siginfo info{};
  while (::read(signal_fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    switch (info.ssi_signo) {
      case SIGTERM:
        if (killed_at_ms_ == 0)
          killed_at_ms_ = monotonic_ms() + static_cast<std::int64_t>(options_.graceful_timeout * 1000);
        begin_drain();
        break;
      case SIGINT:
      case SIGQUIT:
        killed_at_ms_ = killed_at_ms_ == 0 ? monotonic_ms() + 1000 : std::min(killed_at_ms_, monotonic_ms() + 1000);
        stop_now_ = true;
        break;
      default: break;
    }
  }
}

int Worker::run() {
  epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  sigset_t signals;
  sigemptyset(&signals);
  for (const int number : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGTTIN, SIGTTOU, SIGUSR1, SIGCHLD})
    sigaddset(&signals, number);
  ::sigprocmask(SIG_BLOCK, &signals, nullptr);
  signal_fd_.reset(::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!epoll_ || !signal_fd_) {
    log_error(std::string("worker setup failed: ") + std::strerror(errno));
    return 1;
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = signal_tag;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, signal_fd_.get(), &event);
  WorkerSlot& slot = *setup_.slot;
  slot.requests_in_flight.store(0);
  // An ASGI app's lifespan startup runs before the worker accepts or reports ready.
  if (setup_.asgi_app != nullptr) return run_asyncio();
  watch_listeners();
  if (options_.threads > 1 && !start_threads()) return 1;
  slot.heartbeat_ms.store(monotonic_ms());
  slot.ready.store(1);

  python::release_gil();
  event_loop();
  // After a drain every thread is idle; after a fast stop some may still be inside the app.
  if (pool_) threads_returned_ = pool_->stop(stop_now_ ? 0 : 1000);
  python::acquire_gil();
  return 0;
}

int Worker::serve_connection(UniqueFd socket, const Peer& peer) {
  epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) {
    log_error(std::string("in-process connection setup failed: ") + std::strerror(errno));
    return 1;
  }
  Connection* connection = adopt(std::move(socket), 0);
  if (connection == nullptr) return 1;
  connection->peer_address = peer.address;
  connection->peer_port = peer.port;
  connection->unix_socket = peer.unix_socket;
  connection->trusted = peer.trusted;
  serving_one_ = true;
  const bool held = python::holds_gil();
  if (held) python::release_gil();
  event_loop();
  if (held) python::acquire_gil();
  return 0;
}

void Worker::event_loop() {
  epoll_event events[128];
  next_sweep_ms_ = monotonic_ms() + 250;
  while (!loop_finished()) {
    const int count = ::epoll_wait(epoll_.get(), events, 128, 250);
    run_round({events, static_cast<std::size_t>(count > 0 ? count : 0)});
  }
}

// One round of events, whoever waited for them (event_loop(), or the ASGI loop's selector): listeners, signals,
// the pool, connections; then the answers sent, the heartbeat, and the sweep every 250 ms. Events of fds the
// asyncio loop registered are its selector's.
void Worker::run_round(std::span<const epoll_event> events) {
  // An ASGI worker is busy from here until its selector waits again (--timeout watches for a blocked loop).
  if (setup_.asgi_app != nullptr) setup_.slot->request_started_ms.store(monotonic_ms());
  in_event_round_ = true;
  for (const epoll_event& event : events) {
    if (stop_now_) break;
    const std::uint64_t tag = event.data.u64;
    if (tag == signal_tag) {
      on_signal();
    } else if (tag == pool_tag) {
      on_requests_done();
    } else if ((tag & listener_tag) != 0) {
      if (!draining_ && !retiring_) accept_connections(static_cast<std::size_t>(tag & ~listener_tag));
    } else if (tag < connections_.size() && connections_[tag]) {
      on_event(*connections_[tag], event.events);
    }
  }
  in_event_round_ = false;
  flush_answered();
  const std::int64_t now = monotonic_ms();
  setup_.slot->heartbeat_ms.store(now);
  if (now >= next_sweep_ms_) {
    sweep(now);
    next_sweep_ms_ = now + 250;
  }
}

bool Worker::loop_finished() const { return stop_now_ || ((draining_ || serving_one_) && open_connections_ == 0); }

}  // namespace worker_loop

int serve_connection(const WorkerSetup& setup, UniqueFd socket, const Peer& peer) {
  worker_loop::Worker worker(setup);
  return worker.serve_connection(std::move(socket), peer);
}

int run_worker(const WorkerSetup& setup) {
  auto worker = std::make_unique<worker_loop::Worker>(setup);
  const int status = worker->run();
  // Threads still inside a request (a fast stop) use the worker until the process exits: leave it alive.
  if (!worker->threads_returned()) static_cast<void>(worker.release());
  return status;
}

}  // namespace deployctl::gateway::server
