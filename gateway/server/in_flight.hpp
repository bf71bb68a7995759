// The requests a worker's threads have in hand, published to its shared slot for the master: the oldest start
// mark (what --timeout watches: a worker is stuck as soon as one of its requests is), the in-flight count (the
// metrics gauge) and every request line, oldest first (what the timeout report names).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/request.hpp"
#include "gateway/server/shared_state.hpp"

namespace deployctl::gateway::server {

class InFlightBoard {
 public:
  InFlightBoard(WorkerSlot& slot, std::size_t threads);

  // Called by pool thread `thread` around each request it runs.
  void begin(std::size_t thread, std::int64_t started_ms, const http::Request& request);
  void end(std::size_t thread);
  // The request of `thread` is making progress (body bytes arrived): --timeout counts from now.
  void progress(std::size_t thread, std::int64_t now_ms);

 private:
  struct Entry {
    std::int64_t started_ms = 0;  // 0: the thread is idle
    std::string method;
    std::string target;
    int http_minor = 1;
  };
  void publish();  // with mutex_ held

  WorkerSlot& slot_;
  std::mutex mutex_;
  std::vector<Entry> entries_;  // one per thread
  std::vector<const Entry*> order_;
};

// A single-threaded worker's one request, written into the slot's line for the timeout report (the target cut
// to 200 bytes) without formatting or allocating: it runs on every request.
void publish_request_line(WorkerSlot& slot, std::string_view method, std::string_view target, int http_minor);

// The same for a line already formatted (an ASGI request's, which its call keeps), cut to fit.
void publish_request_text(WorkerSlot& slot, std::string_view line);

// "GET /path HTTP/1.1" for the timeout report, the target cut to `target_limit` bytes.
std::string request_line_text(std::string_view method, std::string_view target, int http_minor,
                              std::size_t target_limit);

}  // namespace deployctl::gateway::server
