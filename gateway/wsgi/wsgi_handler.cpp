// The request's views copied into the WSGI layer's RequestView: no bytes are copied, the GIL is held only inside.
#include "gateway/wsgi/wsgi_handler.hpp"

#include "python/gil.hpp"

namespace deployctl::gateway::wsgi {

bool WsgiHandler::handle(app::Exchange& exchange) {
  const http::Request& request = exchange.request;
  RequestView view;
  view.method = request.method;
  view.target = request.target;
  view.path = request.path;
  view.query = request.query;
  view.http_minor = request.http_minor;
  view.headers = request.headers;
  view.content_length = request.content_length;
  view.body = request.body;
  view.body_stream = exchange.body;
  view.remote_addr = exchange.client_address;
  view.remote_port = exchange.peer.port;
  view.https = exchange.https;
  view.server = {exchange.peer.server_name, exchange.peer.server_port};
  python::acquire_gil();
  app_.handle(view, exchange.response);
  python::release_gil();
  return true;
}

}  // namespace deployctl::gateway::wsgi
