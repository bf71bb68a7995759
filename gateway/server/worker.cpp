// The per-worker event loop. Connections are read and written without blocking; a request is answered
// synchronously (the app holds the worker meanwhile, as in gunicorn's sync worker), and only a response too big
// for the output buffer waits on its socket. Bytes pipelined behind a request wait in the parser until its
// response is out.
#include "gateway/server/worker.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <random>

#include "gateway/server/error_log.hpp"
#include "gateway/http/response_head.hpp"
#include "gateway/server/request_handler.hpp"
#include "gateway/server/response_writer.hpp"
#include "gateway/wsgi/runtime.hpp"

namespace deployctl::gateway::server {

namespace {

constexpr std::uint64_t listener_tag = 1ull << 62;
constexpr std::uint64_t signal_tag = 1ull << 61;

struct Connection {
  int fd = -1;
  std::size_t listener = 0;
  http::RequestParser parser;
  std::string out;
  std::size_t out_sent = 0;
  std::string peer_address;
  std::string peer_port;
  bool unix_socket = false;
  bool close_after_flush = false;
  bool waiting_to_write = false;
  std::int64_t last_activity_ms = 0;
  std::int64_t head_started_ms = 0;
  std::int64_t body_started_ms = 0;
  std::int64_t lingering_until_ms = 0;  // non-zero: our FIN is sent, the client's bytes are read and dropped

  explicit Connection(const http::Limits& limits) : parser(limits) {}
};

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

class Worker {
 public:
  explicit Worker(const WorkerSetup& setup)
      : setup_(setup),
        options_(*setup.options),
        handler_(setup.app, setup.statics, *setup.trust, true),
        transport_stall_s_(options_.timeout > 0 ? options_.timeout : 30) {
    if (options_.max_requests > 0) {
      std::random_device entropy;
      std::uniform_int_distribution<std::int64_t> jitter(0, std::max<std::int64_t>(0, options_.max_requests_jitter));
      request_budget_ = options_.max_requests + jitter(entropy);
    }
  }

  int run();

 private:
  void accept_connections(std::size_t listener_index);
  void on_event(Connection& connection, std::uint32_t events);
  void read_from(Connection& connection);
  void process(Connection& connection);
  void answer(Connection& connection);
  void flush(Connection& connection);
  void close_connection(Connection& connection);
  void close_idle(Connection& connection, std::int64_t now);
  void reject(Connection& connection, int status);
  void sweep(std::int64_t now);
  void on_signal();
  void begin_drain();
  void watch(Connection& connection, std::uint32_t events);

  const WorkerSetup& setup_;
  const ServeOptions& options_;
  RequestHandler handler_;
  double transport_stall_s_;
  int epoll_ = -1;
  int signal_fd_ = -1;
  std::vector<std::unique_ptr<Connection>> connections_;  // indexed by fd
  std::size_t open_connections_ = 0;
  bool accepting_paused_ = false;
  bool draining_ = false;
  bool retiring_ = false;  // --max-requests reached: no new connections, the current ones close; TERM ends it
  bool stop_now_ = false;
  std::int64_t requests_handled_ = 0;
  std::int64_t request_budget_ = 0;  // 0: no --max-requests
  std::string access_line_;
};

void Worker::watch(Connection& connection, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = static_cast<std::uint64_t>(connection.fd);
  ::epoll_ctl(epoll_, EPOLL_CTL_MOD, connection.fd, &event);
}

void Worker::accept_connections(std::size_t listener_index) {
  const Listener& listener = (*setup_.listeners)[listener_index];
  while (open_connections_ < static_cast<std::size_t>(options_.worker_connections)) {
    sockaddr_storage address{};
    socklen_t size = sizeof address;
    const int fd = ::accept4(listener.fd, reinterpret_cast<sockaddr*>(&address), &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR) continue;
      return;  // EAGAIN (another worker took it), or a transient error such as EMFILE
    }
    if (!listener.unix_socket) {
      const int on = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    const auto index = static_cast<std::size_t>(fd);
    if (connections_.size() <= index) connections_.resize(index + 1);
    auto connection = std::make_unique<Connection>(options_.limits);
    connection->fd = fd;
    connection->listener = listener_index;
    connection->last_activity_ms = monotonic_ms();
    peer_strings(address, *connection);
    if (listener.unix_socket) connection->unix_socket = true;
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.u64 = static_cast<std::uint64_t>(fd);
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) {
      ::close(fd);
      continue;
    }
    connections_[index] = std::move(connection);
    ++open_connections_;
  }
  // At the cap: stop watching the listeners until a connection closes (other workers take the load).
  if (!accepting_paused_) {
    for (const Listener& each : *setup_.listeners) ::epoll_ctl(epoll_, EPOLL_CTL_DEL, each.fd, nullptr);
    accepting_paused_ = true;
  }
}

void Worker::close_connection(Connection& connection) {
  const int fd = connection.fd;
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  connections_[static_cast<std::size_t>(fd)].reset();
  --open_connections_;
  if (accepting_paused_ && !draining_ && !retiring_) {
    for (std::size_t i = 0; i < setup_.listeners->size(); ++i) {
      epoll_event event{};
      event.events = EPOLLIN | EPOLLEXCLUSIVE;
      event.data.u64 = listener_tag | i;
      ::epoll_ctl(epoll_, EPOLL_CTL_ADD, (*setup_.listeners)[i].fd, &event);
    }
    accepting_paused_ = false;
  }
}

void Worker::reject(Connection& connection, int status) {
  http::append_error_response(connection.out, status);
  connection.close_after_flush = true;
  flush(connection);
}

void Worker::flush(Connection& connection) {
  while (connection.out_sent < connection.out.size()) {
    const ssize_t sent = ::send(connection.fd, connection.out.data() + connection.out_sent,
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
    ::shutdown(connection.fd, SHUT_WR);
    close_connection(connection);
    return;
  }
  if (connection.waiting_to_write) {
    connection.waiting_to_write = false;
    watch(connection, EPOLLIN | EPOLLRDHUP);
    process(connection);  // requests pipelined behind the one just sent
  }
}

void Worker::answer(Connection& connection) {
  const http::Request& request = connection.parser.request();
  WorkerSlot& slot = *setup_.slot;
  const auto wall_start = std::chrono::system_clock::now();
  const auto start = std::chrono::steady_clock::now();
  // The request line for the master's timeout report, then the start mark it watches.
  std::snprintf(slot.request_line, sizeof slot.request_line, "%.*s %.*s HTTP/1.%d",
                static_cast<int>(request.method.size()), request.method.data(),
                static_cast<int>(std::min<std::size_t>(request.target.size(), 200)), request.target.data(),
                request.http_minor);
  slot.request_started_ms.store(monotonic_ms());

  const Listener& listener = (*setup_.listeners)[connection.listener];
  const Peer peer{connection.peer_address, connection.peer_port, connection.unix_socket, listener.server_name,
                  listener.server_port};
  SocketTransport transport(connection.fd, transport_stall_s_);
  const Outcome outcome = handler_.handle(request, peer, draining_ || retiring_, connection.out, transport);

  slot.request_started_ms.store(0);
  const auto duration_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
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
  ++requests_handled_;
  if (request_budget_ > 0 && requests_handled_ >= request_budget_ && slot.retire.load() == 0) {
    log_info("Autorestarting worker after current request.");
    slot.retire.store(1);
    ::kill(::getppid(), SIGUSR1);  // wakes the master to start the replacement now
    // The other workers (and soon the replacement) take new connections; this one closes its own.
    retiring_ = true;
    for (const Listener& each : *setup_.listeners) ::epoll_ctl(epoll_, EPOLL_CTL_DEL, each.fd, nullptr);
    accepting_paused_ = true;
  }
}

void Worker::process(Connection& connection) {
  http::ParseStatus status = connection.parser.status();
  while (!connection.close_after_flush && !connection.waiting_to_write) {
    if (status == http::ParseStatus::continue_expected) {
      connection.out += "HTTP/1.1 100 Continue\r\n\r\n";
      status = connection.parser.next();
      continue;
    }
    if (status == http::ParseStatus::rejected) {
      const http::Rejection& rejection = connection.parser.rejection();
      log_debug("rejected a request from " + connection.peer_address + ": " + std::string(rejection.reason));
      http::append_error_response(connection.out, rejection.status);
      connection.close_after_flush = true;
      break;
    }
    if (status != http::ParseStatus::request_ready) break;
    answer(connection);
    if (connection.close_after_flush) break;
    status = connection.parser.next();
    // Many pipelined responses: send what is buffered before answering more.
    if (connection.out.size() > ResponseWriter::flush_threshold) {
      flush(connection);
      return;
    }
  }
  flush(connection);
}

void Worker::read_from(Connection& connection) {
  char buffer[65536];
  const ssize_t got = ::recv(connection.fd, buffer, sizeof buffer, 0);
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
  connection.parser.feed({buffer, static_cast<std::size_t>(got)});
  process(connection);
}

// Closing an idle keep-alive connection races with a request the client may be sending on it. A request that
// already arrived is answered (with Connection: close when draining). Otherwise our FIN goes first and what the
// client still sends is read and dropped until it closes (or a second passes): a plain close() with unread bytes
// would make the kernel send a reset, which the client cannot tell from a crash, instead of the clean end of a
// keep-alive connection that HTTP clients retry on.
void Worker::close_idle(Connection& connection, std::int64_t now) {
  char buffer[65536];
  const ssize_t got = ::recv(connection.fd, buffer, sizeof buffer, MSG_DONTWAIT);
  if (got > 0) {
    connection.last_activity_ms = now;
    connection.parser.feed({buffer, static_cast<std::size_t>(got)});
    process(connection);
    return;
  }
  if (got == 0 || ::shutdown(connection.fd, SHUT_WR) != 0) {
    close_connection(connection);
    return;
  }
  connection.lingering_until_ms = now + 1000;
}

void Worker::on_event(Connection& connection, std::uint32_t events) {
  if (connection.lingering_until_ms != 0) {
    char buffer[65536];
    ssize_t got = 0;
    while ((got = ::recv(connection.fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0) {
    }
    if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) close_connection(connection);
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
    if (connection.lingering_until_ms != 0) {
      if (now > connection.lingering_until_ms) close_connection(connection);
      continue;
    }
    if (connection.waiting_to_write) continue;
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
    if (draining_ || retiring_ || now - connection.last_activity_ms > idle_ms) close_idle(connection, now);
  }
}

void Worker::begin_drain() {
  if (draining_) return;
  draining_ = true;
  for (const Listener& listener : *setup_.listeners) ::epoll_ctl(epoll_, EPOLL_CTL_DEL, listener.fd, nullptr);
  accepting_paused_ = true;
  sweep(monotonic_ms());  // idle keep-alive connections go at once
}

void Worker::on_signal() {
  signalfd_siginfo info{};
  while (::read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    switch (info.ssi_signo) {
      case SIGTERM:
        begin_drain();
        break;
      case SIGINT:
      case SIGQUIT:
        stop_now_ = true;
        break;
      default:
        break;
    }
  }
}

int Worker::run() {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  sigset_t signals;
  sigemptyset(&signals);
  for (const int number : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGTTIN, SIGTTOU, SIGUSR1, SIGCHLD})
    sigaddset(&signals, number);
  ::sigprocmask(SIG_BLOCK, &signals, nullptr);
  signal_fd_ = ::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
  if (epoll_ < 0 || signal_fd_ < 0) {
    log_error(std::string("worker setup failed: ") + std::strerror(errno));
    return 1;
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = signal_tag;
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, signal_fd_, &event);
  for (std::size_t i = 0; i < setup_.listeners->size(); ++i) {
    event.events = EPOLLIN | EPOLLEXCLUSIVE;
    event.data.u64 = listener_tag | i;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, (*setup_.listeners)[i].fd, &event);
  }
  WorkerSlot& slot = *setup_.slot;
  slot.heartbeat_ms.store(monotonic_ms());
  slot.ready.store(1);

  wsgi::release_gil();
  std::int64_t next_sweep = monotonic_ms() + 250;
  epoll_event events[128];
  while (!stop_now_) {
    const int count = ::epoll_wait(epoll_, events, 128, 250);
    for (int i = 0; i < count && !stop_now_; ++i) {
      const std::uint64_t tag = events[i].data.u64;
      if (tag == signal_tag) {
        on_signal();
      } else if ((tag & listener_tag) != 0) {
        if (!draining_ && !retiring_) accept_connections(static_cast<std::size_t>(tag & ~listener_tag));
      } else if (tag < connections_.size() && connections_[tag]) {
        on_event(*connections_[tag], events[i].events);
      }
    }
    const std::int64_t now = monotonic_ms();
    slot.heartbeat_ms.store(now);
    if (now >= next_sweep) {
      sweep(now);
      next_sweep = now + 250;
    }
    if (draining_ && open_connections_ == 0) break;
  }
  wsgi::acquire_gil();
  return 0;
}

}  // namespace

int run_worker(const WorkerSetup& setup) {
  Worker worker(setup);
  return worker.run();
}

}  // namespace deployctl::gateway::server
