#include "plugins/Transport.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

namespace kabinet {

namespace {

Poco::Timespan ms(std::uint32_t v) { return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(v) * 1000); }

kb_status abiWrite(void* ctx, const std::uint8_t* data, std::size_t length, std::uint32_t timeoutMs) {
    try {
        static_cast<ByteTransport*>(ctx)->write(data, length, timeoutMs);
        return KB_OK;
    } catch (const TransportTimeout&) {
        return KB_ERR_TIMEOUT;
    } catch (...) {
        return KB_ERR_TRANSPORT;
    }
}

kb_status abiRead(void* ctx, std::uint8_t* data, std::size_t capacity, std::size_t* received, std::uint32_t timeoutMs) {
    if (received) *received = 0;
    try {
        const std::size_t n = static_cast<ByteTransport*>(ctx)->read(data, capacity, timeoutMs);
        if (received) *received = n;
        return KB_OK;
    } catch (const TransportTimeout&) {
        return KB_ERR_TIMEOUT;
    } catch (...) {
        return KB_ERR_TRANSPORT;
    }
}

void abiDiscard(void* ctx) {
    try {
        static_cast<ByteTransport*>(ctx)->discardInput();
    } catch (...) {
    }
}

} // namespace

const kb_transport* ByteTransport::abi() {
    abi_.struct_size = sizeof(kb_transport);
    abi_.ctx = this;
    abi_.write = &abiWrite;
    abi_.read = &abiRead;
    abi_.discard_input = &abiDiscard;
    abi_.description = description().c_str();
    return &abi_;
}

struct TcpTransport::Impl {
    Poco::Net::StreamSocket socket;
};

TcpTransport::TcpTransport(const std::string& host, unsigned port, std::uint32_t connectTimeoutMs)
    : impl_(std::make_unique<Impl>()), description_("tcp " + host + ":" + std::to_string(port)) {
    try {
        impl_->socket.connect(Poco::Net::SocketAddress(host, static_cast<Poco::UInt16>(port)), ms(connectTimeoutMs));
        impl_->socket.setNoDelay(true);
    } catch (const Poco::TimeoutException&) {
        throw TransportTimeout("no connection to " + description_ + " within " + std::to_string(connectTimeoutMs) + " ms");
    } catch (const Poco::Exception& e) {
        throw TransportFailure("cannot connect to " + description_ + ": " + e.displayText());
    }
}

TcpTransport::~TcpTransport() {
    try {
        impl_->socket.close();
    } catch (...) {
    }
}

void TcpTransport::write(const std::uint8_t* data, std::size_t length, std::uint32_t timeoutMs) {
    std::size_t off = 0;
    while (off < length) {
        try {
            if (!impl_->socket.poll(ms(timeoutMs), Poco::Net::Socket::SELECT_WRITE))
                throw TransportTimeout("write to " + description_ + " timed out");
            const int n = impl_->socket.sendBytes(data + off, static_cast<int>(length - off));
            if (n <= 0) throw TransportFailure("connection to " + description_ + " closed");
            off += static_cast<std::size_t>(n);
        } catch (const Poco::Exception& e) {
            throw TransportFailure("write to " + description_ + " failed: " + e.displayText());
        }
    }
}

std::size_t TcpTransport::read(std::uint8_t* data, std::size_t capacity, std::uint32_t timeoutMs) {
    try {
        if (!impl_->socket.poll(ms(timeoutMs), Poco::Net::Socket::SELECT_READ))
            throw TransportTimeout("no answer from " + description_ + " within " + std::to_string(timeoutMs) + " ms");
        const int n = impl_->socket.receiveBytes(data, static_cast<int>(capacity));
        if (n <= 0) throw TransportFailure("connection to " + description_ + " closed by the peer");
        return static_cast<std::size_t>(n);
    } catch (const Poco::Exception& e) {
        throw TransportFailure("read from " + description_ + " failed: " + e.displayText());
    }
}

void TcpTransport::discardInput() {
    std::uint8_t buf[512];
    try {
        while (impl_->socket.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ)) {
            const int n = impl_->socket.receiveBytes(buf, sizeof buf);
            if (n <= 0) return;
        }
    } catch (...) {
    }
}

} // namespace kabinet
