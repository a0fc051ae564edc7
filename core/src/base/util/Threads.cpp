#include "util/Threads.h"

#include <csignal>
#include <initializer_list>
#include <pthread.h>

namespace kabinet {

void blockTerminationSignals() {
    sigset_t blocked;
    sigemptyset(&blocked);
    for (int sig : {SIGTERM, SIGINT, SIGQUIT, SIGPIPE}) sigaddset(&blocked, sig);
    pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
}

} // namespace kabinet
