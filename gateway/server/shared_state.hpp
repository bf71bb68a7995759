// What the master and its workers share through one anonymous shared mapping made before fork: a slot per
// worker with its heartbeat and the request in hand (for --timeout), and the counters behind the metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/unique_fd.hpp"

namespace deployctl::gateway::server {

inline constexpr std::size_t max_worker_slots = 256;
// Latency histogram bounds in seconds (Prometheus "le"); a last implicit +Inf bucket follows.
inline constexpr std::array<double, 12> latency_bounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                          0.1,   0.25,   0.5,   1.0,  2.5,   10.0};

struct WorkerSlot {
  std::atomic<int> pid{0};                          // 0: free
  std::atomic<int> ready{0};                        // the worker entered its event loop
  std::atomic<int> retire{0};                       // --max-requests reached: replace it
  std::atomic<std::int64_t> heartbeat_ms{0};        // monotonic, each loop turn
  std::atomic<std::int64_t> request_started_ms{0};  // monotonic; 0 while no request is in hand
  char request_line[256] = {};                      // the request in hand, for the timeout log
  // --threads N: requests the worker's threads have in hand (request_started_ms is then the oldest one's).
  std::atomic<std::int64_t> requests_in_flight{0};
  // Cumulative counters (never reset, even when the slot is reused).
  std::array<std::atomic<std::uint64_t>, 6> responses_by_class{};  // [status / 100], 0 for anything else
  std::array<std::atomic<std::uint64_t>, latency_bounds.size() + 1> latency_buckets{};
  std::atomic<std::uint64_t> latency_sum_us{0};
};

struct SharedState {
  std::uint64_t layout = 0;  // a stamp of this build's layout: a reload re-exec checks it before re-using the map
  std::array<WorkerSlot, max_worker_slots> slots;
  std::atomic<std::uint64_t> worker_restarts{0};
  std::atomic<std::uint64_t> worker_timeouts{0};
};

// The mapping (zeroed), or null when mmap fails.
SharedState* create_shared_state();

// The master's mapping for its whole lifetime, reloads included: it lives in a memfd whose descriptor is handed
// to the re-executed master, which maps the same counters, so that a HUP resets none of them (and the old
// workers, still draining, keep counting into their slots). `fd` empty: a new one, owned by `fd`. An inherited fd
// that does not hold this build's layout is replaced by a new mapping. Null when it cannot be mapped.
SharedState* attach_shared_state(UniqueFd& fd);

std::int64_t monotonic_ms();

// Records one finished request in a worker's slot.
void record_request(WorkerSlot& slot, int status, std::int64_t duration_us);
// Records a response to a request refused before it was complete (400, 408, 413, 431...): counted by status,
// outside the latency histogram, which times complete requests.
void record_rejection(WorkerSlot& slot, int status);

// The Prometheus text exposition of every slot's counters summed, plus in-flight and worker counts.
std::string render_metrics(const SharedState& state);

}  // namespace deployctl::gateway::server
