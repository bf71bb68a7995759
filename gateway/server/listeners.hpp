// The sockets `deployctl serve` accepts on: --bind host:port (IPv4, [IPv6]), unix:/path, fd://N, and systemd's
// LISTEN_FDS. Opened in the master before fork; every worker accepts on all of them.
#pragma once

#include <sys/types.h>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/unique_fd.hpp"

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

// A listening socket, owned: the master holds each one (a forked worker uses its copy of the master's), and a
// reload's re-exec hands it on by number (exec runs no destructor). close_listener() also removes the socket file.
struct Listener {
  UniqueFd fd;
  bool unix_socket = false;
  std::string url;          // for the readiness line: "http://127.0.0.1:8000", "unix:/run/app.sock"
  std::string server_name;  // SERVER_NAME
  std::string server_port;  // SERVER_PORT ("" for unix sockets)
  std::string source;       // the --bind text it was opened for ("systemd" for LISTEN_FDS): a reload keeps it
                            // when the new config still has this text, so even port 0 keeps its port
  bool owned_path = false;  // a unix socket file this server created: removed on a clean stop
};

// Why opening failed, for distinct messages (all exit 2).
enum class ListenProblem { bad_address, in_use, permission, other };
struct ListenError {
  ListenProblem problem;
  std::string message;
};

// Binds and listens (backlog 2048); `umask_for_unix` applies to unix sockets (-1: the process umask). An existing
// unix socket file is replaced only when nothing answers on it (left by a server that was killed); a live one is
// `in_use`.
std::expected<Listener, ListenError> open_listener(const BindAddress& address, int umask_for_unix = -1);
// Describes an already listening socket (fd://N, LISTEN_FDS, an fd kept across a reload re-exec); listens on a
// bound stream socket that does not yet.
Result<Listener> adopt_listener(int fd);
// Closes a listener this process no longer serves on, removing its socket file when it created it. (Closing the
// socket only is `listener.fd.reset()`: a stopping master removes the file once its workers are gone.)
void close_listener(Listener& listener);

}  // namespace deployctl::gateway::server
