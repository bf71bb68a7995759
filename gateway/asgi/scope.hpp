// The HTTP connection scope of ASGI spec 2.4, built from prebuilt interned keys and constant values: one dict per
// request, copied from a template that holds type, asgi and extensions.
#pragma once

#include <memory>
#include <string>

#include "core/error.hpp"
#include "gateway/app/exchange.hpp"
#include "python/py_ref.hpp"

namespace deployctl::gateway::asgi {

class ScopeBuilder {
 public:
  // `root_path`: --root-path, prefixed to path and raw_path as uvicorn does. Needs the GIL.
  static Result<std::unique_ptr<ScopeBuilder>> create(const std::string& root_path);

  // A new scope for the exchange's request. Null with a Python error set on failure.
  PyObject* build(const app::Exchange& exchange);

  // The lifespan state: each scope gets a shallow copy under "state" from now on.
  void share_state(const python::PyRef& state) { state_ = state; }

 private:
  ScopeBuilder() = default;
  python::PyRef template_;
  python::PyRef state_;  // null: no lifespan state, no "state" key
  std::string root_path_text_;
  python::PyRef root_path_;
  python::PyRef http_10_, http_11_, http_, https_, get_, post_, head_;
  python::PyRef key_http_version_, key_method_, key_scheme_, key_path_, key_raw_path_, key_query_string_,
      key_root_path_, key_headers_, key_client_, key_server_, key_asgi_, key_state_, key_extensions_;
};

}  // namespace deployctl::gateway::asgi
