// DB001 database-password-literal: a DATABASES password is written in the settings, as the value itself or as
// the fallback of an environment read. Messages give its length, never the password. Each password is weighed by
// GIT002's decision table (checks/git/secret_weight): one for a local or throwaway database is info, with the reason.
#include <optional>
#include <string>

#include "checks/git/secret_weight.hpp"
#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"
#include "checks/settings/django_defaults.hpp"

namespace deployctl::checks::rules {

namespace {

using settings::Value;

// The HOST Django connects to, as git::weigh_secret wants it: Django's default '' (the local socket) when the
// dict has none, nothing when the value cannot be known.
std::optional<std::string> database_host(const Value& database) {
  const Value* host = database.get("HOST");
  if (host == nullptr) return std::string();
  if (host->is_string()) return host->text;
  return std::nullopt;
}

// Reports `password` (the literal itself or the default written for it) at `where`, with `message`, as an error
// unless the decision table weighs it as throwaway (info, with why) or no secret at all (not reported).
void report_weighed(const std::string& password, const Value& database, const std::string& file, std::string message,
                    const settings::Origin& where, FindingSink& sink) {
  const std::optional<std::string> host = database_host(database);
  const git::SecretWeighing weighing = git::weigh_secret(
      password, git::SecretPlace{file, {}, host ? std::optional<std::string_view>(*host) : std::nullopt, false});
  if (weighing.weight == git::SecretWeight::not_a_secret) return;
  if (weighing.weight == git::SecretWeight::throwaway)
    message += " It is reported as info: " + weighing.reason + ", which grants nothing beyond it.";
  Finding& finding = sink.report(std::move(message), where, "DATABASES");
  if (weighing.weight == git::SecretWeight::throwaway) finding.severity = Severity::info;
}

void check_alias(const std::string& alias, const Value& database, FindingSink& sink) {
  // SQLite ignores PASSWORD: a value there protects nothing and leaks nothing that matters.
  if (const Value* engine = database.get("ENGINE"); engine && engine->is_string() && engine->text.ends_with("sqlite3"))
    return;
  const Value* password = database.get("PASSWORD");
  if (!password) return;
  const std::string where = "DATABASES['" + alias + "']['PASSWORD']";
  if (own::is_literal_text(*password)) {
    report_weighed(password->text, database, password->origin.file,
                   where + " is " + own::sized(password->text, "literal") +
                       " written in the settings: everyone with the source or its history has the database password.",
                   password->origin, sink);
    return;
  }
  // PASSWORD = os.environ.get('DB_PASSWORD', 'postgres'): the fallback is a password in the source too. URL
  // readers (env.db, dj_database_url) are DB002's: their default is a whole URL, not this password.
  if (!password->env || !password->env->default_value || own::is_database_url_read(*password->env)) {
    if (!password->is_known() && !password->env) sink.cannot_decide("DATABASES", *password);
    return;
  }
  const settings::EnvRead& read = *password->env;
  const Value& fallback = *read.default_value;
  if (!fallback.is_string() || fallback.text.empty() || fallback.env) return;
  report_weighed(fallback.text, database, read.where.file,
                 where + " falls back to " + own::sized(fallback.text, "literal") + " written in the settings when " +
                     read.variable + " is unset (" + own::describe_read(read) +
                     "): the password is in the source, and a deploy that misses the variable uses it.",
                 read.where, sink);
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const Value databases = settings::setting_or_default(model, "DATABASES");
  if (!databases.is_known()) {
    sink.cannot_decide("DATABASES", databases);
    return;
  }
  if (databases.kind != Value::Kind::dict) return;
  for (const auto& [alias, database] : databases.entries) {
    if (!alias.is_string()) continue;
    if (database.kind == Value::Kind::dict)
      check_alias(alias.text, database, sink);
    else if (!database.is_known())
      sink.cannot_decide("DATABASES", database);
  }
}

}  // namespace

extern const Rule db001_database_password_literal{
    RuleInfo{
        .id = "DB001",
        .name = "database-password-literal",
        .severity = Severity::error,
        .summary =
            "A DATABASES PASSWORD is written in the settings, literally or as the fallback of an environment read.",
        .rationale =
            "A password in the source is shared with everyone who can read the repository, its history, forks "
            "and CI logs, and it cannot be rotated without a commit. As a fallback (os.environ.get('DB_PASSWORD', "
            "'postgres')) it also hides a missing variable: the deploy starts and talks to the database with "
            "the development password.",
        .fix = "Read the password from the environment or a secrets file without a fallback: "
               "'PASSWORD': os.environ['DB_PASSWORD'], or give the whole connection as DATABASE_URL.",
        .example_fires = "DATABASES = {\n"
                         "    'default': {\n"
                         "        'ENGINE': 'django.db.backends.postgresql',\n"
                         "        'NAME': 'mysite',\n"
                         "        'USER': 'mysite',\n"
                         "        'PASSWORD': 'hunter2-mysite',\n"
                         "        'HOST': 'db1.prod.mysite.org',\n"
                         "    }\n"
                         "}\n",
        .example_passes = "import os\n"
                          "\n"
                          "DATABASES = {\n"
                          "    'default': {\n"
                          "        'ENGINE': 'django.db.backends.postgresql',\n"
                          "        'NAME': 'mysite',\n"
                          "        'USER': 'mysite',\n"
                          "        'PASSWORD': os.environ['DB_PASSWORD'],\n"
                          "        'HOST': 'db1.prod.mysite.org',\n"
                          "    }\n"
                          "}\n",
        .django_check = "",
        .notes = "Empty passwords and SQLite databases are not reported. Credentials inside a database URL default "
                 "are DB002. Each password is weighed by the decision table of GIT002 (checks/git/secret_weight), "
                 "first matching row wins: a placeholder (changeme, YOUR_..., a variable's name, under 4 "
                 "characters) or a template (%s, {{ password }}, ${VAR}) is not reported; a password for a database "
                 "on the local socket (HOST '' or absent, Django's default), localhost, 127.0.0.0/8, ::1, a "
                 ".local/.test/.internal name or a single-label host (db, postgres: a compose service), one in a "
                 "test, CI or development settings file, or a well-known default (postgres, root, ...) is info, and "
                 "the message says why; anything else is an error.",
    },
    check,
};

}  // namespace deployctl::checks::rules
