// The request parser: the head framer checks every head byte first, llhttp (given a method it knows in place of the
// client's) parses what the framer let through, its callbacks copy the head into one reused buffer and judge the
// fields, the chunked decoder frames chunked bodies, and llhttp pauses after each complete request so that
// pipelined bytes wait their turn.
#include "gateway/http/request_parser.hpp"

#include <llhttp.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "gateway/http/body_buffer.hpp"
#include "gateway/http/char_classes.hpp"
#include "gateway/http/chunked_decoder.hpp"
#include "gateway/http/head_framer.hpp"
#include "gateway/http/release_if_large.hpp"
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
  explicit State(Limits given)
      : limits(std::move(given)),
        body(limits.body_in_memory, limits.spill_directory, limits.spill_budget.get()),
        framer(HeadLimits{limits.request_line, limits.header_field_size, limits.header_count, hard_head_limit}),
        chunk_decoder(ChunkedLimits{limits.body, limits.header_field_size, limits.header_count}) {
    llhttp_settings_init(&settings);
    install_callbacks();
    init_llhttp();
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
  HeadFramer framer;
  ChunkedDecoder chunk_decoder;
  bool method_fed = false;       // llhttp has the request line up to the method (a method it knows)
  bool in_chunked_body = false;  // llhttp stopped at the end of the head; the decoder frames the body

  // Head bytes of the current request (target, header names and values), then the decoded path. The method is the
  // framer's (llhttp never sees the client's).
  std::string head;
  Span target, path;
  std::vector<HeaderSpans> header_spans;
  std::vector<Header> headers;
  HeaderSpans current;           // the header being received
  bool current_dropped = false;  // its name has a '_'

  // What the headers said, gathered as they arrive and judged once the head is complete.
  int content_length_headers = 0;
  int host_headers = 0;
  std::size_t host_index = 0;  // in header_spans
  int content_type_headers = 0;
  int authorization_headers = 0;
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

  bool in_head = false;
  std::size_t head_bytes = 0;
  std::uint64_t stream_left = 0;  // a streamed body's bytes not received yet
  bool stream_chunked = false;    // the current request's chunked body is streamed: decoded as the app asks
  std::uint64_t streamed = 0;     // body bytes of a streamed body taken or received so far (de-chunked)
  bool in_body = false;
  bool done = false;  // a request that ends the connection was handed out: nothing after it is parsed

  void init_llhttp() {
    llhttp_init(&parser, HTTP_REQUEST, &settings);
    parser.data = this;
    // Any single-digit version passes llhttp, so that headers_complete() answers 1.x as 1.1 and others with 505.
    parser.lenient_flags |= LENIENT_VERSION;
  }

  int reject(int status_code, std::string_view reason) {
    if (status != ParseStatus::rejected) {
      rejection = Rejection{status_code, reason};
      status = ParseStatus::rejected;
    }
    return HPE_USER;
  }

  void start_message() {
    head.clear();
    release_if_large(head);
    target = path = Span{};
    header_spans.clear();
    headers.clear();
    current = HeaderSpans{};
    current_dropped = false;
    content_length_headers = 0;
    host_headers = 0;
    content_type_headers = authorization_headers = 0;
    transfer_encoding = te_last_chunked = te_unknown_coding = false;
    te_chunked = 0;
    connection_close = connection_keep_alive = expect_continue = false;
    body.clear();
    request = Request{};
    in_body = false;
    framer.start();
    method_fed = in_chunked_body = false;
  }

  std::string_view text(Span span) const { return std::string_view(head).substr(span.offset, span.length); }

  void append_target(const char* at, std::size_t length) {
    if (target.length == 0) target.offset = head.size();
    head.append(at, length);
    target.length += length;
  }

  // The framer has bounded every line and the whole head before llhttp saw it: nothing to limit here.
  void header_bytes(Span& span, const char* at, std::size_t length) {
    if (length == 0) return;  // llhttp reports an empty value as an empty span after its line break
    if (span.length == 0) span.offset = head.size();
    head.append(at, length);
    span.length += length;
  }

  // llhttp's lenient mode takes exactly one byte more than tchar in a name, SP (every byte is tried in
  // gateway_http_framing_test): "Host : h" would be a header "Host ". RFC 9112 §5.1: refuse it.
  int header_field_complete() {
    const auto name = text(current.name);
    if (name.empty()) return reject(400, "empty header field name");  // the framer refuses it first; kept as a guard
    if (name.find(' ') != std::string_view::npos)
      return reject(400, "invalid header field name (whitespace in it or before ':')");
    current_dropped = name.find('_') != std::string_view::npos;
    return HPE_OK;
  }

  // llhttp has refused CR, LF, NUL and the other controls in the value, and the framer obs-fold: only the
  // trailing whitespace is left to trim.
  int header_value_complete() {
    auto value = text(current.value);
    while (!value.empty() && is_blank(value.back())) value.remove_suffix(1);
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
        if (equals_ignore_case(name, "host")) {
          if (++host_headers > 1) return reject(400, "duplicated Host");
          if (!is_valid_host(value)) return reject(400, "invalid Host");
          host_index = header_spans.size();
        }
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
      // Content-Type and Authorization are singletons: two lines joined with ',' would be read by the app as one
      // value no client meant (a multipart boundary, a credential), so both are refused.
      case 12:
        if (equals_ignore_case(name, "content-type") && ++content_type_headers > 1)
          return reject(400, "duplicated Content-Type");
        break;
      case 13:
        if (equals_ignore_case(name, "authorization") && ++authorization_headers > 1)
          return reject(400, "duplicated Authorization");
        break;
      case 14:
        if (equals_ignore_case(name, "content-length") && ++content_length_headers > 1)
          return reject(400, "duplicated Content-Length");
        break;
      case 17:
        if (equals_ignore_case(name, "transfer-encoding")) {
          transfer_encoding = true;
          for_each_token(value, [this](std::string_view token) {
            const bool is_chunked = equals_ignore_case(coding_name(token), "chunked");
            te_chunked += is_chunked ? 1 : 0;
            if (!is_chunked) te_unknown_coding = true;
            te_last_chunked = is_chunked;
          });
        }
        break;
      default: break;
    }
    return HPE_OK;
  }

  // RFC 9112 §3.2: origin-form for every method; absolute-form (http or https with a host, no userinfo); asterisk
  // form only for OPTIONS; authority-form only for CONNECT (llhttp reads CONNECT's target itself).
  int check_target_form(const TargetParts& parts) {
    if (parser.method == HTTP_CONNECT) return HPE_OK;
    switch (parts.form) {
      case TargetForm::origin: return HPE_OK;
      case TargetForm::asterisk:
        return framer.method() == "OPTIONS" ? HPE_OK
                                            : reject(400, "asterisk-form target on a method other than OPTIONS");
      case TargetForm::absolute:
        if (!equals_ignore_case(parts.scheme, "http") && !equals_ignore_case(parts.scheme, "https"))
          return reject(400, "absolute-form target with a scheme other than http or https");
        if (parts.authority.empty() || parts.authority.front() == ':' || !is_valid_host(parts.authority))
          return reject(400, "absolute-form target without a valid host (or with userinfo)");
        return HPE_OK;
      case TargetForm::other: break;
    }
    return reject(400, "invalid request target form");
  }

  // Judges the complete head; returns an llhttp on_headers_complete answer.
  int headers_complete() {
    in_head = false;
    if (parser.http_major != 1) return reject(505, "HTTP version not supported");
    const int minor = parser.http_minor == 0 ? 0 : 1;  // RFC 9110 §2.5: 1.2-1.9 are processed as 1.1
    if (content_length_headers > 0 && transfer_encoding)
      return reject(400, "Transfer-Encoding together with Content-Length");
    if (transfer_encoding) {
      if (minor == 0) return reject(400, "Transfer-Encoding on HTTP/1.0");
      if (!te_last_chunked) return reject(400, "chunked is not the last transfer coding");
      if (te_chunked > 1) return reject(400, "chunked applied more than once");
      if (te_unknown_coding) return reject(501, "transfer coding not implemented");
    }
    if (minor == 1 && host_headers == 0) return reject(400, "missing Host on HTTP/1.1");
    const bool chunked_body = transfer_encoding;
    if (!chunked_body && content_length_headers > 0 && limits.body != 0 && parser.content_length > limits.body)
      return reject(413, "declared Content-Length over the body limit");
    const auto parts = split_target(text(target));
    if (const int refused = check_target_form(parts); refused != HPE_OK) return refused;

    // The head is complete and will not grow (trailers are not stored): views are safe from here on. Everything
    // still to be appended (the decoded path; "Host" when an absolute-form target brings the only host) is
    // appended after the spans into `head` are taken as offsets, so nothing dangles if the buffer moves.
    const auto offset_in_head = [this](std::string_view view) {
      return static_cast<std::size_t>(view.data() - head.data());
    };
    const Span query = parts.query.empty() ? Span{} : Span{offset_in_head(parts.query), parts.query.size()};
    // split_target gives a literal "/" for "http://host" (not in head); the decoded path of that is itself.
    const bool path_in_head = parts.path.data() >= head.data() && parts.path.data() < head.data() + head.size();
    const Span encoded_path = path_in_head ? Span{offset_in_head(parts.path), parts.path.size()} : Span{};
    const bool absolute = parts.form == TargetForm::absolute && parser.method != HTTP_CONNECT;
    const Span authority = absolute ? Span{offset_in_head(parts.authority), parts.authority.size()} : Span{};
    head.reserve(head.size() + parts.path.size() + 4);
    if (absolute) use_target_authority(authority);
    path.offset = head.size();
    append_percent_decoded(head, path_in_head ? text(encoded_path) : std::string_view("/"));
    path.length = head.size() - path.offset;
    const std::string_view all(head);
    request.method = framer.method();
    request.target = all.substr(target.offset, target.length);
    request.path = all.substr(path.offset, path.length);
    request.query = all.substr(query.offset, query.length);
    request.http_minor = minor;
    headers.clear();
    for (const auto& spans : header_spans)
      headers.push_back(
          Header{all.substr(spans.name.offset, spans.name.length), all.substr(spans.value.offset, spans.value.length)});
    request.headers = headers;
    request.chunked = chunked_body;
    if (content_length_headers > 0) request.content_length = parser.content_length;
    request.keep_alive = minor == 1 ? !connection_close : (connection_keep_alive && !connection_close);
    if (parser.upgrade != 0 || parser.method == HTTP_CONNECT) request.keep_alive = false;
    request.expect_continue = minor == 1 && expect_continue;

    const bool body_expected = chunked_body || (content_length_headers > 0 && parser.content_length > 0);
    // Streamed: llhttp ends the message with the head, and the body is the app's to read (or never read).
    if (limits.stream_bodies && !chunked_body && body_expected &&
        (request.expect_continue || parser.content_length > limits.body_in_memory)) {
      parser.flags |= F_SKIPBODY;
      stream_left = parser.content_length;
      return 0;
    }
    if (limits.stream_bodies && limits.stream_chunked_bodies && chunked_body) {
      parser.flags |= F_SKIPBODY;
      chunk_decoder.start(framer.field_lines());
      stream_chunked = true;
      return 0;
    }
    in_body = body_expected;
    if (chunked_body) {
      // The chunked decoder frames the body, not llhttp: llhttp ends the message with the head and stops there.
      parser.flags |= F_SKIPBODY;
      chunk_decoder.start(framer.field_lines());
    }
    if (request.expect_continue && body_expected) {
      status = ParseStatus::continue_expected;
      return HPE_PAUSED;
    }
    return 0;
  }

  // RFC 9112 §3.2.2: with an absolute-form target the host is the target's authority; a Host header is ignored
  // (it was still checked). The app sees the authority as HTTP_HOST.
  void use_target_authority(Span authority) {
    if (host_headers > 0) {
      header_spans[host_index].value = authority;
      return;
    }
    const Span name{head.size(), 4};
    head.append("Host");
    header_spans.push_back(HeaderSpans{name, authority});
  }

  int body_bytes(const char* at, std::size_t length) {
    if (limits.body != 0 && body.size() + length > limits.body) return reject(413, "request body over the limit");
    if (request.chunked && limits.chunked_body != 0 && body.size() + length > limits.chunked_body)
      return reject(413, "chunked request body over --limit-chunked-body");
    if (!body.append(std::string_view(at, length)))
      return body.over_budget() ? reject(503, "request bodies in temporary files over --worker-spill-limit")
                                : reject(500, "could not write the request body to a temporary file");
    return HPE_OK;
  }

  // llhttp's end of a message; for a chunked one that is the end of the head, where the decoder takes over.
  int llhttp_message_complete() {
    if (request.chunked && !stream_chunked && !chunk_decoder.complete()) {
      in_chunked_body = true;
      return HPE_PAUSED;
    }
    return message_complete();
  }

  int message_complete() {
    in_body = false;
    if (stream_chunked) {
      request.body = Body{{}, -1, 0, true};  // its length is known at its end only: no content_length either
    } else {
      request.body = stream_left > 0 ? Body{{}, -1, stream_left, true} : body.view();
      if (request.chunked) request.content_length = body.size();
    }
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
    settings.on_url = [](llhttp_t* p, const char* at, std::size_t n) {
      return guarded(p, [=](State& s) {
        s.append_target(at, n);
        return 0;
      });
    };
    settings.on_header_field = [](llhttp_t* p, const char* at, std::size_t n) {
      return guarded(p, [=](State& s) {
        s.header_bytes(s.current.name, at, n);
        return 0;
      });
    };
    settings.on_header_value = [](llhttp_t* p, const char* at, std::size_t n) {
      return guarded(p, [=](State& s) {
        s.header_bytes(s.current.value, at, n);
        return 0;
      });
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
      return guarded(p, [](State& s) { return s.llhttp_message_complete(); });
    };
  }

  // Parses from `data` as far as the state allows (a request ready, a continue expected, a rejection, the end);
  // returns how many bytes were consumed. The caller keeps the rest.
  std::size_t consume(const char* data, std::size_t size) {
    const char* p = data;
    const char* const end = data + size;
    while (p < end && status == ParseStatus::need_more && !done)
      p = in_chunked_body ? decode_chunked(p, end) : parse_head_or_body(p, end);
    return static_cast<std::size_t>(p - data);
  }

  // The framer scans first; llhttp gets the bytes it let through (everything up to the first invalid byte: llhttp
  // may find an earlier fault of its own). So each verdict depends on the bytes, not on how they were split.
  const char* parse_head_or_body(const char* p, const char* end) {
    const char* scanned = framer.scan(p, end);
    if (!method_fed) {
      if (framer.failed()) {
        reject(framer.error().status, framer.error().reason);
        return scanned;
      }
      if (!framer.at_method_end()) return scanned;  // empty lines, or a method not complete yet
      // Any token is a method (RFC 9110 §9.1), but llhttp knows a fixed list: it is given one it knows, and the
      // client's stays with the framer. Only CONNECT changes how llhttp reads what follows.
      const std::string_view stand_in = framer.method() == "CONNECT" ? "CONNECT" : "GET";
      if (llhttp_execute(&parser, stand_in.data(), stand_in.size()) != HPE_OK) {
        reject(500, "the HTTP parser refused a known method");
        return scanned;
      }
      method_fed = true;
      return scanned;  // the SP after the method: llhttp and the framer both go on from there
    }
    const char* until = framer.failed() ? scanned : end;
    const char* parsed = run_llhttp(p, until);
    if (status == ParseStatus::need_more && framer.failed() && parsed == until)
      reject(framer.error().status, framer.error().reason);
    return parsed;
  }

  // Runs llhttp over [p, until); returns where it stopped.
  const char* run_llhttp(const char* p, const char* until) {
    const llhttp_errno_t error = llhttp_execute(&parser, p, static_cast<std::size_t>(until - p));
    if (error == HPE_OK) return until;
    const char* stopped = llhttp_get_error_pos(&parser);
    if (error == HPE_PAUSED_UPGRADE) {
      // Upgrade/CONNECT: the request is handed out (keep_alive false); what follows is not HTTP/1.1.
      done = true;
      if (status != ParseStatus::request_ready && !in_chunked_body) message_complete();
    } else if (error != HPE_PAUSED && status != ParseStatus::rejected) {
      // llhttp's own refusals: bad version syntax, invalid characters in names and values, bare CR, ...
      const char* reason = llhttp_get_error_reason(&parser);
      reject(400, reason != nullptr ? std::string_view(reason) : std::string_view("malformed request"));
    }
    return stopped != nullptr ? stopped : until;
  }

  const char* decode_chunked(const char* p, const char* end) {
    while (p < end) {
      const auto step = chunk_decoder.step(p, end);
      p = step.next;
      if (!step.data.empty() && body_bytes(step.data.data(), step.data.size()) != HPE_OK) return p;
      if (chunk_decoder.failed()) {
        reject(chunk_decoder.error().status, chunk_decoder.error().reason);
        return p;
      }
      if (chunk_decoder.complete()) {
        in_chunked_body = false;
        message_complete();
        return p;
      }
    }
    return p;
  }

  // A streamed chunked body whose last chunk has not been decoded (a refused one never is).
  bool chunked_body_open() const { return stream_chunked && !chunk_decoder.complete(); }

  // Decodes a streamed chunked body from [p, end) into `out` (which may be p itself: data never moves forward), at
  // most `room` bytes of it; returns where it stopped and adds the bytes written to `*written`. Stops at the body's
  // end, at a refusal (the parser is then rejected), or when `room` is used up.
  const char* decode_streamed(const char* p, const char* end, char* out, std::size_t room, std::size_t* written) {
    while (p < end && room > 0 && chunked_body_open() && status != ParseStatus::rejected) {
      // Never more raw bytes than there is room: the data of one step then fits.
      const char* until = end - p > static_cast<std::ptrdiff_t>(room) ? p + room : end;
      const auto step = chunk_decoder.step(p, until);
      p = step.next;
      if (!step.data.empty()) {
        if (limits.chunked_body != 0 && streamed + step.data.size() > limits.chunked_body) {
          reject(413, "chunked request body over --limit-chunked-body");
          return p;
        }
        std::memmove(out + *written, step.data.data(), step.data.size());
        *written += step.data.size();
        room -= step.data.size();
        streamed += step.data.size();
      }
      if (chunk_decoder.failed()) reject(chunk_decoder.error().status, chunk_decoder.error().reason);
    }
    return p;
  }

  ParseStatus parse_pending() {
    while (status == ParseStatus::need_more && pending_at < pending.size() && !done) {
      const std::size_t consumed = consume(pending.data() + pending_at, pending.size() - pending_at);
      pending_at += consumed;
      if (consumed == 0) break;
    }
    if (pending_at >= pending.size()) {
      pending.clear();
      release_if_large(pending);
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
  const std::size_t consumed = s.consume(bytes.data(), bytes.size());
  if (consumed < bytes.size() && !s.done && s.status != ParseStatus::rejected) {
    s.pending.assign(bytes.substr(consumed));
    s.pending_at = 0;
  }
  return s.status;
}

ParseStatus RequestParser::next() {
  auto& s = *state_;
  if (s.status == ParseStatus::request_ready) {
    // An unread body is never parsed as requests.
    const bool last = !s.request.keep_alive || s.stream_left > 0 || s.chunked_body_open();
    s.stream_left = 0;
    s.stream_chunked = false;
    s.streamed = 0;
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
  // Empty lines alone between requests are no request: a clean close.
  if (s.in_body || (s.in_head && s.framer.started())) s.reject(400, "incomplete request");
  return s.status;
}

void RequestParser::reset() {
  auto& s = *state_;
  s.init_llhttp();
  s.start_message();
  s.status = ParseStatus::need_more;
  s.rejection = Rejection{};
  s.pending.clear();
  s.pending_at = 0;
  s.in_head = false;
  s.head_bytes = 0;
  s.stream_left = 0;
  s.stream_chunked = false;
  s.streamed = 0;
  s.done = false;
}

ParseStatus RequestParser::status() const noexcept { return state_->status; }
const Request& RequestParser::request() const noexcept { return state_->request; }
const Rejection& RequestParser::rejection() const noexcept { return state_->rejection; }
bool RequestParser::head_in_progress() const noexcept { return state_->in_head; }
std::size_t RequestParser::head_bytes() const noexcept { return state_->in_head ? state_->head_bytes : 0; }
bool RequestParser::body_in_progress() const noexcept { return state_->in_body; }
std::uint64_t RequestParser::body_bytes() const noexcept {
  const State& s = *state_;
  return s.request.body.streamed ? s.streamed : s.body.size();
}
std::size_t RequestParser::buffered_bytes() const noexcept { return state_->pending.size() - state_->pending_at; }
std::uint64_t RequestParser::body_left() const noexcept {
  return state_->chunked_body_open() ? 1 : state_->stream_left;
}

std::size_t RequestParser::take_body(char* out, std::size_t size) noexcept {
  auto& s = *state_;
  if (s.stream_chunked) {
    std::size_t written = 0;
    const char* from = s.pending.data() + s.pending_at;
    s.pending_at += static_cast<std::size_t>(
        s.decode_streamed(from, s.pending.data() + s.pending.size(), out, size, &written) - from);
    if (s.pending_at == s.pending.size()) {
      s.pending.clear();
      s.pending_at = 0;
    }
    return written;
  }
  const auto count =
      static_cast<std::size_t>(std::min<std::uint64_t>({size, s.stream_left, s.pending.size() - s.pending_at}));
  if (count == 0) return 0;
  std::memcpy(out, s.pending.data() + s.pending_at, count);
  s.pending_at += count;
  s.stream_left -= count;
  s.streamed += count;
  if (s.pending_at == s.pending.size()) {
    s.pending.clear();
    s.pending_at = 0;
  }
  return count;
}

std::size_t RequestParser::body_received(char* data, std::size_t count) {
  auto& s = *state_;
  if (!s.stream_chunked) {
    const auto taken = static_cast<std::size_t>(std::min<std::uint64_t>(count, s.stream_left));
    s.stream_left -= taken;
    s.streamed += taken;
    return taken;
  }
  std::size_t written = 0;
  const char* stopped = s.decode_streamed(data, data + count, data, count, &written);
  // What follows the body's last chunk is the next request's (pipelining): kept as if it had been fed.
  const auto rest = static_cast<std::size_t>(data + count - stopped);
  if (rest > 0 && s.status == ParseStatus::request_ready) {
    if (s.pending_at == s.pending.size()) {
      s.pending.clear();
      s.pending_at = 0;
    }
    s.pending.append(stopped, rest);
  }
  return written;
}

bool RequestParser::body_arrived() const {
  const State& s = *state_;
  const char* p = s.pending.data() + s.pending_at;
  const char* const end = s.pending.data() + s.pending.size();
  if (!s.stream_chunked) return static_cast<std::uint64_t>(end - p) >= s.stream_left;
  if (s.status != ParseStatus::request_ready) return false;
  ChunkedDecoder decoder = s.chunk_decoder;  // a dry run
  while (p < end && !decoder.complete() && !decoder.failed()) p = decoder.step(p, end).next;
  return decoder.complete();
}

bool RequestParser::skip_body() {
  auto& s = *state_;
  if (s.stream_chunked) {
    // Decoded over the bytes it was decoded from: they are dropped either way.
    char* from = s.pending.data() + s.pending_at;
    std::size_t written = 0;
    s.pending_at += static_cast<std::size_t>(
        s.decode_streamed(from, s.pending.data() + s.pending.size(), from, s.pending.size() - s.pending_at, &written) -
        from);
    return !s.chunked_body_open() && s.status == ParseStatus::request_ready;
  }
  if (s.pending.size() - s.pending_at < s.stream_left) return false;
  s.pending_at += static_cast<std::size_t>(s.stream_left);
  s.streamed += s.stream_left;
  s.stream_left = 0;
  return true;
}

std::size_t RequestParser::memory_held() const noexcept {
  const State& s = *state_;
  return s.head.capacity() + s.pending.capacity() + s.body.memory_held() +
         s.header_spans.capacity() * sizeof(HeaderSpans) + s.headers.capacity() * sizeof(Header);
}
const Limits& RequestParser::limits() const noexcept { return state_->limits; }

RequestParser::PartialLine RequestParser::partial_request_line() const noexcept {
  const State& s = *state_;
  PartialLine line;
  line.method = s.framer.method();
  if (s.target.offset + s.target.length <= s.head.size()) line.target = s.text(s.target);
  if (s.framer.request_line_done() && s.parser.http_major == 1) line.http_minor = s.parser.http_minor == 0 ? 0 : 1;
  return line;
}

}  // namespace deployctl::gateway::http
