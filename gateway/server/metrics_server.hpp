// The master's --metrics-bind endpoint, served without ever blocking the supervision loop: each scrape is a
// small state machine (read the request, write the answer) on a non-blocking socket, polled with the master's
// other descriptors; one still unanswered after a second gets what its request deserves so far and is dropped.
#pragma once

#include <poll.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/unique_fd.hpp"
#include "gateway/server/metrics_endpoint.hpp"

namespace deployctl::gateway::server {

class MetricsServer {
 public:
  // `listener_fd` stays the caller's (a Listener); `render` makes the Prometheus text.
  MetricsServer(int listener_fd, std::function<std::string()> render);

  // Appends what to poll: the listener (unless at the cap of open scrapes), then each scrape for what it waits.
  void add_poll_entries(std::vector<pollfd>& entries);
  // After poll(), with the entries add_poll_entries() appended: accepts, reads, answers, writes, and drops the
  // scrapes past their deadline.
  void on_ready(std::span<const pollfd> entries, std::int64_t now_ms);
  // In a forked worker: the master's scrape connections are not the worker's to keep open.
  void forget_connections() noexcept { scrapes_.clear(); }

  static constexpr std::size_t max_scrapes = 16;
  static constexpr std::int64_t scrape_deadline_ms = 1000;

 private:
  struct Scrape {
    UniqueFd fd;
    MetricsRequest request;
    std::string answer;  // empty until decided
    std::size_t sent = 0;
    std::int64_t deadline_ms = 0;
    bool answering = false;
    bool done = false;
  };
  void accept_scrapes(std::int64_t now_ms);
  void read_request(Scrape& scrape);
  void decide(Scrape& scrape);
  void write_answer(Scrape& scrape);

  int listener_fd_;
  std::function<std::string()> render_;
  std::vector<std::unique_ptr<Scrape>> scrapes_;
  bool listener_polled_ = false;
};

}  // namespace deployctl::gateway::server
