// How findings speak of secrets without showing them: "a 17-character literal" for a value, and the password
// part of a URL. Shared by the rules and the repository scan, which both describe secrets they must not print.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace deployctl::checks {

// Length as Python's len() counts it (code points), so that quoted lengths match what Django measures.
std::size_t python_length(std::string_view utf8);

// "a 17-character literal", "an 8-character string": how messages mention a secret without showing it.
std::string sized(std::string_view text, std::string_view noun);

// The parts of a URL that carries a password in its authority, "postgres://user:secret@host/db" ->
// {"postgres", "secret"} (scheme as written, password percent-encoded as written); nullopt without a password.
struct UrlCredentials {
  std::string_view scheme;
  std::string_view password;
};
std::optional<UrlCredentials> url_credentials(std::string_view url);

// Whether a setting, dict key or environment variable named so holds a secret: SECRET_KEY, *_SECRET, *PASSWORD,
// *PASSWD, *TOKEN, *API_KEY, *PRIVATE_KEY, *ACCESS_KEY (case-insensitive; PASSWORD_HASHERS and the like are not).
// The settings rules, the repository scan and the masking of Django's messages share it.
bool is_secret_name(std::string_view name);

}  // namespace deployctl::checks
