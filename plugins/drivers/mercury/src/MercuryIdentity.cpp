//
// MercuryIdentity.cpp
//
// The meter's identity and clock, and what the session reads once about the meter (variant,
// firmware version).
//


#include "MercuryAsk.h"


namespace kabinet::mercury {


LocalTime MercurySession::meterClock()
{
	return ask(clockRequest(_settings.address), 8, 8, "04 00", decodeClock);
}


const Variant& MercurySession::variant()
{
	if (!_variant) _variant = ask(paramRequest(_settings.address, 0x12), 3, 12, "08 12", decodeVariant);
	return *_variant;
}


std::optional<FirmwareVersion> MercurySession::firmware()
{
	if (!_firmware)
	{
		try
		{
			_firmware = parseFirmware(ask(paramRequest(_settings.address, 0x03), 3, 3, "08 03", decodeFirmware));
		}
		catch (const Unavailable&)
		{
			_firmware = std::optional<FirmwareVersion>{};
		}
	}
	return *_firmware;
}


void MercurySession::readIdentity(sdk::ReadingSink& sink)
{
	sdk::Identity id;
	id.model = "Mercury 230/234";
	try
	{
		const SerialInfo info = ask(paramRequest(_settings.address, 0x00), 7, 7, "08 00", decodeSerial);
		id.serial = info.serial;
		id.manufacturedOn = info.manufacturedOn;
	}
	catch (const Unavailable& u)
	{
		sink.unavailable(KB_READ_IDENTITY, "08 00", u.what());
		return;
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_IDENTITY, m.object(), m.reason());
		return;
	}
	try
	{
		id.firmware = ask(paramRequest(_settings.address, 0x03), 3, 3, "08 03", decodeFirmware);
		_firmware = parseFirmware(id.firmware);
	}
	catch (const Unavailable& u)
	{
		sink.unavailable(KB_READ_IDENTITY, "08 03", u.what());
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_IDENTITY, m.object(), m.reason());
	}
	sink.identity(id);
}


void MercurySession::readClock(sdk::ReadingSink& sink)
{
	try
	{
		const LocalTime t = meterClock();
		sink.clock(toUtc(t, _settings.utcOffsetMin), sdk::nowUnix());
	}
	catch (const Unavailable& u)
	{
		sink.unavailable(KB_READ_CLOCK, "04 00", u.what());
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_CLOCK, m.object(), m.reason());
	}
}


} // namespace kabinet::mercury
