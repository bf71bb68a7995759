// What a starting `deployctl serve` is handed instead of opening it itself: systemd's listening sockets
// (LISTEN_FDS), or on a reload everything the master it replaces kept alive across the re-exec.
#pragma once

#include <string>
#include <vector>

namespace deployctl::gateway::server {

// A listening socket handed over, with what it was opened for.
struct HandedSocket {
  int fd = -1;
  std::string source;       // the --bind (or --metrics-bind) text it was opened for; "systemd" for LISTEN_FDS
  bool owned_path = false;  // a unix socket file this server created: removed on a clean stop
  std::string name;         // systemd's LISTEN_FDNAMES entry ("" when none)
};

struct Handover {
  bool reload = false;  // from the master this process replaces (a reload re-exec); else from systemd, if any
  std::vector<HandedSocket> listeners;
  std::vector<HandedSocket> metrics;  // at most one
  std::vector<int> old_workers;       // the replaced master's workers, still children of this process
  int shared_state_fd = -1;           // the counters that outlive a reload
};

// Reads the handover from the environment and removes it there: DEPLOYCTL_SERVE_* (a reload), else systemd's
// LISTEN_FDS / LISTEN_PID / LISTEN_FDNAMES, taken only when LISTEN_PID is this process (as sd_listen_fds does)
// and removed in any case. Call it before the embedded Python copies the environment into os.environ, so that
// neither the app nor its child processes see the variables or re-use the sockets.
Handover take_handover();

// Puts `handover` in the environment (and lets its fds survive exec) for the re-exec of a reload.
void put_handover(const Handover& handover);

}  // namespace deployctl::gateway::server
