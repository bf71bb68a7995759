// The threads of one worker under --threads N (gunicorn's gthread model): the event loop hands a ready request
// to one of them and gets it back through an eventfd it watches in epoll. Knows nothing of HTTP or Python.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/unique_fd.hpp"

namespace deployctl::gateway::server {

// One unit of work; the submitter owns it and must keep it alive until it comes back from take_finished().
class PoolJob {
 public:
  // On a pool thread; `thread` is that thread's index, 0 .. size-1.
  virtual void run(std::size_t thread) = 0;

 protected:
  PoolJob() = default;
  ~PoolJob() = default;
  PoolJob(const PoolJob&) = default;
  PoolJob& operator=(const PoolJob&) = default;
};

class ThreadPool {
 public:
  // Starts a thread named `name` running `body` (std::thread in tests; a Python threading.Thread in workers, so
  // that the app sees ordinary Python threads).
  using ThreadStarter = std::function<Result<void>(const std::string& name, std::function<void()> body)>;

  // A pool with no threads yet; fails when no eventfd can be made.
  static Result<std::unique_ptr<ThreadPool>> create();
  ~ThreadPool() = default;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Starts `count` threads named "<name_prefix>-1" ... On failure the threads already started keep running.
  Result<void> start(std::size_t count, const std::string& name_prefix, const ThreadStarter& starter);

  // Readable (level-triggered) while finished jobs wait for take_finished().
  int ready_fd() const { return event_fd_.get(); }

  void submit(PoolJob& job);

  // Appends the jobs finished since the last call, in the order they finished, and resets ready_fd().
  void take_finished(std::vector<PoolJob*>& jobs);

  // Asks the threads to return once they are idle (jobs still queued are run first) and waits up to
  // `wait_ms` for all of them; true when every thread has returned. The pool must not be destroyed while a
  // thread still runs (false): its owner then leaves it alive until the process ends.
  bool stop(int wait_ms);

  std::size_t size() const { return started_; }

 private:
  explicit ThreadPool(UniqueFd event_fd) : event_fd_(std::move(event_fd)) {}
  void thread_body(std::size_t index);

  UniqueFd event_fd_;
  std::size_t started_ = 0;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable thread_returned_;
  std::deque<PoolJob*> pending_;
  std::vector<PoolJob*> finished_;
  std::size_t running_ = 0;  // thread bodies that have not returned
  bool stopping_ = false;
};

}  // namespace deployctl::gateway::server
