#pragma once
/// The data link under the COSEM application layer: HDLC (SNRM/UA, numbered I-frames with segmentation
/// and RR, frame-level retry, DISC) or the IEC 62056-47 wrapper over TCP. Both carry one APDU out and one
/// APDU back per request, over the host's Transport, bounded by the configured timeout and retries.
#include "Bytes.h"
#include "HdlcCodec.h"

#include "kabinet/driver.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace kabinet::dlms {

struct LinkConfig {
    std::uint32_t timeoutMs = 1500; ///< wait for one answer frame
    unsigned retries = 2;           ///< further attempts of one frame exchange after the first
    std::uint32_t maxInfo = 128;    ///< HDLC: the information field length the client proposes (both ways)
};

/// The meter answered DM (disconnected mode): its HDLC session is gone (e.g. its inactivity timer
/// expired). The session may re-establish the link once.
class SessionLost : public sdk::ProtocolError {
public:
    using sdk::ProtocolError::ProtocolError;
};

class Link {
public:
    virtual ~Link() = default;
    /// Opens the link (HDLC: SNRM/UA and the negotiated information field lengths; wrapper: nothing).
    virtual void connect() = 0;
    /// Sends one APDU and returns the APDU of the answer (reassembled from segments).
    /// Throws TimeoutError / ProtocolError / SessionLost / TransportError.
    virtual Bytes request(std::span<const std::uint8_t> apdu) = 0;
    /// Closes the link (HDLC: DISC, one attempt). Never throws.
    virtual void disconnect() noexcept = 0;
    /// Limits further exchanges to one attempt each (used while closing).
    virtual void setRetries(unsigned retries) noexcept = 0;
};

std::unique_ptr<Link> makeHdlcLink(sdk::Transport transport, hdlc::Address server, hdlc::Address client, LinkConfig config);
std::unique_ptr<Link> makeWrapperLink(sdk::Transport transport, std::uint16_t clientWPort, std::uint16_t serverWPort,
                                      LinkConfig config);

} // namespace kabinet::dlms
