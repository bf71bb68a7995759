// The --metrics-bind endpoint's routing: only GET and HEAD /metrics are answered with the Prometheus text, so
// that the port exposes nothing else. Kept apart from the master's socket handling to be tested without one.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace deployctl::gateway::server {

struct MetricsAnswer {
  int status = 0;
  std::string bytes;  // the whole response (head and body), Connection: close
};

// Answers the request whose head is `head` (bytes as received, possibly cut): GET or HEAD /metrics (a query is
// ignored) is 200 with `render()`'s text (HEAD: no body); another path is 404; another method on /metrics is 405
// with Allow; anything that is not an HTTP/1.x request line is 400.
MetricsAnswer answer_metrics_request(std::string_view head, const std::function<std::string()>& render);

}  // namespace deployctl::gateway::server
