// The worker count from deployctl's config or gunicorn's, read without running anything.
#include "checks/settings/server_workers.hpp"

#include <array>
#include <string_view>
#include <variant>

#include "checks/python/parser.hpp"
#include "core/config.hpp"
#include "core/files.hpp"

namespace deployctl::checks::settings {

namespace {

namespace fs = std::filesystem;

std::optional<WorkerCount> from_deployctl_config(const fs::path& project_dir) {
  auto config = find_project_config(project_dir);
  if (!config || !*config) return std::nullopt;  // an invalid config is the check command's error to report
  for (const auto* workers : {&(*config)->serve.workers, &(*config)->deploy.workers})
    if (*workers) return WorkerCount{(*workers)->value, (*workers)->where.to_string()};
  return std::nullopt;
}

std::optional<WorkerCount> from_gunicorn_config(const fs::path& project_dir) {
  static constexpr std::array<std::string_view, 4> names = {"gunicorn.conf.py", "gunicorn_conf.py",
                                                            "gunicorn_config.py", "gunicorn.py"};
  for (const std::string_view name : names) {
    const fs::path path = project_dir / name;
    std::error_code error;
    if (!fs::is_regular_file(path, error)) continue;
    const auto text = read_text_file(path);
    if (!text) continue;
    const python::ParseResult parsed = python::parse_module(*text, std::string(name));
    const auto* module = std::get_if<python::Module>(&parsed);
    if (!module) continue;
    std::optional<WorkerCount> found;  // the last assignment at module level wins, as when gunicorn runs it
    for (const python::StmtPtr& statement : module->body) {
      const auto* assign = python::as<python::Assign>(statement);
      if (!assign) continue;
      for (const python::ExprPtr& target : assign->targets) {
        const auto* variable = python::as<python::Name>(target);
        if (!variable || variable->id != "workers") continue;
        const auto* constant = python::as<python::Constant>(assign->value);
        const auto* number = constant ? std::get_if<std::int64_t>(&constant->value) : nullptr;
        found = number ? std::optional<WorkerCount>(
                             WorkerCount{*number, std::string(name) + ":" + std::to_string(statement->position.line)})
                       : std::nullopt;
      }
    }
    return found;
  }
  return std::nullopt;
}

}  // namespace

std::optional<WorkerCount> configured_workers(const fs::path& project_dir) {
  if (auto workers = from_deployctl_config(project_dir)) return workers;
  return from_gunicorn_config(project_dir);
}

}  // namespace deployctl::checks::settings
