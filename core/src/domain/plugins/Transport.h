#pragma once
/// Byte transports the core opens for drivers: the link to a meter or to a gateway's bus. TCP now (a
/// transparent RS-485/TCP converter, a GSM/Ethernet modem, a meter's own port); the interface lets a
/// serial port follow. Each call is bounded by its timeout; the two failure kinds stay distinct.
#include <kabinet/plugin.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace kabinet {

/// A failure of the link itself (refused, reset, closed): retryable.
struct TransportFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The peer did not answer in time: retryable.
struct TransportTimeout : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class ByteTransport {
public:
    virtual ~ByteTransport() = default;
    /// Writes all bytes or throws TransportFailure / TransportTimeout.
    virtual void write(const std::uint8_t* data, std::size_t length, std::uint32_t timeoutMs) = 0;
    /// Waits up to timeoutMs and reads 1..capacity bytes; throws TransportTimeout when nothing came,
    /// TransportFailure when the connection is gone.
    virtual std::size_t read(std::uint8_t* data, std::size_t capacity, std::uint32_t timeoutMs) = 0;
    /// Drops pending input.
    virtual void discardInput() = 0;
    /// "tcp host:port".
    virtual const std::string& description() const = 0;

    /// The C view handed to driver plugins; valid while this object lives.
    const kb_transport* abi();

private:
    kb_transport abi_{};
};

/// A TCP connection (POCO StreamSocket) with connect timeout and TCP_NODELAY.
class TcpTransport : public ByteTransport {
public:
    /// Connects; throws TransportFailure / TransportTimeout.
    TcpTransport(const std::string& host, unsigned port, std::uint32_t connectTimeoutMs);
    ~TcpTransport() override;
    void write(const std::uint8_t* data, std::size_t length, std::uint32_t timeoutMs) override;
    std::size_t read(std::uint8_t* data, std::size_t capacity, std::uint32_t timeoutMs) override;
    void discardInput() override;
    const std::string& description() const override { return description_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string description_;
};

} // namespace kabinet
