// The master process, shared by the files that implement it by job: master.cpp (supervision: forking workers,
// reaping, timeouts, scaling, stopping, the poll loop with signals, /metrics and --reload's file watching) and
// master_reload.cpp (HUP: the test import, then the re-exec that keeps sockets, workers and counters).
// Internal to gateway/server.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/unique_fd.hpp"
#include "gateway/server/master.hpp"
#include "gateway/server/metrics_server.hpp"
#include "gateway/server/shared_state.hpp"
#include "gateway/server/source_watch.hpp"

namespace deployctl::gateway::server::master_process {

enum class WorkerState { running, retiring, stopping };

struct WorkerProcess {
  pid_t pid = 0;
  std::size_t slot = 0;
  WorkerState state = WorkerState::running;
  std::int64_t kill_at_ms = 0;  // SIGKILL deadline once asked to stop or dump
  bool timed_out = false;
};

class Master {
 public:
  explicit Master(MasterSetup& setup) : setup_(setup), options_(*setup.options) {}
  int run();

 private:
  bool spawn();
  void reap();
  void check_workers(std::int64_t now);
  void stop_worker(WorkerProcess& worker, int signal_number, double grace_seconds);
  bool wait_ready(const std::vector<pid_t>& pids, std::int64_t deadline);
  void announce();
  void reload();
  int stop(bool graceful);
  int halt();
  std::size_t running_count() const;

  MasterSetup& setup_;
  const ServeOptions& options_;
  SharedState* shared_ = nullptr;
  UniqueFd shared_fd_;  // the memfd behind shared_, handed to a reload's re-exec
  UniqueFd signal_fd_;
  std::optional<MetricsServer> metrics_server_;  // --metrics-bind, polled with signal_fd_
  int target_workers_ = 1;
  std::vector<WorkerProcess> workers_;
  std::map<pid_t, std::int64_t> old_workers_;  // pid -> SIGKILL deadline
  pid_t replacement_for_ = 0;                  // a retiring worker whose replacement is starting
  pid_t replacement_ = 0;
  std::optional<SourceWatch> source_watch_;  // --reload
  bool boot_failed_ = false;                 // a worker exited with worker_boot_error
};

}  // namespace deployctl::gateway::server::master_process
