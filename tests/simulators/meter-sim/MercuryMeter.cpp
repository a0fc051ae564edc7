// Placeholder until the Mercury simulator lands.
#include "Simulator.h"
namespace kabinet::sim {
std::unique_ptr<ProtocolHandler> makeMercuryHandler() { throw std::invalid_argument("protocol not implemented yet"); }
}
