// Publishing is rare next to a request's cost (twice per request, a handful of threads), so it simply rewrites
// the slot under one mutex. The master reads the slot without locking, as it does for a single-threaded worker.
#include "gateway/server/in_flight.hpp"

#include <algorithm>
#include <cstring>

namespace deployctl::gateway::server {

std::string request_line_text(std::string_view method, std::string_view target, int http_minor,
                              std::size_t target_limit) {
  std::string line;
  line.reserve(method.size() + std::min(target.size(), target_limit) + 11);
  line += method;
  line += ' ';
  line += target.substr(0, target_limit);
  line += http_minor == 0 ? " HTTP/1.0" : " HTTP/1.1";
  return line;
}

void publish_request_line(WorkerSlot& slot, std::string_view method, std::string_view target, int http_minor) {
  constexpr std::string_view versions[] = {" HTTP/1.0", " HTTP/1.1"};
  const std::string_view version = versions[http_minor == 0 ? 0 : 1];
  char* out = slot.request_line;
  const std::size_t capacity = sizeof slot.request_line - 1;
  method = method.substr(0, capacity - version.size() - 1);
  target = target.substr(0, std::min<std::size_t>(200, capacity - version.size() - 1 - method.size()));
  std::memcpy(out, method.data(), method.size());
  out += method.size();
  *out++ = ' ';
  std::memcpy(out, target.data(), target.size());
  out += target.size();
  std::memcpy(out, version.data(), version.size());
  out[version.size()] = '\0';
}

void publish_request_text(WorkerSlot& slot, std::string_view line) {
  line = line.substr(0, sizeof slot.request_line - 1);
  std::memcpy(slot.request_line, line.data(), line.size());
  slot.request_line[line.size()] = '\0';
}

InFlightBoard::InFlightBoard(WorkerSlot& slot, std::size_t threads) : slot_(slot), entries_(threads) {
  order_.reserve(threads);
  slot_.requests_in_flight.store(0);
}

void InFlightBoard::begin(std::size_t thread, std::int64_t started_ms, const http::Request& request) {
  const std::lock_guard lock(mutex_);
  Entry& entry = entries_[thread];
  entry.started_ms = std::max<std::int64_t>(started_ms, 1);  // 0 means idle
  entry.method.assign(request.method);
  entry.target.assign(request.target.substr(0, sizeof slot_.request_line));
  entry.http_minor = request.http_minor;
  publish();
}

void InFlightBoard::end(std::size_t thread) {
  const std::lock_guard lock(mutex_);
  entries_[thread].started_ms = 0;
  publish();
}

void InFlightBoard::progress(std::size_t thread, std::int64_t now_ms) {
  const std::lock_guard lock(mutex_);
  if (entries_[thread].started_ms == 0) return;
  entries_[thread].started_ms = std::max<std::int64_t>(now_ms, 1);
  publish();
}

void InFlightBoard::publish() {
  order_.clear();
  for (const Entry& entry : entries_)
    if (entry.started_ms != 0) order_.push_back(&entry);
  std::ranges::sort(order_, {}, &Entry::started_ms);
  // The line first, then the start mark: the master reads the mark, then the line.
  if (!order_.empty()) {
    constexpr std::string_view separator = " | ";
    const std::size_t capacity = sizeof slot_.request_line - 1;
    // Each request gets an equal share of the slot's line; the target is what gets cut.
    const std::size_t share = capacity / order_.size();
    std::string text;
    for (const Entry* entry : order_) {
      if (!text.empty()) text += separator;
      const std::size_t fixed = entry->method.size() + 10 + separator.size();
      text += request_line_text(entry->method, entry->target, entry->http_minor, share > fixed ? share - fixed : 0);
    }
    const std::size_t size = std::min(text.size(), capacity);
    std::memcpy(slot_.request_line, text.data(), size);
    slot_.request_line[size] = '\0';
  }
  slot_.requests_in_flight.store(static_cast<std::int64_t>(order_.size()));
  slot_.request_started_ms.store(order_.empty() ? 0 : order_.front()->started_ms);
}

}  // namespace deployctl::gateway::server
