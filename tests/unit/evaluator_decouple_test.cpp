// python-decouple 3.6 semantics: os.environ, then settings.ini/.env, then the default, cast applied to both.
#include "evaluator_support.hpp"

using namespace evaluator_test;

namespace {

SettingsModel run_decouple(std::string_view source, const Environment& environment = {}) {
  return run_in(fixture("plain"), source, environment);
}

}  // namespace

TEST_SUITE("evaluator-decouple") {
  TEST_CASE("config() with cast=bool casts the default too") {
    const auto model = run_decouple(
        "from decouple import config\nDEBUG = config('DEBUG', default=False, cast=bool)\n"
        "ON = config('ON', default='yes', cast=bool)\n");
    const Value& debug = setting(model, "DEBUG");
    CHECK(debug.is_false());
    REQUIRE(debug.env != nullptr);
    CHECK(debug.env->reader == "config");
    CHECK(debug.env->cast == "bool");
    CHECK_FALSE(debug.env->is_set);
    CHECK(setting(model, "ON").is_true());
  }

  TEST_CASE("decouple's bool truth table, and its ValueError on anything else") {
    const char* source = "from decouple import config\nX = config('X', cast=bool)\n";
    for (const char* truthy : {"y", "YES", "t", "True", "on", "1"})
      CHECK_MESSAGE(setting(run_decouple(source, env_of({{"X", truthy}})), "X").is_true(), truthy);
    for (const char* falsy : {"n", "no", "F", "false", "off", "0", ""})
      CHECK_MESSAGE(setting(run_decouple(source, env_of({{"X", falsy}})), "X").is_false(), falsy);
    const auto invalid = run_decouple(source, env_of({{"X", "ok"}}));  // 'ok' is true for django-environ only
    CHECK_FALSE(setting(invalid, "X").is_known());
    CHECK(setting(invalid, "X").unknown_reason.find("ValueError") != std::string::npos);
  }

  TEST_CASE("config() without a default on an unset variable raises UndefinedValueError: unknown") {
    const auto model = run_decouple("from decouple import config\nSECRET_KEY = config('SECRET_KEY')\n");
    CHECK_FALSE(setting(model, "SECRET_KEY").is_known());
    CHECK(setting(model, "SECRET_KEY").unknown_reason.find("UndefinedValueError") != std::string::npos);
  }

  TEST_CASE("config() without a cast returns the default as written") {
    const auto model =
        run_decouple("from decouple import config\nSECRET_KEY = config('SECRET_KEY', default='insecure')\n");
    CHECK(is_string(setting(model, "SECRET_KEY"), "insecure"));
    CHECK(setting(model, "SECRET_KEY").literal);
  }

  TEST_CASE("int and Csv casts") {
    const auto model = run_decouple(
        "from decouple import config, Csv\nPORT = config('PORT', cast=int)\n"
        "HOSTS = config('HOSTS', cast=Csv())\nT = config('T', default='a, b', cast=Csv(post_process=tuple))\n",
        env_of({{"PORT", "8000"}, {"HOSTS", "a.com, 'b,c.com' ,d.com"}}));
    CHECK(setting(model, "PORT").integer == 8000);
    const Value& hosts = setting(model, "HOSTS");
    REQUIRE(hosts.items.size() == 3);
    CHECK(is_string(hosts.items[1], "b,c.com"));  // shlex keeps quoted delimiters
    CHECK(setting(model, "T").kind == Kind::tuple);
    CHECK(is_string(setting(model, "T").items[1], "b"));
  }

  TEST_CASE("Choices validates") {
    const auto model = run_decouple(
        "from decouple import config, Choices\nENV = config('ENV', default='prod', cast=Choices(['dev', 'prod']))\n");
    CHECK(is_string(setting(model, "ENV"), "prod"));
    const auto bad = run_decouple(
        "from decouple import config, Choices\nENV = config('ENV', default='qa', cast=Choices(['dev', 'prod']))\n");
    CHECK_FALSE(setting(bad, "ENV").is_known());
  }

  TEST_CASE("a .env file decouple would read makes unset variables unknown") {
    const auto model = run_in(fixture("dotenv"), "from decouple import config\nX = config('X', default='d')\n");
    CHECK_FALSE(setting(model, "X").is_known());
    CHECK(setting(model, "X").unknown_reason.find(".env") != std::string::npos);
  }

  TEST_CASE("without a project dir the repository is unknown") {
    const auto model = run("from decouple import config\nX = config('X', default='d')\n");
    CHECK_FALSE(setting(model, "X").is_known());
    const auto set = run("from decouple import config\nX = config('X', default='d')\n", env_of({{"X", "v"}}));
    CHECK(is_string(setting(set, "X"), "v"));
  }
}
