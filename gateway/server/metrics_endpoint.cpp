// Routes one metrics request parsed by http::RequestParser; nothing of the client is trusted beyond the method
// and the path.
#include "gateway/server/metrics_endpoint.hpp"

#include "gateway/http/response_head.hpp"

namespace deployctl::gateway::server {

namespace {

constexpr std::string_view exposition_type = "text/plain; version=0.0.4; charset=utf-8";

http::Limits metrics_limits() {
  http::Limits limits;
  limits.request_line = 1024;
  limits.header_count = 50;
  limits.header_field_size = 4096;
  limits.body = 4096;  // a scrape has none; a small one (POST to be refused with 405) may still arrive whole
  return limits;
}

// A response of ours with headers of our choosing, through the same head builder as the app's responses
// (Date, framing, Connection: close). Our fixed headers cannot fail its validation.
std::string response(std::string_view status_line, std::string_view type, std::string_view body, bool head_request,
                     std::string_view allow = {}) {
  const std::string length = std::to_string(body.size());
  const http::Header headers[] = {{"Content-Type", type}, {"Content-Length", length}, {"Allow", allow}};
  http::ResponseContext context;
  context.head_request = head_request;
  context.keep_alive = false;
  std::string bytes;
  (void)http::append_response_head(bytes, status_line, std::span(headers, allow.empty() ? 2 : 3), context);
  if (!head_request) bytes += body;
  return bytes;
}

std::string error_response(int status, bool head_request = false) {
  std::string bytes;
  http::append_error_response(bytes, status, head_request);
  return bytes;
}

}  // namespace

MetricsRequest::MetricsRequest() : parser_(metrics_limits()) {}

bool MetricsRequest::feed(std::string_view bytes) { return parser_.feed(bytes) != http::ParseStatus::need_more; }

MetricsAnswer MetricsRequest::answer(const std::function<std::string()>& render) const {
  switch (parser_.status()) {
    case http::ParseStatus::need_more: return {400, error_response(400)};
    case http::ParseStatus::rejected: {
      const int status = parser_.rejection().status;
      return {status, error_response(status)};
    }
    case http::ParseStatus::continue_expected:  // never sent a 100: the answer is final either way
    case http::ParseStatus::request_ready: break;
  }
  const http::Request& request = parser_.request();
  if (request.path != "/metrics") return {404, error_response(404, request.is_head())};
  if (request.method != "GET" && !request.is_head())
    return {405, response("405 Method Not Allowed", "text/plain; charset=utf-8", "Method Not Allowed\n", false,
                          "GET, HEAD")};
  return {200, response("200 OK", exposition_type, render(), request.is_head())};
}

MetricsAnswer answer_metrics_request(std::string_view bytes, const std::function<std::string()>& render) {
  MetricsRequest request;
  request.feed(bytes);
  return request.answer(render);
}

}  // namespace deployctl::gateway::server
