// The sockets `deployctl serve` accepts on: --bind host:port (IPv4, [IPv6]), unix:/path, fd://N, and systemd's
// LISTEN_FDS. Opened in the master before fork; every worker accepts on all of them.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "core/error.hpp"

namespace deployctl::gateway::server {

struct BindAddress {
  enum class Kind { tcp, unix_socket, inherited_fd };
  Kind kind = Kind::tcp;
  std::string host;  // tcp: "127.0.0.1", "::1", "0.0.0.0", or a name to resolve
  int port = 8000;   // tcp; 0 picks a free port
  std::string path;  // unix
  int fd = -1;       // inherited_fd
};

// "127.0.0.1:8000", "[::1]:8000", "localhost" (port 8000), ":8000" (0.0.0.0), "unix:/run/app.sock", "fd://3".
Result<BindAddress> parse_bind(std::string_view text);

struct Listener {
  int fd = -1;
  bool unix_socket = false;
  std::string url;          // for the readiness line: "http://127.0.0.1:8000", "unix:/run/app.sock"
  std::string server_name;  // SERVER_NAME
  std::string server_port;  // SERVER_PORT ("" for unix sockets)
};

// Why opening failed, for distinct messages (all exit 2).
enum class ListenProblem { bad_address, in_use, permission, other };
struct ListenError {
  ListenProblem problem;
  std::string message;
};

// Binds and listens (backlog 2048); `umask` applies to unix sockets (nullopt: the process umask).
std::expected<Listener, ListenError> open_listener(const BindAddress& address, int umask_for_unix = -1);
// Describes an already listening socket (fd://N, LISTEN_FDS, an fd kept across a reload re-exec).
Result<Listener> adopt_listener(int fd);
// systemd socket activation: the fds from LISTEN_FDS when LISTEN_PID is ours (or unset), else none.
std::vector<int> systemd_listen_fds();

}  // namespace deployctl::gateway::server
