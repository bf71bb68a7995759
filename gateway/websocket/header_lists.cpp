// A small cursor over one header value, with RFC 9110's optional whitespace, tokens and quoted strings.
#include "gateway/websocket/header_lists.hpp"

#include <cstddef>

#include "gateway/http/char_classes.hpp"

namespace deployctl::gateway::websocket {

namespace {

struct Cursor {
  std::string_view text;
  std::size_t at = 0;

  bool done() const noexcept { return at == text.size(); }
  char peek() const noexcept { return text[at]; }
  void skip_ows() noexcept {
    while (!done() && (peek() == ' ' || peek() == '\t')) ++at;
  }
  bool eat(char c) noexcept {
    if (done() || peek() != c) return false;
    ++at;
    return true;
  }
  std::string_view token() noexcept {
    const std::size_t start = at;
    while (!done() && http::token_chars[static_cast<unsigned char>(peek())]) ++at;
    return text.substr(start, at - start);
  }
  // A quoted-string without its quotes and with its quoted-pairs resolved; none if it does not close.
  std::optional<std::string> quoted() {
    if (!eat('"')) return std::nullopt;
    std::string value;
    while (!done()) {
      const char c = text[at++];
      if (c == '"') return value;
      if (c == '\\') {
        if (done()) return std::nullopt;
        value.push_back(text[at++]);
      } else {
        value.push_back(c);
      }
    }
    return std::nullopt;
  }
};

}  // namespace

bool parse_token_list(std::string_view value, std::vector<std::string_view>& tokens) {
  Cursor cursor{value};
  while (true) {
    cursor.skip_ows();
    if (cursor.done()) return true;
    if (cursor.eat(',')) continue;
    const std::string_view token = cursor.token();
    if (token.empty()) return false;
    tokens.push_back(token);
    cursor.skip_ows();
    if (!cursor.done() && !cursor.eat(',')) return false;
  }
}

bool has_token(const std::vector<std::string_view>& tokens, std::string_view token) noexcept {
  for (const std::string_view t : tokens)
    if (http::equals_ignore_case(t, token)) return true;
  return false;
}

bool parse_extension_offers(std::string_view value, std::vector<ExtensionOffer>& offers) {
  Cursor cursor{value};
  while (true) {
    cursor.skip_ows();
    if (cursor.done()) return true;
    if (cursor.eat(',')) continue;
    const std::string_view name = cursor.token();
    if (name.empty()) return false;
    ExtensionOffer offer{std::string(name), {}};
    cursor.skip_ows();
    while (cursor.eat(';')) {
      cursor.skip_ows();
      const std::string_view param = cursor.token();
      if (param.empty()) return false;
      ExtensionParam parsed{std::string(param), std::nullopt};
      cursor.skip_ows();
      if (cursor.eat('=')) {
        cursor.skip_ows();
        if (!cursor.done() && cursor.peek() == '"') {
          parsed.value = cursor.quoted();
          if (!parsed.value) return false;
        } else {
          const std::string_view token = cursor.token();
          if (token.empty()) return false;
          parsed.value = std::string(token);
        }
        cursor.skip_ows();
      }
      offer.params.push_back(std::move(parsed));
    }
    offers.push_back(std::move(offer));
    if (!cursor.done() && !cursor.eat(',')) return false;
  }
}

}  // namespace deployctl::gateway::websocket
