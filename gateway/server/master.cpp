// Process management. Reload (HUP, or a source change with --reload) re-executes the master: the listening
// sockets survive the exec (their fds are passed in DEPLOYCTL_SERVE_FDS) and so do the old workers, which stay
// its children; the new image imports the new code, forks new workers, and only then drains the old ones. A
// child process test-imports the app first, so that a broken reload keeps the old workers serving.
#include "gateway/server/master.hpp"

#include <dirent.h>
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
#include <fstream>
#include <map>
#include <sstream>

#include "gateway/server/error_log.hpp"
#include "gateway/server/handover.hpp"
#include "gateway/server/metrics_endpoint.hpp"
#include "gateway/server/sd_notify.hpp"
#include "gateway/server/worker.hpp"
#include "python/errors.hpp"
#include "python/gil.hpp"
#include "python/interpreter.hpp"

namespace deployctl::gateway::server {

namespace {

enum class WorkerState { running, retiring, stopping };

struct WorkerProcess {
  pid_t pid = 0;
  std::size_t slot = 0;
  WorkerState state = WorkerState::running;
  std::int64_t kill_at_ms = 0;  // SIGKILL deadline once asked to stop or dump
  bool timed_out = false;
};

std::vector<std::string> read_cmdline() {
  std::ifstream file("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  std::string current;
  for (const char c : all) {
    if (c == '\0') {
      args.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  return args;
}

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + ::strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// Newest mtime of the .py files under `root` (hidden and virtualenv directories skipped).
std::int64_t newest_source(const std::filesystem::path& root) {
  std::int64_t newest = 0;
  std::error_code error;
  std::filesystem::recursive_directory_iterator it(root, std::filesystem::directory_options::skip_permission_denied,
                                                   error);
  for (; !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (it->is_directory(error)) {
      if (name.starts_with(".") || name == "__pycache__" || name == "node_modules" || name == "venv")
        it.disable_recursion_pending();
      continue;
    }
    if (!name.ends_with(".py")) continue;
    struct stat status{};
    if (::stat(it->path().c_str(), &status) == 0)
      newest = std::max<std::int64_t>(newest, status.st_mtim.tv_sec * 1000000000LL + status.st_mtim.tv_nsec);
  }
  return newest;
}

class Master {
 public:
  explicit Master(MasterSetup& setup) : setup_(setup), options_(*setup.options) {}
  int run();

 private:
  bool spawn();
  void reap();
  void check_workers(std::int64_t now);
  void stop_worker(WorkerProcess& worker, int signal_number, double grace_seconds);
  void serve_metrics();
  bool wait_ready(const std::vector<pid_t>& pids, std::int64_t deadline);
  void announce();
  void reload();
  int stop(bool graceful);
  std::size_t running_count() const;

  MasterSetup& setup_;
  const ServeOptions& options_;
  SharedState* shared_ = nullptr;
  UniqueFd shared_fd_;  // the memfd behind shared_, handed to a reload's re-exec
  UniqueFd signal_fd_;
  int target_workers_ = 1;
  std::vector<WorkerProcess> workers_;
  std::map<pid_t, std::int64_t> old_workers_;  // pid -> SIGKILL deadline
  pid_t replacement_for_ = 0;                  // a retiring worker whose replacement is starting
  pid_t replacement_ = 0;
  std::int64_t source_stamp_ = 0;
  std::int64_t next_source_check_ = 0;
};

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
    if (setup_.metrics) close_listener_socket(*setup_.metrics);
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

void Master::serve_metrics() {
  const UniqueFd connection(::accept4(setup_.metrics->fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
  if (!connection) return;
  const int fd = connection.get();
  // One short request per connection; a client slower than a second is dropped, so the master never waits long.
  const std::int64_t deadline = monotonic_ms() + 1000;
  char buffer[4096];
  MetricsRequest request;
  pollfd entry{fd, POLLIN, 0};
  for (bool decided = false; !decided;) {
    const std::int64_t left = deadline - monotonic_ms();
    if (left <= 0 || ::poll(&entry, 1, static_cast<int>(left)) <= 0) break;
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    decided = request.feed({buffer, static_cast<std::size_t>(got)});
  }
  const MetricsAnswer answer = request.answer([this] { return render_metrics(*shared_); });
  std::string_view rest = answer.bytes;
  entry.events = POLLOUT;
  while (!rest.empty()) {
    const ssize_t sent = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      rest.remove_prefix(static_cast<std::size_t>(sent));
      continue;
    }
    const std::int64_t left = deadline - monotonic_ms();
    if (sent < 0 && (errno == EAGAIN || errno == EINTR) && left > 0 && ::poll(&entry, 1, static_cast<int>(left)) > 0)
      continue;
    break;
  }
  ::shutdown(fd, SHUT_WR);
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

void Master::reload() {
  notify_reloading();
  log_info("Reloading: test-importing the app");
  std::vector<std::string> args = read_cmdline();
  if (args.empty()) {
    log_error("reload failed: cannot read /proc/self/cmdline");
    return;
  }
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t checker = ::fork();
  if (checker == 0) {
    ::setenv("DEPLOYCTL_SERVE_CHECK_APP", "1", 1);
    if (::chdir(setup_.original_cwd.c_str()) != 0) ::_exit(2);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (checker > 0 && ::waitpid(checker, &status, 0) < 0 && errno == EINTR) {
  }
  if (checker < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    log_error("Reload aborted: the new code does not load (see above); the old workers keep serving");
    notify_ready();
    return;
  }
  // The sockets, the workers (which stay children of this pid) and the counters survive the exec.
  Handover handover;
  handover.reload = true;
  for (const Listener& listener : setup_.listeners)
    handover.listeners.push_back({listener.fd, listener.source, listener.owned_path, {}});
  if (setup_.metrics)
    handover.metrics.push_back({setup_.metrics->fd, setup_.metrics->source, setup_.metrics->owned_path, {}});
  for (const WorkerProcess& worker : workers_) handover.old_workers.push_back(worker.pid);
  for (const auto& [pid, deadline] : old_workers_) handover.old_workers.push_back(pid);
  handover.shared_state_fd = shared_fd_.get();
  put_handover(handover);
  if (::chdir(setup_.original_cwd.c_str()) != 0) log_warning("cannot return to the original directory");
  log_info("Reloading: re-executing the master with the new code");
  std::fflush(nullptr);
  signal_fd_.reset();
  ::execv("/proc/self/exe", argv.data());
  log_error(std::string("reload failed: cannot re-execute: ") + std::strerror(errno));
  std::exit(2);
}

int Master::stop(bool graceful) {
  notify_stopping();
  log_info(graceful ? "Handling signal: term" : "Handling signal: int");
  for (WorkerProcess& worker : workers_)
    stop_worker(worker, graceful ? SIGTERM : SIGINT, graceful ? options_.graceful_timeout : 1.0);
  for (auto& [pid, deadline] : old_workers_) ::kill(pid, graceful ? SIGTERM : SIGINT);
  for (const Listener& listener : setup_.listeners) close_listener_socket(listener);
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
  log_info(options_.threads > 1
               ? "Using worker: gthread (deployctl epoll, " + std::to_string(options_.threads) + " threads)"
               : std::string("Using worker: sync (deployctl epoll)"));
  std::vector<pid_t> first;
  for (int i = 0; i < target_workers_; ++i) {
    if (!spawn()) return 2;
    first.push_back(workers_.back().pid);
  }
  if (!wait_ready(first, monotonic_ms() + 30000)) log_warning("some workers did not report ready in 30 seconds");
  announce();
  // A reload's predecessors drain now that their replacements accept.
  const std::int64_t grace = monotonic_ms() + static_cast<std::int64_t>(options_.graceful_timeout * 1000);
  for (auto& [pid, deadline] : old_workers_) {
    ::kill(pid, SIGTERM);
    deadline = grace;
  }
  if (options_.reload) source_stamp_ = newest_source(options_.chdir);

  std::vector<pollfd> watched = {{signal_fd_.get(), POLLIN, 0}};
  if (setup_.metrics) watched.push_back({setup_.metrics->fd, POLLIN, 0});
  for (;;) {
    for (pollfd& entry : watched) entry.revents = 0;
    // A replacement on its way is checked often, so that the worker it replaces drains soon after it is up.
    ::poll(watched.data(), watched.size(), replacement_for_ != 0 ? 5 : 100);
    if (watched.size() > 1 && (watched[1].revents & POLLIN) != 0) serve_metrics();
    signalfd_siginfo info{};
    while (::read(signal_fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      switch (info.ssi_signo) {
        case SIGCHLD:
          reap();
          break;
        case SIGTERM:
          return stop(true);
        case SIGINT:
        case SIGQUIT:
          return stop(false);
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
        default:
          break;
      }
    }
    reap();
    const std::int64_t now = monotonic_ms();
    check_workers(now);
    if (options_.reload && now >= next_source_check_) {
      next_source_check_ = now + 1000;
      const std::int64_t stamp = newest_source(options_.chdir);
      if (stamp != source_stamp_) {
        source_stamp_ = stamp;
        log_info("Source changed under " + options_.chdir.string() + ": reloading");
        reload();
      }
    }
  }
}

}  // namespace

int run_master(MasterSetup& setup) {
  Master master(setup);
  return master.run();
}

}  // namespace deployctl::gateway::server
