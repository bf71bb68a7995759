// Process management: forking workers, reaping them, their timeouts, TTIN/TTOU, --max-requests replacements,
// stopping, and the poll loop that takes signals, /metrics scrapes and --reload's file watching. A reload (HUP, or
// a source change) is master_reload.cpp's; the old workers it leaves are drained here once the new ones accept.
#include "gateway/server/master.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <span>

#include "gateway/server/error_log.hpp"
#include "gateway/server/handover.hpp"
#include "gateway/server/master_process.hpp"
#include "gateway/server/metrics_endpoint.hpp"
#include "gateway/server/metrics_server.hpp"
#include "gateway/server/sd_notify.hpp"
#include "gateway/server/source_watch.hpp"
#include "gateway/server/worker.hpp"
#include "python/errors.hpp"
#include "python/gil.hpp"
#include "python/interpreter.hpp"

namespace deployctl::gateway::server {

namespace master_process {

namespace {

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + ::strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

std::size_t Master::running_count() const {
  std::size_t count = 0;
  for (const WorkerProcess& worker : workers_)
    if (worker.state != WorkerState::stopping) ++count;
  return count;
}

bool Master::spawn() {
  std::size_t slot_index = 0;
  while (slot_index < shared_->slots.size() && shared_->slots[slot_index].pid.load() != 0) ++slot_index;
  if (slot_index == shared_->slots.size()) {
    log_error("no free worker slot: too many workers");
    return false;
  }
  WorkerSlot& slot = shared_->slots[slot_index];
  slot.ready.store(0);
  slot.retire.store(0);
  slot.request_started_ms.store(0);
  slot.heartbeat_ms.store(monotonic_ms());
  slot.pid.store(-1);  // reserved until the pid is known

  python::before_fork();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // A master killed outright (SIGKILL) must not leave workers serving on their own.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() == 1) ::_exit(0);
    python::after_fork_child();
    signal_fd_.reset();
    if (setup_.metrics) setup_.metrics->fd.reset();
    if (metrics_server_) metrics_server_->forget_connections();
    shared_fd_.reset();
    slot.pid.store(::getpid());
    wsgi::WsgiApp::register_stack_dump(stack_dump_signal, ErrorLog::instance().fd());
    sigset_t dump;
    sigemptyset(&dump);
    sigaddset(&dump, stack_dump_signal);
    ::sigprocmask(SIG_UNBLOCK, &dump, nullptr);
    WorkerSetup worker;
    worker.options = &options_;
    worker.listeners = &setup_.listeners;
    worker.app = setup_.app;
    worker.asgi_app = setup_.asgi_app;
    worker.statics = setup_.statics;
    worker.slot = &slot;
    worker.access_log_fd = setup_.access_log_fd;
    worker.access_format = setup_.access_format;
    worker.trust = setup_.trust;
    const int status = run_worker(worker);
    log_info("Worker exiting (pid: " + std::to_string(::getpid()) + ")");
    slot.ready.store(0);
    std::fflush(nullptr);
    ::_exit(status);  // no Python finalization: the master owns the interpreter's shared state
  }
  python::after_fork_parent();
  if (pid < 0) {
    slot.pid.store(0);
    log_error(std::string("cannot fork a worker: ") + std::strerror(errno));
    return false;
  }
  slot.pid.store(pid);
  workers_.push_back({pid, slot_index, WorkerState::running, 0, false});
  log_info("Booting worker with pid: " + std::to_string(pid));
  return true;
}

void Master::stop_worker(WorkerProcess& worker, int signal_number, double grace_seconds) {
  if (worker.state == WorkerState::stopping) return;
  worker.state = WorkerState::stopping;
  worker.kill_at_ms = monotonic_ms() + static_cast<std::int64_t>(grace_seconds * 1000);
  ::kill(worker.pid, signal_number);
}

void Master::reap() {
  for (;;) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    if (old_workers_.erase(pid) > 0) {
      // A reload's predecessor: its slot (in the mapping this master inherited) is free again.
      for (WorkerSlot& slot : shared_->slots) {
        if (slot.pid.load() != pid) continue;
        slot.request_started_ms.store(0);
        slot.pid.store(0);
      }
      continue;
    }
    const auto it = std::ranges::find(workers_, pid, &WorkerProcess::pid);
    if (it == workers_.end()) continue;
    const WorkerProcess worker = *it;
    shared_->slots[worker.slot].pid.store(0);
    shared_->slots[worker.slot].request_started_ms.store(0);
    workers_.erase(it);
    if (pid == replacement_) replacement_ = 0;
    if (pid == replacement_for_) replacement_for_ = 0;
    if (worker.state == WorkerState::stopping && !worker.timed_out) continue;
    if (WIFEXITED(status) && WEXITSTATUS(status) == worker_boot_error) boot_failed_ = true;
    if (!worker.timed_out) log_warning("Worker (pid:" + std::to_string(pid) + ") exited with " + describe_exit(status));
    shared_->worker_restarts.fetch_add(1);
  }
}

void Master::check_workers(std::int64_t now) {
  for (WorkerProcess& worker : workers_) {
    WorkerSlot& slot = shared_->slots[worker.slot];
    if (worker.kill_at_ms != 0 && now >= worker.kill_at_ms) {
      ::kill(worker.pid, SIGKILL);
      worker.kill_at_ms = 0;
      continue;
    }
    const std::int64_t started = slot.request_started_ms.load();
    if (options_.timeout > 0 && started != 0 && !worker.timed_out &&
        now - started > static_cast<std::int64_t>(options_.timeout * 1000)) {
      worker.timed_out = true;
      shared_->worker_timeouts.fetch_add(1);
      log_critical("WORKER TIMEOUT (pid:" + std::to_string(worker.pid) + ")");
      log_error("Worker (pid:" + std::to_string(worker.pid) + ") was handling: " + std::string(slot.request_line));
      ::kill(worker.pid, stack_dump_signal);  // faulthandler writes the Python stack to the error log
      worker.state = WorkerState::stopping;
      worker.kill_at_ms = now + 500;
    }
  }
  for (auto& [pid, deadline] : old_workers_) {
    if (deadline != 0 && now >= deadline) {
      ::kill(pid, SIGKILL);
      deadline = 0;
    }
  }
  // --max-requests: one worker at a time, its replacement first.
  if (replacement_for_ != 0) {
    const auto retiring = std::ranges::find(workers_, replacement_for_, &WorkerProcess::pid);
    const auto fresh = std::ranges::find(workers_, replacement_, &WorkerProcess::pid);
    if (retiring == workers_.end()) {
      replacement_for_ = 0;
    } else if (fresh == workers_.end() || shared_->slots[fresh->slot].ready.load() != 0) {
      stop_worker(*retiring, SIGTERM, options_.graceful_timeout);
      replacement_for_ = 0;
    }
  } else {
    for (WorkerProcess& worker : workers_) {
      if (worker.state != WorkerState::running || shared_->slots[worker.slot].retire.load() == 0) continue;
      worker.state = WorkerState::retiring;
      replacement_for_ = worker.pid;
      if (spawn()) replacement_ = workers_.back().pid;
      break;
    }
  }
  // Respawn up to the target; remove extras (TTOU).
  std::size_t live = 0;
  for (const WorkerProcess& worker : workers_)
    if (worker.state == WorkerState::running) ++live;
  while (live < static_cast<std::size_t>(target_workers_) && spawn()) ++live;
  for (auto it = workers_.rbegin(); it != workers_.rend() && live > static_cast<std::size_t>(target_workers_); ++it) {
    if (it->state != WorkerState::running) continue;
    stop_worker(*it, SIGTERM, options_.graceful_timeout);
    --live;
  }
}

bool Master::wait_ready(const std::vector<pid_t>& pids, std::int64_t deadline) {
  while (monotonic_ms() < deadline) {
    bool all = true;
    for (const WorkerProcess& worker : workers_) {
      if (std::ranges::find(pids, worker.pid) == pids.end()) continue;
      if (shared_->slots[worker.slot].ready.load() == 0) all = false;
    }
    if (all) return true;
    reap();
    ::usleep(5000);
  }
  return false;
}

void Master::announce() {
  const std::string count = std::to_string(running_count());
  for (const Listener& listener : setup_.listeners)
    ErrorLog::instance().write_raw("deployctl serve: listening on " + listener.url + " (" + count + " workers)\n");
  notify_ready();
}

int Master::stop(bool graceful) {
  notify_stopping();
  log_info(graceful ? "Handling signal: term" : "Handling signal: int");
  for (WorkerProcess& worker : workers_)
    stop_worker(worker, graceful ? SIGTERM : SIGINT, graceful ? options_.graceful_timeout : 1.0);
  for (auto& [pid, deadline] : old_workers_) ::kill(pid, graceful ? SIGTERM : SIGINT);
  for (Listener& listener : setup_.listeners) listener.fd.reset();
  const std::int64_t deadline =
      monotonic_ms() + static_cast<std::int64_t>((graceful ? options_.graceful_timeout : 1.0) * 1000) + 1000;
  while ((!workers_.empty() || !old_workers_.empty()) && monotonic_ms() < deadline + 2000) {
    reap();
    const std::int64_t now = monotonic_ms();
    for (WorkerProcess& worker : workers_) {
      if (worker.kill_at_ms != 0 && now >= worker.kill_at_ms) {
        ::kill(worker.pid, SIGKILL);
        worker.kill_at_ms = 0;
      }
    }
    if (now >= deadline)
      for (const auto& [pid, unused] : old_workers_) ::kill(pid, SIGKILL);
    ::usleep(10000);
  }
  // Socket files this server created go; inherited ones (fd://, systemd) belong to whoever made them.
  for (const Listener& listener : setup_.listeners) {
    if (listener.owned_path && listener.unix_socket) ::unlink(listener.server_name.c_str());
  }
  if (setup_.metrics) close_listener(*setup_.metrics);
  log_info("Shutting down: Master");
  return 0;
}

// A worker could not start the app (the reason is logged above it): replacing it would fail the same way, in a loop.
int Master::halt() {
  log_error("a worker could not start the app: stopping instead of replacing it");
  stop(false);
  return 2;
}

int Master::run() {
  shared_fd_.reset(setup_.shared_state_fd);
  shared_ = attach_shared_state(shared_fd_);
  if (shared_ == nullptr) {
    log_error(std::string("cannot map the workers' shared memory: ") + std::strerror(errno));
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  for (const int number : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGTTIN, SIGTTOU, SIGUSR1, SIGCHLD, stack_dump_signal})
    sigaddset(&signals, number);
  ::sigprocmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  signal_fd_.reset(::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!signal_fd_) {
    log_error(std::string("signalfd: ") + std::strerror(errno));
    return 2;
  }
  for (const pid_t pid : setup_.old_workers) old_workers_[pid] = 0;

  target_workers_ = std::max(1, options_.workers);
  log_info(setup_.asgi_app != nullptr ? std::string("Using worker: asgi (asyncio on the deployctl epoll)")
           : options_.threads > 1
               ? "Using worker: gthread (deployctl epoll, " + std::to_string(options_.threads) + " threads)"
               : std::string("Using worker: sync (deployctl epoll)"));
  std::vector<pid_t> first;
  for (int i = 0; i < target_workers_; ++i) {
    if (!spawn()) return 2;
    first.push_back(workers_.back().pid);
  }
  if (!wait_ready(first, monotonic_ms() + 30000)) log_warning("some workers did not report ready in 30 seconds");
  if (boot_failed_) return halt();
  announce();
  // A reload's predecessors drain now that their replacements accept.
  const std::int64_t grace = monotonic_ms() + static_cast<std::int64_t>(options_.graceful_timeout * 1000);
  for (auto& [pid, deadline] : old_workers_) {
    ::kill(pid, SIGTERM);
    deadline = grace;
  }
  if (options_.reload) source_watch_.emplace(options_.chdir);

  if (setup_.metrics) metrics_server_.emplace(setup_.metrics->fd.get(), [this] { return render_metrics(*shared_); });
  std::vector<pollfd> watched;
  for (;;) {
    watched.assign({{signal_fd_.get(), POLLIN, 0}});
    if (metrics_server_) metrics_server_->add_poll_entries(watched);
    // A replacement on its way is checked often, so that the worker it replaces drains soon after it is up.
    ::poll(watched.data(), watched.size(), replacement_for_ != 0 ? 5 : 100);
    if (metrics_server_) metrics_server_->on_ready(std::span(watched).subspan(1), monotonic_ms());
    signalfd_siginfo info{};
    while (::read(signal_fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      switch (info.ssi_signo) {
        case SIGCHLD: reap(); break;
        case SIGTERM: return stop(true);
        case SIGINT:
        case SIGQUIT: return stop(false);
        case SIGHUP:
          log_info("Handling signal: hup");
          reload();
          break;
        case SIGTTIN:
          ++target_workers_;
          log_info("Handling signal: ttin (" + std::to_string(target_workers_) + " workers)");
          break;
        case SIGTTOU:
          if (target_workers_ > 1) --target_workers_;
          log_info("Handling signal: ttou (" + std::to_string(target_workers_) + " workers)");
          break;
        default: break;
      }
    }
    reap();
    if (boot_failed_) return halt();
    const std::int64_t now = monotonic_ms();
    check_workers(now);
    if (source_watch_ && source_watch_->changed(now)) {
      log_info("Source changed under " + options_.chdir.string() + ": reloading");
      reload();
    }
  }
}

}  // namespace master_process

int run_master(MasterSetup& setup) {
  master_process::Master master(setup);
  return master.run();
}

}  // namespace deployctl::gateway::server
