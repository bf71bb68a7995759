// The --metrics-bind endpoint's routing: only GET and HEAD /metrics are answered with the Prometheus text, so
// that the port exposes nothing else. Kept apart from the master's socket handling to be tested without one.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "gateway/http/request_parser.hpp"

namespace deployctl::gateway::server {

struct MetricsAnswer {
  int status = 0;
  std::string bytes;  // the whole response (head and body), Connection: close
};

// One request on a metrics connection, read with the gateway's own HTTP parser (llhttp, the same rejections as
// the app's port: a scraper is a client like any other). Tight limits: a scrape is one short GET.
class MetricsRequest {
 public:
  MetricsRequest();
  // Takes received bytes; true once the answer is decided (a complete request, or a refusal): stop reading.
  bool feed(std::string_view bytes);
  // GET or HEAD /metrics (a query is ignored) is 200 with `render()`'s text (HEAD: no body); another path is 404;
  // another method on /metrics is 405 with Allow; a request the parser refuses is answered with its status (400,
  // 431, 413, ...); a request that never completed (the client closed or was too slow) is 400.
  MetricsAnswer answer(const std::function<std::string()>& render) const;

 private:
  http::RequestParser parser_;
};

// The answer to `bytes` received whole (tests, and any caller that has read everything it will get).
MetricsAnswer answer_metrics_request(std::string_view bytes, const std::function<std::string()>& render);

}  // namespace deployctl::gateway::server
