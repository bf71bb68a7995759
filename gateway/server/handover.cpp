// The handover travels in environment variables, one socket per line as "FD<TAB>OWNED<TAB>NAME<TAB>SOURCE" (the
// source last: a unix path may hold anything but a newline), read once and removed.
#include "gateway/server/handover.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace deployctl::gateway::server {

namespace {

constexpr const char* listeners_variable = "DEPLOYCTL_SERVE_LISTENERS";
constexpr const char* metrics_variable = "DEPLOYCTL_SERVE_METRICS";
constexpr const char* old_workers_variable = "DEPLOYCTL_SERVE_OLD_WORKERS";
constexpr const char* state_variable = "DEPLOYCTL_SERVE_STATE_FD";

// The variable's value, removed from the environment; "" when unset.
std::string take(const char* name) {
  const char* value = std::getenv(name);
  std::string text = value != nullptr ? value : "";
  ::unsetenv(name);
  return text;
}

int number(std::string_view text) {
  int value = 0;
  if (text.empty() || text.size() > 9) return -1;
  for (const char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Splits on `separator`, keeping empty items only when `keep_empty`.
std::vector<std::string_view> split(std::string_view text, char separator, bool keep_empty) {
  std::vector<std::string_view> items;
  while (true) {
    const std::size_t at = text.find(separator);
    const std::string_view item = text.substr(0, at);
    if (keep_empty || !item.empty()) items.push_back(item);
    if (at == std::string_view::npos) return items;
    text.remove_prefix(at + 1);
  }
}

std::vector<HandedSocket> parse_sockets(std::string_view text) {
  std::vector<HandedSocket> sockets;
  for (const std::string_view line : split(text, '\n', false)) {
    const std::vector<std::string_view> fields = split(line, '\t', true);
    if (fields.size() < 4) continue;
    HandedSocket socket;
    socket.fd = number(fields[0]);
    socket.owned_path = fields[1] == "1";
    socket.name = std::string(fields[2]);
    // The source is the rest of the line, tabs included.
    socket.source = std::string(line.substr(fields[0].size() + fields[1].size() + fields[2].size() + 3));
    if (socket.fd >= 0) sockets.push_back(std::move(socket));
  }
  return sockets;
}

std::string format_sockets(const std::vector<HandedSocket>& sockets) {
  std::string text;
  for (const HandedSocket& socket : sockets) {
    ::fcntl(socket.fd, F_SETFD, 0);  // survives the exec
    text += std::to_string(socket.fd) + "\t" + (socket.owned_path ? "1" : "0") + "\t" + socket.name + "\t" +
            socket.source + "\n";
  }
  return text;
}

}  // namespace

Handover take_handover() {
  Handover handover;
  const std::string listeners = take(listeners_variable);
  const std::string metrics = take(metrics_variable);
  const std::string old_workers = take(old_workers_variable);
  const std::string state = take(state_variable);
  const std::string listen_fds = take("LISTEN_FDS");
  const std::string listen_pid = take("LISTEN_PID");
  const std::string listen_names = take("LISTEN_FDNAMES");

  if (!listeners.empty()) {
    handover.reload = true;
    handover.listeners = parse_sockets(listeners);
    handover.metrics = parse_sockets(metrics);
    for (const std::string_view pid : split(old_workers, ',', false))
      if (const int value = number(pid); value > 0) handover.old_workers.push_back(value);
    handover.shared_state_fd = state.empty() ? -1 : number(state);
    return handover;
  }
  // systemd: the sockets are fds 3 .. 3 + LISTEN_FDS - 1, meant for the process LISTEN_PID names only (not for a
  // child that inherited the environment by accident).
  if (listen_fds.empty() || number(listen_pid) != static_cast<int>(::getpid())) return handover;
  const int count = number(listen_fds);
  const std::vector<std::string_view> names = split(listen_names, ':', true);
  for (int i = 0; i < count && i < 64; ++i) {
    HandedSocket socket;
    socket.fd = 3 + i;
    socket.source = "systemd";
    if (static_cast<std::size_t>(i) < names.size()) socket.name = std::string(names[static_cast<std::size_t>(i)]);
    handover.listeners.push_back(std::move(socket));
  }
  return handover;
}

void put_handover(const Handover& handover) {
  ::setenv(listeners_variable, format_sockets(handover.listeners).c_str(), 1);
  if (!handover.metrics.empty()) ::setenv(metrics_variable, format_sockets(handover.metrics).c_str(), 1);
  std::string pids;
  for (const int pid : handover.old_workers) pids += (pids.empty() ? "" : ",") + std::to_string(pid);
  ::setenv(old_workers_variable, pids.c_str(), 1);
  if (handover.shared_state_fd >= 0) {
    ::fcntl(handover.shared_state_fd, F_SETFD, 0);
    ::setenv(state_variable, std::to_string(handover.shared_state_fd).c_str(), 1);
  }
}

}  // namespace deployctl::gateway::server
