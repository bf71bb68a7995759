// deployctl's entry point: everything happens in the library, so the tests can drive it in-process.
#include "cli/run.hpp"

int main(int argc, char** argv) { return deployctl::run(argc, argv); }
