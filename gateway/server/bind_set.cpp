// Opening, adopting and reconciling the listeners. Only the master runs this, before it forks any worker.
#include "gateway/server/bind_set.hpp"

#include <unistd.h>

#include <algorithm>

#include "gateway/server/error_log.hpp"

namespace deployctl::gateway::server {

namespace {

Result<Listener> open_bind(const std::string& bind, int umask) {
  auto address = parse_bind(bind);
  if (!address) return std::unexpected(address.error());
  auto listener = open_listener(*address, umask);
  if (!listener) return fail(listener.error().message);
  listener->source = bind;
  return std::move(*listener);
}

Result<Listener> adopt(const HandedSocket& socket) {
  auto listener = adopt_listener(socket.fd);
  if (!listener) return std::unexpected(listener.error());
  listener->source = socket.source;
  listener->owned_path = socket.owned_path;
  return std::move(*listener);
}

Result<std::vector<Listener>> adopt_all(const std::vector<HandedSocket>& sockets) {
  std::vector<Listener> listeners;
  for (const HandedSocket& socket : sockets) {
    auto listener = adopt(socket);
    if (!listener) return std::unexpected(listener.error());
    if (!socket.name.empty())
      log_info("systemd socket '" + socket.name + "' (fd " + std::to_string(socket.fd) + "): " + listener->url);
    listeners.push_back(std::move(*listener));
  }
  return listeners;
}

// The configured `binds`, re-using handed sockets by bind text. On failure nothing handed is touched and the
// sockets opened so far are closed again.
Result<std::vector<Listener>> reconcile(const std::vector<std::string>& binds, int umask,
                                        const std::vector<HandedSocket>& handed, std::vector<bool>& kept) {
  std::vector<Listener> listeners;
  kept.assign(handed.size(), false);
  for (const std::string& bind : binds) {
    std::size_t match = 0;
    while (match < handed.size() && (kept[match] || handed[match].source != bind)) ++match;
    auto listener = match < handed.size() ? adopt(handed[match]) : open_bind(bind, umask);
    if (!listener) {
      // The handed sockets stay open for the caller to adopt again; the ones opened here are closed.
      for (Listener& opened : listeners) {
        const bool was_handed =
            std::ranges::any_of(handed, [&](const HandedSocket& s) { return s.fd == opened.fd.get(); });
        if (was_handed) {
          static_cast<void>(opened.fd.release());
        } else {
          close_listener(opened);
        }
      }
      return std::unexpected(listener.error());
    }
    if (match < handed.size()) {
      kept[match] = true;
    } else {
      log_info("Listening on a new address after the reload: " + listener->url);
    }
    listeners.push_back(std::move(*listener));
  }
  return listeners;
}

void close_dropped(const std::vector<HandedSocket>& handed, const std::vector<bool>& kept) {
  for (std::size_t i = 0; i < handed.size(); ++i) {
    if (kept[i]) continue;
    Listener dropped;
    if (auto described = adopt(handed[i])) dropped = std::move(*described);
    if (!dropped.fd) dropped.fd.reset(handed[i].fd);
    log_info("No longer listening on " + (dropped.url.empty() ? handed[i].source : dropped.url) +
             " (not in the reloaded config)");
    close_listener(dropped);
  }
}

}  // namespace

Result<BindSet> open_binds(const ServeOptions& options, const Handover& handover) {
  BindSet set;
  const bool systemd =
      std::ranges::any_of(handover.listeners, [](const HandedSocket& socket) { return socket.source == "systemd"; });
  if (systemd) {
    auto adopted = adopt_all(handover.listeners);
    if (!adopted) return std::unexpected(adopted.error());
    set.listeners = std::move(*adopted);
  } else if (handover.reload) {
    std::vector<bool> kept;
    auto reconciled = reconcile(options.binds, options.umask, handover.listeners, kept);
    if (reconciled) {
      close_dropped(handover.listeners, kept);
      set.listeners = std::move(*reconciled);
    } else {
      log_error(reconciled.error().message + "; keeping the previous binds");
      auto adopted = adopt_all(handover.listeners);
      if (!adopted) return std::unexpected(adopted.error());
      set.listeners = std::move(*adopted);
    }
  } else {
    for (const std::string& bind : options.binds) {
      auto listener = open_bind(bind, options.umask);
      if (!listener) return std::unexpected(listener.error());
      set.listeners.push_back(std::move(*listener));
    }
  }

  const std::vector<std::string> metrics_binds =
      options.metrics_bind.empty() ? std::vector<std::string>{} : std::vector<std::string>{options.metrics_bind};
  if (handover.reload) {
    std::vector<bool> kept;
    auto reconciled = reconcile(metrics_binds, options.umask, handover.metrics, kept);
    if (reconciled) {
      close_dropped(handover.metrics, kept);
      if (!reconciled->empty()) set.metrics = std::move(reconciled->front());
    } else {
      log_error("--metrics-bind: " + reconciled.error().message + "; keeping the previous one");
      auto adopted = adopt_all(handover.metrics);
      if (adopted && !adopted->empty()) set.metrics = std::move(adopted->front());
    }
  } else if (!metrics_binds.empty()) {
    auto listener = open_bind(metrics_binds.front(), options.umask);
    if (!listener) return fail("--metrics-bind: " + listener.error().message);
    set.metrics = std::move(*listener);
  }
  return set;
}

}  // namespace deployctl::gateway::server
