// The Python side of --django: what the child's embedded interpreter runs. Kept apart from the process plumbing.
#pragma once

#include <string_view>

namespace deployctl::checks::django_runtime {

// Reads the JSON request in the global `_deployctl_request` ({fd, project_dir, settings_module, environment,
// hide}) and writes one JSON answer to fd: {"ok": true, "messages": [...]} or {"ok": false, "error": "..."}.
extern const std::string_view runtime_script;

}  // namespace deployctl::checks::django_runtime
