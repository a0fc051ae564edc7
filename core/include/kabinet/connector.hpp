//
// connector.hpp
//
// Kabinet connector SDK: the C++20 side of the connector ABI in plugin.h (kb_connector_vtable, ABI 1.2),
// header-only.
//
// A connector plugin talks to one upstream platform (a supplier's billing, WAVIoT, Энергосфера, ...). It is
// one class and one macro:
//
//     class MyConnector: public kabinet::sdk::Connector
//     {
//     public:
//         explicit MyConnector(const std::string& configJson);       // throws ConfigError on bad config
//         void sync(const kabinet::sdk::SyncRequest& request, const kabinet::sdk::SyncSink& sink) override;
//         std::string call(const std::string& operation, const std::string& inputJson) override; // optional
//     };
//     KABINET_CONNECTOR_PLUGIN(MyConnector, "my-connector", "1.0.0", kMyConfigSchemaJson);
//
// Rules:
//  - A connector never opens sockets: kabinet::sdk::http() asks the host, which applies timeouts, TLS
//    verification and retries (kb_http_request). Any HTTP status comes back; the plugin decides.
//  - sync() reports what it fetched through the sink as it goes, one record per call, and a cursor at every
//    safe point (the host stores the cursor together with the records before it). A record the plugin cannot
//    make sense of is a sink.problem(...) and the sync goes on.
//  - Failures end the call by throwing: AuthError (credentials or token refused), TransportError /
//    TimeoutError / ProtocolError (retry later; what was reported stays valid), ConfigError (the task or the
//    account's settings are wrong), RejectedError (the upstream refused a request-answer operation).
//  - An instance serves one (tenant, connector); its methods may run on several host threads at once for
//    DIFFERENT accounts: guard shared state yourself.
//  - Texts of errors and log lines never contain personal data, passwords or tokens.
//


#ifndef KABINET_CONNECTOR_HPP
#define KABINET_CONNECTOR_HPP


#include "kabinet/sdk.hpp"

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>


namespace kabinet::sdk {


//
// JSON text helpers (the SDK exchanges JSON as text; plugins parse it with the library they choose)
//


inline std::string jsonQuote(std::string_view text)
	/// Returns text as a JSON string literal (quotes included), escaping quotes, backslashes and control
	/// characters. Bytes >= 0x80 pass through (the text is expected to be UTF-8).
{
	std::string out;
	out.reserve(text.size() + 2);
	out += '"';
	for (const char ch: text)
	{
		const auto c = static_cast<unsigned char>(ch);
		switch (ch)
		{
		case '"': out += "\\\""; break;
		case '\\': out += "\\\\"; break;
		case '\n': out += "\\n"; break;
		case '\r': out += "\\r"; break;
		case '\t': out += "\\t"; break;
		default:
			if (c < 0x20)
			{
				char buf[8];
				std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
				out += buf;
			}
			else
			{
				out += ch;
			}
		}
	}
	out += '"';
	return out;
}


//
// The host's HTTP client
//


struct HttpResponse
	/// The answer of the host's HTTP client.
{
	int status = 0;                              /// HTTP status of the last attempt
	std::string body;                            /// the answer body, as received
	std::map<std::string, std::string> headers;  /// answer headers, names lower-case (a repeated header: last wins)
	unsigned attempts = 0;                       /// how many attempts the host made

	std::string header(const std::string& lowerName) const
		/// The value of the header with this lower-case name, or "" when absent.
	{
		const auto it = headers.find(lowerName);
		return it == headers.end() ? std::string() : it->second;
	}
};


struct HttpRequest
	/// One HTTP(S) exchange a connector asks the host to make.
{
	std::string method = "GET";                                   /// GET, POST, PUT or DELETE
	std::string url;                                              /// absolute http:// or https:// URL, query included
	std::vector<std::pair<std::string, std::string>> headers;     /// extra request headers
	std::string body;                                             /// request body ("" for none)
	unsigned timeoutMs = 0;                                       /// per attempt; 0 = the host's default (15 s)
	unsigned retries = 2;                                         /// extra attempts on transport failure, 429, 5xx
};


namespace detail {


inline std::map<std::string, std::string> parseHeaderLines(const char* text, std::size_t length)
	/// Splits "Name: value\r\n" lines into a map with lower-case names.
{
	std::map<std::string, std::string> headers;
	if (text == nullptr) return headers;
	std::string_view rest(text, length);
	while (!rest.empty())
	{
		const std::size_t end = rest.find("\r\n");
		const std::string_view line = rest.substr(0, end);
		rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);
		const std::size_t colon = line.find(':');
		if (colon == std::string_view::npos || colon == 0) continue;
		std::string name(line.substr(0, colon));
		for (char& c: name)
			if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
		std::string_view value = line.substr(colon + 1);
		while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
		while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
		headers[name] = std::string(value);
	}
	return headers;
}


} // namespace detail


inline HttpResponse http(const HttpRequest& request)
	/// The host's HTTP client (kb_host_api.http). Throws TransportError / TimeoutError when no answer came;
	/// any HTTP status is returned (the plugin decides). Throws InternalError on a host older than ABI 1.2.
{
	const kb_host_api* host = hostSlot().load(std::memory_order_acquire);
	if (!KABINET_SDK_HAS_FIELD(host, kb_host_api, http) || host->http == nullptr)
		throw InternalError("the host offers no HTTP client (ABI older than 1.2)");
	std::string headerText;
	for (const auto& [name, value]: request.headers)
	{
		if (name.find_first_of("\r\n:") != std::string::npos || value.find_first_of("\r\n") != std::string::npos)
			throw InternalError("an HTTP header name or value contains a line break or a colon");
		headerText += name;
		headerText += ": ";
		headerText += value;
		headerText += "\r\n";
	}
	kb_http_request r{};
	r.struct_size = sizeof(kb_http_request);
	r.method = request.method.c_str();
	r.url = request.url.c_str();
	r.headers = headerText.empty() ? nullptr : headerText.c_str();
	r.body = request.body.empty() ? nullptr : reinterpret_cast<const std::uint8_t*>(request.body.data());
	r.body_length = request.body.size();
	r.timeout_ms = request.timeoutMs;
	r.retries = request.retries;
	kb_http_response out{};
	out.struct_size = sizeof(kb_http_response);
	char errorText[1024] = {0};
	kb_error_buf error{sizeof(kb_error_buf), errorText, sizeof errorText};
	const kb_status status = host->http(host->host_ctx, &r, &out, &error);
	if (status != KB_OK)
	{
		std::string text = errorText[0] ? std::string(errorText) : std::string("HTTP request failed with ") + statusName(status);
		switch (status)
		{
		case KB_ERR_TIMEOUT: throw TimeoutError(text);
		case KB_ERR_TRANSPORT: throw TransportError(text);
		case KB_ERR_CONFIG: throw ConfigError(text);
		default: throw Error(status, text);
		}
	}
	HttpResponse response;
	response.status = out.status;
	response.attempts = out.attempts;
	if (out.headers) response.headers = detail::parseHeaderLines(out.headers, std::strlen(out.headers));
	if (out.body && out.body_length) response.body.assign(reinterpret_cast<const char*>(out.body), out.body_length);
	return response;
}


inline std::string urlEncode(std::string_view text)
	/// Percent-encodes a query value (everything but A-Z a-z 0-9 - _ . ~).
{
	static constexpr char hex[] = "0123456789ABCDEF";
	std::string out;
	out.reserve(text.size() * 3);
	for (const char ch: text)
	{
		const auto c = static_cast<unsigned char>(ch);
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
			c == '.' || c == '~')
		{
			out += ch;
		}
		else
		{
			out += '%';
			out += hex[c >> 4];
			out += hex[c & 0x0F];
		}
	}
	return out;
}


//
// Sync
//


struct SyncRequest
	/// What one sync call asks for (kb_sync_request, copied).
{
	std::string task;          /// the task id the tenant declared ("channels", "modems", "balances", ...)
	std::string cursor;        /// where the last successful sync of this task stopped ("" the first time)
	std::string accountJson;   /// the upstream account as raw JSON text: {"id","kind","token",...} or "{}"
	std::string inputJson;     /// task parameters as raw JSON text ("{}" when none)
	std::int64_t from = 0;     /// start of the window, Unix seconds UTC, inclusive
	std::int64_t to = 0;       /// end of the window (exclusive)
	std::int64_t now = 0;      /// the host's clock
};


class SyncSink
	/// What a connector reports while syncing; each call forwards one record to the host at once.
	/// The host's callbacks never fail; calls on a sink without callbacks do nothing.
{
public:
	explicit SyncSink(const kb_connector_sink* sink) noexcept: _sink(sink)
		/// Wraps the host's sink (valid during the sync call).
	{
	}

	void emit(std::string_view kind, const std::string& json) const
		/// Forwards one raw record of the given kind (one JSON object).
	{
		if (!KABINET_SDK_HAS_FIELD(_sink, kb_connector_sink, emit) || _sink->emit == nullptr) return;
		const std::string k(kind);
		_sink->emit(_sink->ctx, k.c_str(), json.c_str());
	}

	void meterData(const std::string& json) const
		/// Kind "meter_data": {"readings":[…],"profile":[…],"params":[…],"events":[…]}, rows naming "device".
	{
		emit("meter_data", json);
	}

	void device(const std::string& json) const
		/// Kind "device": {"key","serial","model","title","battery","last_message","info":{…}}.
	{
		emit("device", json);
	}

	void contract(const std::string& json) const
		/// Kind "contract": {"number","title","consumer_name","address","valid_from","points":[…]}.
	{
		emit("contract", json);
	}

	void balance(const std::string& json) const
		/// Kind "balance": {"contract","as_of","balance","charges":[…],"payments":[…]}.
	{
		emit("balance", json);
	}

	void notification(const std::string& json) const
		/// Kind "notification": {"id","contract","title","text","at"}.
	{
		emit("notification", json);
	}

	void caseUpdate(const std::string& json) const
		/// Kind "case_update": {"external_id","state","answer","at"}.
	{
		emit("case_update", json);
	}

	void cursor(std::string_view position) const
		/// Kind "cursor", {"cursor": position}: everything reported before is covered by this position.
	{
		emit("cursor", "{\"cursor\":" + jsonQuote(position) + "}");
	}

	void problem(std::string_view key, std::string_view reason) const
		/// Kind "problem", {"key","reason"}: one record was skipped (counted and shown; the sync goes on).
	{
		emit("problem", "{\"key\":" + jsonQuote(key) + ",\"reason\":" + jsonQuote(reason) + "}");
	}

	bool stopping() const
		/// True when the host is stopping: return at the next record boundary.
	{
		if (!KABINET_SDK_HAS_FIELD(_sink, kb_connector_sink, stopping) || _sink->stopping == nullptr) return false;
		return _sink->stopping(_sink->ctx) != 0;
	}

private:
	const kb_connector_sink* _sink;
};


class Connector
	/// A connector instance: one per configured (tenant, connector); methods may be called from several
	/// threads for DIFFERENT accounts at once (guard shared state yourself).
{
public:
	virtual ~Connector() = default;

	virtual std::string linkContracts(const std::string& login, const std::string& password)
		/// Legacy ABI 1.0 call: the contracts a supplier login gives access to, as a JSON array text.
		/// Default: throws RejectedError("not supported").
	{
		(void) login;
		(void) password;
		throw RejectedError("not supported");
	}

	virtual void sync(const SyncRequest& request, const SyncSink& sink) = 0;
		/// Fetches what request.task names and reports it through sink as it goes.

	virtual std::string call(const std::string& operation, const std::string& inputJson)
		/// One request-answer operation; returns a JSON object text. Default: throws
		/// ConfigError("unknown operation <op>").
	{
		(void) inputJson;
		throw ConfigError("unknown operation " + operation);
	}
};


template <typename C>
concept ConnectorImplementation = std::derived_from<C, Connector> && std::constructible_from<C, const std::string&>;
	/// What KABINET_CONNECTOR_PLUGIN requires of a connector class.


namespace detail {


inline kb_status writeBuffer(kb_buffer* out, const std::string& text)
	/// Copies text into the host's output buffer. When it does not fit, sets out->length to the size needed
	/// and throws InternalError (the host retries with a bigger buffer).
{
	if (!KABINET_SDK_HAS_FIELD(out, kb_buffer, length) || out->data == nullptr)
		throw InternalError("the host passed no usable output buffer");
	if (text.size() + 1 > out->capacity)
	{
		out->length = text.size() + 1;
		throw InternalError("output buffer too small");
	}
	std::memcpy(out->data, text.data(), text.size());
	out->data[text.size()] = '\0';
	out->length = text.size();
	return KB_OK;
}


template <ConnectorImplementation C>
kb_status connectorCreate(const char* configJson, void** instance, kb_error_buf* error) noexcept
{
	if (instance) *instance = nullptr;
	return guard(error, [&]()
	{
		if (instance == nullptr) throw InternalError("create called without an instance out-pointer");
		if (configJson == nullptr) throw ConfigError("config: no configuration given");
		std::unique_ptr<Connector> connector = std::make_unique<C>(std::string(configJson));
		*instance = connector.release();
	});
}


inline void connectorDestroy(void* instance) noexcept
{
	try
	{
		delete static_cast<Connector*>(instance);
	}
	catch (...)
	{
		log(KB_LOG_ERROR, "a connector destructor threw; ignored");
	}
}


inline kb_status connectorLinkContracts(void* instance, const char* login, const char* password, kb_buffer* out,
	kb_error_buf* error) noexcept
{
	return guard(error, [&]()
	{
		if (instance == nullptr) throw InternalError("link_contracts called with a null instance");
		const std::string result = static_cast<Connector*>(instance)->linkContracts(login ? login : "", password ? password : "");
		return writeBuffer(out, result);
	});
}


inline kb_status connectorSync(void* instance, const kb_sync_request* request, const kb_connector_sink* sink,
	kb_error_buf* error) noexcept
{
	return guard(error, [&]()
	{
		if (instance == nullptr) throw InternalError("sync called with a null instance");
		if (!KABINET_SDK_HAS_FIELD(request, kb_sync_request, now)) throw InternalError("sync called without a usable request");
		SyncRequest r;
		r.task = request->task ? request->task : "";
		r.cursor = request->cursor ? request->cursor : "";
		r.accountJson = request->account_json ? request->account_json : "{}";
		r.inputJson = request->input_json ? request->input_json : "{}";
		r.from = request->from;
		r.to = request->to;
		r.now = request->now;
		static_cast<Connector*>(instance)->sync(r, SyncSink(sink));
	});
}


inline kb_status connectorCall(void* instance, const char* operation, const char* inputJson, kb_buffer* out,
	kb_error_buf* error) noexcept
{
	return guard(error, [&]()
	{
		if (instance == nullptr) throw InternalError("call called with a null instance");
		const std::string result = static_cast<Connector*>(instance)->call(operation ? operation : "", inputJson ? inputJson : "{}");
		return writeBuffer(out, result);
	});
}


inline constexpr kb_connector_vtable connectorVtable{
	sizeof(kb_connector_vtable),
	&connectorLinkContracts,
	&connectorSync,
	&connectorCall,
};
	/// The one function table shared by all connectors of the library.


} // namespace detail


template <ConnectorImplementation C>
constexpr kb_plugin_descriptor makeConnectorDescriptor(const char* name, const char* version, const char* configSchemaJson) noexcept
	/// Builds the static descriptor of a connector plugin implemented by class C.
{
	return makeDescriptor(name, version, KB_PLUGIN_CONNECTOR, configSchemaJson, &detail::connectorCreate<C>,
		&detail::connectorDestroy, &detail::connectorVtable);
}


} // namespace kabinet::sdk


#define KABINET_CONNECTOR_PLUGIN(ConnectorClass, pluginName, pluginVersion, configSchemaJson) \
	KABINET_DEFINE_PLUGIN_ENTRY((::kabinet::sdk::makeConnectorDescriptor<ConnectorClass>(pluginName, pluginVersion, configSchemaJson)))
	/// Defines the exported kabinet_plugin_entry of a connector plugin implemented by ConnectorClass (a
	/// ConnectorImplementation: a constructor taking `const std::string& configJson`, throwing ConfigError).
	/// name, version and schema must be static strings; name must equal the manifest's name. Use once per
	/// library, at global namespace scope, followed by a semicolon.


#endif // KABINET_CONNECTOR_HPP
