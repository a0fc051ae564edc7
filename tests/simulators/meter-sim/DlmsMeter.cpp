// Placeholder until the Dlms simulator lands.
#include "Simulator.h"
namespace kabinet::sim {
std::unique_ptr<ProtocolHandler> makeDlmsHandler(bool) { throw std::invalid_argument("protocol not implemented yet"); }
}
