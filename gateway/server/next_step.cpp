// The parser's status, read as the connection's next step.
#include "gateway/server/next_step.hpp"

namespace deployctl::gateway::server {

NextStep next_step(http::RequestParser& parser, std::string& out) {
  for (;;) {
    switch (parser.status()) {
      case http::ParseStatus::continue_expected:
        out += "HTTP/1.1 100 Continue\r\n\r\n";
        parser.next();
        continue;
      case http::ParseStatus::request_ready: return NextStep::answer;
      case http::ParseStatus::rejected: return NextStep::refuse;
      case http::ParseStatus::need_more: return NextStep::read_more;
    }
    return NextStep::read_more;
  }
}

}  // namespace deployctl::gateway::server
