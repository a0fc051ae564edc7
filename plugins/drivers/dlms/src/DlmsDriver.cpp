#include "DlmsDriver.h"

#include "DlmsSession.h"

namespace kabinet::dlms {

DlmsDriver::DlmsDriver(std::string_view configJson) : config_(parseDriverConfig(configJson)) {}

std::unique_ptr<sdk::Session> DlmsDriver::open(std::string_view meterJson, sdk::Transport transport)
{
    MeterSettings settings = parseMeterSettings(meterJson);
    return std::make_unique<DlmsSession>(std::move(settings), config_, transport);
}

} // namespace kabinet::dlms
