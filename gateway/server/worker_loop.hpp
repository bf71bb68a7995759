// The worker's event loop, shared by the files that implement it by job: worker.cpp (the loop: accepting,
// reading, parsing, writing, closing, timeouts, signals), worker_answer.cpp (answering one request: the handler, a
// streamed body, 100 Continue, accounting), worker_room.cpp (the connection cap's eviction and the request-memory
// budget), worker_threads.cpp (the hand-off to pool threads under --threads). Internal to gateway/server.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "core/unique_fd.hpp"
#include "gateway/asgi/asgi_app.hpp"
#include "gateway/asgi/loop_owner.hpp"
#include "gateway/http/request_parser.hpp"
#include "gateway/server/in_flight.hpp"
#include "gateway/server/queued_transport.hpp"
#include "gateway/server/request_handler.hpp"
#include "gateway/server/socket_body_source.hpp"
#include "gateway/server/thread_pool.hpp"
#include "gateway/server/worker.hpp"

namespace deployctl::gateway::server::worker_loop {

// What an epoll event is for: a listener (its index below), the signalfd, the thread pool, an fd the ASGI app's
// asyncio loop registered (asgi::python_fd_tag); else a connection's fd.
inline constexpr std::uint64_t listener_tag = 1ull << 62;
inline constexpr std::uint64_t signal_tag = 1ull << 61;
inline constexpr std::uint64_t pool_tag = 1ull << 60;

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

// An ASGI request on its connection while the app answers it (worker_asgi.cpp): the exchange's parts, kept until
// the response ends, as a pool thread keeps them under --threads.
struct AppExchange final : app::Completion {
  AppExchange(Worker& owner, Connection& on, int fd)
      : worker(owner), connection(on), transport(fd, &AppExchange::backlogged, this) {}
  static void backlogged(void* exchange);
  void completed() override;
  void wait_for_body() override;
  bool congested() const override { return transport.queued() > QueuedTransport::high_water; }
  void wait_for_drain() override;

  Worker& worker;
  Connection& connection;
  QueuedTransport transport;  // what the client has not taken yet waits here, never the loop
  std::optional<SocketBodySource> body;
  Peer peer;
  HeldExchange held;
  std::unique_ptr<asgi::RunningCall> running;  // null once the response ended
  std::optional<Outcome> known;                // the outcome of a response a handler ended (static files)
  std::chrono::system_clock::time_point wall_start;
  std::chrono::steady_clock::time_point start;
  bool starting = false;           // inside AsgiApp::start(): completion is seen when it returns
  bool done = false;               // the response ended
  bool waiting_for_body = false;   // a receive() waits for the streamed body: the connection is watched for input
  bool waiting_for_drain = false;  // a send() waits for the client to take the queued response
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
  // An ASGI app is answering its request (or the client has not taken all of its response yet): only a hang-up
  // (EPOLLRDHUP), the body the app waits for, and writability while response bytes are queued are watched.
  bool in_app = false;
  bool answered_once = false;      // a keep-alive connection: idle between requests once it has had an answer
  std::size_t memory_charged = 0;  // its parser's memory_held() as last counted in Worker::request_memory_
  RequestJob job;
  std::unique_ptr<AppExchange> app_exchange;  // while in_app

  explicit Connection(const http::Limits& limits) : parser(limits) {}
};

// What is read and dropped from a connection after our FIN (an early answer's unread body, a closed idle
// connection's late request) before it is closed outright: enough for the client to see the response.
inline constexpr std::size_t linger_limit = 1024 * 1024;

// How long a draining or retiring worker waits for the first request of a connection it accepted (one sent just
// after connect()) before closing it as idle.
inline constexpr std::int64_t first_request_grace_ms = 1000;

class Worker final : public asgi::LoopOwner {
 public:
  explicit Worker(const WorkerSetup& setup)
      : setup_(setup),
        options_(*setup.options),
        limits_(worker_limits(options_, setup.asgi_app != nullptr)),
        handler_(make_handlers(setup.app, setup.statics), *setup.trust),
        transport_stall_s_(options_.timeout > 0 ? options_.timeout : 30) {
    if (options_.max_requests > 0) {
      std::random_device entropy;
      std::uniform_int_distribution<std::int64_t> jitter(0, std::max<std::int64_t>(0, options_.max_requests_jitter));
      request_budget_ = options_.max_requests + jitter(entropy);
    }
  }

  int run();
  // The in-process driver's run: `socket` (one end of a socketpair) as the only connection, from `peer` on the
  // setup's first listener, with no listener, signal or fork, until it closes. The caller's GIL is released
  // meanwhile.
  int serve_connection(UniqueFd socket, const Peer& peer);
  void run_on_thread(RequestJob& job, std::size_t thread);
  bool threads_returned() const { return threads_returned_; }
  void app_completed(Connection& connection);
  void app_wants_body(Connection& connection);
  void app_wants_drain(Connection& connection);
  void watch_app(Connection& connection);

  // asgi::LoopOwner: the asyncio loop's selector drives the same rounds as event_loop().
  int epoll_fd() const override { return epoll_.get(); }
  bool before_wait() override;
  int wait_limit_ms() override;
  void run_round(std::span<const epoll_event> events) override;
  bool loop_finished() const override;

 private:
  // What each pool thread answers with: the handler keeps per-request state, the app per-request objects.
  struct ThreadContext {
    ThreadContext(std::unique_ptr<wsgi::WsgiApp> own_app, wsgi::WsgiApp* app, const WorkerSetup& setup)
        : sibling(std::move(own_app)), handler(make_handlers(app, setup.statics), *setup.trust) {}
    std::unique_ptr<wsgi::WsgiApp> sibling;  // null for the first thread, which uses the worker's app
    RequestHandler handler;
  };

  // The parsers' limits in a worker: bodies streamed to the app (chunked ones too under ASGI, whose messages need
  // no length), and one spill budget for all its connections.
  static http::Limits worker_limits(const ServeOptions& options, bool asgi) {
    http::Limits limits = options.limits;
    limits.stream_bodies = true;
    limits.stream_chunked_bodies = asgi;
    // An ASGI app takes a body in messages: past one message (64 KiB) it is streamed rather than gathered here first.
    // Gathering a 1 MiB body cost a fresh 1 MiB buffer per request, its pages faulted in each time, then a copy of it
    // into a fresh 1 MiB bytes object: a 1 MiB upload ran at 0.56x uvicorn's rate (4x with streaming).
    if (asgi) limits.body_in_memory = std::min<std::size_t>(limits.body_in_memory, 64 * 1024);
    limits.spill_budget = std::make_shared<http::SpillBudget>(http::SpillBudget{options.worker_spill_limit, 0});
    return limits;
  }
  Outcome answer_with_body(Connection& connection, RequestHandler& handler, const Peer& peer, bool closing,
                           std::function<void()> on_body_progress);
  // The connection as a handler sees its peer, and the listener it came in on.
  Peer peer_of(const Connection& connection) const;
  // How a streamed body's reads are paced (--timeout, --header-timeout, --min-body-rate).
  BodyPace body_pace() const;
  // "100 Continue" for a request that expects it, sent after what the connection has buffered: a streamed
  // body's first read calls it, so an app that answers without reading never asks for the body.
  static std::function<void()> continue_sender(Connection& connection, Transport& transport, bool expect);
  void linger(Connection& connection, std::int64_t now);
  bool start_threads();
  void hand_to_thread(Connection& connection);
  void on_requests_done();
  void account(Connection& connection, const Outcome& outcome, std::chrono::system_clock::time_point wall_start,
               std::int64_t duration_us);
  void event_loop();
  int run_asyncio();
  void answer_later(Connection& connection);
  bool finish_apps();
  void finish_app(Connection& connection, std::optional<Outcome> known = std::nullopt);
  void on_app_event(Connection& connection, std::uint32_t events);
  void end_app(Connection& connection);
  bool app_output_stalled(const Connection& connection) const;
  bool app_body_too_slow(const Connection& connection, std::int64_t now) const;
  void stop_accepting_for_good();
  void watch_listeners();
  void accept_connections(std::size_t listener_index);
  Connection* adopt(UniqueFd socket, std::size_t listener_index);
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
  // When the master SIGKILLs this worker, stopping: --graceful-timeout after TERM, 1 s after INT or QUIT (0: not
  // stopping). What runs after the loop (ASGI lifespan shutdown) must end before it.
  std::int64_t killed_at_ms_ = 0;
  bool serving_one_ = false;  // the in-process driver: the loop ends when its connection closes
  std::int64_t requests_handled_ = 0;
  std::int64_t request_budget_ = 0;  // 0: no --max-requests
  std::string access_line_;
  // The connections answered during one round of epoll events, sent together at its end: the client wakes once
  // for the batch instead of once per response (on loopback, a send wakes the reader's CPU).
  bool in_event_round_ = false;
  std::vector<int> flush_pending_;
  std::int64_t next_sweep_ms_ = 0;
  // ASGI: connections whose app ended its response during the loop's callbacks, finished before the next wait.
  std::vector<int> apps_done_;
  // --threads N > 1 only.
  std::vector<std::unique_ptr<ThreadContext>> thread_contexts_;
  std::unique_ptr<InFlightBoard> in_flight_;
  std::unique_ptr<ThreadPool> pool_;
  std::vector<PoolJob*> finished_jobs_;
  std::atomic<bool> closing_{false};  // draining_ || retiring_, for the threads: answer with Connection: close
  bool threads_returned_ = true;
};

}  // namespace deployctl::gateway::server::worker_loop
