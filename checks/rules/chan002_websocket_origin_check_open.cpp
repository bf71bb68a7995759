// CHAN002 websocket-origin-check-open: the project's ASGI module guards its WebSockets with Channels' origin
// check, and the check lets every origin through: ALLOWED_HOSTS contains '*' (AllowedHostsOriginValidator) or the
// origins given to OriginValidator hold '*'. The ASGI module is read, never imported (checks/settings/asgi_module).
#include <optional>
#include <string>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"
#include "checks/settings/asgi_module.hpp"

namespace deployctl::checks::rules {

namespace {

constexpr std::string_view consequence =
    ": any web page a visitor opens can connect to this site's WebSockets with the visitor's cookies and act as "
    "them (cross-site WebSocket hijacking): browsers apply no same-origin policy to WebSockets, so this check is "
    "the only one.";

std::string place(const settings::AsgiModule& module, const settings::OriginValidatorCall& call) {
  return module.file.generic_string() + ":" + std::to_string(call.position.line);
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const std::optional<settings::AsgiModule> module = settings::find_asgi_module(model);
  if (!module) return;
  bool uses_allowed_hosts = false;
  for (const settings::OriginValidatorCall& call : module->validators) {
    uses_allowed_hosts = uses_allowed_hosts || call.allowed_hosts;
    if (call.literal_wildcard)
      sink.report("OriginValidator at " + place(*module, call) + " is given the origin '*', which matches any" +
                      std::string(consequence),
                  settings::Origin{module->file.generic_string(), call.position, false}, "ASGI_APPLICATION");
  }
  if (!uses_allowed_hosts) return;
  if (!own::known_or_blind(model, "ALLOWED_HOSTS", sink)) return;
  const settings::Value* hosts = model.get("ALLOWED_HOSTS");
  if (!hosts) return;  // Django's default, []: every origin is refused (DJ020 reports the empty list)
  const std::optional<bool> wildcard = hosts->contains_string("*");
  if (!wildcard && !own::env_source(*hosts)) sink.cannot_decide("ALLOWED_HOSTS", *hosts);
  if (wildcard != true) return;
  const settings::EnvRead* read = own::env_source(*hosts);
  if (read && !read->is_set) return;  // the wildcard of an unset variable's default: production sets it (HOST002)
  for (const settings::OriginValidatorCall& call : module->validators) {
    if (!call.allowed_hosts) continue;
    sink.report("The WebSockets of " + place(*module, call) +
                    " accept the origins ALLOWED_HOSTS allows, and ALLOWED_HOSTS contains '*'" +
                    (read ? " (from " + read->variable + " in the analysed environment)" : std::string()) +
                    std::string(consequence),
                hosts->origin, "ALLOWED_HOSTS");
  }
}

}  // namespace

extern const Rule chan002_websocket_origin_check_open{
    RuleInfo{
        .id = "CHAN002",
        .name = "websocket-origin-check-open",
        .severity = Severity::warning,
        .summary = "The ASGI app checks WebSocket origins with Channels' validator, but the check allows any origin.",
        .rationale =
            "A browser sends a page's cookies with every WebSocket it opens, to any site, and does not stop a "
            "page from one origin talking to another over a WebSocket. Channels' AllowedHostsOriginValidator (and "
            "OriginValidator) are what refuse a connection whose Origin header names a foreign site. The factory "
            "takes its list from ALLOWED_HOSTS: with '*' there, every origin passes and a malicious page can use a "
            "logged-in visitor's session over your WebSockets. OriginValidator given '*' is the same.",
        .fix = "List the site's host names in ALLOWED_HOSTS (ALLOWED_HOSTS = ['example.com', '.example.com']), or "
               "give OriginValidator the origins the site's pages are served from, never '*'.",
        .example_fires = "# mysite/asgi.py\n"
                         "from channels.routing import ProtocolTypeRouter, URLRouter\n"
                         "from channels.security.websocket import AllowedHostsOriginValidator\n"
                         "from django.core.asgi import get_asgi_application\n"
                         "application = ProtocolTypeRouter({\n"
                         "    'http': get_asgi_application(),\n"
                         "    'websocket': AllowedHostsOriginValidator(URLRouter([])),\n"
                         "})\n"
                         "# mysite/settings.py\n"
                         "ALLOWED_HOSTS = ['*']\n"
                         "ASGI_APPLICATION = 'mysite.asgi.application'\n",
        .example_passes = "# mysite/asgi.py\n"
                          "from channels.routing import ProtocolTypeRouter, URLRouter\n"
                          "from channels.security.websocket import AllowedHostsOriginValidator\n"
                          "from django.core.asgi import get_asgi_application\n"
                          "application = ProtocolTypeRouter({\n"
                          "    'http': get_asgi_application(),\n"
                          "    'websocket': AllowedHostsOriginValidator(URLRouter([])),\n"
                          "})\n"
                          "# mysite/settings.py\n"
                          "ALLOWED_HOSTS = ['example.com', 'www.example.com']\n"
                          "ASGI_APPLICATION = 'mysite.asgi.application'\n",
        .django_check = "",
        .notes = "The ASGI module is ASGI_APPLICATION's, or else an asgi.py in the settings module's package or one "
                 "of its parents; it is read, never imported, and the validators are recognised through its own "
                 "imports from channels.security.websocket. OriginValidator counts as using ALLOWED_HOSTS when "
                 "given settings.ALLOWED_HOSTS; other computed origin lists are not judged. An empty ALLOWED_HOSTS "
                 "is not this rule's: with DEBUG off the validator then refuses every origin, and Django every "
                 "request (DJ020). A wildcard that comes only from the default of an unset variable is left to "
                 "HOST002.",
    },
    check,
};

}  // namespace deployctl::checks::rules
