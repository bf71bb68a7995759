// The WSGI adapter behind the application boundary: an exchange becomes a RequestView for the app (taking the GIL
// for the call), its response goes to the exchange's sink. It answers every request it is given.
#pragma once

#include "gateway/app/exchange.hpp"
#include "gateway/wsgi/wsgi_app.hpp"

namespace deployctl::gateway::wsgi {

class WsgiHandler final : public app::Handler {
 public:
  // `takes_gil`: the calling thread does not hold the GIL between requests (a worker's loop or pool thread) and
  // takes it for each call; false when it always holds it.
  WsgiHandler(WsgiApp& app, bool takes_gil) : app_(app), takes_gil_(takes_gil) {}
  bool handle(app::Exchange& exchange) override;

 private:
  WsgiApp& app_;
  bool takes_gil_;
};

}  // namespace deployctl::gateway::wsgi
