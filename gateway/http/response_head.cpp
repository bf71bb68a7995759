// Response heads: the app's status and headers are validated byte by byte (nothing with CR, LF or NUL is ever
// sent), hop-by-hop headers are ours, and the framing follows from the status, the method and the version.
#include "gateway/http/response_head.hpp"

#include <array>
#include <charconv>
#include <ctime>

#include "gateway/http/char_classes.hpp"

namespace deployctl::gateway::http {

namespace {

bool has_forbidden_byte(std::string_view text) noexcept {
  for (const char c : text)
    if (c == '\r' || c == '\n' || c == '\0') return true;
  return false;
}

// "close" among the comma-separated tokens of a Connection value.
bool has_close_token(std::string_view value) noexcept {
  while (!value.empty()) {
    const auto comma = value.find(',');
    auto token = value.substr(0, comma);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
    if (equals_ignore_case(token, "close")) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

// The response header names the head builder treats specially, told apart by length first: this runs for every
// header of every response.
enum class HeaderKind { other, content_length, connection, date, server, hop_by_hop };

HeaderKind classify(std::string_view name) noexcept {
  const auto is = [&](std::string_view known) { return equals_ignore_case(name, known); };
  switch (name.size()) {
    case 2: return is("te") ? HeaderKind::hop_by_hop : HeaderKind::other;
    case 4: return is("date") ? HeaderKind::date : HeaderKind::other;
    case 6: return is("server") ? HeaderKind::server : HeaderKind::other;
    case 7: return is("trailer") || is("upgrade") ? HeaderKind::hop_by_hop : HeaderKind::other;
    case 10:
      if (is("connection")) return HeaderKind::connection;
      return is("keep-alive") ? HeaderKind::hop_by_hop : HeaderKind::other;
    case 14: return is("content-length") ? HeaderKind::content_length : HeaderKind::other;
    case 16: return is("proxy-connection") ? HeaderKind::hop_by_hop : HeaderKind::other;
    case 17: return is("transfer-encoding") ? HeaderKind::hop_by_hop : HeaderKind::other;
    default: return HeaderKind::other;
  }
}

// Hop-by-hop headers describe one connection; ours is not the app's to describe.
bool is_hop_by_hop(HeaderKind kind) noexcept {
  return kind == HeaderKind::connection || kind == HeaderKind::hop_by_hop;
}

std::optional<std::uint64_t> parse_decimal(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

void append_decimal(std::string& out, std::uint64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, static_cast<std::size_t>(result.ptr - digits));
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

constexpr std::array<std::string_view, 7> weekdays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void put2(char* at, int value) noexcept {
  at[0] = static_cast<char>('0' + value / 10);
  at[1] = static_cast<char>('0' + value % 10);
}

int month_index(std::string_view name) noexcept {
  for (std::size_t i = 0; i < months.size(); ++i)
    if (months[i] == name) return static_cast<int>(i);
  return -1;
}

// Reads exactly `width` digits at `pos`.
std::optional<int> digits_at(std::string_view text, std::size_t pos, std::size_t width) noexcept {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// "HH:MM:SS" at `pos`.
bool read_clock(std::string_view text, std::size_t pos, std::tm& tm) noexcept {
  const auto hour = digits_at(text, pos, 2), minute = digits_at(text, pos + 3, 2), second = digits_at(text, pos + 6, 2);
  if (!hour || !minute || !second || text.size() < pos + 8 || text[pos + 2] != ':' || text[pos + 5] != ':')
    return false;
  if (*hour > 23 || *minute > 59 || *second > 60) return false;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = *second;
  return true;
}

struct CannedStatus {
  int status;
  std::string_view reason;
};
constexpr std::array<CannedStatus, 22> reasons{{
    {100, "Continue"},
    {200, "OK"},
    {201, "Created"},
    {204, "No Content"},
    {206, "Partial Content"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {304, "Not Modified"},
    {400, "Bad Request"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {408, "Request Timeout"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {416, "Range Not Satisfiable"},
    {417, "Expectation Failed"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {505, "HTTP Version Not Supported"},
}};

}  // namespace

std::string_view reason_phrase(int status) noexcept {
  for (const auto& entry : reasons)
    if (entry.status == status) return entry.reason;
  return {};
}

std::string_view format_http_date(std::int64_t unix_seconds, char (&buffer)[32]) {
  const auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  // "Sun, 06 Nov 1994 08:49:37 GMT", by hand: strftime's %a and %b follow the locale.
  const auto day = weekdays[static_cast<std::size_t>(tm.tm_wday % 7)];
  const auto month = months[static_cast<std::size_t>(tm.tm_mon % 12)];
  char* p = buffer;
  p[0] = day[0], p[1] = day[1], p[2] = day[2], p[3] = ',', p[4] = ' ';
  put2(p + 5, tm.tm_mday);
  p[7] = ' ', p[8] = month[0], p[9] = month[1], p[10] = month[2], p[11] = ' ';
  const int year = (tm.tm_year + 1900) % 10000;
  put2(p + 12, year / 100);
  put2(p + 14, year % 100);
  p[16] = ' ';
  put2(p + 17, tm.tm_hour);
  p[19] = ':';
  put2(p + 20, tm.tm_min);
  p[22] = ':';
  put2(p + 23, tm.tm_sec);
  p[25] = ' ', p[26] = 'G', p[27] = 'M', p[28] = 'T', p[29] = '\0';
  return {buffer, 29};
}

std::string_view http_date_now() {
  struct Cache {
    std::time_t second = -1;
    char text[32] = {};
  };
  thread_local Cache cache;
  const std::time_t now = std::time(nullptr);
  if (now != cache.second) {
    format_http_date(now, cache.text);
    cache.second = now;
  }
  return {cache.text, 29};
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  std::tm tm{};
  const auto comma = text.find(',');
  if (comma == 3) {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (text.size() != 29 || text.substr(25) != " GMT" || text[4] != ' ' || text[7] != ' ' || text[11] != ' ' ||
        text[16] != ' ')
      return std::nullopt;
    const auto day = digits_at(text, 5, 2), year = digits_at(text, 12, 4);
    tm.tm_mon = month_index(text.substr(8, 3));
    if (!day || !year || tm.tm_mon < 0 || !read_clock(text, 17, tm)) return std::nullopt;
    tm.tm_mday = *day;
    tm.tm_year = *year - 1900;
  } else if (comma != std::string_view::npos && comma > 3) {
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; two-digit years are 19xx/20xx with 70 as the pivot.
    const auto rest = text.substr(comma + 1);
    if (rest.size() != 23 || rest[0] != ' ' || rest[3] != '-' || rest[7] != '-' || rest[10] != ' ' ||
        rest.substr(19) != " GMT")
      return std::nullopt;
    const auto day = digits_at(rest, 1, 2), year = digits_at(rest, 8, 2);
    tm.tm_mon = month_index(rest.substr(4, 3));
    if (!day || !year || tm.tm_mon < 0 || !read_clock(rest, 11, tm)) return std::nullopt;
    tm.tm_mday = *day;
    tm.tm_year = *year < 70 ? *year + 100 : *year;
  } else {
    // asctime: "Sun Nov  6 08:49:37 1994"
    if (text.size() != 24 || text[3] != ' ' || text[7] != ' ' || text[10] != ' ' || text[19] != ' ')
      return std::nullopt;
    tm.tm_mon = month_index(text.substr(4, 3));
    const auto day = text[8] == ' ' ? digits_at(text, 9, 1) : digits_at(text, 8, 2);
    const auto year = digits_at(text, 20, 4);
    if (!day || !year || tm.tm_mon < 0 || !read_clock(text, 11, tm)) return std::nullopt;
    tm.tm_mday = *day;
    tm.tm_year = *year - 1900;
  }
  if (tm.tm_mday < 1 || tm.tm_mday > 31) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm));
}

Result<ResponseFraming> append_response_head(std::string& out, std::string_view status_line,
                                             std::span<const Header> headers, const ResponseContext& context) {
  // Validate everything before writing anything.
  const auto code = digits_at(status_line, 0, 3);
  if (!code || *code < 100 || *code > 599 || (status_line.size() > 3 && status_line[3] != ' ') ||
      has_forbidden_byte(status_line))
    return fail("invalid status line from the application (expected \"200 OK\" form)");
  ResponseFraming framing;
  framing.status = *code;
  bool app_close = false;
  bool has_date = false;
  bool has_server = false;
  bool has_hop_by_hop = false;  // rare (Django never sends one): then the output pass need not classify again
  for (const auto& header : headers) {
    if (header.name.empty()) return fail("empty response header name from the application");
    for (const char c : header.name)
      if (!is_token_char(c)) return fail("invalid character in a response header name from the application");
    if (has_forbidden_byte(header.value))
      return fail("CR, LF or NUL in the value of response header '" + std::string(header.name) + "'");
    switch (classify(header.name)) {
      case HeaderKind::content_length: {
        const auto length = parse_decimal(header.value);
        if (!length) return fail("invalid Content-Length in the application's response headers");
        if (framing.content_length && *framing.content_length != *length)
          return fail("conflicting Content-Length headers in the application's response");
        framing.content_length = length;
        break;
      }
      case HeaderKind::connection:
        has_hop_by_hop = true;
        if (has_close_token(header.value)) app_close = true;
        break;
      case HeaderKind::date: has_date = true; break;
      case HeaderKind::server: has_server = true; break;
      case HeaderKind::hop_by_hop: has_hop_by_hop = true; break;
      case HeaderKind::other: break;
    }
  }

  const int status = framing.status;
  const bool no_body = context.head_request || status < 200 || status == 204 || status == 304;
  // RFC 9110 §8.6: never a Content-Length on a 1xx or a 204 (a 304's, and a HEAD's, describe the 200 they stand
  // for, which the app knows and we do not).
  const bool drop_length = framing.content_length && (status < 200 || status == 204);
  if (drop_length) framing.content_length.reset();
  bool add_length = false;
  bool add_chunked = false;
  if (no_body) {
    framing.framing = Framing::none;
  } else if (framing.content_length) {
    framing.framing = Framing::content_length;
  } else if (context.known_body_length) {
    framing.framing = Framing::content_length;
    framing.content_length = context.known_body_length;
    add_length = true;
  } else if (context.http_minor >= 1) {
    framing.framing = Framing::chunked;
    add_chunked = true;
  } else {
    framing.framing = Framing::close_delimited;
  }
  framing.keep_alive = context.keep_alive && !app_close && framing.framing != Framing::close_delimited;

  out.append("HTTP/1.1 ");
  out.append(status_line);
  out.append("\r\n");
  for (const auto& header : headers) {
    if (!has_hop_by_hop && !drop_length) {
      append_header(out, header.name, header.value);
      continue;
    }
    const HeaderKind kind = classify(header.name);
    if (!is_hop_by_hop(kind) && !(drop_length && kind == HeaderKind::content_length))
      append_header(out, header.name, header.value);
  }
  if (add_length) {
    out.append("Content-Length: ");
    append_decimal(out, *framing.content_length);
    out.append("\r\n");
  }
  if (add_chunked) out.append("Transfer-Encoding: chunked\r\n");
  if (!has_date) append_header(out, "Date", http_date_now());
  if (!has_server && !context.server.empty()) append_header(out, "Server", context.server);
  if (!framing.keep_alive)
    out.append("Connection: close\r\n");
  else if (context.http_minor == 0)
    out.append("Connection: keep-alive\r\n");
  out.append("\r\n");
  return framing;
}

ChunkHeader encode_chunk_header(std::uint64_t data_size) noexcept {
  ChunkHeader header{};
  const auto result = std::to_chars(header.bytes, header.bytes + 20, data_size, 16);
  char* end = result.ptr;
  *end++ = '\r';
  *end++ = '\n';
  header.size = static_cast<unsigned char>(end - header.bytes);
  return header;
}

void append_chunk(std::string& out, std::string_view data) {
  if (data.empty()) return;
  out.append(encode_chunk_header(data.size()).view());
  out.append(data);
  out.append(chunk_end);
}

void append_error_response(std::string& out, int status, bool head_request) {
  switch (status) {
    case 400:
    case 404:
    case 405:
    case 408:
    case 413:
    case 414:
    case 417:
    case 431:
    case 500:
    case 501:
    case 503:
    case 505: break;
    default: status = 500;
  }
  const auto reason = reason_phrase(status);
  out.append("HTTP/1.1 ");
  append_decimal(out, static_cast<std::uint64_t>(status));
  out.push_back(' ');
  out.append(reason);
  out.append("\r\n");
  append_header(out, "Date", http_date_now());
  out.append("Content-Type: text/plain; charset=utf-8\r\nContent-Length: ");
  append_decimal(out, reason.size() + 1);
  out.append("\r\nConnection: close\r\n\r\n");
  if (!head_request) {
    out.append(reason);
    out.push_back('\n');
  }
}

}  // namespace deployctl::gateway::http
