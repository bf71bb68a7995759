// Which protocol the app speaks, found from the callable at load time (before binding), and what --interface may
// force: ASGI 3, ASGI 2 or WSGI, named as uvicorn and Granian name them. Python.h stays out of this header.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace deployctl::python {
class PyRef;
}  // namespace deployctl::python

namespace deployctl::gateway::loading {

enum class Interface { wsgi, asgi3, asgi2 };
enum class InterfaceChoice { automatic, wsgi, asgi3, asgi2 };

// "auto", "asgi" (ASGI 3), "asgi2", "wsgi": the values of --interface.
Result<InterfaceChoice> parse_interface_choice(std::string_view text);
std::string_view interface_flag_value(Interface interface);  // what --interface takes to force it

// ASGI 3: a coroutine function, or an object whose __call__ is one (through functools.partial, as
// inspect.iscoroutinefunction sees them). ASGI 2: a class whose instances' __call__ is a coroutine function (called
// with the scope, it returns the instance that is awaited). Anything else is WSGI. Needs the GIL; an error only
// when inspect itself fails.
Result<Interface> detect_interface(const python::PyRef& app);

// The interface to serve `app_text` with: the one found, or the forced one when they agree; else an error saying
// what was found and what to pass.
Result<Interface> choose_interface(Interface found, InterfaceChoice forced, std::string_view app_text);

}  // namespace deployctl::gateway::loading
