#pragma once
/// The driver's instance configuration and the per-meter settings (JSON, as the manifest's
/// config_schema and meter_schema describe). Throws ConfigError naming the key.
#include "AxdrCodec.h"
#include "Link.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace kabinet::dlms {

struct DriverConfig {
    LinkConfig link;              ///< timeout_ms, frame_retries, max_info
    std::uint16_t maxPdu = 1024;  ///< max_pdu: the APDU size the client can receive
};

struct MeterSettings {
    unsigned serverLogical = 1;   ///< logical device (HDLC upper address, wrapper destination wPort)
    unsigned serverPhysical = 0;  ///< HDLC lower address (the meter's bus address)
    unsigned addressSize = 4;     ///< HDLC server address bytes: 1 (logical only), 2 (7+7 bits), 4 (14+14 bits)
    unsigned client = 32;         ///< client SAP: 16 public (no password), 32 reader (LLS password)
    std::string password;         ///< LLS password (client 32)
    bool wrapper = false;         ///< framing: IEC 62056-47 wrapper instead of HDLC
    int utcOffsetMin = 180;       ///< the meter's local time zone
    DeviationMode deviation = DeviationMode::Standard;
    bool profileStampIsEnd = true; ///< profile rows carry the END of their interval (else the start)
};

DriverConfig parseDriverConfig(std::string_view json);
MeterSettings parseMeterSettings(std::string_view json);

} // namespace kabinet::dlms
