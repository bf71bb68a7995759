// A job queue under one mutex, and an eventfd written only when the finished list goes from empty to non-empty:
// the loop reads the eventfd before it takes the list, so no finished job is ever left without a wake-up.
#include "gateway/server/thread_pool.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>

namespace deployctl::gateway::server {

Result<std::unique_ptr<ThreadPool>> ThreadPool::create() {
  UniqueFd event_fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!event_fd) return fail(std::string("cannot create the thread pool's eventfd: ") + std::strerror(errno));
  return std::unique_ptr<ThreadPool>(new ThreadPool(std::move(event_fd)));
}

Result<void> ThreadPool::start(std::size_t count, const std::string& name_prefix, const ThreadStarter& starter) {
  for (std::size_t index = 0; index < count; ++index) {
    {
      const std::lock_guard lock(mutex_);
      ++running_;
    }
    auto started = starter(name_prefix + "-" + std::to_string(index + 1), [this, index] { thread_body(index); });
    if (!started) {
      const std::lock_guard lock(mutex_);
      --running_;
      return started;
    }
    ++started_;
  }
  return {};
}

void ThreadPool::submit(PoolJob& job) {
  {
    const std::lock_guard lock(mutex_);
    pending_.push_back(&job);
  }
  work_ready_.notify_one();
}

void ThreadPool::take_finished(std::vector<PoolJob*>& jobs) {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t ignored = ::read(event_fd_.get(), &count, sizeof count);  // EAGAIN: nothing new
  const std::lock_guard lock(mutex_);
  jobs.insert(jobs.end(), finished_.begin(), finished_.end());
  finished_.clear();
}

bool ThreadPool::stop(int wait_ms) {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  work_ready_.notify_all();
  return thread_returned_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return running_ == 0; });
}

void ThreadPool::thread_body(std::size_t index) {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_ready_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (pending_.empty()) break;  // stopping, and nothing left to run
    PoolJob* job = pending_.front();
    pending_.pop_front();
    lock.unlock();
    job->run(index);
    lock.lock();
    const bool wake_loop = finished_.empty();
    finished_.push_back(job);
    if (wake_loop) {
      const std::uint64_t one = 1;
      [[maybe_unused]] const ssize_t ignored = ::write(event_fd_.get(), &one, sizeof one);
    }
  }
  --running_;
  thread_returned_.notify_all();
}

}  // namespace deployctl::gateway::server
