// Static files behind the application boundary: a request under a --static mount is answered from its plan
// (a file by sendfile, or a short status body); any other request is declined, for the next handler (the app).
#pragma once

#include "gateway/app/exchange.hpp"
#include "gateway/static/static_files.hpp"

namespace deployctl::gateway::static_files {

class StaticHandler final : public app::Handler {
 public:
  explicit StaticHandler(const StaticFiles& files) : files_(files) {}
  bool handle(app::Exchange& exchange) override;

 private:
  const StaticFiles& files_;
  ResponsePlan plan_;  // reused: its buffers keep their capacity (one handler per thread)
};

}  // namespace deployctl::gateway::static_files
