// urllib.parse.urlparse/unquote/parse_qs, reimplemented from CPython 3.11's behaviour.
#include "checks/settings/eval/url_parse.hpp"

#include <algorithm>
#include <cctype>

#include "checks/settings/eval/python_text.hpp"

namespace deployctl::checks::settings::eval {

namespace {

bool is_scheme_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'; }

std::string_view host_info(std::string_view netloc) {
  const std::size_t at = netloc.rfind('@');
  return at == std::string_view::npos ? netloc : netloc.substr(at + 1);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<ParsedUrl> url_parse(std::string_view input, bool split_params) {
  ParsedUrl out;
  std::string url;
  // Leading C0 controls and spaces are stripped; tabs and newlines are removed anywhere.
  std::size_t start = 0;
  while (start < input.size() && static_cast<unsigned char>(input[start]) <= ' ') ++start;
  for (std::size_t i = start; i < input.size(); ++i)
    if (input[i] != '\t' && input[i] != '\r' && input[i] != '\n') url += input[i];
  std::string_view rest = url;
  const std::size_t colon = rest.find(':');
  if (colon != std::string_view::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(rest[0])) &&
      std::all_of(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(colon), is_scheme_char)) {
    for (std::size_t i = 0; i < colon; ++i)
      out.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(rest[i])));
    rest.remove_prefix(colon + 1);
  }
  if (rest.starts_with("//")) {
    const std::size_t end = rest.find_first_of("/?#", 2);
    out.netloc = std::string(rest.substr(2, end == std::string_view::npos ? rest.npos : end - 2));
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    const bool open = out.netloc.find('[') != std::string::npos;
    const bool close = out.netloc.find(']') != std::string::npos;
    if (open != close) return std::nullopt;
  }
  if (const std::size_t hash = rest.find('#'); hash != std::string_view::npos) {
    out.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  if (const std::size_t question = rest.find('?'); question != std::string_view::npos) {
    out.query = std::string(rest.substr(question + 1));
    rest = rest.substr(0, question);
  }
  out.path = std::string(rest);
  if (split_params && out.path.find(';') != std::string::npos) {
    const std::size_t slash = out.path.rfind('/');
    const std::size_t semicolon = out.path.find(';', slash == std::string::npos ? 0 : slash);
    if (semicolon != std::string::npos) {
      out.params = out.path.substr(semicolon + 1);
      out.path.resize(semicolon);
    }
  }
  return out;
}

std::optional<std::string> ParsedUrl::hostname() const {
  const std::string_view info = host_info(netloc);
  std::string_view host;
  if (info.starts_with('[')) {
    const std::size_t close = info.find(']');
    host = info.substr(1, close == std::string_view::npos ? info.npos : close - 1);
  } else {
    host = info.substr(0, info.find(':'));
  }
  if (host.empty()) return std::nullopt;
  std::string lowered(host);
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lowered;
}

std::optional<std::string> ParsedUrl::username() const {
  const std::size_t at = netloc.rfind('@');
  if (at == std::string::npos) return std::nullopt;
  const std::string_view info = std::string_view(netloc).substr(0, at);
  return std::string(info.substr(0, info.find(':')));
}

std::optional<std::string> ParsedUrl::password() const {
  const std::size_t at = netloc.rfind('@');
  if (at == std::string::npos) return std::nullopt;
  const std::string_view info = std::string_view(netloc).substr(0, at);
  const std::size_t colon = info.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return std::string(info.substr(colon + 1));
}

std::optional<long> ParsedUrl::port(bool& valid) const {
  valid = true;
  const std::string_view info = host_info(netloc);
  std::string_view port_text;
  if (info.starts_with('[')) {
    const std::size_t close = info.find(']');
    if (close != std::string_view::npos && close + 1 < info.size() && info[close + 1] == ':')
      port_text = info.substr(close + 2);
  } else if (const std::size_t colon = info.find(':'); colon != std::string_view::npos) {
    port_text = info.substr(colon + 1);
  }
  if (port_text.empty()) return std::nullopt;
  if (port_text.size() > 9 ||
      !std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    valid = false;
    return std::nullopt;
  }
  const long value = std::stol(std::string(port_text));
  if (value > 65535) {
    valid = false;
    return std::nullopt;
  }
  return value;
}

std::string url_unquote(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return utf8_replace_invalid(out);  // Python decodes with errors='replace'
}

std::vector<std::pair<std::string, std::vector<std::string>>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  std::size_t start = 0;
  while (start <= query.size()) {
    const std::size_t amp = query.find('&', start);
    const std::string_view pair = query.substr(start, amp == std::string_view::npos ? query.npos : amp - start);
    start = amp == std::string_view::npos ? query.size() + 1 : amp + 1;
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos || equals + 1 == pair.size()) continue;  // no value, or a blank one
    const std::string name = url_unquote(pair.substr(0, equals), true);
    const std::string value = url_unquote(pair.substr(equals + 1), true);
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& entry) { return entry.first == name; });
    if (it == out.end())
      out.push_back({name, {value}});
    else
      it->second.push_back(value);
  }
  return out;
}

}  // namespace deployctl::checks::settings::eval
