// The request parser: llhttp callbacks copy the head into one reused buffer, enforce the limits and the
// rejections of issue #3, and pause llhttp after each complete request so that pipelined bytes wait their turn.
#include "gateway/http/request_parser.hpp"

#include <llhttp.h>

#include <vector>

#include "gateway/http/body_buffer.hpp"
#include "gateway/http/request_target.hpp"

namespace deployctl::gateway::http {

namespace {

// A head larger than this is refused (431) even when every limit is 0 ("unlimited"): memory stays bounded.
constexpr std::size_t hard_head_limit = 1024 * 1024;

struct Span {
  std::size_t offset = 0;
  std::size_t length = 0;
};

struct HeaderSpans {
  Span name;
  Span value;
};

// Calls `each` on every comma-separated, OWS-trimmed, non-empty token of a header value.
template <typename F>
void for_each_token(std::string_view value, F&& each) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    auto token = value.substr(0, comma);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
    if (!token.empty()) each(token);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// A transfer-coding token may carry parameters ("gzip;q=1" is not valid there, but "chunked ; x" is junk too);
// only the coding name counts.
std::string_view coding_name(std::string_view token) {
  const auto semicolon = token.find(';');
  if (semicolon != std::string_view::npos) token = token.substr(0, semicolon);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  return token;
}

}  // namespace

struct RequestParser::State {
  explicit State(Limits given) : limits(std::move(given)), body(limits.body_in_memory, limits.spill_directory) {
    llhttp_settings_init(&settings);
    install_callbacks();
    llhttp_init(&parser, HTTP_REQUEST, &settings);
    parser.data = this;
    head.reserve(4096);
    header_spans.reserve(32);
    headers.reserve(32);
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  Limits limits;
  llhttp_t parser{};
  llhttp_settings_t settings{};
  ParseStatus status = ParseStatus::need_more;
  Rejection rejection;
  Request request;
  BodyBuffer body;

  // Head bytes of the current request (method, target, header names and values), then the decoded path.
  std::string head;
  Span method, target, path;
  std::vector<HeaderSpans> header_spans;
  std::vector<Header> headers;
  HeaderSpans current;           // the header being received
  bool current_dropped = false;  // its name has a '_'
  std::size_t header_lines = 0;  // received, dropped ones included (the count limit applies to what was sent)
  std::size_t request_line_bytes = 0;
  bool in_trailers = false;
  std::size_t trailer_field_bytes = 0;

  // What the headers said, gathered as they arrive and judged once the head is complete.
  int content_length_headers = 0;
  int host_headers = 0;
  bool transfer_encoding = false;
  bool te_last_chunked = false;
  int te_chunked = 0;
  bool te_unknown_coding = false;
  bool connection_close = false;
  bool connection_keep_alive = false;
  bool expect_continue = false;

  // Bytes fed and not parsed yet (pipelining), consumed from pending_at.
  std::string pending;
  std::size_t pending_at = 0;

  // For obs-fold detection: where the current llhttp_execute buffer starts, and the last byte other than SP or
  // HTAB that llhttp consumed before it.
  const char* exec_begin = nullptr;
  char last_non_blank = '\0';

  bool in_head = false;
  std::size_t head_bytes = 0;
  bool in_body = false;
  bool done = false;  // a request that ends the connection was handed out: nothing after it is parsed

  int reject(int status_code, std::string_view reason) {
    if (status != ParseStatus::rejected) {
      rejection = Rejection{status_code, reason};
      status = ParseStatus::rejected;
    }
    return HPE_USER;
  }

  void start_message() {
    head.clear();
    method = target = path = Span{};
    header_spans.clear();
    headers.clear();
    current = HeaderSpans{};
    current_dropped = false;
    header_lines = 0;
    request_line_bytes = 0;
    in_trailers = false;
    trailer_field_bytes = 0;
    content_length_headers = 0;
    host_headers = 0;
    transfer_encoding = te_last_chunked = te_unknown_coding = false;
    te_chunked = 0;
    connection_close = connection_keep_alive = expect_continue = false;
    body.clear();
    request = Request{};
    in_body = false;
  }

  std::string_view text(Span span) const { return std::string_view(head).substr(span.offset, span.length); }

  int append_request_line(Span& span, const char* at, std::size_t length) {
    if (span.length == 0) span.offset = head.size();
    head.append(at, length);
    span.length += length;
    request_line_bytes += length;
    // "METHOD SP target SP HTTP/x.y": the two spaces and "HTTP/" are not in the spans.
    if (limits.request_line != 0 && request_line_bytes + 7 > limits.request_line)
      return reject(limits.request_line_status == 414 ? 414 : 400, "request line too long");
    if (head.size() > hard_head_limit) return reject(431, "request head too large");
    return HPE_OK;
  }

  // llhttp 8 accepts obs-fold (a value continued on a line starting with SP or HTAB) and hands the continuation
  // over as more value bytes (from the blank or after it). Value bytes follow a line break (and blanks) only in
  // that case: a value's first line follows its name and colon, and a split span continues a value byte.
  bool starts_folded_line(const char* at) const {
    const char* p = at;
    while (p > exec_begin && (p[-1] == ' ' || p[-1] == '\t')) --p;
    const char before = p > exec_begin ? p[-1] : last_non_blank;
    return before == '\n';
  }

  int header_bytes(Span& span, const char* at, std::size_t length) {
    if (length == 0) return HPE_OK;  // llhttp reports an empty value as an empty span after its line break
    if (&span == &current.value && starts_folded_line(at)) return reject(400, "obs-fold (line folding) in a header");
    if (in_trailers) {
      // Trailers are checked against the limits but not kept (WSGI has no place for them).
      trailer_field_bytes += length;
      if (limits.header_field_size != 0 && trailer_field_bytes > limits.header_field_size)
        return reject(431, "trailer field too large");
      return HPE_OK;
    }
    if (span.length == 0) span.offset = head.size();
    head.append(at, length);
    span.length += length;
    if (limits.header_field_size != 0 && current.name.length + current.value.length > limits.header_field_size)
      return reject(431, "header field too large");
    if (head.size() > hard_head_limit) return reject(431, "request head too large");
    return HPE_OK;
  }

  int header_field_complete() {
    ++header_lines;
    if (limits.header_count != 0 && header_lines > limits.header_count) return reject(431, "too many headers");
    if (!in_trailers) current_dropped = text(current.name).find('_') != std::string_view::npos;
    return HPE_OK;
  }

  int header_value_complete() {
    if (in_trailers) {
      trailer_field_bytes = 0;
      return HPE_OK;
    }
    auto value = text(current.value);
    for (const char c : value)
      if (c == '\r' || c == '\n' || c == '\0') return reject(400, "CR, LF or NUL in a header value (or obs-fold)");
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    current.value.length = value.size();
    const auto name = text(current.name);
    if (current_dropped) {
      // Dropped as nginx does: X_Forwarded_For must not become HTTP_X_FORWARDED_FOR.
      head.resize(current.name.offset);
    } else {
      if (const int refused = note_header(name, value); refused != HPE_OK) return refused;
      header_spans.push_back(current);
    }
    current = HeaderSpans{};
    return HPE_OK;
  }

  int note_header(std::string_view name, std::string_view value) {
    // Dispatch on the length first: most headers are none of these and cost one switch.
    switch (name.size()) {
      case 4:
        if (equals_ignore_case(name, "host") && ++host_headers > 1) return reject(400, "duplicated Host");
        break;
      case 6:
        if (equals_ignore_case(name, "expect") && equals_ignore_case(value, "100-continue")) expect_continue = true;
        break;
      case 10:
        if (equals_ignore_case(name, "connection"))
          for_each_token(value, [this](std::string_view token) {
            if (equals_ignore_case(token, "close")) connection_close = true;
            if (equals_ignore_case(token, "keep-alive")) connection_keep_alive = true;
          });
        break;
      case 14:
        if (equals_ignore_case(name, "content-length") && ++content_length_headers > 1)
          return reject(400, "duplicated Content-Length");
        break;
      case 17:
        if (equals_ignore_case(name, "transfer-encoding")) {
          transfer_encoding = true;
          for_each_token(value, [this](std::string_view token) {
            const bool chunked = equals_ignore_case(coding_name(token), "chunked");
            te_chunked += chunked ? 1 : 0;
            if (!chunked) te_unknown_coding = true;
            te_last_chunked = chunked;
          });
        }
        break;
      default:
        break;
    }
    return HPE_OK;
  }

  // Judges the complete head; returns an llhttp on_headers_complete answer.
  int headers_complete() {
    in_head = false;
    const int minor = parser.http_minor;
    if (parser.http_major != 1 || (minor != 0 && minor != 1)) return reject(400, "unsupported HTTP version");
    if (content_length_headers > 0 && transfer_encoding)
      return reject(400, "Transfer-Encoding together with Content-Length");
    if (transfer_encoding) {
      if (minor == 0) return reject(400, "Transfer-Encoding on HTTP/1.0");
      if (!te_last_chunked) return reject(400, "chunked is not the last transfer coding");
      if (te_chunked > 1) return reject(400, "chunked applied more than once");
      if (te_unknown_coding) return reject(501, "transfer coding not implemented");
    }
    if (minor == 1 && host_headers == 0) return reject(400, "missing Host on HTTP/1.1");
    const bool chunked = transfer_encoding;
    if (!chunked && content_length_headers > 0 && limits.body != 0 && parser.content_length > limits.body)
      return reject(413, "declared Content-Length over the body limit");

    // The head is complete and will not grow (trailers are not stored): views are safe from here on.
    // The decoded path is appended to `head`, which the target's views point into: reserve first (decoding
    // never lengthens), then take the views again, so nothing dangles if the buffer moves.
    const auto parts = split_target(text(target));
    const auto offset_in_head = [this](std::string_view view) {
      return static_cast<std::size_t>(view.data() - head.data());
    };
    const Span query = parts.query.empty() ? Span{} : Span{offset_in_head(parts.query), parts.query.size()};
    // split_target gives a literal "/" for "http://host" (not in head); the decoded path of that is itself.
    const bool path_in_head = parts.path.data() >= head.data() && parts.path.data() < head.data() + head.size();
    const Span encoded_path = path_in_head ? Span{offset_in_head(parts.path), parts.path.size()} : Span{};
    head.reserve(head.size() + parts.path.size());
    path.offset = head.size();
    append_percent_decoded(head, path_in_head ? text(encoded_path) : parts.path);
    path.length = head.size() - path.offset;
    const std::string_view all(head);
    request.method = all.substr(method.offset, method.length);
    request.target = all.substr(target.offset, target.length);
    request.path = all.substr(path.offset, path.length);
    request.query = all.substr(query.offset, query.length);
    request.http_minor = minor;
    headers.clear();
    for (const auto& spans : header_spans)
      headers.push_back(Header{all.substr(spans.name.offset, spans.name.length),
                               all.substr(spans.value.offset, spans.value.length)});
    request.headers = headers;
    request.chunked = chunked;
    if (content_length_headers > 0) request.content_length = parser.content_length;
    request.keep_alive = minor == 1 ? !connection_close : (connection_keep_alive && !connection_close);
    if (parser.upgrade != 0 || parser.method == HTTP_CONNECT) request.keep_alive = false;
    request.expect_continue = minor == 1 && expect_continue;
    in_trailers = true;  // any header callback from now on belongs to the trailers

    const bool body_expected = chunked || (content_length_headers > 0 && parser.content_length > 0);
    in_body = body_expected;
    if (request.expect_continue && body_expected) {
      status = ParseStatus::continue_expected;
      return HPE_PAUSED;
    }
    return 0;
  }

  int body_bytes(const char* at, std::size_t length) {
    if (limits.body != 0 && body.size() + length > limits.body) return reject(413, "request body over the limit");
    if (!body.append(std::string_view(at, length)))
      return reject(500, "could not write the request body to a temporary file");
    return HPE_OK;
  }

  int message_complete() {
    in_body = false;
    request.body = body.view();
    if (request.chunked) request.content_length = body.size();
    status = ParseStatus::request_ready;
    return HPE_PAUSED;
  }

  static State& of(llhttp_t* p) { return *static_cast<State*>(p->data); }

  // Runs a callback's body: an exception (bad_alloc) must never unwind through llhttp's C frames.
  template <typename Body>
  static int guarded(llhttp_t* p, Body&& body) noexcept {
    auto& s = of(p);
    try {
      return body(s);
    } catch (...) {
      return s.reject(500, "out of memory while parsing a request");
    }
  }

  void install_callbacks() {
    settings.on_message_begin = [](llhttp_t* p) {
      return guarded(p, [](State& s) {
        s.start_message();
        return 0;
      });
    };
    settings.on_method = [](llhttp_t* p, const char* at, std::size_t n) {
      return guarded(p, [=](State& s) { return s.append_request_line(s.method, at, n); });
    };
    settings.on_url = [](llhttp_t* p, const char* at, std::size_t n) {
      return guarded(p, [=](State& s) { return s.append_request_line(s.target, at, n); });
    };
    settings.on_version = [](llhttp_t* p, const char*, std::size_t n) {
      auto& s = of(p);
      s.request_line_bytes += n;
      if (s.limits.request_line != 0 && s.request_line_bytes + 7 > s.limits.request_line)
        return s.reject(s.limits.request_line_status == 414 ? 414 : 400, "request line too long");
      return 0;
    };
    settings.on_header_field = [](llhttp_t* p, const char* at, std::size_t n) {
      return guarded(p, [=](State& s) { return s.header_bytes(s.current.name, at, n); });
    };
    settings.on_header_value = [](llhttp_t* p, const char* at, std::size_t n) {
      return guarded(p, [=](State& s) { return s.header_bytes(s.current.value, at, n); });
    };
    settings.on_header_field_complete = [](llhttp_t* p) {
      return guarded(p, [](State& s) { return s.header_field_complete(); });
    };
    settings.on_header_value_complete = [](llhttp_t* p) {
      return guarded(p, [](State& s) { return s.header_value_complete(); });
    };
    settings.on_headers_complete = [](llhttp_t* p) {
      return guarded(p, [](State& s) { return s.headers_complete(); });
    };
    settings.on_body = [](llhttp_t* p, const char* at, std::size_t n) {
      return guarded(p, [=](State& s) { return s.body_bytes(at, n); });
    };
    settings.on_message_complete = [](llhttp_t* p) {
      return guarded(p, [](State& s) { return s.message_complete(); });
    };
  }

  // Runs llhttp over `data`; bytes left after a pause are kept in `pending` (which `data` may point into).
  void execute(const char* data, std::size_t size, bool from_pending) {
    exec_begin = data;
    const llhttp_errno_t error = llhttp_execute(&parser, data, size);
    remember_last_non_blank(data, error == HPE_OK ? data + size : llhttp_get_error_pos(&parser));
    if (error == HPE_OK) {
      if (from_pending) {
        pending.clear();
        pending_at = 0;
      }
      return;
    }
    if (error == HPE_PAUSED || error == HPE_PAUSED_UPGRADE) {
      if (error == HPE_PAUSED_UPGRADE) {
        // Upgrade/CONNECT: the request is handed out (keep_alive false); what follows is not HTTP/1.1.
        done = true;
        if (status != ParseStatus::request_ready) message_complete();
      }
      const auto consumed = static_cast<std::size_t>(llhttp_get_error_pos(&parser) - data);
      if (from_pending) {
        pending_at += consumed;
      } else if (consumed < size) {
        pending.assign(data + consumed, size - consumed);
        pending_at = 0;
      }
      return;
    }
    if (status != ParseStatus::rejected) {
      // llhttp's own refusals: malformed syntax, obs-fold, bare CR, invalid characters, bad chunk sizes...
      const char* reason = llhttp_get_error_reason(&parser);
      reject(400, reason != nullptr ? std::string_view(reason) : std::string_view("malformed request"));
    }
  }

  void remember_last_non_blank(const char* begin, const char* end) {
    if (end == nullptr || end < begin) return;
    while (end > begin && (end[-1] == ' ' || end[-1] == '\t')) --end;
    if (end > begin) last_non_blank = end[-1];
  }

  ParseStatus parse_pending() {
    while (status == ParseStatus::need_more && pending_at < pending.size() && !done) {
      execute(pending.data() + pending_at, pending.size() - pending_at, true);
    }
    if (pending_at >= pending.size()) {
      pending.clear();
      pending_at = 0;
    }
    return status;
  }
};

RequestParser::RequestParser(Limits limits) : state_(std::make_unique<State>(std::move(limits))) {}
RequestParser::~RequestParser() = default;
RequestParser::RequestParser(RequestParser&&) noexcept = default;
RequestParser& RequestParser::operator=(RequestParser&&) noexcept = default;

ParseStatus RequestParser::feed(std::string_view bytes) {
  auto& s = *state_;
  if (s.status == ParseStatus::rejected || bytes.empty()) return s.status;
  if (s.status != ParseStatus::need_more) {
    if (!s.done) s.pending.append(bytes);
    return s.status;
  }
  if (s.done) return s.status;
  if (!s.in_body) {
    s.in_head = true;
    s.head_bytes += bytes.size();
  }
  if (!s.pending.empty()) {
    s.pending.append(bytes);
    return s.parse_pending();
  }
  s.execute(bytes.data(), bytes.size(), false);
  if (s.status == ParseStatus::need_more && !s.pending.empty()) return s.parse_pending();
  return s.status;
}

ParseStatus RequestParser::next() {
  auto& s = *state_;
  if (s.status == ParseStatus::request_ready) {
    const bool last = !s.request.keep_alive;
    s.start_message();
    s.head_bytes = 0;
    s.in_head = false;
    s.status = ParseStatus::need_more;
    if (last) {
      s.done = true;
      s.pending.clear();
      s.pending_at = 0;
      return s.status;
    }
    if (!s.pending.empty() && s.pending_at < s.pending.size()) {
      s.in_head = true;
      s.head_bytes = s.pending.size() - s.pending_at;
    }
  } else if (s.status == ParseStatus::continue_expected) {
    s.status = ParseStatus::need_more;
  } else {
    return s.status;
  }
  llhttp_resume(&s.parser);
  return s.parse_pending();
}

ParseStatus RequestParser::finish() {
  auto& s = *state_;
  if (s.status != ParseStatus::need_more || s.done) return s.status;
  if (s.in_body || s.in_head) s.reject(400, "incomplete request");
  return s.status;
}

void RequestParser::reset() {
  auto& s = *state_;
  llhttp_init(&s.parser, HTTP_REQUEST, &s.settings);
  s.parser.data = &s;
  s.start_message();
  s.status = ParseStatus::need_more;
  s.rejection = Rejection{};
  s.pending.clear();
  s.pending_at = 0;
  s.in_head = false;
  s.head_bytes = 0;
  s.done = false;
}

ParseStatus RequestParser::status() const noexcept { return state_->status; }
const Request& RequestParser::request() const noexcept { return state_->request; }
const Rejection& RequestParser::rejection() const noexcept { return state_->rejection; }
bool RequestParser::head_in_progress() const noexcept { return state_->in_head; }
std::size_t RequestParser::head_bytes() const noexcept { return state_->in_head ? state_->head_bytes : 0; }
bool RequestParser::body_in_progress() const noexcept { return state_->in_body; }
std::uint64_t RequestParser::body_bytes() const noexcept { return state_->body.size(); }
std::size_t RequestParser::buffered_bytes() const noexcept { return state_->pending.size() - state_->pending_at; }
const Limits& RequestParser::limits() const noexcept { return state_->limits; }

RequestParser::PartialLine RequestParser::partial_request_line() const noexcept {
  const State& s = *state_;
  PartialLine line;
  if (s.method.offset + s.method.length > s.head.size() || s.target.offset + s.target.length > s.head.size())
    return line;
  line.method = s.text(s.method);
  line.target = s.text(s.target);
  // A header line, a body or a head being judged (in_head is off from on_headers_complete) all come after the
  // complete request line.
  const bool line_complete = s.header_lines > 0 || s.in_body || !s.in_head || !s.request.method.empty();
  if (line_complete && s.parser.http_major == 1 && s.parser.http_minor <= 1) line.http_minor = s.parser.http_minor;
  return line;
}

}  // namespace deployctl::gateway::http
