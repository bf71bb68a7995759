// The trusted-proxy rewrite of the client's address and scheme, then the first handler that takes the request.
#include "gateway/server/request_handler.hpp"

#include "gateway/http/response_head.hpp"
#include "gateway/server/response_writer.hpp"
#include "gateway/static/static_handler.hpp"
#include "gateway/wsgi/wsgi_handler.hpp"

namespace deployctl::gateway::server {

std::vector<std::unique_ptr<app::Handler>> make_handlers(wsgi::WsgiApp* app, const static_files::StaticFiles* statics) {
  std::vector<std::unique_ptr<app::Handler>> handlers;
  if (statics != nullptr) handlers.push_back(std::make_unique<static_files::StaticHandler>(*statics));
  if (app != nullptr) handlers.push_back(std::make_unique<wsgi::WsgiHandler>(*app));
  return handlers;
}

RequestHandler::RequestHandler(std::vector<std::unique_ptr<app::Handler>> handlers, ForwardedTrust trust)
    : handlers_(std::move(handlers)), trust_(std::move(trust)) {}

Outcome RequestHandler::handle(const http::Request& request, app::RequestBody* body, const Peer& peer, bool draining,
                               std::string& out, Transport& transport) {
  ForwardedClient forwarded;
  if (peer.trusted) {
    forwarded = forwarded_client(request.headers, trust_);
    if (forwarded.contradictory_scheme) {
      http::append_error_response(out, 400, request.is_head());
      return {400, 0, false};
    }
  }
  ResponseWriter writer(request, body, !draining, out, transport);
  app::Exchange exchange{request,
                         body,
                         peer,
                         forwarded.remote_addr.empty() ? peer.address : std::string_view(forwarded.remote_addr),
                         forwarded.scheme_set && forwarded.https,
                         writer};
  for (const auto& handler : handlers_) {
    if (handler->handle(exchange))
      return {writer.status(), writer.body_bytes(), writer.keep_alive() && !writer.failed()};
  }
  http::append_error_response(out, 404, request.is_head());
  return {404, 0, false};
}

}  // namespace deployctl::gateway::server
