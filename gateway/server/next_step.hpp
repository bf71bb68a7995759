// What a connection does next with the bytes its parser holds: the worker's event loop asks after every read and
// every answer (the in-process driver of the unit tests runs the same loop).
#pragma once

#include <string>

#include "gateway/http/request_parser.hpp"

namespace deployctl::gateway::server {

enum class NextStep {
  read_more,  // no complete request yet: feed the parser more bytes
  answer,     // parser.request() is ready: answer it, then call parser.next()
  refuse,     // parser.rejection() says why: send its error response and close
};

// Appends "HTTP/1.1 100 Continue" to `out` while the parser waits for one (a chunked body announced with Expect:
// the parser frames it, so the client is told to send it at once), then says what comes next.
NextStep next_step(http::RequestParser& parser, std::string& out);

}  // namespace deployctl::gateway::server
