// Renders access-log lines. The format is compiled once into literal pieces and atoms.
#include "gateway/server/access_log.hpp"

#include <unistd.h>

#include <cstdio>
#include <ctime>

namespace deployctl::gateway::server {

namespace {

std::string_view header_value(const AccessRecord& record, std::string_view name) {
  for (const http::Header& header : record.headers) {
    if (http::equals_ignore_case(header.name, name)) return header.value;
  }
  return {};
}

std::string or_dash(std::string_view text) { return text.empty() ? std::string("-") : std::string(text); }

// "[23/Nov/2026:22:00:00 +0000]"
std::string clf_time(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[40];
  const std::size_t size = std::strftime(text, sizeof text, "[%d/%b/%Y:%H:%M:%S +0000]", &parts);
  return {text, size};
}

// "-" when nothing of the line arrived (a request refused or timed out that early), as nginx logs it.
std::string request_line(const AccessRecord& record) {
  if (record.method.empty() && record.target.empty()) return "-";
  std::string line(record.method);
  line += ' ';
  line += record.target;
  if (record.http_minor >= 0) line += record.http_minor == 0 ? " HTTP/1.0" : " HTTP/1.1";
  return line;
}

std::string_view protocol(const AccessRecord& record) {
  return record.http_minor < 0 ? "-" : record.http_minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
}

std::string atom_value(const AccessRecord& record, std::string_view atom) {
  if (atom.size() > 3 && atom.front() == '{' && atom.ends_with("}i"))
    return or_dash(header_value(record, atom.substr(1, atom.size() - 3)));
  if (atom.size() == 1) {
    char seconds[32];
    switch (atom[0]) {
      case 'h': return or_dash(record.remote_addr);
      case 'l': return "-";
      case 'u': return "-";
      case 't': return clf_time(record.start);
      case 'r': return request_line(record);
      case 'm': return std::string(record.method);
      case 'U': return std::string(record.path);
      case 'q': return std::string(record.query);
      case 'H': return std::string(protocol(record));
      case 's': return std::to_string(record.status);
      case 'B': return std::to_string(record.bytes);
      case 'b': return record.bytes == 0 ? "-" : std::to_string(record.bytes);
      case 'f': return or_dash(header_value(record, "referer"));
      case 'a': return or_dash(header_value(record, "user-agent"));
      case 'T': return std::to_string(record.duration_us / 1000000);
      case 'D': return std::to_string(record.duration_us);
      case 'M': return std::to_string(record.duration_us / 1000);
      case 'L':
        std::snprintf(seconds, sizeof seconds, "%.6f", static_cast<double>(record.duration_us) / 1e6);
        return seconds;
      case 'p': return "<" + std::to_string(::getpid()) + ">";
      default: break;
    }
  }
  return "-";
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte >= 0x7f) {
      // Request bytes are not guaranteed UTF-8: escape everything outside printable ASCII (as latin-1 code points).
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

std::string escape_for_log(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '"' && c != '\\') {
      out += c;
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      out += escaped;
    }
  }
  return out;
}

AccessLogFormat::AccessLogFormat(std::string_view format, bool json) : json_(json) {
  std::string literal;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '%' && i + 1 < format.size() && format[i + 1] == '%') {
      literal += '%';
      ++i;
      continue;
    }
    if (format[i] == '%' && i + 1 < format.size() && format[i + 1] == '(') {
      const std::size_t close = format.find(')', i + 2);
      if (close != std::string_view::npos && close + 1 < format.size()) {
        if (!literal.empty()) pieces_.push_back({std::move(literal), {}});
        literal.clear();
        pieces_.push_back({{}, std::string(format.substr(i + 2, close - i - 2))});
        i = close + 1;  // skip the conversion letter (s, d)
        continue;
      }
    }
    literal += format[i];
  }
  if (!literal.empty()) pieces_.push_back({std::move(literal), {}});
}

void AccessLogFormat::render(const AccessRecord& record, std::string& out) const {
  if (json_) {
    out += "{\"remote_addr\":";
    append_json_string(out, record.remote_addr);
    out += ",\"time\":";
    append_json_string(out, clf_time(record.start));
    out += ",\"request\":";
    append_json_string(out, request_line(record));
    out += ",\"method\":";
    append_json_string(out, record.method);
    out += ",\"path\":";
    append_json_string(out, record.path);
    out += ",\"query\":";
    append_json_string(out, record.query);
    out += ",\"status\":" + std::to_string(record.status);
    out += ",\"bytes\":" + std::to_string(record.bytes);
    out += ",\"referer\":";
    append_json_string(out, header_value(record, "referer"));
    out += ",\"user_agent\":";
    append_json_string(out, header_value(record, "user-agent"));
    out += ",\"duration_us\":" + std::to_string(record.duration_us);
    out += ",\"pid\":" + std::to_string(::getpid());
    out += "}\n";
    return;
  }
  for (const Piece& piece : pieces_) out += piece.atom.empty() ? piece.literal : atom_value(record, piece.atom);
  out += '\n';
}

}  // namespace deployctl::gateway::server
