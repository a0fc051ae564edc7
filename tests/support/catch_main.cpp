// The Catch2 main shared by every test executable.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "util/Log.h"

#include <csignal>

int main(int argc, char* argv[]) {
    // Tests write to sockets a server may close early; that must be an error, not a signal.
    std::signal(SIGPIPE, SIG_IGN);
    kabinet::log::setLevel("warn"); // in-process components log only what matters
    return Catch::Session().run(argc, argv);
}
