// Request-target splitting and percent-decoding, kept apart from the parser so both are easy to test.
#include "gateway/http/request_target.hpp"

namespace deployctl::gateway::http {

namespace {
int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

TargetParts split_target(std::string_view target) noexcept {
  if (const auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  std::string_view query;
  if (const auto mark = target.find('?'); mark != std::string_view::npos) {
    query = target.substr(mark + 1);
    target = target.substr(0, mark);
  }
  if (!target.empty() && target.front() != '/' && target != "*") {
    // absolute-form: scheme "://" authority path
    if (const auto scheme_end = target.find("://"); scheme_end != std::string_view::npos) {
      const auto authority = target.substr(scheme_end + 3);
      const auto slash = authority.find('/');
      target = slash == std::string_view::npos ? std::string_view("/") : authority.substr(slash);
    }
  }
  return {target, query};
}

void append_percent_decoded(std::string& out, std::string_view encoded) {
  auto percent = encoded.find('%');
  if (percent == std::string_view::npos) {
    out.append(encoded);
    return;
  }
  out.reserve(out.size() + encoded.size());
  std::size_t done = 0;
  while (percent != std::string_view::npos) {
    out.append(encoded.substr(done, percent - done));
    if (percent + 2 < encoded.size()) {
      const int high = hex_value(encoded[percent + 1]);
      const int low = hex_value(encoded[percent + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>((high << 4) | low));
        done = percent + 3;
        percent = encoded.find('%', done);
        continue;
      }
    }
    out.push_back('%');
    done = percent + 1;
    percent = encoded.find('%', done);
  }
  out.append(encoded.substr(done));
}

}  // namespace deployctl::gateway::http
