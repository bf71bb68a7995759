// The per-worker event loop. Connections are read and written without blocking. With --threads 1 a request is
// answered synchronously (the app holds the worker meanwhile, as in gunicorn's sync worker); with --threads N it
// is handed to a pool thread, which owns the connection (its buffers and its socket, left out of epoll) until it
// hands it back through the pool's eventfd, as in gunicorn's gthread worker. Either way only a response too big
// for the output buffer waits on its socket, and bytes pipelined behind a request wait in the parser until its
// response is out: one request per connection at a time keeps the responses in order.
#include "gateway/server/worker.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <random>

#include "core/unique_fd.hpp"
#include "gateway/server/error_log.hpp"
#include "gateway/http/response_head.hpp"
#include "gateway/server/in_flight.hpp"
#include "gateway/server/request_handler.hpp"
#include "gateway/server/response_writer.hpp"
#include "gateway/server/socket_body_source.hpp"
#include "gateway/server/thread_pool.hpp"
#include "python/thread.hpp"
#include "python/errors.hpp"
#include "python/gil.hpp"
#include "python/interpreter.hpp"

namespace deployctl::gateway::server {

namespace {

constexpr std::uint64_t listener_tag = 1ull << 62;
constexpr std::uint64_t signal_tag = 1ull << 61;
constexpr std::uint64_t pool_tag = 1ull << 60;

class Worker;
struct Connection;

// A request handed to a pool thread, and what the thread brings back for the loop to log and count.
struct RequestJob final : PoolJob {
  Worker* worker = nullptr;
  Connection* connection = nullptr;
  Outcome outcome;
  std::chrono::system_clock::time_point wall_start;
  std::int64_t duration_us = 0;

  void run(std::size_t thread) override;
};

struct Connection {
  UniqueFd fd;  // the client's socket, closed with the connection
  std::size_t listener = 0;
  http::RequestParser parser;
  std::string out;
  std::size_t out_sent = 0;
  std::string peer_address;
  std::string peer_port;
  bool unix_socket = false;
  bool trusted = false;  // its X-Forwarded-* / Forwarded headers count (Peer::trusted)
  bool close_after_flush = false;
  bool waiting_to_write = false;
  bool flush_pending = false;  // answered during this round of events; sent when the round ends
  std::int64_t last_activity_ms = 0;
  std::int64_t head_started_ms = 0;
  std::int64_t body_started_ms = 0;
  std::int64_t lingering_until_ms = 0;  // non-zero: our FIN is sent, the client's bytes are read and dropped
  std::size_t lingering_bytes = 0;      // dropped so far (at most linger_limit, then it is closed)
  bool drain_before_close = false;      // answered with its body unread: linger rather than reset the client
  bool in_pool = false;  // a pool thread has its request: the loop leaves it alone (and out of epoll) meanwhile
  bool answered_once = false;  // a keep-alive connection: idle between requests once it has had an answer
  std::size_t memory_charged = 0;  // its parser's memory_held() as last counted in Worker::request_memory_
  RequestJob job;

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

// What is read and dropped from a connection after our FIN (an early answer's unread body, a closed idle
// connection's late request) before it is closed outright: enough for the client to see the response.
constexpr std::size_t linger_limit = 1024 * 1024;

class Worker {
 public:
  explicit Worker(const WorkerSetup& setup)
      : setup_(setup),
        options_(*setup.options),
        limits_(worker_limits(options_)),
        handler_(setup.app, setup.statics, *setup.trust, true),
        transport_stall_s_(options_.timeout > 0 ? options_.timeout : 30) {
    if (options_.max_requests > 0) {
      std::random_device entropy;
      std::uniform_int_distribution<std::int64_t> jitter(0, std::max<std::int64_t>(0, options_.max_requests_jitter));
      request_budget_ = options_.max_requests + jitter(entropy);
    }
  }

  int run();
  void run_on_thread(RequestJob& job, std::size_t thread);
  bool threads_returned() const { return threads_returned_; }

 private:
  // What each pool thread answers with: the handler keeps per-request state, the app per-request objects.
  struct ThreadContext {
    ThreadContext(std::unique_ptr<wsgi::WsgiApp> own_app, wsgi::WsgiApp* app, const WorkerSetup& setup)
        : sibling(std::move(own_app)), handler(app, setup.statics, *setup.trust, true) {}
    std::unique_ptr<wsgi::WsgiApp> sibling;  // null for the first thread, which uses the worker's app
    RequestHandler handler;
  };

  // The parsers' limits in a worker: bodies streamed to the app, and one spill budget for all its connections.
  static http::Limits worker_limits(const ServeOptions& options) {
    http::Limits limits = options.limits;
    limits.stream_bodies = true;
    limits.spill_budget = std::make_shared<http::SpillBudget>(http::SpillBudget{options.worker_spill_limit, 0});
    return limits;
  }
  Outcome answer_with_body(Connection& connection, RequestHandler& handler, const Peer& peer, bool closing,
                           std::function<void()> on_body_progress);
  void linger(Connection& connection, std::int64_t now);
  bool start_threads();
  void hand_to_thread(Connection& connection);
  void on_requests_done();
  void account(Connection& connection, const Outcome& outcome, std::chrono::system_clock::time_point wall_start,
               std::int64_t duration_us);
  void stop_accepting_for_good();
  void accept_connections(std::size_t listener_index);
  Connection* least_needed_connection();
  void make_room(Connection& connection);
  void charge_memory(Connection& connection);
  void enforce_memory_budget();
  bool still_open(std::size_t index, const Connection* connection) const;
  void on_event(Connection& connection, std::uint32_t events);
  void read_from(Connection& connection);
  void process(Connection& connection);
  void answer(Connection& connection);
  void flush(Connection& connection);
  void flush_soon(Connection& connection);
  void flush_answered();
  void close_connection(Connection& connection);
  void close_idle(Connection& connection, std::int64_t now);
  void reject(Connection& connection, int status);
  void log_rejection(const Connection& connection, int status);
  void sweep(std::int64_t now);
  void on_signal();
  void begin_drain();
  void watch(Connection& connection, std::uint32_t events);

  const WorkerSetup& setup_;
  const ServeOptions& options_;
  http::Limits limits_;
  RequestHandler handler_;
  double transport_stall_s_;
  UniqueFd epoll_;
  UniqueFd signal_fd_;
  std::vector<std::unique_ptr<Connection>> connections_;  // indexed by fd
  std::size_t open_connections_ = 0;
  std::size_t request_memory_ = 0;  // the sum of the connections' memory_charged (--worker-request-memory)
  bool accepting_paused_ = false;
  bool draining_ = false;
  bool retiring_ = false;  // --max-requests reached: no new connections, the current ones close; TERM ends it
  bool stop_now_ = false;
  std::int64_t requests_handled_ = 0;
  std::int64_t request_budget_ = 0;  // 0: no --max-requests
  std::string access_line_;
  // The connections answered during one round of epoll events, sent together at its end: the client wakes once
  // for the batch instead of once per response (on loopback, a send wakes the reader's CPU).
  bool in_event_round_ = false;
  std::vector<int> flush_pending_;
  // --threads N > 1 only.
  std::vector<std::unique_ptr<ThreadContext>> thread_contexts_;
  std::unique_ptr<InFlightBoard> in_flight_;
  std::unique_ptr<ThreadPool> pool_;
  std::vector<PoolJob*> finished_jobs_;
  std::atomic<bool> closing_{false};  // draining_ || retiring_, for the threads: answer with Connection: close
  bool threads_returned_ = true;
};

void RequestJob::run(std::size_t thread) { worker->run_on_thread(*this, thread); }

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
    const int fd = ::accept4(listener.fd, reinterpret_cast<sockaddr*>(&address), &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR) continue;
      return;  // EAGAIN (another worker took it), or a transient error such as EMFILE
    }
    if (victim != nullptr) make_room(*victim);
    if (!listener.unix_socket) {
      const int on = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    const auto index = static_cast<std::size_t>(fd);
    if (connections_.size() <= index) connections_.resize(index + 1);
    auto connection = std::make_unique<Connection>(limits_);
    connection->fd.reset(fd);
    connection->listener = listener_index;
    connection->job.worker = this;
    connection->job.connection = connection.get();
    connection->last_activity_ms = monotonic_ms();
    peer_strings(address, *connection);
    if (listener.unix_socket) connection->unix_socket = true;
    connection->trusted = connection->unix_socket || setup_.trust->trusts(connection->peer_address);
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.u64 = static_cast<std::uint64_t>(fd);
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) continue;  // `connection` closes it
    connections_[index] = std::move(connection);
    ++open_connections_;
  }
  // At the cap with every connection busy: stop watching the listeners until a connection closes (other workers
  // take the load).
  if (!accepting_paused_) {
    for (const Listener& each : *setup_.listeners) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, each.fd, nullptr);
    accepting_paused_ = true;
  }
}

// The connection a new client may replace at --worker-connections, as nginx reuses idle keep-alive connections:
// one already closing, else the idle one quiet for longest, else the unfinished request that sent nothing for
// longest (a slowloris or one-byte flood loses its oldest connections first; a client that is sending does not).
// Connections being answered are never chosen.
Connection* Worker::least_needed_connection() {
  Connection* idle = nullptr;
  Connection* unfinished = nullptr;
  for (const auto& slot : connections_) {
    if (!slot || slot->in_pool || slot->waiting_to_write || slot->flush_pending) continue;
    Connection& candidate = *slot;
    if (candidate.lingering_until_ms != 0) return &candidate;
    // A new connection whose first bytes are not read yet counts as unfinished: it is a client arriving.
    const bool waiting = candidate.parser.head_in_progress() || candidate.parser.body_in_progress();
    Connection*& best = waiting || !candidate.answered_once ? unfinished : idle;
    if (best == nullptr || candidate.last_activity_ms < best->last_activity_ms) best = &candidate;
  }
  return idle != nullptr ? idle : unfinished;
}

void Worker::make_room(Connection& connection) {
  if (connection.lingering_until_ms == 0) {
    if (connection.parser.head_in_progress() || connection.parser.body_in_progress()) {
      log_debug("at --worker-connections: dropping the unfinished request that sent nothing for longest");
      const auto index = static_cast<std::size_t>(connection.fd.get());
      reject(connection, 408);
      if (!still_open(index, &connection)) return;
    } else {
      ::shutdown(connection.fd.get(), SHUT_WR);  // idle, or nothing sent yet: it ends cleanly, as at --keep-alive
    }
  }
  close_connection(connection);
}

bool Worker::still_open(std::size_t index, const Connection* connection) const {
  return index < connections_.size() && connections_[index].get() == connection;
}

// The worker's memory for requests still arriving, kept by connection: after bytes arrive, and after a request.
void Worker::charge_memory(Connection& connection) {
  const std::size_t held = connection.parser.memory_held();
  request_memory_ = request_memory_ - connection.memory_charged + held;
  connection.memory_charged = held;
  if (request_memory_ > options_.worker_request_memory) enforce_memory_budget();
}

// Past --worker-request-memory the connections holding the most are refused until the total fits again: a flood
// of large unfinished heads or bodies loses its biggest members, a client with a small request is not touched.
// The refused connection's parser is replaced at once, so its memory is free even while the error response waits
// for the client to read it.
void Worker::enforce_memory_budget() {
  while (request_memory_ > options_.worker_request_memory) {
    Connection* largest = nullptr;
    for (const auto& slot : connections_) {
      if (!slot || slot->in_pool) continue;
      if (largest == nullptr || slot->memory_charged > largest->memory_charged) largest = slot.get();
    }
    if (largest == nullptr || largest->memory_charged == 0) return;
    Connection& connection = *largest;
    const int status = connection.parser.head_in_progress() ? 431 : connection.parser.body_in_progress() ? 413 : 0;
    if (status != 0) log_rejection(connection, status);
    log_debug("over --worker-request-memory: refusing the connection holding the most request memory");
    connection.parser = http::RequestParser(limits_);
    request_memory_ -= connection.memory_charged;
    connection.memory_charged = 0;
    if (status == 0 || connection.waiting_to_write) {
      close_connection(connection);
      continue;
    }
    http::append_error_response(connection.out, status);  // after any response answered before on it
    connection.close_after_flush = true;
    flush(connection);
  }
}

void Worker::close_connection(Connection& connection) {
  const int fd = connection.fd.get();
  request_memory_ -= connection.memory_charged;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  connections_[static_cast<std::size_t>(fd)].reset();  // closes the socket
  --open_connections_;
  if (accepting_paused_ && !draining_ && !retiring_) {
    for (std::size_t i = 0; i < setup_.listeners->size(); ++i) {
      epoll_event event{};
      event.events = EPOLLIN | EPOLLEXCLUSIVE;
      event.data.u64 = listener_tag | i;
      ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, (*setup_.listeners)[i].fd, &event);
    }
    accepting_paused_ = false;
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

void Worker::answer(Connection& connection) {
  const http::Request& request = connection.parser.request();
  WorkerSlot& slot = *setup_.slot;
  const auto wall_start = std::chrono::system_clock::now();
  const auto start = std::chrono::steady_clock::now();
  // The request line for the master's timeout report, then the start mark it watches.
  publish_request_line(slot, request.method, request.target, request.http_minor);
  slot.request_started_ms.store(monotonic_ms());

  const Listener& listener = (*setup_.listeners)[connection.listener];
  const Peer peer{connection.peer_address, connection.peer_port, connection.unix_socket, connection.trusted,
                  listener.server_name, listener.server_port};
  const Outcome outcome = answer_with_body(connection, handler_, peer, draining_ || retiring_,
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
  const bool streamed = connection.parser.body_left() > 0;
  const auto send_continue = [&connection, &transport, expect = request.expect_continue] {
    if (!expect) return;
    connection.out += "HTTP/1.1 100 Continue\r\n\r\n";
    if (transport.write(connection.out)) connection.out.clear();
  };
  SocketBodySource body(connection.fd.get(), connection.parser,
                        {transport_stall_s_, options_.header_timeout, options_.min_body_rate}, send_continue,
                        std::move(on_body_progress));
  if (streamed) connection.parser.set_body_source(&body);
  Outcome outcome = handler.handle(request, peer, closing, connection.out, transport);
  if (streamed) {
    connection.parser.set_body_source(nullptr);
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

void Worker::stop_accepting_for_good() {
  closing_.store(true);
  for (const Listener& each : *setup_.listeners) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, each.fd, nullptr);
  accepting_paused_ = true;
}

// On a pool thread, which owns `job.connection` until the loop takes the job back.
void Worker::run_on_thread(RequestJob& job, std::size_t thread) {
  Connection& connection = *job.connection;
  const http::Request& request = connection.parser.request();
  job.wall_start = std::chrono::system_clock::now();
  const auto start = std::chrono::steady_clock::now();
  in_flight_->begin(thread, monotonic_ms(), request);
  const Listener& listener = (*setup_.listeners)[connection.listener];
  const Peer peer{connection.peer_address, connection.peer_port, connection.unix_socket, connection.trusted,
                  listener.server_name, listener.server_port};
  job.outcome = answer_with_body(connection, thread_contexts_[thread]->handler, peer, closing_.load(),
                                 [this, thread] { in_flight_->progress(thread, monotonic_ms()); });
  in_flight_->end(thread);
  job.duration_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
}

void Worker::hand_to_thread(Connection& connection) {
  // What was answered before on this connection goes out first: this request may take a while.
  if (!connection.out.empty()) {
    const auto index = static_cast<std::size_t>(connection.fd.get());
    flush(connection);
    if (!connections_[index] || connection.waiting_to_write) return;  // closed, or flush() calls process() again
  }
  connection.flush_pending = false;  // nothing left to send, and the thread owns the buffers from here on
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, connection.fd.get(), nullptr);
  connection.in_pool = true;
  pool_->submit(connection.job);
}

void Worker::on_requests_done() {
  finished_jobs_.clear();
  pool_->take_finished(finished_jobs_);
  const std::int64_t now = monotonic_ms();
  for (PoolJob* finished : finished_jobs_) {
    auto& job = static_cast<RequestJob&>(*finished);
    Connection& connection = *job.connection;
    connection.in_pool = false;
    connection.last_activity_ms = now;
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.u64 = static_cast<std::uint64_t>(connection.fd.get());
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, connection.fd.get(), &event);
    account(connection, job.outcome, job.wall_start, job.duration_us);
    if (!connection.close_after_flush) connection.parser.next();
    const auto index = static_cast<std::size_t>(connection.fd.get());
    process(connection);  // the response's tail, then requests pipelined behind it
    if (still_open(index, &connection) && !connection.in_pool) charge_memory(connection);
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
      reject(connection, rejection.status);  // flushes, and may close the connection: nothing more to do here
      return;
    }
    if (status != http::ParseStatus::request_ready) break;
    if (pool_) {
      hand_to_thread(connection);
      return;
    }
    answer(connection);
    if (connection.close_after_flush) break;
    status = connection.parser.next();
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
    if (connection.in_pool) continue;  // a thread owns its buffers (hand_to_thread sent what was pending)
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
  if (still_open(index, &connection) && !connection.in_pool) charge_memory(connection);
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
    if (draining_ || retiring_ || now - connection.last_activity_ms > idle_ms) close_idle(connection, now);
  }
}

void Worker::begin_drain() {
  if (draining_) return;
  draining_ = true;
  stop_accepting_for_good();
  sweep(monotonic_ms());  // idle keep-alive connections go at once
}

void Worker::on_signal() {
  signalfd_siginfo info{};
  while (::read(signal_fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
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
  for (std::size_t i = 0; i < setup_.listeners->size(); ++i) {
    event.events = EPOLLIN | EPOLLEXCLUSIVE;
    event.data.u64 = listener_tag | i;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, (*setup_.listeners)[i].fd, &event);
  }
  WorkerSlot& slot = *setup_.slot;
  slot.requests_in_flight.store(0);
  if (options_.threads > 1 && !start_threads()) return 1;
  slot.heartbeat_ms.store(monotonic_ms());
  slot.ready.store(1);

  python::release_gil();
  std::int64_t next_sweep = monotonic_ms() + 250;
  epoll_event events[128];
  while (!stop_now_) {
    const int count = ::epoll_wait(epoll_.get(), events, 128, 250);
    in_event_round_ = true;
    for (int i = 0; i < count && !stop_now_; ++i) {
      const std::uint64_t tag = events[i].data.u64;
      if (tag == signal_tag) {
        on_signal();
      } else if (tag == pool_tag) {
        on_requests_done();
      } else if ((tag & listener_tag) != 0) {
        if (!draining_ && !retiring_) accept_connections(static_cast<std::size_t>(tag & ~listener_tag));
      } else if (tag < connections_.size() && connections_[tag]) {
        on_event(*connections_[tag], events[i].events);
      }
    }
    in_event_round_ = false;
    flush_answered();
    const std::int64_t now = monotonic_ms();
    slot.heartbeat_ms.store(now);
    if (now >= next_sweep) {
      sweep(now);
      next_sweep = now + 250;
    }
    if (draining_ && open_connections_ == 0) break;
  }
  // After a drain every thread is idle; after a fast stop some may still be inside the app.
  if (pool_) threads_returned_ = pool_->stop(stop_now_ ? 0 : 1000);
  python::acquire_gil();
  return 0;
}

// With the GIL held, before the loop: each thread gets its own handler and app objects, then starts.
bool Worker::start_threads() {
  const auto count = static_cast<std::size_t>(options_.threads);
  for (std::size_t index = 0; index < count; ++index) {
    std::unique_ptr<wsgi::WsgiApp> own;
    if (index > 0 && setup_.app != nullptr) {
      own = setup_.app->sibling();
      if (!own) return false;
    }
    wsgi::WsgiApp* app = own ? own.get() : setup_.app;
    thread_contexts_.push_back(std::make_unique<ThreadContext>(std::move(own), app, setup_));
  }
  in_flight_ = std::make_unique<InFlightBoard>(*setup_.slot, count);
  auto pool = ThreadPool::create();
  if (!pool) {
    log_error(pool.error().message);
    return false;
  }
  pool_ = std::move(*pool);
  if (auto started = pool_->start(count, "deployctl-thread", python::start_python_thread); !started) {
    log_error(started.error().message);
    threads_returned_ = pool_->stop(1000);
    return false;
  }
  threads_returned_ = false;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = pool_tag;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, pool_->ready_fd(), &event) != 0) {
    log_error(std::string("cannot watch the thread pool: ") + std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace

int run_worker(const WorkerSetup& setup) {
  auto worker = std::make_unique<Worker>(setup);
  const int status = worker->run();
  // Threads still inside a request (a fast stop) use the worker until the process exits: leave it alive.
  if (!worker->threads_returned()) static_cast<void>(worker.release());
  return status;
}

}  // namespace deployctl::gateway::server
