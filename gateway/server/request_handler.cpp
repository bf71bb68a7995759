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
  HeldExchange held;
  if (auto outcome = begin(request, body, peer, draining, out, transport, held, nullptr)) return *outcome;
  http::append_error_response(out, 404, request.is_head());
  return {404, 0, false};
}

std::optional<Outcome> RequestHandler::begin(const http::Request& request, app::RequestBody* body, const Peer& peer,
                                             bool draining, std::string& out, Transport& transport, HeldExchange& held,
                                             app::Completion* later) {
  if (peer.trusted) {
    held.forwarded = forwarded_client(request.headers, trust_);
    if (held.forwarded.contradictory_scheme) {
      http::append_error_response(out, 400, request.is_head());
      return Outcome{400, 0, false};
    }
  }
  const ForwardedClient& forwarded = held.forwarded;
  ResponseWriter& writer = held.writer.emplace(request, body, !draining, out, transport);
  app::Exchange& exchange = held.exchange.emplace(
      request, body, peer, forwarded.remote_addr.empty() ? peer.address : std::string_view(forwarded.remote_addr),
      forwarded.scheme_set && forwarded.https, writer, later);
  for (const auto& handler : handlers_) {
    if (handler->handle(exchange))
      return Outcome{writer.status(), writer.body_bytes(), writer.keep_alive() && !writer.failed()};
  }
  return std::nullopt;
}

}  // namespace deployctl::gateway::server
