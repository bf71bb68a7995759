// An ASGI worker: the loop is asyncio's (a SelectorEventLoop on the worker's own epoll set through
// asgi/selector), and a request is an exchange that completes later. While the app answers, its connection is
// marked in_app: nothing pipelined behind is parsed, and only a hang-up, the body the app waits for, or room for the
// response bytes queued for a slow reader (QueuedTransport) is watched, until the app ends the response
// (AppExchange::completed) and the client has taken it, which is finished before the loop's next wait.
#include "python/py_ref.hpp"  // Python.h first

#include <sys/epoll.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "gateway/asgi/first_step.hpp"
#include "gateway/asgi/lifespan.hpp"
#include "gateway/asgi/loop_turn.hpp"
#include "gateway/asgi/selector.hpp"
#include "gateway/asgi/task_registry.hpp"
#include "gateway/server/error_log.hpp"
#include "gateway/server/worker_loop.hpp"
#include "python/errors.hpp"

namespace deployctl::gateway::server::worker_loop {

using python::PyRef;

void AppExchange::completed() {
  done = true;
  if (!starting) worker.app_completed(connection);
}

void AppExchange::wait_for_body() { worker.app_wants_body(connection); }

void AppExchange::wait_for_drain() { worker.app_wants_drain(connection); }

// The response's bytes queue up (the client reads slower than the app sends): the socket's writability is
// watched until they are gone (answer_later watches it for what queued while the app started).
void AppExchange::backlogged(void* self) {
  AppExchange& exchange = *static_cast<AppExchange*>(self);
  if (exchange.connection.in_app) exchange.worker.watch_app(exchange.connection);
}

void Worker::app_completed(Connection& connection) { apps_done_.push_back(connection.fd.get()); }

void Worker::app_wants_body(Connection& connection) {
  AppExchange& exchange = *connection.app_exchange;
  if (exchange.waiting_for_body) return;
  exchange.waiting_for_body = true;
  if (connection.body_started_ms == 0) connection.body_started_ms = monotonic_ms();
  if (connection.in_app) watch_app(connection);
}

void Worker::app_wants_drain(Connection& connection) {
  connection.app_exchange->waiting_for_drain = true;
  if (connection.in_app) watch_app(connection);
}

// What an in_app connection waits for: a hang-up until the response ended (a client that half-closed after its
// request still gets the rest of an ended one), input while the app waits for body bytes, writability while the
// client has not taken the whole response.
void Worker::watch_app(Connection& connection) {
  const AppExchange& exchange = *connection.app_exchange;
  std::uint32_t events = exchange.done ? 0u : static_cast<std::uint32_t>(EPOLLRDHUP);
  if (exchange.waiting_for_body) events |= EPOLLIN;
  if (exchange.transport.queued() > 0) events |= EPOLLOUT;
  watch(connection, events);
}

bool Worker::app_output_stalled(const Connection& connection) const {
  if (!connection.app_exchange || connection.app_exchange->transport.queued() == 0) return false;
  const auto still = std::chrono::steady_clock::now() - connection.app_exchange->transport.last_progress();
  return still > std::chrono::duration<double>(transport_stall_s_);
}

bool Worker::app_body_too_slow(const Connection& connection, std::int64_t now) const {
  if (!connection.app_exchange || !connection.app_exchange->waiting_for_body || connection.app_exchange->done)
    return false;
  const std::uint64_t received = connection.parser.body_bytes();
  const std::int64_t elapsed = now - connection.body_started_ms;
  return elapsed > static_cast<std::int64_t>(options_.header_timeout * 1000) &&
         static_cast<double>(received) < options_.min_body_rate * static_cast<double>(elapsed) / 1000.0;
}

// The worker's loop as asyncio's: run_forever() until a round finds the worker finished (TERM drained, or INT).
// The GIL stays with this thread; the selector releases it around each wait.
int Worker::run_asyncio() {
  next_sweep_ms_ = monotonic_ms() + 250;
  PyRef selector = asgi::make_selector(*this);
  PyRef asyncio(selector ? PyImport_ImportModule("asyncio") : nullptr);
  PyRef loop(asyncio ? PyObject_CallMethod(asyncio.get(), "SelectorEventLoop", "O", selector.get()) : nullptr);
  const bool captures = loop && asgi::capture_first_steps(loop.get()) && asgi::register_tasks_natively();
  PyRef installed(captures ? PyObject_CallMethod(asyncio.get(), "set_event_loop", "O", loop.get()) : nullptr);
  if (!installed) {
    log_error("cannot start the worker's asyncio loop: " + python::take_error());
    return 1;
  }
  if (!asgi::serve_loop(selector.get(), loop.get()) || !asgi::install_native_turn(loop.get())) {
    log_error("cannot start the worker's asyncio loop: " + python::take_error());
    return 1;
  }
  // --timeout watches the loop: busy from each wake-up until it waits again, and the app step it runs names the
  // request that blocks it.
  setup_.asgi_app->observe_steps(
      [](void* slot, std::string_view line) { publish_request_text(*static_cast<WorkerSlot*>(slot), line); },
      setup_.slot);
  std::unique_ptr<asgi::Lifespan> lifespan;
  if (options_.lifespan != asgi::LifespanMode::off) {
    auto started =
        asgi::Lifespan::start(loop.get(), setup_.asgi_app->callable(), setup_.asgi_app->interface(), options_.lifespan);
    if (!started) {
      // Asked to stop (TERM, TTOU, the master stopping) while the startup ran: the selector stopped the loop under
      // it. Nothing failed, and a boot error would be logged with a traceback on every stop soon after a reload.
      if (loop_finished()) return 0;
      log_error(started.error().message);
      return worker_boot_error;
    }
    lifespan = std::move(*started);
    if (lifespan) setup_.asgi_app->share_state(lifespan->state());
  }
  watch_listeners();
  setup_.slot->heartbeat_ms.store(monotonic_ms());
  setup_.slot->ready.store(1);
  PyRef ran(PyObject_CallMethod(loop.get(), "run_forever", nullptr));
  if (!ran) log_error("the worker's asyncio loop failed: " + python::take_error());
  if (lifespan) {
    // The shutdown gets what the master's grace leaves, less a margin to log and exit: cut short, it is said in the
    // log instead of ended by SIGKILL in silence. A worker leaving by itself (--max-requests) has the whole grace.
    constexpr std::int64_t exit_margin_ms = 250;
    const std::int64_t left_ms = killed_at_ms_ == 0 ? static_cast<std::int64_t>(options_.graceful_timeout * 1000)
                                                    : killed_at_ms_ - monotonic_ms() - exit_margin_ms;
    lifespan->stop(loop.get(), static_cast<double>(std::max<std::int64_t>(left_ms, 0)) / 1000);
  }
  return ran ? 0 : 1;
}

// Starts the connection's current request: static files answer at once; the app answers now (its coroutine ran to
// the end of the response without suspending) or later, with the connection in_app meanwhile.
void Worker::answer_later(Connection& connection) {
  // What was answered before on this connection goes out first: the app writes the buffer from here on.
  if (!connection.out.empty()) {
    const auto index = static_cast<std::size_t>(connection.fd.get());
    flush(connection);
    if (!still_open(index, &connection) || connection.waiting_to_write) return;  // flush() calls process() again
  }
  connection.flush_pending = false;
  const http::Request& request = connection.parser.request();
  auto owned = std::make_unique<AppExchange>(*this, connection, connection.fd.get());
  AppExchange& exchange = *owned;
  connection.app_exchange = std::move(owned);
  exchange.wall_start = std::chrono::system_clock::now();
  exchange.start = std::chrono::steady_clock::now();
  exchange.peer = peer_of(connection);
  app::RequestBody* body = nullptr;
  if (request.body.streamed)
    body = &exchange.body.emplace(
        connection.fd.get(), connection.parser, body_pace(),
        continue_sender(connection, exchange.transport, request.expect_continue), [] {}, true);
  exchange.starting = true;
  const std::optional<Outcome> now = handler_.begin(request, body, exchange.peer, draining_ || retiring_,
                                                    connection.out, exchange.transport, exchange.held, &exchange);
  if (now) {
    exchange.starting = false;
    exchange.known = *now;
    end_app(connection);
    return;
  }
  if (const auto upgrade = request.header("Upgrade"); upgrade && http::equals_ignore_case(*upgrade, "websocket")) {
    // WebSockets come with issue 15; until then the upgrade is refused with the reason (uvicorn without a
    // WebSocket implementation answers 400 too), and the app never sees an http scope it would misread.
    exchange.starting = false;
    static constexpr std::string_view reason =
        "WebSocket upgrades are not served yet: deployctl serve passes only HTTP requests to ASGI apps.\n";
    const http::Header headers[] = {{"Content-Type", "text/plain; charset=utf-8"}};
    app::ResponseSink& sink = exchange.held.exchange->response;
    if (sink.begin({400, "400 Bad Request", headers, reason.size()})) {
      sink.write(reason);
      sink.end(false);
    } else {
      sink.begin_error();
      sink.end(false);
    }
    end_app(connection);
    return;
  }
  exchange.running = setup_.asgi_app->start(*exchange.held.exchange);
  exchange.starting = false;
  if (exchange.done) {
    end_app(connection);
    return;
  }
  connection.in_app = true;
  watch_app(connection);
}

// The response ended while it started: finished now, or once the client has taken what is still queued (the
// connection stays in_app meanwhile, so nothing behind it is answered out of order).
void Worker::end_app(Connection& connection) {
  AppExchange& exchange = *connection.app_exchange;
  if (exchange.transport.queued() == 0) {
    finish_app(connection, exchange.known);
    return;
  }
  exchange.done = true;
  connection.in_app = true;
  watch_app(connection);
}

// The response ended (`known`: a handler's outcome, else the sink's): counted and logged as every response is, and
// the connection is the loop's again.
void Worker::finish_app(Connection& connection, std::optional<Outcome> known) {
  AppExchange& exchange = *connection.app_exchange;
  Outcome outcome;
  if (known) {
    outcome = *known;  // a refusal before the sink was made (contradictory proxy headers) has none
  } else {
    const ResponseWriter& writer = *exchange.held.writer;
    outcome = {writer.status(), writer.body_bytes(), writer.keep_alive() && !writer.failed()};
  }
  if (exchange.body && exchange.body->left() > 0 && !exchange.body->skip_arrived()) {
    outcome.keep_alive = false;  // a body left unread on the connection cannot be skipped without reading it
    connection.drain_before_close = true;
  }
  const auto duration_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - exchange.start).count();
  account(connection, outcome, exchange.wall_start, duration_us);
  if (connection.in_app) {
    connection.in_app = false;
    watch(connection, EPOLLIN | EPOLLRDHUP);
  }
  connection.last_activity_ms = monotonic_ms();
  connection.body_started_ms = 0;
  connection.app_exchange.reset();
}

// While the app answers: the socket takes more of the queued response (a send() waiting below the low-water mark
// resumes; a response that ended is finished once all is taken), body bytes the app waits for, else a hang-up
// (the app is told: http.disconnect, and the connection is closed).
void Worker::on_app_event(Connection& connection, std::uint32_t events) {
  AppExchange& exchange = *connection.app_exchange;
  if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0 && exchange.transport.queued() > 0) {
    if (!exchange.transport.drain()) {
      log_debug("the client closed its connection before it had the app's whole response");
      close_connection(connection);
      return;
    }
    if (exchange.waiting_for_drain && exchange.transport.queued() < QueuedTransport::low_water) {
      exchange.waiting_for_drain = false;
      if (exchange.running) exchange.running->drained();
    }
    if (exchange.transport.queued() == 0) {
      if (exchange.done) apps_done_.push_back(connection.fd.get());
      watch_app(connection);
    }
  }
  if (exchange.done || (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) == 0) return;
  if (exchange.waiting_for_body && exchange.running) {
    if (exchange.running->body_readable()) return;
    exchange.waiting_for_body = false;
    if (connection.in_app) watch_app(connection);
    return;
  }
  log_debug("the client closed its connection before the app's response ended");
  connection.close_after_flush = true;
  close_connection(connection);
}

bool Worker::before_wait() {
  const bool scheduled = finish_apps();
  setup_.slot->request_started_ms.store(0);  // waiting: not stuck
  return scheduled;
}

// The exchanges whose app ended its response during the loop's callbacks; true when any was, since continuing
// their connections may have scheduled Python work.
bool Worker::finish_apps() {
  if (apps_done_.empty()) return false;
  std::vector<int> done;
  done.swap(apps_done_);
  for (const int fd : done) {
    const auto index = static_cast<std::size_t>(fd);
    if (index >= connections_.size() || !connections_[index]) continue;
    Connection& connection = *connections_[index];
    if (!connection.in_app || !connection.app_exchange || !connection.app_exchange->done) continue;
    if (connection.app_exchange->transport.queued() > 0) {
      watch_app(connection);  // finished when the client has taken the rest (on_app_event)
      continue;
    }
    finish_app(connection, connection.app_exchange->known);
    if (!connection.close_after_flush) connection.parser.next();
    process(connection);  // the response's tail, then requests pipelined behind it
    if (still_open(index, &connection) && !connection.in_app) charge_memory(connection);
  }
  return true;
}

int Worker::wait_limit_ms() {
  const std::int64_t left = next_sweep_ms_ - monotonic_ms();
  return static_cast<int>(left < 0 ? 0 : left > 250 ? 250 : left);
}

}  // namespace deployctl::gateway::server::worker_loop
