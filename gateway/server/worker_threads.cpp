// --threads N: a ready request goes to a pool thread with its connection, and comes back through the pool's
// eventfd to be counted, logged and continued on the loop.
#include "gateway/server/worker_loop.hpp"

#include <sys/epoll.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "gateway/server/error_log.hpp"
#include "gateway/server/shared_state.hpp"
#include "python/thread.hpp"

namespace deployctl::gateway::server::worker_loop {

void RequestJob::run(std::size_t thread) { worker->run_on_thread(*this, thread); }

// On a pool thread, which owns `job.connection` until the loop takes the job back.
void Worker::run_on_thread(RequestJob& job, std::size_t thread) {
  Connection& connection = *job.connection;
  const http::Request& request = connection.parser.request();
  job.wall_start = std::chrono::system_clock::now();
  const auto start = std::chrono::steady_clock::now();
  in_flight_->begin(thread, monotonic_ms(), request);
  job.outcome = answer_with_body(connection, thread_contexts_[thread]->handler, peer_of(connection), closing_.load(),
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

}  // namespace deployctl::gateway::server::worker_loop
