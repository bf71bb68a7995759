// gateway/websocket against another implementation: Python's wsproto (Debian's, installed with daphne and
// hypercorn for the test suite) offers permessage-deflate with several windows and context takeover settings, takes
// our negotiation's response, and then its client's frames must read as its messages here, and our server's frames
// (compressed, fragmented) must read as the same messages there.
#include <doctest/doctest.h>

#include "python/py_ref.hpp"  // Python.h first

#include <string>
#include <utility>
#include <vector>

#include "gateway/websocket/deflate_negotiation.hpp"
#include "gateway/websocket/frame_writer.hpp"
#include "gateway/websocket/message_reader.hpp"
#include "python/interpreter.hpp"

using namespace deployctl::gateway::websocket;
using deployctl::python::PyRef;

namespace {

constexpr const char* peer_python = R"PY(
import random
from wsproto.connection import Connection, ConnectionType
from wsproto.extensions import PerMessageDeflate
from wsproto.events import TextMessage, BytesMessage

def messages():
    rng = random.Random(7)
    words = ["alpha ", "beta ", "\u03ba\u1f79\u03c3\u03bc\u03b5 ", "\U0001f600 "]
    out = []
    for i, n in enumerate((0, 1, 5, 0, 300, 3000, 40000, 0, 70000, 12)):
        if i % 2:
            out.append((True, "".join(rng.choice(words) for _ in range(n // 6)).encode()))
        else:
            out.append((False, bytes(rng.choice((0, 1, 2, rng.randrange(256))) for _ in range(n))))
    return out

def offer(client_bits, server_bits, client_reset, server_reset):
    extension = PerMessageDeflate(client_no_context_takeover=client_reset, client_max_window_bits=client_bits,
                                  server_no_context_takeover=server_reset, server_max_window_bits=server_bits)
    return "permessage-deflate; " + extension.offer()

def client(response):
    extension = PerMessageDeflate()
    extension.finalize(response)
    return Connection(ConnectionType.CLIENT, extensions=[extension])

def client_frames(response):
    connection = client(response)
    data = b""
    for is_text, payload in messages():
        data += connection.send(TextMessage(data=payload.decode()) if is_text else BytesMessage(data=payload))
    return data

def read_server_frames(response, data):
    connection = client(response)
    connection.receive_data(data)
    out, parts = [], []
    for event in connection.events():
        parts.append(event.data.encode() if isinstance(event, TextMessage) else bytes(event.data))
        if event.message_finished:
            out.append((isinstance(event, TextMessage), b"".join(parts)))
            parts = []
    return out
)PY";

PyObject* peer(const char* name) {
  REQUIRE(deployctl::python::start_for_serving().has_value());
  static PyObject* globals = [] {
    PyObject* dict = PyDict_New();
    PyDict_SetItemString(dict, "__builtins__", PyEval_GetBuiltins());
    PyRef ran(PyRun_String(peer_python, Py_file_input, dict, dict));
    if (!ran) PyErr_Print();
    REQUIRE(ran);
    return dict;
  }();
  PyObject* function = PyDict_GetItemString(globals, name);
  REQUIRE(function != nullptr);
  return function;
}

std::string bytes_of(PyObject* object) {
  char* data = nullptr;
  Py_ssize_t size = 0;
  REQUIRE(PyBytes_AsStringAndSize(object, &data, &size) == 0);
  return std::string(data, static_cast<std::size_t>(size));
}

using Messages = std::vector<std::pair<bool, std::string>>;  // (text, payload)

Messages messages_of(PyObject* list) {
  REQUIRE(list != nullptr);
  Messages out;
  for (Py_ssize_t i = 0; i < PyList_Size(list); ++i) {
    PyObject* item = PyList_GetItem(list, i);
    out.emplace_back(PyObject_IsTrue(PyTuple_GetItem(item, 0)) == 1, bytes_of(PyTuple_GetItem(item, 1)));
  }
  return out;
}

std::string call_string(PyObject* function, PyObject* args) {
  PyRef result(PyObject_CallObject(function, args));
  if (!result) PyErr_Print();
  REQUIRE(result);
  if (PyUnicode_Check(result.get())) return PyUnicode_AsUTF8(result.get());
  return bytes_of(result.get());
}

}  // namespace

TEST_SUITE("gateway websocket wsproto") {
  TEST_CASE("wsproto's offers, its client's compressed messages and our compressed messages, both ways") {
    PyRef expected_list(PyObject_CallNoArgs(peer("messages")));
    const Messages expected = messages_of(expected_list.get());
    REQUIRE(expected.size() == 10);
    for (const int client_bits : {9, 12, 15}) {
      for (const int server_bits : {9, 10, 15}) {
        for (const int resets : {0, 1, 2, 3}) {
          const bool client_reset = (resets & 1) != 0, server_reset = (resets & 2) != 0;
          CAPTURE(client_bits);
          CAPTURE(server_bits);
          CAPTURE(resets);
          PyRef offer_args(Py_BuildValue("(iiOO)", client_bits, server_bits, client_reset ? Py_True : Py_False,
                                         server_reset ? Py_True : Py_False));
          const std::string offer = call_string(peer("offer"), offer_args.get());
          std::vector<ExtensionOffer> offers;
          REQUIRE(parse_extension_offers(offer, offers));
          const auto agreement = negotiate_deflate(offers, {});
          REQUIRE(agreement.has_value());
          CHECK(agreement->parameters.client_max_window_bits == client_bits);
          CHECK(agreement->parameters.server_max_window_bits == server_bits);

          PyRef response_args(Py_BuildValue("(s)", agreement->response.c_str()));
          std::string client_stream = call_string(peer("client_frames"), response_args.get());
          MessageReader reader({16 * 1024 * 1024, agreement->parameters});
          Messages read;
          char* p = client_stream.data();
          char* const end = p + client_stream.size();
          while (true) {
            const auto step = reader.read(p, end);
            p = step.next;
            if (step.event == MessageReader::Event::need_more) break;
            REQUIRE(step.event != MessageReader::Event::failed);
            read.emplace_back(step.event == MessageReader::Event::text, std::string(reader.payload()));
          }
          CHECK(read == expected);

          Deflater deflater(agreement->parameters.server_max_window_bits,
                            agreement->parameters.server_no_context_takeover);
          std::string server_stream;
          for (const auto& [is_text, payload] : expected)
            append_message(server_stream, is_text ? Opcode::text : Opcode::binary, payload, 1000, &deflater);
          PyRef read_args(Py_BuildValue("(sy#)", agreement->response.c_str(), server_stream.data(),
                                        static_cast<Py_ssize_t>(server_stream.size())));
          PyRef decoded(PyObject_CallObject(peer("read_server_frames"), read_args.get()));
          if (!decoded) PyErr_Print();
          REQUIRE(decoded);
          CHECK(messages_of(decoded.get()) == expected);
        }
      }
    }
  }
}
