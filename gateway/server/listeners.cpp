// Socket setup for the listeners: parsing --bind, binding with distinct errors (in use, privileged), and
// describing inherited sockets.
#include "gateway/server/listeners.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "core/unique_fd.hpp"

namespace deployctl::gateway::server {

namespace {

std::string describe(const sockaddr* address, bool& unix_socket, std::string& name, std::string& port) {
  char text[INET6_ADDRSTRLEN] = {};
  unix_socket = false;
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    name = text;
    port = std::to_string(ntohs(v4->sin_port));
    return "http://" + name + ":" + port;
  }
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    name = text;
    port = std::to_string(ntohs(v6->sin6_port));
    return "http://[" + name + "]:" + port;
  }
  unix_socket = true;
  const auto* local = reinterpret_cast<const sockaddr_un*>(address);
  name = local->sun_path;
  port = "";
  return "unix:" + name;
}

Result<Listener> describe_fd(int fd) {
  sockaddr_storage storage{};
  socklen_t size = sizeof storage;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &size) != 0)
    return fail("fd " + std::to_string(fd) + " is not a socket: " + std::strerror(errno));
  Listener listener;
  listener.fd.reset(fd);
  listener.url = describe(reinterpret_cast<const sockaddr*>(&storage), listener.unix_socket, listener.server_name,
                          listener.server_port);
  return listener;
}

// A socket file left by a server that was killed (nothing accepts on it any more) is removed so that the next
// start can bind; a live one, or a path that is not a socket, is refused rather than stolen or destroyed.
std::expected<void, ListenError> clear_stale_socket(const std::string& path) {
  struct stat existing {};
  if (::lstat(path.c_str(), &existing) != 0) return {};
  if (!S_ISSOCK(existing.st_mode))
    return std::unexpected(
        ListenError{ListenProblem::in_use, "cannot listen on unix:" + path + ": the path exists and is not a socket"});
  const UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!probe) return {};
  sockaddr_un local{};
  local.sun_family = AF_UNIX;
  std::memcpy(local.sun_path, path.c_str(), path.size() + 1);
  const bool answered = ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) == 0 ||
                        errno == EAGAIN;  // EAGAIN: alive, its backlog is full
  if (answered)
    return std::unexpected(
        ListenError{ListenProblem::in_use, "cannot listen on unix:" + path + ": another server is listening on it"});
  ::unlink(path.c_str());
  return {};
}

void make_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

}  // namespace

Result<BindAddress> parse_bind(std::string_view text) {
  BindAddress address;
  const auto bad = [&](const std::string& why) {
    return fail("--bind '" + std::string(text) + "': " + why +
                ". Expected HOST:PORT, [IPV6]:PORT, unix:/PATH or fd://N");
  };
  if (text.starts_with("unix:")) {
    address.kind = BindAddress::Kind::unix_socket;
    address.path = std::string(text.substr(5));
    if (address.path.empty()) return bad("the socket path is empty");
    if (address.path.size() >= sizeof(sockaddr_un::sun_path)) return bad("the socket path is too long");
    return address;
  }
  if (text.starts_with("fd://")) {
    address.kind = BindAddress::Kind::inherited_fd;
    const std::string_view digits = text.substr(5);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), address.fd);
    if (error != std::errc() || end != digits.data() + digits.size() || address.fd < 0)
      return bad("the fd is not a number");
    return address;
  }
  std::string_view host = text;
  std::string_view port;
  if (text.starts_with("[")) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return bad("missing ']'");
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad("expected ':' after ']'");
      port = rest.substr(1);
    }
  } else if (const std::size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    if (text.find(':') != colon) return bad("an IPv6 address needs brackets, e.g. [::1]:8000");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  address.host = host.empty() ? "0.0.0.0" : std::string(host);
  if (!port.empty() || text.ends_with(":")) {
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), address.port);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() || address.port < 0 ||
        address.port > 65535)
      return bad("the port must be a number from 0 to 65535");
  }
  return address;
}

std::expected<Listener, ListenError> open_listener(const BindAddress& address, int umask_for_unix) {
  const auto failure = [](ListenProblem problem, std::string message) {
    return std::unexpected(ListenError{problem, std::move(message)});
  };
  if (address.kind == BindAddress::Kind::inherited_fd) {
    auto adopted = adopt_listener(address.fd);
    if (!adopted)
      return failure(ListenProblem::bad_address, "fd://" + std::to_string(address.fd) + ": " + adopted.error().message);
    adopted->source = "fd://" + std::to_string(address.fd);
    return std::move(*adopted);
  }
  if (address.kind == BindAddress::Kind::unix_socket) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) return failure(ListenProblem::other, std::string("socket(): ") + std::strerror(errno));
    sockaddr_un local{};
    local.sun_family = AF_UNIX;
    std::memcpy(local.sun_path, address.path.c_str(), address.path.size() + 1);
    if (auto cleared = clear_stale_socket(address.path); !cleared) return std::unexpected(cleared.error());
    const mode_t previous = umask_for_unix >= 0 ? ::umask(static_cast<mode_t>(umask_for_unix)) : 0;
    const int bound = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local);
    const int bind_errno = errno;
    if (umask_for_unix >= 0) ::umask(previous);
    if (bound != 0 || ::listen(fd.get(), 2048) != 0) {
      const ListenProblem problem = bind_errno == EADDRINUSE ? ListenProblem::in_use
                                    : bind_errno == EACCES   ? ListenProblem::permission
                                                             : ListenProblem::other;
      return failure(problem, "cannot listen on unix:" + address.path + ": " + std::strerror(bind_errno));
    }
    auto listener = describe_fd(fd.release());
    listener->source = "unix:" + address.path;
    listener->owned_path = true;
    return std::move(*listener);
  }

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address.port);
  if (const int status = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); status != 0)
    return failure(ListenProblem::bad_address,
                   "cannot resolve '" + address.host + "' for --bind: " + ::gai_strerror(status));
  const std::string shown =
      (address.host.find(':') != std::string::npos ? "[" + address.host + "]" : address.host) + ":" + port;
  int last_errno = 0;
  for (addrinfo* candidate = found; candidate != nullptr; candidate = candidate->ai_next) {
    UniqueFd fd(::socket(candidate->ai_family, candidate->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) {
      last_errno = errno;
      continue;
    }
    const int on = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (candidate->ai_family == AF_INET6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    if (::bind(fd.get(), candidate->ai_addr, candidate->ai_addrlen) == 0 && ::listen(fd.get(), 2048) == 0) {
      ::freeaddrinfo(found);
      auto listener = describe_fd(fd.release());
      listener->source = shown;
      return std::move(*listener);
    }
    last_errno = errno;
  }
  ::freeaddrinfo(found);
  if (last_errno == EADDRINUSE)
    return failure(ListenProblem::in_use, "cannot listen on " + shown + ": the address is already in use");
  if (last_errno == EACCES)
    return failure(ListenProblem::permission, "cannot listen on " + shown +
                                                  ": permission denied (ports below 1024 need root or "
                                                  "CAP_NET_BIND_SERVICE; use a port >= 1024 behind a proxy)");
  return failure(ListenProblem::other, "cannot listen on " + shown + ": " + std::strerror(last_errno));
}

Result<Listener> adopt_listener(int fd) {
  int type = 0;
  socklen_t size = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size) != 0 || type != SOCK_STREAM)
    return fail("fd " + std::to_string(fd) + " is not a stream socket");
  int listening = 0;
  size = sizeof listening;
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || listening == 0) {
    if (::listen(fd, 2048) != 0) return fail("fd " + std::to_string(fd) + " cannot listen");
  }
  make_nonblocking(fd);
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  return describe_fd(fd);
}

void close_listener(Listener& listener) {
  listener.fd.reset();
  if (listener.owned_path && listener.unix_socket && !listener.server_name.empty())
    ::unlink(listener.server_name.c_str());
}

}  // namespace deployctl::gateway::server
