// Reads only the request line: the endpoint has no use for headers, and nothing else of the client is trusted.
#include "gateway/server/metrics_endpoint.hpp"

namespace deployctl::gateway::server {

namespace {

constexpr std::string_view exposition_type = "text/plain; version=0.0.4; charset=utf-8";

std::string response(int status, std::string_view reason, std::string_view type, std::string_view body,
                     bool send_body, std::string_view extra_header = {}) {
  std::string bytes = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\nContent-Type: ";
  bytes += type;
  bytes += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  bytes += extra_header;
  bytes += "Connection: close\r\n\r\n";
  if (send_body) bytes += body;
  return bytes;
}

}  // namespace

MetricsAnswer answer_metrics_request(std::string_view head, const std::function<std::string()>& render) {
  const std::size_t line_end = head.find('\n');
  std::string_view line = head.substr(0, line_end);
  if (line.ends_with('\r')) line.remove_suffix(1);
  const std::size_t first_space = line.find(' ');
  const std::size_t second_space = first_space == std::string_view::npos ? first_space : line.find(' ', first_space + 1);
  if (line_end == std::string_view::npos || second_space == std::string_view::npos ||
      !line.substr(second_space + 1).starts_with("HTTP/1."))
    return {400, response(400, "Bad Request", "text/plain", "Bad Request\n", true)};
  const std::string_view method = line.substr(0, first_space);
  std::string_view path = line.substr(first_space + 1, second_space - first_space - 1);
  path = path.substr(0, path.find('?'));
  const bool head_request = method == "HEAD";
  if (path != "/metrics") return {404, response(404, "Not Found", "text/plain", "Not Found\n", !head_request)};
  if (method != "GET" && !head_request)
    return {405, response(405, "Method Not Allowed", "text/plain", "Method Not Allowed\n", true,
                          "Allow: GET, HEAD\r\n")};
  return {200, response(200, "OK", exposition_type, render(), !head_request)};
}

}  // namespace deployctl::gateway::server
