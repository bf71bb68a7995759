// How findings speak of secrets without showing them: lengths as Python counts them, and the password of a URL.
#include "checks/findings/secret_text.hpp"

#include <algorithm>

namespace deployctl::checks {

std::size_t python_length(std::string_view utf8) {
  // Every byte that is not a UTF-8 continuation byte starts a code point.
  return static_cast<std::size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

std::string sized(std::string_view text, std::string_view noun) {
  const std::size_t length = python_length(text);
  const std::string number = std::to_string(length);
  // "an 8-", "an 11-", "an 18-", "an 80-...": the article follows the pronunciation of the number.
  const bool eleven_or_eighteen = number.size() % 3 == 2 && (number.starts_with("11") || number.starts_with("18"));
  const bool vowel = number.starts_with('8') || eleven_or_eighteen;
  return std::string(vowel ? "an " : "a ") + number + "-character " + std::string(noun);
}

std::optional<UrlCredentials> url_credentials(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return std::nullopt;
  const std::string_view scheme = url.substr(0, scheme_end);
  for (const char c : scheme)  // RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
          c == '.'))
      return std::nullopt;
  const std::string_view rest = url.substr(scheme_end + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  const std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view user_info = authority.substr(0, at);
  const std::size_t colon = user_info.find(':');
  if (colon == std::string_view::npos || colon + 1 == user_info.size()) return std::nullopt;
  return UrlCredentials{scheme, user_info.substr(colon + 1)};
}

bool is_secret_name(std::string_view name) {
  std::string key(name);
  for (char& c : key)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  for (const std::string_view ending :
       {"SECRET_KEY", "SECRET", "PASSWORD", "PASSWD", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY"})
    if (key.ends_with(ending)) return true;
  return false;
}

}  // namespace deployctl::checks
