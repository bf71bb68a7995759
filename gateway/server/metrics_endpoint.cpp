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

std::string response(int status, std::string_view type, std::string_view body, bool send_body,
                     std::string_view extra_header = {}) {
  std::string bytes = "HTTP/1.1 " + std::to_string(status) + " " + std::string(http::reason_phrase(status));
  bytes += "\r\nContent-Type: ";
  bytes += type;
  bytes += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  bytes += extra_header;
  bytes += "Connection: close\r\n\r\n";
  if (send_body) bytes += body;
  return bytes;
}

std::string plain_response(int status, bool send_body, std::string_view extra_header = {}) {
  return response(status, "text/plain", std::string(http::reason_phrase(status)) + "\n", send_body, extra_header);
}

}  // namespace

MetricsRequest::MetricsRequest() : parser_(metrics_limits()) {}

bool MetricsRequest::feed(std::string_view bytes) {
  return parser_.feed(bytes) != http::ParseStatus::need_more;
}

MetricsAnswer MetricsRequest::answer(const std::function<std::string()>& render) const {
  switch (parser_.status()) {
    case http::ParseStatus::need_more:
      return {400, plain_response(400, true)};
    case http::ParseStatus::rejected: {
      const int status = parser_.rejection().status;
      return {status, plain_response(status, true)};
    }
    case http::ParseStatus::continue_expected:  // never sent a 100: the answer is final either way
    case http::ParseStatus::request_ready:
      break;
  }
  const http::Request& request = parser_.request();
  if (request.path != "/metrics") return {404, plain_response(404, !request.is_head())};
  if (request.method != "GET" && !request.is_head())
    return {405, plain_response(405, true, "Allow: GET, HEAD\r\n")};
  return {200, response(200, exposition_type, render(), !request.is_head())};
}

MetricsAnswer answer_metrics_request(std::string_view bytes, const std::function<std::string()>& render) {
  MetricsRequest request;
  request.feed(bytes);
  return request.answer(render);
}

}  // namespace deployctl::gateway::server
