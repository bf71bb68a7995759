// Interface detection with inspect's own rules, so an app is classified as the ASGI servers it was written for
// (uvicorn, daphne) classify it.
#include "python/py_ref.hpp"  // Python.h first

#include "gateway/loading/interface.hpp"

#include "python/errors.hpp"

namespace deployctl::gateway::loading {

using python::PyRef;

namespace {

// inspect.iscoroutinefunction(object): 1, 0, or -1 with a Python error set.
int is_coroutine_function(PyObject* inspect, PyObject* object) {
  PyRef answer(PyObject_CallMethod(inspect, "iscoroutinefunction", "O", object));
  return answer ? PyObject_IsTrue(answer.get()) : -1;
}

std::string_view description(Interface interface) {
  switch (interface) {
    case Interface::asgi3: return "an ASGI 3 app (a coroutine function, or an object whose __call__ is one)";
    case Interface::asgi2: return "an ASGI 2 app (a class whose instances' __call__ is a coroutine function)";
    case Interface::wsgi: break;
  }
  return "a WSGI app (a plain callable)";
}

}  // namespace

Result<InterfaceChoice> parse_interface_choice(std::string_view text) {
  if (text == "auto") return InterfaceChoice::automatic;
  if (text == "asgi" || text == "asgi3") return InterfaceChoice::asgi3;
  if (text == "asgi2") return InterfaceChoice::asgi2;
  if (text == "wsgi") return InterfaceChoice::wsgi;
  return fail("unknown interface '" + std::string(text) + "', expected auto, asgi, asgi2 or wsgi");
}

std::string_view interface_flag_value(Interface interface) {
  switch (interface) {
    case Interface::asgi3: return "asgi";
    case Interface::asgi2: return "asgi2";
    case Interface::wsgi: break;
  }
  return "wsgi";
}

Result<Interface> detect_interface(const PyRef& app) {
  const auto python_failure = [] { return fail("cannot inspect the app: " + python::take_error()); };
  PyRef inspect(PyImport_ImportModule("inspect"));
  PyRef functools(inspect ? PyImport_ImportModule("functools") : nullptr);
  PyRef partial(functools ? PyObject_GetAttrString(functools.get(), "partial") : nullptr);
  if (!partial) return python_failure();
  PyRef object = app;
  for (;;) {
    const int is_partial = PyObject_IsInstance(object.get(), partial.get());
    if (is_partial < 0) return python_failure();
    if (is_partial == 0) break;
    PyRef inner(PyObject_GetAttrString(object.get(), "func"));
    if (!inner) return python_failure();
    object = std::move(inner);
  }
  const int coroutine = is_coroutine_function(inspect.get(), object.get());
  if (coroutine < 0) return python_failure();
  if (coroutine == 1) return Interface::asgi3;
  // A class's __call__ attribute is its instances' (a class that defines none shows type.__call__, never a
  // coroutine function); an instance's is its bound method.
  PyRef call(PyObject_GetAttrString(object.get(), "__call__"));  // the app is callable: it has one
  if (!call) return python_failure();
  const int async_call = is_coroutine_function(inspect.get(), call.get());
  if (async_call < 0) return python_failure();
  if (async_call == 0) return Interface::wsgi;
  return PyType_Check(object.get()) ? Interface::asgi2 : Interface::asgi3;
}

Result<Interface> choose_interface(Interface found, InterfaceChoice forced, std::string_view app_text) {
  if (forced == InterfaceChoice::automatic) return found;
  const Interface wanted = forced == InterfaceChoice::wsgi    ? Interface::wsgi
                           : forced == InterfaceChoice::asgi2 ? Interface::asgi2
                                                              : Interface::asgi3;
  if (wanted == found) return found;
  return fail("--interface " + std::string(interface_flag_value(wanted)) + " does not fit '" + std::string(app_text) +
              "': it is " + std::string(description(found)) + ". Pass --interface " +
              std::string(interface_flag_value(found)) + " (or auto), or name the " +
              std::string(wanted == Interface::wsgi ? "WSGI" : "ASGI") + " callable, e.g. mysite." +
              (wanted == Interface::wsgi ? "wsgi" : "asgi") + ":application");
}

}  // namespace deployctl::gateway::loading
