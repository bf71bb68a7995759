// urllib.parse as Python 3.11 does it, for the URL settings readers parse (DATABASE_URL, CACHE_URL, ...).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace deployctl::checks::settings::eval {

struct ParsedUrl {
  std::string scheme, netloc, path, params, query, fragment;

  std::optional<std::string> hostname() const;  // lower-cased; nullopt when there is none
  std::optional<std::string> username() const;
  std::optional<std::string> password() const;
  // nullopt: no port; `valid` false when Python's .port raises ValueError.
  std::optional<long> port(bool& valid) const;
};

// urlparse(url); `split_params` when the scheme is in urllib.parse.uses_params.
// nullopt when Python raises ValueError (e.g. an unbalanced '[' in the netloc).
std::optional<ParsedUrl> url_parse(std::string_view url, bool split_params);

std::string url_unquote(std::string_view text, bool plus_is_space);
// parse_qs(query): names in first-seen order with all their values; blank values dropped.
std::vector<std::pair<std::string, std::vector<std::string>>> parse_query(std::string_view query);

}  // namespace deployctl::checks::settings::eval
