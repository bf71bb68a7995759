// Sends a ResponsePlan through the exchange's sink; the plan's file is closed once it is sent.
#include "gateway/static/static_handler.hpp"

namespace deployctl::gateway::static_files {

bool StaticHandler::handle(app::Exchange& exchange) {
  const http::Request& request = exchange.request;
  if (files_.resolve(request.method, request.path, request.headers, plan_) != Resolution::planned) return false;
  app::ResponseSink& response = exchange.response;
  app::ResponseStart start;
  start.status = plan_.status;
  start.status_line = plan_.status_line;
  start.headers = plan_.headers();
  if (response.begin(start)) {
    if (plan_.fd) {
      response.send_file(plan_.fd.get(), plan_.offset, plan_.length);
    } else if (!plan_.body.empty()) {
      response.write(plan_.body);
    }
  } else {
    response.begin_error();
  }
  response.end(false);
  plan_.reset();
  return true;
}

}  // namespace deployctl::gateway::static_files
