// django-environ 0.4.4 semantics: scheme, defaults returned uncast, its bool truth table, URL parsing.
#include "evaluator_support.hpp"

using namespace evaluator_test;

TEST_SUITE("evaluator-django-environ") {
  TEST_CASE("Env scheme gives cast and default") {
    const char* source =
        "import environ\nenv = environ.Env(DEBUG=(bool, False), HOSTS=(list, []))\n"
        "DEBUG = env('DEBUG')\nALLOWED_HOSTS = env('HOSTS')\n";
    const auto unset = run(source);
    CHECK(setting(unset, "DEBUG").is_false());
    CHECK_FALSE(setting(unset, "DEBUG").env->is_set);
    CHECK(setting(unset, "DEBUG").env->reader == "env");
    CHECK(setting(unset, "DEBUG").env->cast == "bool");
    CHECK(setting(unset, "ALLOWED_HOSTS").items.empty());
    const auto set = run(source, env_of({{"DEBUG", "on"}, {"HOSTS", "a.com,b.com,"}}));
    CHECK(setting(set, "DEBUG").is_true());
    CHECK(setting(set, "ALLOWED_HOSTS").items.size() == 2);
  }

  TEST_CASE("env.bool truth table: true/on/ok/y/yes/1 and non-zero integers") {
    const char* source = "import environ\nenv = environ.Env()\nX = env.bool('X', default=False)\n";
    for (const char* truthy : {"true", "On", "ok", "Y", "yes", "1", "2", " 1 "})
      CHECK_MESSAGE(setting(run(source, env_of({{"X", truthy}})), "X").is_true(), truthy);
    for (const char* falsy : {"false", "0", "no", "off", "nope", ""})
      CHECK_MESSAGE(setting(run(source, env_of({{"X", falsy}})), "X").is_false(), falsy);
  }

  TEST_CASE("a default is returned as written, not cast") {
    const auto model = run("import environ\nenv = environ.Env()\nX = env.bool('X', default='False')\n");
    CHECK(is_string(setting(model, "X"), "False"));  // django-environ does not parse defaults
    // ... and a set value equal to the default is not cast either
    const auto same = run("import environ\nenv = environ.Env()\nX = env.int('X', default='5')\n", env_of({{"X", "5"}}));
    CHECK(is_string(setting(same, "X"), "5"));
  }

  TEST_CASE("env() without a default on an unset variable raises ImproperlyConfigured: unknown") {
    const auto model = run("import environ\nenv = environ.Env()\nSECRET_KEY = env('SECRET_KEY')\n");
    CHECK_FALSE(setting(model, "SECRET_KEY").is_known());
    CHECK(setting(model, "SECRET_KEY").unknown_reason.find("ImproperlyConfigured") != std::string::npos);
  }

  TEST_CASE("env.int/float/str/list/tuple/dict/json") {
    const auto model =
        run("import environ\nenv = environ.Env()\nI = env.int('I')\nF = env.float('F')\nS = env.str('S')\n"
            "L = env.list('L', cast=int)\nT = env.tuple('T')\nD = env.dict('D')\nJ = env.json('J')\n",
            env_of({{"I", "42"},
                    {"F", "-1,5"},
                    {"S", "text"},
                    {"L", "1,2"},
                    {"T", "(a,b)"},
                    {"D", "k=v,x=y"},
                    {"J", "{\"a\": [1, true]}"}}));
    CHECK(setting(model, "I").integer == 42);
    CHECK(setting(model, "F").floating == doctest::Approx(1.5));  // django-environ drops the sign
    CHECK(is_string(setting(model, "S"), "text"));
    REQUIRE(setting(model, "L").items.size() == 2);
    CHECK(setting(model, "L").items[1].integer == 2);
    CHECK(setting(model, "T").kind == Kind::tuple);
    CHECK(is_string(setting(model, "T").items[1], "b"));
    CHECK(is_string(*setting(model, "D").get("x"), "y"));
    CHECK(setting(model, "J").get("a")->items[1].is_true());
  }

  TEST_CASE("env.int of text that is not a number raises: unknown") {
    const auto model =
        run("import environ\nenv = environ.Env()\nI = env.int('I', default=1)\n", env_of({{"I", "many"}}));
    CHECK_FALSE(setting(model, "I").is_known());
  }

  TEST_CASE("env.db parses the URL into a DATABASES entry") {
    const auto model = run(
        "import environ\nenv = environ.Env()\nDATABASES = {'default': env.db()}\n",
        env_of({{"DATABASE_URL", "postgres://user:p%40ss@db.example.com:5432/app?CONN_MAX_AGE=60&sslmode=require"}}));
    const Value* db = setting(model, "DATABASES").get("default");
    REQUIRE(db != nullptr);
    CHECK(is_string(*db->get("ENGINE"), "django.db.backends.postgresql_psycopg2"));
    CHECK(is_string(*db->get("NAME"), "app"));
    CHECK(is_string(*db->get("USER"), "user"));
    CHECK(is_string(*db->get("PASSWORD"), "p@ss"));
    CHECK(is_string(*db->get("HOST"), "db.example.com"));
    CHECK(db->get("PORT")->integer == 5432);
    CHECK(db->get("CONN_MAX_AGE")->integer == 60);
    CHECK(is_string(*db->get("OPTIONS")->get("sslmode"), "require"));
    REQUIRE(db->get("PASSWORD")->env != nullptr);
    CHECK(db->get("PASSWORD")->env->variable == "DATABASE_URL");
    CHECK(db->get("PASSWORD")->env->cast == "db_url");
  }

  TEST_CASE("env.db default is parsed too, and keeps its literal origin") {
    const auto model =
        run("import environ\nenv = environ.Env()\nDATABASES = {'default': env.db('DB', "
            "default='sqlite:////tmp/db.sqlite3')}\n");
    const Value* db = setting(model, "DATABASES").get("default");
    REQUIRE(db != nullptr);
    CHECK(is_string(*db->get("ENGINE"), "django.db.backends.sqlite3"));
    CHECK(is_string(*db->get("NAME"), "/tmp/db.sqlite3"));
    CHECK(db->get("NAME")->literal);
  }

  TEST_CASE("env.cache parses CACHE_URL") {
    const auto model = run("import environ\nenv = environ.Env()\nCACHES = {'default': env.cache()}\n",
                           env_of({{"CACHE_URL", "memcache://127.0.0.1:11211"}}));
    const Value* cache = setting(model, "CACHES").get("default");
    REQUIRE(cache != nullptr);
    CHECK(is_string(*cache->get("BACKEND"), "django.core.cache.backends.memcached.MemcachedCache"));
    CHECK(is_string(*cache->get("LOCATION"), "127.0.0.1:11211"));
    const auto redis = run("import environ\nenv = environ.Env()\nCACHES = {'default': env.cache()}\n",
                           env_of({{"CACHE_URL", "redis://h:6379/1"}}));
    const Value* redis_cache = setting(redis, "CACHES").get("default");
    CHECK_FALSE(redis_cache->get("BACKEND")->is_known());  // depends on whether redis_cache is installed
    CHECK(is_string(*redis_cache->get("LOCATION"), "redis://h:6379/1"));
  }

  TEST_CASE("'$VAR' values are read from the named variable") {
    const auto model = run("import environ\nenv = environ.Env()\nURL = env('SITE_URL')\n",
                           env_of({{"SITE_URL", "$REAL_URL"}, {"REAL_URL", "https://x"}}));
    CHECK(is_string(setting(model, "URL"), "https://x"));
    CHECK(model.env_reads.size() == 2);
  }

  TEST_CASE("read_env with no .env file present changes nothing, with one, unset variables are unknown") {
    const auto without = run_in(
        fixture("plain"), "import environ\nenviron.Env.read_env()\nenv = environ.Env()\nX = env('X', default='d')\n");
    CHECK(is_string(setting(without, "X"), "d"));
    const auto with = run_in(
        fixture("dotenv"), "import environ\nenviron.Env.read_env()\nenv = environ.Env()\nX = env('X', default='d')\n");
    CHECK_FALSE(setting(with, "X").is_known());
    CHECK(setting(with, "X").unknown_reason.find("read_env") != std::string::npos);
  }

  TEST_CASE("environ.Path arithmetic") {
    const auto model = run_in(fixture("plain"),
                              "import environ\nROOT = environ.Path(__file__) - 2\nSTATIC_ROOT = ROOT('static')\nAPPS = "
                              "str(ROOT.path('apps'))\n",
                              {}, "config/settings.py");
    const std::string project = std::filesystem::weakly_canonical(fixture("plain")).string();
    CHECK(is_string(setting(model, "STATIC_ROOT"), project + "/static"));
    CHECK(is_string(setting(model, "APPS"), project + "/apps"));
  }
}
