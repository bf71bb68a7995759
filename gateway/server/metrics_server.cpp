// A scrape is one short GET: read until MetricsRequest decides, then write the answer and half-close. Nothing
// here waits: a slow or silent scraper costs a slot (at most max_scrapes) for a second, never the master's time.
#include "gateway/server/metrics_server.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace deployctl::gateway::server {

MetricsServer::MetricsServer(int listener_fd, std::function<std::string()> render)
    : listener_fd_(listener_fd), render_(std::move(render)) {}

void MetricsServer::add_poll_entries(std::vector<pollfd>& entries) {
  listener_polled_ = scrapes_.size() < max_scrapes;
  if (listener_polled_) entries.push_back({listener_fd_, POLLIN, 0});
  for (const auto& scrape : scrapes_)
    entries.push_back({scrape->fd.get(), static_cast<short>(scrape->answering ? POLLOUT : POLLIN), 0});
}

void MetricsServer::on_ready(std::span<const pollfd> entries, std::int64_t now_ms) {
  std::size_t at = 0;
  const bool listener_ready = listener_polled_ && !entries.empty() && (entries[at++].revents & POLLIN) != 0;
  for (std::size_t index = 0; index < scrapes_.size() && at < entries.size(); ++index, ++at) {
    Scrape& scrape = *scrapes_[index];
    if (entries[at].revents == 0) continue;
    if (!scrape.answering) read_request(scrape);
    if (scrape.answering && !scrape.done) write_answer(scrape);
  }
  for (auto& scrape : scrapes_) {
    if (scrape->done || now_ms < scrape->deadline_ms) continue;
    // Too slow: what its request deserves so far (400 when it never completed), sent if the socket takes it.
    if (!scrape->answering) decide(*scrape);
    write_answer(*scrape);
    scrape->done = true;
  }
  std::erase_if(scrapes_, [](const auto& scrape) { return scrape->done; });
  if (listener_ready) accept_scrapes(now_ms);
}

void MetricsServer::accept_scrapes(std::int64_t now_ms) {
  while (scrapes_.size() < max_scrapes) {
    UniqueFd fd(::accept4(listener_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd) return;  // EAGAIN, or a transient error: the next poll tries again
    auto scrape = std::make_unique<Scrape>();
    scrape->fd = std::move(fd);
    scrape->deadline_ms = now_ms + scrape_deadline_ms;
    scrapes_.push_back(std::move(scrape));
  }
}

void MetricsServer::read_request(Scrape& scrape) {
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::recv(scrape.fd.get(), buffer, sizeof buffer, 0);
    if (got > 0) {
      if (scrape.request.feed({buffer, static_cast<std::size_t>(got)})) break;
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (got < 0 && errno == EINTR) continue;
    break;  // the client closed (or failed) before a complete request: it gets the answer for what came
  }
  decide(scrape);
}

void MetricsServer::decide(Scrape& scrape) {
  scrape.answer = scrape.request.answer(render_).bytes;
  scrape.answering = true;
}

void MetricsServer::write_answer(Scrape& scrape) {
  while (scrape.sent < scrape.answer.size()) {
    const ssize_t sent =
        ::send(scrape.fd.get(), scrape.answer.data() + scrape.sent, scrape.answer.size() - scrape.sent, MSG_NOSIGNAL);
    if (sent > 0) {
      scrape.sent += static_cast<std::size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // POLLOUT next round
    scrape.done = true;
    return;
  }
  ::shutdown(scrape.fd.get(), SHUT_WR);
  scrape.done = true;
}

}  // namespace deployctl::gateway::server
