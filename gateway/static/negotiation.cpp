// Parsing of Accept-Encoding, If-None-Match and Range; malformed input always degrades to "ignore the header".
#include "gateway/static/negotiation.hpp"

#include <charconv>
#include <optional>

#include "gateway/http/request.hpp"

namespace deployctl::gateway::static_files {

namespace {

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "1", "1.0", "0.5", "0.125", "0" → thousandths; nullopt when malformed.
std::optional<int> parse_qvalue(std::string_view text) noexcept {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  int value = (text[0] - '0') * 1000;
  if (text.size() == 1) return value;
  if (text[1] != '.' || text.size() > 5) return std::nullopt;
  int scale = 100;
  for (std::size_t i = 2; i < text.size(); ++i, scale /= 10) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value += (text[i] - '0') * scale;
  }
  return value > 1000 ? std::nullopt : std::optional<int>(value);
}

std::optional<std::uint64_t> parse_number(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

EncodingPreferences parse_accept_encoding(std::string_view value) noexcept {
  std::optional<int> brotli, gzip, any;
  while (!value.empty()) {
    const auto comma = value.find(',');
    auto item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    int q = 1000;
    const auto semicolon = item.find(';');
    if (semicolon != std::string_view::npos) {
      auto parameters = item.substr(semicolon + 1);
      item = item.substr(0, semicolon);
      // Only the q parameter matters; a malformed one makes the coding unacceptable (q=0), the safe side.
      while (!parameters.empty()) {
        const auto next = parameters.find(';');
        const auto parameter = trim(parameters.substr(0, next));
        if (parameter.size() >= 2 && (parameter[0] == 'q' || parameter[0] == 'Q') && parameter[1] == '=')
          q = parse_qvalue(trim(parameter.substr(2))).value_or(0);
        parameters = next == std::string_view::npos ? std::string_view() : parameters.substr(next + 1);
      }
    }
    const auto coding = trim(item);
    if (http::equals_ignore_case(coding, "br")) {
      brotli = q;
    } else if (http::equals_ignore_case(coding, "gzip") || http::equals_ignore_case(coding, "x-gzip")) {
      gzip = q;
    } else if (coding == "*") {
      any = q;
    }
  }
  return EncodingPreferences{brotli.value_or(any.value_or(0)), gzip.value_or(any.value_or(0))};
}

bool if_none_match_matches(std::string_view header_value, std::string_view etag) noexcept {
  if (trim(header_value) == "*") return true;
  while (!header_value.empty()) {
    const auto comma = header_value.find(',');
    auto tag = trim(header_value.substr(0, comma));
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    if (comma == std::string_view::npos) break;
    header_value.remove_prefix(comma + 1);
  }
  return false;
}

ByteRange parse_range(std::string_view value, std::uint64_t file_size) noexcept {
  value = trim(value);
  constexpr std::string_view unit = "bytes=";
  if (value.size() < unit.size() || !http::equals_ignore_case(value.substr(0, unit.size()), unit)) return {};
  const auto spec = trim(value.substr(unit.size()));
  if (spec.find(',') != std::string_view::npos) return {};
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  const auto first_text = trim(spec.substr(0, dash));
  const auto last_text = trim(spec.substr(dash + 1));
  if (first_text.empty()) {
    // suffix range "-N": the last N bytes
    const auto suffix = parse_number(last_text);
    if (!suffix) return {};
    if (*suffix == 0 || file_size == 0) return {RangeKind::unsatisfiable, 0, 0};
    const auto length = *suffix < file_size ? *suffix : file_size;
    return {RangeKind::single, file_size - length, length};
  }
  const auto first = parse_number(first_text);
  if (!first) return {};
  std::uint64_t last = file_size == 0 ? 0 : file_size - 1;
  if (!last_text.empty()) {
    const auto given = parse_number(last_text);
    if (!given || *given < *first) return {};
    if (*given < last) last = *given;
  }
  if (*first >= file_size) return {RangeKind::unsatisfiable, 0, 0};
  return {RangeKind::single, *first, last - *first + 1};
}

}  // namespace deployctl::gateway::static_files
