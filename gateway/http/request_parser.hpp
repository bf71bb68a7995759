// Incremental HTTP/1.x request parser over llhttp with gunicorn's limits and strict framing (RFC 9112): fed
// arbitrary byte slices, it hands out one complete request at a time and keeps pipelined bytes for later.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/http/body_buffer.hpp"
#include "gateway/http/request.hpp"

namespace deployctl::gateway::http {

// Limits as gunicorn names them and counts them; 0 means "no limit" for the four --limit-request-* values.
struct Limits {
  std::size_t request_line = 4094;           // --limit-request-line: bytes of "METHOD target HTTP/1.1", without CRLF
  std::size_t header_count = 100;            // --limit-request-fields: header lines (and trailer lines after them)
  std::size_t header_field_size = 8190;      // --limit-request-field_size: bytes of one field line, name to CRLF
                                             // inclusive ("Name: value\r\n"), as gunicorn counts them
  std::uint64_t body = 0;                    // --limit-request-body (413 past it; a declared length is checked first)
  std::size_t body_in_memory = 1024 * 1024;  // bodies larger than this spill to an unlinked temp file
  std::string spill_directory;               // "" means $TMPDIR, else /tmp
  std::uint64_t chunked_body = 0;            // --limit-chunked-body: a de-chunked body past it is 413 (0: none)
  // --worker-spill-limit: shared by every parser of a worker (null: no limit)
  std::shared_ptr<SpillBudget> spill_budget;
  // The server's mode: a Content-Length body larger than body_in_memory, or announced with Expect: 100-continue,
  // is not read here: the request is ready at the end of its head with Body::size set and nothing buffered, and
  // the body is read with take_body()/body_received() as the app asks for it (never stored, never spilled).
  bool stream_bodies = false;
  // With stream_bodies (the ASGI worker): a chunked body is not read here either. The request is ready at the end
  // of its head (Body::streamed, no 100 Continue asked for), and the body is decoded as the app asks for it with
  // take_body()/body_received(); the limits, the framing checks and the trailers are the same as for a whole one.
  // WSGI reads chunked bodies whole: its environ gives CONTENT_LENGTH, which a chunked body has only at its end.
  bool stream_chunked_bodies = false;
  // Whatever the limits, a head over 1 MiB is refused with 431, so memory stays bounded with all limits at 0.
};

// What is refused (then the connection is closed; share/docs/http-conformance.md has one row per case, with the RFC
// section and the test that covers it):
//   400  malformed syntax: a line not ended by CRLF (bare CR or bare LF anywhere in the head or the chunk framing),
//        whitespace before the first header or obs-fold, a field name that is empty or not a token, a method that
//        is not a token, a target that is empty or not visible ASCII, more than one SP between the parts, no
//        version (HTTP/0.9); chunk sizes, extensions or trailers outside their grammar, chunk data not followed by
//        CRLF; duplicated or conflicting Content-Length, Transfer-Encoding with Content-Length or on HTTP/1.0,
//        chunked not the last (or applied twice) transfer coding; a missing, duplicated or invalid Host; a duplicated
//        Content-Type or Authorization; an absolute-form target that is not http(s) with a valid host, an
//        asterisk-form one on a method other than OPTIONS; a request cut by EOF (finish())
//   414  a request line over Limits::request_line past its method (the version has a fixed length: the target
//        is what made it long)
//   431  too many header or trailer lines, a field line over the size limit, a head over 1 MiB
//   413  a body (declared, or a chunk size that would take it) over Limits::body; a chunked one over
//        Limits::chunked_body
//   503  a body that would spill more than the worker's Limits::spill_budget to temporary files
//   501  a transfer coding other than chunked before the final chunked ("gzip, chunked"): we cannot decode it;
//        a method longer than the request line limit
//   505  an HTTP major version other than 1 (1.2 to 1.9 are answered as 1.1, RFC 9110 §2.5)
//   500  the spilled body could not be written (no temp dir, disk full), or memory ran out
// Any method token is handed on (the app answers 405 or 501 if it does not know it). Header names containing '_'
// are dropped silently, as nginx does. Empty lines (CRLF) before a request line are skipped.
// Why a request was refused: the status to answer with (the connection is then closed) and a short static
// reason for the error log (never the client's bytes).
struct Rejection {
  int status = 400;         // 400, 413, 414, 431, 501, 505, or 500 (temp file for a spilled body failed)
  std::string_view reason;  // points to static storage
};

enum class ParseStatus {
  need_more,          // every byte fed so far is parsed; no complete request yet: feed more
  continue_expected,  // the current request's head is complete, it has a body, and the client sent
                      // "Expect: 100-continue": send "HTTP/1.1 100 Continue\r\n\r\n" (or a final response and
                      // close), then call next() to go on; request() already shows the head (body still empty)
  request_ready,      // request() is complete, body included; answer it, then call next()
  rejected,           // the connection is unusable: answer rejection() and close; feed() and next() do nothing more
};

// One parser per connection; buffers are reused from request to request (no per-request allocation once warm).
// Not thread-safe: owned by the connection that feeds it.
class RequestParser {
 public:
  explicit RequestParser(Limits limits = {});
  ~RequestParser();
  RequestParser(RequestParser&&) noexcept;
  RequestParser& operator=(RequestParser&&) noexcept;
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Parses `bytes` (any slice: a byte, half a header, three pipelined requests). The bytes are copied as
  // needed; the caller may reuse its buffer at once. While a request is ready or a continue is expected, the
  // bytes are only buffered (pipelining: they are parsed by next()).
  ParseStatus feed(std::string_view bytes);
  // Leaves the state reported by the last request_ready (dropping that request: its views die) or
  // continue_expected, and parses the bytes buffered meanwhile.
  ParseStatus next();
  // The client closed its side (read returned 0). Returns rejected (400, "incomplete request") when a request
  // was cut in the middle, need_more otherwise (a clean close between requests).
  ParseStatus finish();
  // Forgets everything, as on a fresh connection (keeps the buffers' capacity).
  void reset();

  ParseStatus status() const noexcept;
  // The current request; meaningful after request_ready or continue_expected (see Request for lifetimes).
  const Request& request() const noexcept;
  // Why the connection was refused; meaningful after rejected.
  const Rejection& rejection() const noexcept;

  // For the header-read timeout (slowloris): true from the first byte of a request until its head is
  // complete, and how many bytes were fed since it began (a slice that completes the head counts whole).
  bool head_in_progress() const noexcept;
  std::size_t head_bytes() const noexcept;
  // For the minimum body rate: true while a body is being received here, and its bytes so far (de-chunked; of a
  // streamed body, those taken or received).
  bool body_in_progress() const noexcept;
  std::uint64_t body_bytes() const noexcept;
  // Bytes received and not parsed yet (pipelined requests waiting behind the current one).
  std::size_t buffered_bytes() const noexcept;
  // Heap bytes this parser holds (buffers' capacity, the in-memory part of a body), for the worker's budget of
  // request memory. A buffer grown past 64 KiB by one request is released when the next one starts, so an idle
  // connection goes back to a few KiB whatever it sent before.
  std::size_t memory_held() const noexcept;

  // A streamed body (Limits::stream_bodies), after request_ready: the bytes of it not received yet (a chunked one's
  // length is unknown until its last chunk: 1 while that has not been decoded), and those of it already buffered
  // here (they arrived with the head), moved to `out` (at most `size`; returns how many, de-chunked: a chunked body
  // may consume framing bytes and return 0). Bytes the caller reads from the connection itself it reports with
  // body_received(), which de-chunks them in place and returns how many body bytes are left at the start of `data`
  // (bytes past the end of a chunked body stay here for the next request). A chunked body that breaks its framing
  // or a limit makes status() rejected (rejection() says why); nothing more is taken then, and the body stays
  // unfinished (body_left() 1).
  // next() with some of the body never received makes that request the connection's last (its bytes are not
  // parsed as a request).
  std::uint64_t body_left() const noexcept;
  std::size_t take_body(char* out, std::size_t size) noexcept;
  std::size_t body_received(char* data, std::size_t count);
  // Drops the rest of a streamed body the app did not read when all of it is buffered here (it came with the head):
  // true, and next() goes on to the request behind it. False when some of it is still on the connection: the
  // request stays the connection's last (what was buffered of a chunked body may be gone).
  bool skip_body();
  // Whether skip_body() would find all of the body buffered here (for a chunked one: its last chunk and trailers
  // framed correctly), without dropping anything.
  bool body_arrived() const;

  // The current request line as far as it arrived, for the access-log line of a refused or timed-out request:
  // the method and target bytes received (possibly cut, never validated: escape before printing), and the minor
  // version once the line is complete (-1 before, or for a major version other than 1; 1.2-1.9 show as 1).
  struct PartialLine {
    std::string_view method;
    std::string_view target;
    int http_minor = -1;
  };
  PartialLine partial_request_line() const noexcept;

  const Limits& limits() const noexcept;

  struct State;  // the llhttp state and buffers (request_parser.cpp); public only for the C callbacks

 private:
  std::unique_ptr<State> state_;
};

}  // namespace deployctl::gateway::http
