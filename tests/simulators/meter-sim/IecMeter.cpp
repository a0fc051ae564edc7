// Placeholder until the Iec simulator lands.
#include "Simulator.h"
namespace kabinet::sim {
std::unique_ptr<ProtocolHandler> makeIecHandler() { throw std::invalid_argument("protocol not implemented yet"); }
}
