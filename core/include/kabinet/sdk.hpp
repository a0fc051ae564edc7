//
// sdk.hpp
//
// Kabinet plugin SDK: a thin, header-only C++20 layer over the C ABI in plugin.h.
//
// What it gives a plugin author:
//  - KABINET_CHANNEL_PLUGIN(...) defines the one exported entry (kabinet_plugin_entry), checks the
//    host's ABI version and refuses (NULL + a log line) when the major differs or the host's minor is
//    older than the one the plugin was built against;
//  - Error and its subclasses: throw them inside the plugin; guard() maps them, once, to kb_status +
//    kb_error_buf text at the boundary. Nothing ever throws across the boundary;
//  - copyString(): bounded, always NUL-terminated copies into fixed C buffers (UTF-8 aware);
//  - Channel: the base class of a channel plugin. The kb_channel_vtable glue exists once, here.
//
// Minimal channel plugin:
//
//     class MyChannel: public kabinet::sdk::Channel
//     {
//     public:
//         explicit MyChannel(std::string_view configJson);   // throws ConfigError on bad config
//         kb_status send(const kabinet::sdk::Message& message, kabinet::sdk::SendResult& result) override;
//     };
//     KABINET_CHANNEL_PLUGIN(MyChannel, "my-channel", "1.0.0", kMyConfigSchemaJson);
//
// Inside send() and the constructor, report failures by throwing (ConfigError, TransportError, ...);
// log through kabinet::sdk::log(). Never put personal data or secrets into texts or log lines.
//
// The library must be built with hidden default visibility (kabinet_add_plugin does this), so that
// the SDK's per-library state (the host pointer) stays private to each plugin.
//


#ifndef KABINET_SDK_HPP
#define KABINET_SDK_HPP


#include "kabinet/plugin.h"

#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>


#if defined(__GNUC__)
#define KABINET_SDK_LOCAL __attribute__((visibility("hidden")))
#else
#define KABINET_SDK_LOCAL
#endif


namespace kabinet::sdk {


//
// Errors
//


class Error: public std::runtime_error
	/// An error raised inside a plugin, carrying the kb_status it maps to at the boundary.
	/// The message must never contain personal data (phone numbers, message text) or secrets.
{
public:
	Error(kb_status status, const std::string& message):
		std::runtime_error(message),
		_status(status)
	{
	}
		/// Creates an error with the given status and text.

	kb_status status() const noexcept
	{
		return _status;
	}
		/// Returns the status this error maps to.

private:
	kb_status _status;
};


class ConfigError: public Error
	/// The configuration was rejected (KB_ERR_CONFIG). The text should name the key.
{
public:
	explicit ConfigError(const std::string& message): Error(KB_ERR_CONFIG, message) {}
		/// Creates a configuration error.
};


class TransportError: public Error
	/// A network or connection failure (KB_ERR_TRANSPORT, retryable by the host).
{
public:
	explicit TransportError(const std::string& message): Error(KB_ERR_TRANSPORT, message) {}
		/// Creates a transport error.
};


class TimeoutError: public Error
	/// The peer did not answer in time (KB_ERR_TIMEOUT, retryable by the host).
{
public:
	explicit TimeoutError(const std::string& message): Error(KB_ERR_TIMEOUT, message) {}
		/// Creates a timeout error.
};


class RejectedError: public Error
	/// The request was refused and must not be retried as is (KB_ERR_REJECTED).
{
public:
	explicit RejectedError(const std::string& message): Error(KB_ERR_REJECTED, message) {}
		/// Creates a rejection error.
};


class InternalError: public Error
	/// A bug or an unexpected state inside the plugin (KB_ERR_INTERNAL).
{
public:
	explicit InternalError(const std::string& message): Error(KB_ERR_INTERNAL, message) {}
		/// Creates an internal error.
};


class ProtocolError: public Error
	/// The peer's bytes were corrupt or made no sense (KB_ERR_PROTOCOL, retryable): a bad checksum, a
	/// truncated or garbled frame, an answer that does not fit the question.
{
public:
	explicit ProtocolError(const std::string& message): Error(KB_ERR_PROTOCOL, message) {}
		/// Creates a protocol error.
};


class AuthError: public Error
	/// The meter refused the password or the access level (KB_ERR_AUTH).
{
public:
	explicit AuthError(const std::string& message): Error(KB_ERR_AUTH, message) {}
		/// Creates an authentication error.
};


//
// Struct size checks
//


template <typename Struct>
constexpr bool hasField(const Struct* s, std::size_t fieldOffset, std::size_t fieldSize) noexcept
	/// Returns true if s is not null and its struct_size covers the field at fieldOffset.
	/// Use with offsetof: hasField(msg, offsetof(kb_message, reference), sizeof(msg->reference)).
{
	return s != nullptr && s->struct_size >= fieldOffset + fieldSize;
}


#define KABINET_SDK_HAS_FIELD(ptr, type, field) \
	(::kabinet::sdk::hasField((ptr), offsetof(type, field), sizeof(type::field)))
	/// True if the struct behind ptr (of C type `type`) is large enough to hold `field`.


//
// Strings
//


inline bool copyString(char* dest, std::size_t capacity, std::string_view src) noexcept
	/// Copies src into the buffer dest of capacity bytes and NUL-terminates it. When src does not fit,
	/// it is truncated at a UTF-8 character boundary (never in the middle of a sequence).
	/// Returns true if src was copied completely. Does nothing (returns false) if dest is null or
	/// capacity is 0. Embedded NUL bytes in src end the C string early, as usual.
{
	if (dest == nullptr || capacity == 0) return false;
	std::size_t n = src.size();
	bool complete = true;
	if (n >= capacity)
	{
		complete = false;
		n = capacity - 1;
		while (n > 0 && (static_cast<unsigned char>(src[n]) & 0xC0) == 0x80) --n;
	}
	if (n > 0) std::memcpy(dest, src.data(), n);
	dest[n] = '\0';
	return complete;
}


template <std::size_t N>
bool copyString(char (&dest)[N], std::string_view src) noexcept
	/// Copies src into the fixed array dest; see copyString(char*, std::size_t, std::string_view).
{
	return copyString(dest, N, src);
}


inline void setError(kb_error_buf* error, std::string_view text) noexcept
	/// Writes text into the host's error buffer (truncated, always NUL-terminated).
	/// Ignores a null buffer, one whose struct_size is too small, or one without storage.
{
	if (!KABINET_SDK_HAS_FIELD(error, kb_error_buf, capacity)) return;
	copyString(error->text, error->capacity, text);
}


inline void clearError(kb_error_buf* error) noexcept
	/// Makes the host's error buffer an empty string (if usable).
{
	setError(error, std::string_view());
}


inline bool errorIsEmpty(const kb_error_buf* error) noexcept
	/// Returns true if the error buffer is unusable or holds an empty string.
{
	if (!KABINET_SDK_HAS_FIELD(error, kb_error_buf, capacity) || error->text == nullptr || error->capacity == 0) return true;
	return error->text[0] == '\0';
}


inline const char* statusName(kb_status status) noexcept
	/// Returns a short constant name for a status ("KB_OK", "KB_ERR_CONFIG", ...).
{
	switch (status)
	{
	case KB_OK: return "KB_OK";
	case KB_ERR_CONFIG: return "KB_ERR_CONFIG";
	case KB_ERR_TRANSPORT: return "KB_ERR_TRANSPORT";
	case KB_ERR_TIMEOUT: return "KB_ERR_TIMEOUT";
	case KB_ERR_REJECTED: return "KB_ERR_REJECTED";
	case KB_ERR_INTERNAL: return "KB_ERR_INTERNAL";
	case KB_ERR_PROTOCOL: return "KB_ERR_PROTOCOL";
	case KB_ERR_AUTH: return "KB_ERR_AUTH";
	}
	return "KB_ERR_UNKNOWN";
}


//
// Host services
//


KABINET_SDK_LOCAL inline std::atomic<const kb_host_api*>& hostSlot() noexcept
	/// The host API accepted by the entry of this library (null before). Private to the library.
{
	static std::atomic<const kb_host_api*> slot{nullptr};
	return slot;
}


inline void logTo(const kb_host_api* host, kb_log_level level, std::string_view message) noexcept
	/// Writes one log line through the given host, if it offers a log callback.
	/// The message must not contain personal data or secrets.
{
	if (!KABINET_SDK_HAS_FIELD(host, kb_host_api, log) || host->log == nullptr) return;
	try
	{
		const std::string line(message);
		host->log(host->host_ctx, level, line.c_str());
	}
	catch (...)
	{
		// out of memory while logging: drop the line
	}
}


inline void log(kb_log_level level, std::string_view message) noexcept
	/// Writes one log line through the host that loaded this library (no-op before the entry ran).
	/// The message must not contain personal data or secrets.
{
	logTo(hostSlot().load(std::memory_order_acquire), level, message);
}


//
// The boundary
//


template <typename F>
kb_status guard(kb_error_buf* error, F&& body) noexcept
	/// Runs body (returning kb_status or void) and maps its outcome to a kb_status, so that no
	/// exception crosses the C boundary. Clears the error buffer first, then:
	///  - Error              -> its status and what();
	///  - std::bad_alloc     -> KB_ERR_INTERNAL, "out of memory";
	///  - std::exception     -> KB_ERR_INTERNAL, "internal error: " + what();
	///  - anything else      -> KB_ERR_INTERNAL, "internal error: unknown exception".
	/// A non-OK status returned without text gets a generic text naming the status.
{
	clearError(error);
	kb_status status = KB_ERR_INTERNAL;
	try
	{
		if constexpr (std::is_void_v<std::invoke_result_t<F>>)
		{
			std::forward<F>(body)();
			status = KB_OK;
		}
		else
		{
			status = std::forward<F>(body)();
		}
	}
	catch (const Error& exc)
	{
		setError(error, exc.what());
		status = exc.status() == KB_OK ? KB_ERR_INTERNAL : exc.status();
	}
	catch (const std::bad_alloc&)
	{
		setError(error, "out of memory");
		status = KB_ERR_INTERNAL;
	}
	catch (const std::exception& exc)
	{
		try
		{
			setError(error, std::string("internal error: ") + exc.what());
		}
		catch (...)
		{
			setError(error, "internal error");
		}
		status = KB_ERR_INTERNAL;
	}
	catch (...)
	{
		setError(error, "internal error: unknown exception");
		status = KB_ERR_INTERNAL;
	}
	if (status != KB_OK && errorIsEmpty(error))
	{
		try
		{
			setError(error, std::string("failed with ") + statusName(status));
		}
		catch (...)
		{
		}
	}
	return status;
}


inline bool acceptHost(const kb_host_api* host, const char* pluginName) noexcept
	/// The version handshake of the entry. Returns true and remembers host (for log()) when the
	/// host speaks a compatible ABI: same major, minor not older than KABINET_ABI_MINOR.
	/// Otherwise logs the reason through host->log (when possible) and returns false.
{
	if (!KABINET_SDK_HAS_FIELD(host, kb_host_api, abi_version)) return false;
	const std::uint32_t hostMajor = host->abi_version >> 16;
	const std::uint32_t hostMinor = host->abi_version & 0xFFFFu;
	const auto olderThan = [](std::uint32_t a, std::uint32_t b) { return a < b; }; // no -Wtype-limits for minor 0
	const char* problem = nullptr;
	if (hostMajor != KABINET_ABI_MAJOR)
		problem = "the ABI major versions differ";
	else if (olderThan(hostMinor, KABINET_ABI_MINOR))
		problem = "the host's ABI minor version is older than the plugin's";
	else if (!KABINET_SDK_HAS_FIELD(host, kb_host_api, log) || host->log == nullptr)
		problem = "the host API has no log callback";
	if (problem)
	{
		try
		{
			logTo(host, KB_LOG_ERROR,
				std::string("plugin ") + (pluginName ? pluginName : "?") + " refuses to load: host ABI " +
				std::to_string(hostMajor) + "." + std::to_string(hostMinor) + ", plugin built for ABI " +
				std::to_string(KABINET_ABI_MAJOR) + "." + std::to_string(KABINET_ABI_MINOR) + ": " + problem);
		}
		catch (...)
		{
		}
		return false;
	}
	hostSlot().store(host, std::memory_order_release);
	return true;
}


//
// Channel plugins
//


struct Message
	/// One outgoing message, as views into the host's kb_message (valid during the send call).
{
	std::string_view recipient;              /// E.164 number for SMS; may be empty if the host sent none
	std::string_view text;                   /// UTF-8 body; may be empty if the host sent none
	std::optional<std::string_view> reference; /// the host's id of the message, if given
};


struct SendResult
	/// What a channel reports after a send; copied into kb_send_result even when send fails.
{
	std::string providerId;     /// the gateway's message id (truncated to fit kb_send_result)
	std::uint32_t attempts = 0; /// how many network attempts the send took
};


class Channel
	/// Base class of a channel plugin. A concrete channel C must be constructible from the config
	/// JSON text (C(std::string_view)), throwing ConfigError on bad config, and implement send().
	/// send() may be called concurrently from several host threads on one instance.
{
public:
	virtual ~Channel() = default;
		/// Destroys the channel.

	virtual kb_status send(const Message& message, SendResult& result) = 0;
		/// Sends one message synchronously. Returns KB_OK on success; reports failures by throwing
		/// Error (preferred: carries the text) or by returning another status.
		/// Fills result.attempts (and providerId on success) as it goes.
};


template <typename C>
concept ChannelImplementation = std::derived_from<C, Channel> && std::constructible_from<C, std::string_view>;
	/// What KABINET_CHANNEL_PLUGIN requires of a channel class.


namespace detail {


inline Message toMessage(const kb_message* message)
	/// Converts the host's message, checking struct_size. Throws InternalError on a malformed one.
{
	if (!KABINET_SDK_HAS_FIELD(message, kb_message, text))
		throw InternalError("the host passed no message or one with a too small struct_size");
	Message result;
	if (message->recipient) result.recipient = message->recipient;
	if (message->text) result.text = message->text;
	if (KABINET_SDK_HAS_FIELD(message, kb_message, reference) && message->reference)
		result.reference = std::string_view(message->reference);
	return result;
}


inline void storeResult(kb_send_result* out, const SendResult& result) noexcept
	/// Copies result into the host's kb_send_result, field by field as struct_size allows.
{
	if (KABINET_SDK_HAS_FIELD(out, kb_send_result, provider_id)) copyString(out->provider_id, result.providerId);
	if (KABINET_SDK_HAS_FIELD(out, kb_send_result, attempts)) out->attempts = result.attempts;
}


inline kb_status channelSend(void* instance, const kb_message* message, kb_send_result* out, kb_error_buf* error) noexcept
	/// kb_channel_vtable::send for every Channel.
{
	SendResult result;
	const kb_status status = guard(error, [&]() -> kb_status
	{
		if (instance == nullptr) throw InternalError("send called with a null instance");
		return static_cast<Channel*>(instance)->send(toMessage(message), result);
	});
	storeResult(out, result);
	return status;
}


inline void channelDestroy(void* instance) noexcept
	/// kb_plugin_descriptor::destroy for every Channel.
{
	try
	{
		delete static_cast<Channel*>(instance);
	}
	catch (...)
	{
		log(KB_LOG_ERROR, "a channel destructor threw; ignored");
	}
}


template <ChannelImplementation C>
kb_status channelCreate(const char* configJson, void** instance, kb_error_buf* error) noexcept
	/// kb_plugin_descriptor::create for channel class C.
{
	if (instance) *instance = nullptr;
	return guard(error, [&]()
	{
		if (instance == nullptr) throw InternalError("create called without an instance out-pointer");
		if (configJson == nullptr) throw ConfigError("config: no configuration given");
		std::unique_ptr<Channel> channel = std::make_unique<C>(std::string_view(configJson));
		*instance = channel.release();
	});
}


inline constexpr kb_channel_vtable channelVtable{
	sizeof(kb_channel_vtable),
	&channelSend,
};
	/// The one function table shared by all channels of the library.


} // namespace detail


constexpr kb_plugin_descriptor makeDescriptor(const char* name, const char* version, kb_plugin_kind kind,
	const char* configSchemaJson, kb_status (*create)(const char*, void**, kb_error_buf*), void (*destroy)(void*),
	const void* vtable) noexcept
	/// Builds the static descriptor of a plugin of any kind (the kind's make…Descriptor fills the functions).
{
	return kb_plugin_descriptor{
		sizeof(kb_plugin_descriptor), KABINET_ABI_VERSION, name, version, kind, configSchemaJson, create, destroy, vtable,
	};
}


template <ChannelImplementation C>
constexpr kb_plugin_descriptor makeChannelDescriptor(const char* name, const char* version, const char* configSchemaJson) noexcept
	/// Builds the static descriptor of a channel plugin implemented by class C.
{
	return makeDescriptor(name, version, KB_PLUGIN_CHANNEL, configSchemaJson, &detail::channelCreate<C>,
		&detail::channelDestroy, &detail::channelVtable);
}


} // namespace kabinet::sdk


#define KABINET_DEFINE_PLUGIN_ENTRY(descriptorExpression)                                                             \
	extern "C" KABINET_PLUGIN_EXPORT const kb_plugin_descriptor* kabinet_plugin_entry(const kb_host_api* host) noexcept \
	{                                                                                                                  \
		static const kb_plugin_descriptor descriptor = descriptorExpression;                                          \
		return ::kabinet::sdk::acceptHost(host, descriptor.name) ? &descriptor : nullptr;                              \
	}                                                                                                                  \
	static_assert(std::is_convertible_v<decltype(&kabinet_plugin_entry), kb_plugin_entry_fn>, "entry signature")
	/// Defines the exported kabinet_plugin_entry returning the static descriptor the expression builds, after
	/// the ABI handshake. The kind macros below use it.


#define KABINET_CHANNEL_PLUGIN(ChannelClass, pluginName, pluginVersion, configSchemaJson) \
	KABINET_DEFINE_PLUGIN_ENTRY((::kabinet::sdk::makeChannelDescriptor<ChannelClass>(pluginName, pluginVersion, configSchemaJson)))
	/// Defines the exported kabinet_plugin_entry of a channel plugin implemented by ChannelClass
	/// (a ChannelImplementation). name, version and schema must point to static storage (string
	/// literals or constants); name must equal the manifest's name. Use once per library, at global
	/// namespace scope, followed by a semicolon.


#endif // KABINET_SDK_HPP
