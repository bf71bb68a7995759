// The WSGI adapter behind the application boundary: an exchange becomes a RequestView for the app (taking the GIL
// for the call), its response goes to the exchange's sink. It answers every request it is given.
#pragma once

#include "gateway/app/exchange.hpp"
#include "gateway/wsgi/wsgi_app.hpp"

namespace deployctl::gateway::wsgi {

class WsgiHandler final : public app::Handler {
 public:
  // Called without the GIL (a worker's loop or pool thread), which it takes for the app's call.
  explicit WsgiHandler(WsgiApp& app) : app_(app) {}
  bool handle(app::Exchange& exchange) override;

 private:
  WsgiApp& app_;
};

}  // namespace deployctl::gateway::wsgi
