// Routing of one request (static mount or app), the trusted-proxy rewrite of the client's address and scheme,
// and the in-process loop the tests and the benchmark drive.
#include "gateway/server/request_handler.hpp"

#include "gateway/server/next_step.hpp"
#include "gateway/server/response_writer.hpp"
#include "python/errors.hpp"
#include "python/gil.hpp"
#include "python/interpreter.hpp"

namespace deployctl::gateway::server {

RequestHandler::RequestHandler(wsgi::WsgiApp* app, const static_files::StaticFiles* statics, ForwardedTrust trust,
                               bool gil_between_requests)
    : app_(app), statics_(statics), trust_(std::move(trust)), gil_between_requests_(gil_between_requests) {}

Outcome RequestHandler::serve_static(const http::Request& request, bool keep_alive, std::string& out,
                                     Transport& transport) {
  ResponseWriter writer(request, keep_alive, false, out, transport);
  wsgi::ResponseStart start;
  start.status = plan_.status;
  start.status_line = plan_.status_line;
  start.headers = plan_.headers();
  if (writer.begin(start)) {
    if (plan_.fd) {
      writer.send_file(plan_.fd.get(), plan_.offset, plan_.length);
    } else if (!plan_.body.empty()) {
      writer.write(plan_.body);
    }
    writer.end(false);
  } else {
    writer.begin_error();
    writer.end(false);
  }
  plan_.reset();
  return {writer.status(), writer.body_bytes(), writer.keep_alive() && !writer.failed(), false};
}

Outcome RequestHandler::handle(const http::Request& request, const Peer& peer, bool draining, std::string& out,
                               Transport& transport) {
  const bool keep_alive = !draining;
  if (statics_ != nullptr &&
      statics_->resolve(request.method, request.path, request.headers, plan_) == static_files::Resolution::planned)
    return serve_static(request, keep_alive, out, transport);
  if (app_ == nullptr) {
    http::append_error_response(out, 404, request.is_head());
    return {404, 0, false, false};
  }

  wsgi::RequestView view;
  view.method = request.method;
  view.target = request.target;
  view.path = request.path;
  view.query = request.query;
  view.http_minor = request.http_minor;
  view.headers = request.headers;
  view.content_length = request.content_length;
  view.body = request.body;
  view.remote_addr = peer.address;
  view.remote_port = peer.port;
  view.server = {peer.server_name, peer.server_port};
  ForwardedClient forwarded;
  if (peer.trusted) {
    forwarded = forwarded_client(request.headers, trust_);
    if (forwarded.contradictory_scheme) {
      http::append_error_response(out, 400, request.is_head());
      return {400, 0, false, false};
    }
    if (!forwarded.remote_addr.empty()) view.remote_addr = forwarded.remote_addr;
    view.https = forwarded.scheme_set && forwarded.https;
  }

  ResponseWriter writer(request, keep_alive, true, out, transport);
  if (gil_between_requests_) python::acquire_gil();
  app_->handle(view, writer);
  if (gil_between_requests_) python::release_gil();
  return {writer.status(), writer.body_bytes(), writer.keep_alive() && !writer.failed(), true};
}

std::string respond_in_process(RequestHandler& handler, std::string_view raw, const Peer& peer,
                               const http::Limits& limits) {
  http::RequestParser parser(limits);
  StringTransport transport;
  std::string out;
  if (parser.feed(raw) == http::ParseStatus::need_more) parser.finish();
  for (;;) {
    const NextStep step = next_step(parser, out);
    if (step == NextStep::refuse) {
      http::append_error_response(out, parser.rejection().status);
      break;
    }
    if (step == NextStep::read_more) break;
    const Outcome outcome = handler.handle(parser.request(), peer, false, out, transport);
    transport.bytes += out;
    out.clear();
    if (!outcome.keep_alive) break;
    if (parser.next() == http::ParseStatus::need_more) parser.finish();
  }
  transport.bytes += out;
  return std::move(transport.bytes);
}

}  // namespace deployctl::gateway::server
