// The shared mapping and the metrics rendered from it. Counters are relaxed atomics: exact totals, no ordering.
#include "gateway/server/shared_state.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <new>

namespace deployctl::gateway::server {

namespace {

// Changes with the struct's size; the constant tells a stray mapping from ours.
constexpr std::uint64_t layout_stamp = 0x6470'6c79'0000'0000ull | sizeof(SharedState);

void count_status(WorkerSlot& slot, int status) {
  const int status_class = status / 100;
  slot.responses_by_class[status_class >= 1 && status_class <= 5 ? static_cast<std::size_t>(status_class) : 0]
      .fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

SharedState* create_shared_state() {
  void* memory = ::mmap(nullptr, sizeof(SharedState), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  auto* state = new (memory) SharedState();
  state->layout = layout_stamp;
  return state;
}

SharedState* attach_shared_state(UniqueFd& fd) {
  if (fd) {
    struct stat status {};
    void* memory = ::fstat(fd.get(), &status) == 0 && status.st_size == static_cast<off_t>(sizeof(SharedState))
                       ? ::mmap(nullptr, sizeof(SharedState), PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0)
                       : MAP_FAILED;
    if (memory != MAP_FAILED) {
      auto* state = static_cast<SharedState*>(memory);
      if (state->layout == layout_stamp) {
        ::fcntl(fd.get(), F_SETFD, FD_CLOEXEC);
        return state;
      }
      ::munmap(memory, sizeof(SharedState));
    }
  }
  fd.reset(::memfd_create("deployctl-serve-state", MFD_CLOEXEC));
  if (!fd) return nullptr;
  if (::ftruncate(fd.get(), static_cast<off_t>(sizeof(SharedState))) != 0) {
    fd.reset();
    return nullptr;
  }
  void* memory = ::mmap(nullptr, sizeof(SharedState), PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (memory == MAP_FAILED) {
    fd.reset();
    return nullptr;
  }
  auto* state = new (memory) SharedState();
  state->layout = layout_stamp;
  return state;
}

std::int64_t monotonic_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

void record_rejection(WorkerSlot& slot, int status) { count_status(slot, status); }

void record_request(WorkerSlot& slot, int status, std::int64_t duration_us) {
  count_status(slot, status);
  const double seconds = static_cast<double>(duration_us) / 1e6;
  std::size_t bucket = 0;
  while (bucket < latency_bounds.size() && seconds > latency_bounds[bucket]) ++bucket;
  slot.latency_buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  slot.latency_sum_us.fetch_add(static_cast<std::uint64_t>(duration_us), std::memory_order_relaxed);
}

std::string render_metrics(const SharedState& state) {
  std::array<std::uint64_t, 6> by_class{};
  std::array<std::uint64_t, latency_bounds.size() + 1> buckets{};
  std::uint64_t sum_us = 0;
  std::uint64_t in_flight = 0;
  std::uint64_t workers = 0;
  for (const WorkerSlot& slot : state.slots) {
    for (std::size_t i = 0; i < by_class.size(); ++i) by_class[i] += slot.responses_by_class[i].load();
    for (std::size_t i = 0; i < buckets.size(); ++i) buckets[i] += slot.latency_buckets[i].load();
    sum_us += slot.latency_sum_us.load();
    if (slot.pid.load() != 0) {
      ++workers;
      if (slot.request_started_ms.load() != 0)
        in_flight += static_cast<std::uint64_t>(std::max<std::int64_t>(1, slot.requests_in_flight.load()));
    }
  }
  std::string text;
  text += "# HELP deployctl_requests_total Responses sent, by status class.\n";
  text += "# TYPE deployctl_requests_total counter\n";
  const char* classes[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
  for (std::size_t i = 0; i < by_class.size(); ++i)
    text += "deployctl_requests_total{status_class=\"" + std::string(classes[i]) + "\"} " +
            std::to_string(by_class[i]) + "\n";
  text += "# HELP deployctl_request_duration_seconds Time from a complete request to its response sent.\n";
  text += "# TYPE deployctl_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  std::uint64_t count = 0;
  for (const std::uint64_t bucket : buckets) count += bucket;
  for (std::size_t i = 0; i < latency_bounds.size(); ++i) {
    cumulative += buckets[i];
    char bound[32];
    std::snprintf(bound, sizeof bound, "%g", latency_bounds[i]);
    text += "deployctl_request_duration_seconds_bucket{le=\"" + std::string(bound) + "\"} " +
            std::to_string(cumulative) + "\n";
  }
  text += "deployctl_request_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(count) + "\n";
  char sum[48];
  std::snprintf(sum, sizeof sum, "%.6f", static_cast<double>(sum_us) / 1e6);
  text += "deployctl_request_duration_seconds_sum " + std::string(sum) + "\n";
  text += "deployctl_request_duration_seconds_count " + std::to_string(count) + "\n";
  text += "# HELP deployctl_requests_in_flight Requests being answered now.\n";
  text += "# TYPE deployctl_requests_in_flight gauge\n";
  text += "deployctl_requests_in_flight " + std::to_string(in_flight) + "\n";
  text += "# HELP deployctl_workers Worker processes alive.\n# TYPE deployctl_workers gauge\n";
  text += "deployctl_workers " + std::to_string(workers) + "\n";
  text += "# HELP deployctl_worker_restarts_total Workers replaced after they died or were killed.\n";
  text += "# TYPE deployctl_worker_restarts_total counter\n";
  text += "deployctl_worker_restarts_total " + std::to_string(state.worker_restarts.load()) + "\n";
  text += "# HELP deployctl_worker_timeouts_total Workers killed by --timeout.\n";
  text += "# TYPE deployctl_worker_timeouts_total counter\n";
  text += "deployctl_worker_timeouts_total " + std::to_string(state.worker_timeouts.load()) + "\n";
  return text;
}

}  // namespace deployctl::gateway::server
