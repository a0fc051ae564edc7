#include "connectors/SyncWorker.h"

#include "connectors/ConnectorHub.h"

namespace kabinet {

SyncWorker::SyncWorker(ConnectorHub& hub, unsigned sessions, std::chrono::milliseconds tick) : hub_(hub), tick_(tick) {
    for (unsigned i = 0; i < sessions; ++i) {
        auto slot = std::make_unique<Worker*>(nullptr);
        Worker** self = slot.get();
        workers_.push_back(std::make_unique<Worker>("connectors-" + std::to_string(i + 1), [this, self]() -> Worker::Delay {
            const long long now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
            Worker* w = *self;
            const bool ran = hub_.runDue(now, [w] { return w && w->stopping(); });
            return ran ? Worker::Delay(0) : tick_;
        }));
        *self = workers_.back().get();
        selves_.push_back(std::move(slot));
    }
    hub_.onDue([this] { wake(); });
}

SyncWorker::~SyncWorker() {
    hub_.onDue({});
    stop();
}

void SyncWorker::start() {
    for (auto& w : workers_) w->start();
}

void SyncWorker::stop() {
    for (auto& w : workers_) w->stop();
}

void SyncWorker::wake() {
    for (auto& w : workers_) w->wake();
}

} // namespace kabinet
