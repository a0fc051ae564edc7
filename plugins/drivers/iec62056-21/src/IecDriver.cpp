//
// IecDriver.cpp
//


#include "IecDriver.h"

#include "IecSession.h"


namespace kabinet::iec {


IecDriver::IecDriver(std::string_view configJson): _config(DriverConfig::parse(configJson))
{
}


std::unique_ptr<sdk::Session> IecDriver::open(std::string_view meterJson, sdk::Transport transport)
{
	MeterSettings meter = MeterSettings::parse(meterJson, _config);
	return std::make_unique<IecSession>(_config, std::move(meter), transport);
}


} // namespace kabinet::iec
