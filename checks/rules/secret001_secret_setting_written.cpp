// SECRET001 secret-setting-written: a password, token or key setting (EMAIL_HOST_PASSWORD, *_SECRET, *_TOKEN,
// *_API_KEY, ...) is written in the settings, literally or as an environment fallback. SECRET_KEY is the SK
// rules' and DATABASES the DB rules'. Messages give the secret's length, never the secret.
#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

using settings::Value;

// Django reads only upper-case names of a settings module (`setting.isupper()`).
bool is_setting_name(std::string_view name) {
  return std::ranges::any_of(name, [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; }) &&
         std::ranges::none_of(name, [](char c) { return std::islower(static_cast<unsigned char>(c)) != 0; });
}

// *_KEY names beyond the shared vocabulary (which has API_KEY, PRIVATE_KEY, ACCESS_KEY, SECRET_KEY) that hold a
// key to something: signing, encryption, HMAC, licence and master keys. Other *_KEY names are as often the key
// of a dict or cache entry, or a public identifier (SOCIAL_AUTH_*_KEY is an OAuth client id), as a secret.
constexpr std::array<std::string_view, 6> key_markers = {"SIGNING", "ENCRYPT", "CRYPTO", "HMAC", "LICENSE", "MASTER"};
constexpr std::array<std::string_view, 3> public_markers = {"PUBLIC", "PUBLISHABLE", "SITE_KEY"};

bool names_a_secret(std::string_view name) {
  if (name == "SECRET_KEY" || name == "SECRET_KEY_FALLBACKS") return false;  // SK001-SK004, DJ009, DJ025
  for (const std::string_view marker : public_markers)
    if (name.find(marker) != std::string_view::npos) return false;
  if (own::is_secret_name(name)) return true;
  if (!name.ends_with("_KEY")) return false;
  return std::ranges::any_of(key_markers, [&](std::string_view m) { return name.find(m) != std::string_view::npos; });
}

// What the secret lets its holder do, for the message.
std::string consequence(std::string_view name) {
  if (name.starts_with("EMAIL_HOST_PASSWORD"))
    return "everyone with the source or its history can send mail through the site's SMTP account, in the "
           "site's name";
  return "everyone with the source or its history has it and can use it wherever it grants access";
}

using Place = std::tuple<std::string, int, int>;

Place place_of(const settings::Origin& origin) { return {origin.file, origin.position.line, origin.position.column}; }

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  std::set<Place> reported;  // one secret bound to two names (EMAIL_HOST_PASSWORD = SMTP_PASSWORD) is one finding
  if (const Value* key = model.get("SECRET_KEY"))
    if (const auto credential = own::written_credential(*key, true)) reported.insert(place_of(credential->where));
  for (const auto& [name, value] : model.values) {
    if (!is_setting_name(name) || !names_a_secret(name)) continue;
    const auto credential = own::written_credential(value, true);
    if (!credential || !reported.insert(place_of(credential->where)).second) continue;
    std::string message = name + " " + own::written_where(*credential) + ": " + consequence(name);
    if (credential->fallback_of) message += ", and a deploy that misses the variable uses it";
    sink.report(message + ".", credential->where, name);
  }
}

}  // namespace

extern const Rule secret001_secret_setting_written{
    RuleInfo{
        .id = "SECRET001",
        .name = "secret-setting-written",
        .severity = Severity::error,
        .summary = "A password, token or API key setting (EMAIL_HOST_PASSWORD, *_SECRET, *_TOKEN, *_API_KEY, ...) is "
                   "written in the settings, literally or as the fallback of an environment read.",
        .rationale =
            "A secret in the settings is shared with everyone who can read the repository, its forks, its history "
            "and the CI logs, and it cannot be rotated without a commit. EMAIL_HOST_PASSWORD lets anyone send mail "
            "through the site's account; API tokens and keys reach the provider's account with the site's rights. "
            "As the default of an environment read (os.environ.get('EMAIL_HOST_PASSWORD', '...')) it also hides a "
            "missing variable: the deploy starts and uses the secret from the source.",
        .fix = "Read the secret from the environment or a secrets file without a default: EMAIL_HOST_PASSWORD = "
               "os.environ['EMAIL_HOST_PASSWORD'] (env('EMAIL_HOST_PASSWORD'), config('EMAIL_HOST_PASSWORD')), or "
               "default to an empty string where the feature may stay off. Rotate a secret that was committed.",
        .example_fires = "EMAIL_HOST = 'smtp.mailgun.org'\n"
                         "EMAIL_HOST_USER = 'postmaster@mg.mysite.net'\n"
                         "EMAIL_HOST_PASSWORD = 'Wq3s3cr3tZr8Lm'\n",
        .example_passes = "import os\n"
                          "\n"
                          "EMAIL_HOST = 'smtp.mailgun.org'\n"
                          "EMAIL_HOST_USER = 'postmaster@mg.mysite.net'\n"
                          "EMAIL_HOST_PASSWORD = os.environ.get('EMAIL_HOST_PASSWORD', '')\n",
        .django_check = "",
        .notes = "Settings named *SECRET, *PASSWORD, *PASSWD, *TOKEN, *API_KEY, *APIKEY, *PRIVATE_KEY, *ACCESS_KEY, "
                 "and *_KEY names of signing, encryption, HMAC, licence and master keys; names with PUBLIC, "
                 "PUBLISHABLE or SITE_KEY are public identifiers and left alone. SECRET_KEY is SK001-SK004, "
                 "DATABASES' PASSWORD is DB001. Placeholders ('changeme', 'your-api-key', '<token>'), empty "
                 "strings, test-mode keys (sk_test_...), well-known defaults, the name of another variable and "
                 "URLs to local services are no secrets (the table of GIT002), nor are values written in test or "
                 "development settings files. One secret bound to several names is reported once.",
        .concerns_secret = true,
    },
    check,
};

}  // namespace deployctl::checks::rules
