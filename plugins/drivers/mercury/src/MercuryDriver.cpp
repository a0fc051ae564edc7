//
// MercuryDriver.cpp
//


#include "MercuryDriver.h"

#include "MercurySession.h"


namespace kabinet::mercury {


MercuryDriver::MercuryDriver(std::string_view configJson):
	_config(parseDriverConfig(configJson))
{
}


std::unique_ptr<sdk::Session> MercuryDriver::open(std::string_view meterJson, sdk::Transport transport)
{
	return std::make_unique<MercurySession>(_config, parseMeterSettings(meterJson), transport);
}


} // namespace kabinet::mercury
