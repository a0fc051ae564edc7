// kabinet-meter-sim — simulated meters behind TCP gateways, for the run command, tests and benchmarks.
//
//   kabinet-meter-sim --protocol mercury|iec|dlms|dlms-wrapper [--gateways N] [--meters M] [--port P]
//                     [--first-address A] [--serial-base S] [--seed K] [--installed-days D | --installed-at T]
//                     [--base-kw W] [--utc-offset-min O] [--firmware a.b.c] [--profile-min T]
//
// Gateway g listens on 127.0.0.1:P+g (P = 0: ephemeral ports) with meters at addresses A..A+M-1 (DLMS:
// physical addresses), serials S+g*M+i; --firmware sets the meters' firmware (Mercury: below 7.1.0 the older
// generation), --profile-min the DLMS load profile period (minutes). Prints one JSON line with the ports and
// meters, then reads commands from standard input, one per line:
//   fault <port|*> <address|*> <bad-crc|truncated|silence|garbage|wrong-password|session-timeout|malformed|none>
//         [after N] [count N] [object XX-XX…]   (object: the request malformed answers are for, e.g. 04-00)
//   freeze <unix-time> | unfreeze | stats | quit
// Without standard input (EOF) it runs until SIGTERM / SIGINT.
#include "Simulator.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <csignal>
#include <iostream>
#include <sstream>
#include <unistd.h>

using namespace kabinet::sim;

namespace {
volatile std::sig_atomic_t stopSignal = 0;
void onSignal(int) { stopSignal = 1; }

[[noreturn]] void usage(const std::string& why) {
    std::cerr << "kabinet-meter-sim: " << why << "\n"
              << "usage: kabinet-meter-sim --protocol mercury|iec|dlms|dlms-wrapper [--gateways N] [--meters M] "
                 "[--port P] [--first-address A] [--serial-base S] [--seed K] [--installed-days D] [--base-kw W] "
                 "[--utc-offset-min O] [--firmware a.b.c] [--profile-min T]\n";
    std::exit(2);
}
} // namespace

int main(int argc, char** argv) {
    std::string protocol;
    unsigned gateways = 1, meters = 1, port = 0, firstAddress = 1, seed = 1, installedDays = 120, profileMin = 30;
    std::string firmware;
    unsigned long long serialBase = 0;
    double baseKw = 1.5;
    int utcOffset = 180;
    long long installedAt = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) usage("option " + a + " needs a value");
            return argv[++i];
        };
        try {
            if (a == "--protocol") protocol = next();
            else if (a == "--gateways") gateways = std::stoul(next());
            else if (a == "--meters") meters = std::stoul(next());
            else if (a == "--port") port = std::stoul(next());
            else if (a == "--first-address") firstAddress = std::stoul(next());
            else if (a == "--serial-base") serialBase = std::stoull(next());
            else if (a == "--seed") seed = std::stoul(next());
            else if (a == "--installed-days") installedDays = std::stoul(next());
            else if (a == "--installed-at") installedAt = std::stoll(next());
            else if (a == "--base-kw") baseKw = std::stod(next());
            else if (a == "--utc-offset-min") utcOffset = std::stoi(next());
            else if (a == "--firmware") firmware = next();
            else if (a == "--profile-min") profileMin = std::stoul(next());
            else usage("unknown option " + a);
        } catch (const std::logic_error&) {
            usage("bad value for " + a);
        }
    }
    if (protocol.empty()) usage("--protocol is required");
    if (gateways == 0 || meters == 0) usage("--gateways and --meters must be at least 1");
    if (profileMin == 0 || profileMin > 1440) usage("--profile-min must be 1 to 1440");
    if (serialBase == 0) serialBase = protocol == "mercury" ? 41000000ULL : protocol == "iec" ? 9000000000ULL : 2300000000ULL;
    const long long now = simNow();
    if (installedAt == 0) installedAt = now - static_cast<long long>(installedDays) * 86400;

    std::vector<std::unique_ptr<Gateway>> gws;
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    try {
        for (unsigned g = 0; g < gateways; ++g) {
            std::vector<MeterConfig> configs;
            Poco::JSON::Array::Ptr ms = new Poco::JSON::Array;
            for (unsigned m = 0; m < meters; ++m) {
                MeterConfig c;
                c.address = firstAddress + m;
                c.serial = std::to_string(serialBase + g * meters + m);
                c.seed = seed * 7919 + g * meters + m;
                c.installedAt = installedAt;
                c.basePowerKw = baseKw;
                c.utcOffsetMin = utcOffset;
                c.firmware = firmware;
                c.profileMin = profileMin;
                Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
                o->set("address", c.address);
                o->set("serial", c.serial);
                o->set("seed", c.seed);
                ms->add(o);
                configs.push_back(std::move(c));
            }
            gws.push_back(std::make_unique<Gateway>(protocol, std::move(configs), port == 0 ? 0 : port + g));
            Poco::JSON::Object::Ptr go = new Poco::JSON::Object;
            go->set("port", gws.back()->port());
            go->set("meters", ms);
            list->add(go);
        }
    } catch (const std::exception& e) {
        std::cerr << "kabinet-meter-sim: " << e.what() << "\n";
        return 1;
    }
    Poco::JSON::Object out;
    out.set("protocol", protocol);
    out.set("installed_at", installedAt);
    out.set("gateways", list);
    out.stringify(std::cout);
    std::cout << std::endl;

    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    std::string line;
    while (!stopSignal && std::getline(std::cin, line)) {
        std::istringstream in(line);
        std::string cmd;
        in >> cmd;
        try {
            if (cmd == "quit") break;
            if (cmd == "freeze") { long long t; in >> t; freezeTime(t); }
            else if (cmd == "unfreeze") unfreezeTime();
            else if (cmd == "stats") {
                Poco::JSON::Array st;
                for (auto& g : gws) {
                    Poco::JSON::Object o;
                    o.set("port", g->port());
                    o.set("connections", g->connections());
                    o.set("max_concurrent", g->maxConcurrent());
                    st.add(o);
                }
                st.stringify(std::cout);
                std::cout << std::endl;
                continue;
            } else if (cmd == "fault") {
                std::string portText, addrText, kind, word;
                in >> portText >> addrText >> kind;
                FaultPlan plan;
                plan.kind = faultFromName(kind);
                while (in >> word) {
                    std::string value;
                    if (!(in >> value)) throw std::invalid_argument(word + " needs a value");
                    if (word == "after") plan.afterReplies = static_cast<unsigned>(std::stoul(value));
                    else if (word == "count") plan.count = static_cast<unsigned>(std::stoul(value));
                    else if (word == "object") {
                        for (char& c : value)
                            if (c == '-') c = ' ';
                        plan.object = value;
                    } else throw std::invalid_argument("unknown word " + word);
                }
                for (auto& g : gws) {
                    if (portText != "*" && std::to_string(g->port()) != portText) continue;
                    for (auto& m : g->bus().meters)
                        if (addrText == "*" || std::to_string(m->model.config().address) == addrText) m->setFault(plan);
                }
            } else if (!cmd.empty()) {
                throw std::invalid_argument("unknown command " + cmd);
            }
            std::cout << "ok" << std::endl;
        } catch (const std::exception& e) {
            std::cout << "error: " << e.what() << std::endl;
        }
    }
    while (!stopSignal && std::cin.eof() && line != "quit") pause();
    for (auto& g : gws) g->stop();
    return 0;
}
