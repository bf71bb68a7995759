// Interface detection at load (gateway/loading/interface): which callables are ASGI 3, ASGI 2 or WSGI, as
// inspect.iscoroutinefunction sees them, Django's own handlers included; and what a forced --interface that does
// not fit says.
#include "python/py_ref.hpp"  // Python.h first

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "gateway/loading/app_import.hpp"
#include "gateway/loading/interface.hpp"
#include "python/interpreter.hpp"
#include "temp_dir.hpp"

namespace loading = deployctl::gateway::loading;
namespace python = deployctl::python;

namespace {

constexpr const char* callables = R"(
import functools

def plain(environ, start_response):
    return []

async def coroutine_function(scope, receive, send):
    pass

class AsyncCall:
    async def __call__(self, scope, receive, send):
        pass

async_instance = AsyncCall()

class Asgi2:
    def __init__(self, scope):
        self.scope = scope
    async def __call__(self, receive, send):
        pass

class SyncCall:
    def __call__(self, environ, start_response):
        return []

sync_instance = SyncCall()
partial_coroutine = functools.partial(coroutine_function)
partial_of_partial = functools.partial(functools.partial(async_instance))
partial_plain = functools.partial(plain)

from django.conf import settings
settings.configure(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"])
urlpatterns = []
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
django_asgi = ASGIHandler()
django_wsgi = WSGIHandler()
)";

loading::Interface detect(const std::string& name) {
  REQUIRE(python::start_for_serving().has_value());
  static const deployctl::testing::TempDir dir;
  static std::atomic<int> written{0};
  static const std::string module = "interface_test_" + std::to_string(::getpid());
  if (written.exchange(1) == 0) dir.write(module + ".py", callables);
  auto app = loading::import_app({module, name}, {dir.root(), {}, {}, true, false});
  REQUIRE_MESSAGE(app.has_value(), (app ? "" : app.error().message));
  auto found = loading::detect_interface(*app);
  REQUIRE_MESSAGE(found.has_value(), (found ? "" : found.error().message));
  return *found;
}

}  // namespace

TEST_SUITE("gateway_asgi interface") {
  TEST_CASE("a plain function is WSGI, an async one ASGI 3") {
    CHECK(detect("plain") == loading::Interface::wsgi);
    CHECK(detect("coroutine_function") == loading::Interface::asgi3);
  }

  TEST_CASE("an object whose __call__ is a coroutine function is ASGI 3, a sync one WSGI") {
    CHECK(detect("async_instance") == loading::Interface::asgi3);
    CHECK(detect("sync_instance") == loading::Interface::wsgi);
  }

  TEST_CASE("a class whose instances' __call__ is a coroutine function is ASGI 2, a class with none WSGI") {
    CHECK(detect("Asgi2") == loading::Interface::asgi2);
    CHECK(detect("SyncCall") == loading::Interface::wsgi);
  }

  TEST_CASE("functools.partial is seen through") {
    CHECK(detect("partial_coroutine") == loading::Interface::asgi3);
    CHECK(detect("partial_of_partial") == loading::Interface::asgi3);
    CHECK(detect("partial_plain") == loading::Interface::wsgi);
  }

  TEST_CASE("Django's ASGIHandler is ASGI 3, its WSGIHandler WSGI") {
    CHECK(detect("django_asgi") == loading::Interface::asgi3);
    CHECK(detect("django_wsgi") == loading::Interface::wsgi);
  }

  TEST_CASE("a forced interface that does not fit says what was found and what to pass") {
    CHECK(loading::choose_interface(loading::Interface::asgi3, loading::InterfaceChoice::automatic, "m:a") ==
          loading::Interface::asgi3);
    CHECK(loading::choose_interface(loading::Interface::asgi2, loading::InterfaceChoice::asgi2, "m:a") ==
          loading::Interface::asgi2);
    auto wrong = loading::choose_interface(loading::Interface::wsgi, loading::InterfaceChoice::asgi3, "m:a");
    REQUIRE_FALSE(wrong.has_value());
    CHECK(wrong.error().message.find("it is a WSGI app") != std::string::npos);
    CHECK(wrong.error().message.find("Pass --interface wsgi") != std::string::npos);
    CHECK(loading::parse_interface_choice("asgi") == loading::InterfaceChoice::asgi3);
    CHECK_FALSE(loading::parse_interface_choice("http").has_value());
  }
}
