// HUP (or --reload): a child test-imports the new code first, so a broken reload leaves the old workers serving;
// then the master re-executes itself, handing over the listening sockets, /metrics, its workers (which stay its
// children) and the shared counters, and going back to the working directory by the name it was given.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gateway/server/error_log.hpp"
#include "gateway/server/handover.hpp"
#include "gateway/server/master_process.hpp"
#include "gateway/server/sd_notify.hpp"

namespace deployctl::gateway::server::master_process {

namespace {

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

}  // namespace

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
    handover.listeners.push_back({listener.fd.get(), listener.source, listener.owned_path, {}});
  if (setup_.metrics)
    handover.metrics.push_back({setup_.metrics->fd.get(), setup_.metrics->source, setup_.metrics->owned_path, {}});
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

}  // namespace deployctl::gateway::server::master_process
