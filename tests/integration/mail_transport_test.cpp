// The mail transport end to end: SMTP against the aiosmtpd simulator (tests/simulators/smtp_server.py) —
// plain, STARTTLS with AUTH, implicit TLS, certificate checks, injected failures — and the drop-dir
// transport. Messages are decoded here (RFC 2047 headers, base64 / quoted-printable bodies, multipart).
#include <catch2/catch.hpp>

#include "TestContext.h"
#include "notify/MailTransport.h"
#include "util/Error.h"

#include <Poco/Base64Decoder.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/QuotedPrintableDecoder.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

using namespace kabinet;
namespace fs = std::filesystem;

namespace {

/// The SMTP simulator as a child process, stopped (SIGTERM, then SIGKILL) when this goes out of scope.
class SmtpSimulator {
public:
    explicit SmtpSimulator(const std::vector<std::string>& options = {}) {
        dir_ = test::tempDir("smtp") + "/in";
        std::vector<std::string> args = {test::sourceDir() + "/tests/simulators/smtp_server.py", "--port", "0",
                                         "--dir", dir_, "--exit-on-stdin-eof"};
        args.insert(args.end(), options.begin(), options.end());
        handle_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch("/usr/bin/python3", args, &in_, &out_, nullptr));
        Poco::PipeInputStream s(out_);
        std::string word;
        s >> word >> port_;
        if (word != "PORT" || port_ == 0) {
            stop();
            throw std::runtime_error("the SMTP simulator did not start");
        }
    }
    ~SmtpSimulator() { stop(); }
    SmtpSimulator(const SmtpSimulator&) = delete;
    SmtpSimulator& operator=(const SmtpSimulator&) = delete;

    unsigned short port() const { return port_; }
    std::string url(const std::string& userInfo = "", const std::string& query = "", const std::string& scheme = "smtp") const {
        return scheme + "://" + userInfo + "127.0.0.1:" + std::to_string(port_) + query;
    }
    /// Messages the server accepted so far.
    int count() const {
        int n = 0;
        std::error_code ec;
        for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec))
            if (it->path().extension() == ".eml") ++n;
        return n;
    }
    std::string eml(int n) const { return slurp(dir_ + "/" + std::to_string(n) + ".eml"); }
    Poco::JSON::Object::Ptr envelope(int n) const {
        return Poco::JSON::Parser().parse(slurp(dir_ + "/" + std::to_string(n) + ".json")).extract<Poco::JSON::Object::Ptr>();
    }

    static std::string slurp(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

private:
    void stop() noexcept {
        if (!handle_) return;
        try {
            Poco::Process::requestTermination(handle_->id());
            bool exited = false;
            for (int i = 0; i < 100 && !exited; ++i) {
                exited = Poco::Process::tryWait(*handle_) != -1;
                if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
            if (!exited) {
                Poco::Process::kill(*handle_);
                handle_->wait();
            }
        } catch (...) {
        }
        handle_.reset();
    }

    Poco::Pipe in_, out_;
    std::unique_ptr<Poco::ProcessHandle> handle_;
    unsigned short port_ = 0;
    std::string dir_;
};

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string base64Decode(const std::string& text) {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    std::string out;
    Poco::StreamCopier::copyToString(decoder, out);
    return out;
}

std::string quotedPrintableDecode(const std::string& text) {
    std::istringstream in(text);
    Poco::Net::QuotedPrintableDecoder decoder(in);
    std::string out;
    Poco::StreamCopier::copyToString(decoder, out);
    return out;
}

/// RFC 2047 Q encoding of one encoded word's text.
std::string qWordDecode(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '_') out += ' ';
        else if (text[i] == '=' && i + 2 < text.size()) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else out += text[i];
    }
    return out;
}

/// Decodes RFC 2047 encoded words in an unfolded header value; white space between two encoded words
/// disappears (§6.2), other text stays as it is.
std::string decodeWords(const std::string& v) {
    std::string out, space;
    bool afterWord = false;
    std::size_t i = 0;
    while (i < v.size()) {
        if (v.compare(i, 2, "=?") == 0) {
            const auto q1 = v.find('?', i + 2);
            const auto q2 = q1 == std::string::npos ? q1 : v.find('?', q1 + 1);
            const auto end = q2 == std::string::npos ? q2 : v.find("?=", q2 + 1);
            if (end != std::string::npos) {
                const std::string charset = lower(v.substr(i + 2, q1 - i - 2));
                const std::string enc = lower(v.substr(q1 + 1, q2 - q1 - 1));
                const std::string text = v.substr(q2 + 1, end - q2 - 1);
                CHECK(charset == "utf-8");
                if (!afterWord) out += space;
                space.clear();
                out += enc == "b" ? base64Decode(text) : qWordDecode(text);
                afterWord = true;
                i = end + 2;
                continue;
            }
        }
        const char c = v[i++];
        if (c == ' ' || c == '\t') {
            space += c;
            continue;
        }
        out += space;
        space.clear();
        out += c;
        afterWord = false;
    }
    return out + space;
}

/// A message or MIME part: header fields (lower-case names, unfolded raw values) and the raw body.
struct Part {
    std::multimap<std::string, std::string> headers;
    std::string body;

    std::string header(const std::string& name) const {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
    std::string param(const std::string& headerName, const std::string& name) const {
        const std::string v = header(headerName);
        const auto at = lower(v).find(name + "=");
        if (at == std::string::npos) return {};
        std::string value = v.substr(at + name.size() + 1);
        value = value.substr(0, value.find(';'));
        if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
        return trim(value);
    }
    /// The body with its transfer encoding undone.
    std::string decodedBody() const {
        const std::string cte = lower(header("content-transfer-encoding"));
        if (cte == "base64") return base64Decode(body);
        if (cte == "quoted-printable") return quotedPrintableDecode(body);
        return body;
    }
};

Part parsePart(const std::string& raw) {
    Part p;
    const auto sep = raw.find("\r\n\r\n");
    REQUIRE(sep != std::string::npos);
    p.body = raw.substr(sep + 4);
    std::string name, value;
    const auto flush = [&] {
        if (!name.empty()) p.headers.emplace(lower(name), trim(value));
        name.clear();
        value.clear();
    };
    std::size_t pos = 0;
    while (pos < sep + 2) {
        const auto eol = raw.find("\r\n", pos);
        const std::string line = raw.substr(pos, eol - pos);
        pos = eol + 2;
        CHECK(line.find('\n') == std::string::npos); // no bare LF inside the header
        CHECK(line.size() <= 998);
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            REQUIRE_FALSE(name.empty());
            value += line;
            continue;
        }
        flush();
        const auto colon = line.find(':');
        REQUIRE(colon != std::string::npos);
        name = line.substr(0, colon);
        value = line.substr(colon + 1);
    }
    flush();
    return p;
}

/// The parts of a multipart body.
std::vector<Part> subParts(const Part& p) {
    const std::string boundary = p.param("content-type", "boundary");
    REQUIRE_FALSE(boundary.empty());
    const std::string delimiter = "--" + boundary;
    std::vector<Part> parts;
    auto at = p.body.find(delimiter);
    REQUIRE(at != std::string::npos);
    while (true) {
        const auto lineEnd = p.body.find("\r\n", at);
        if (p.body.compare(at, delimiter.size() + 2, delimiter + "--") == 0) break;
        REQUIRE(lineEnd != std::string::npos);
        const auto next = p.body.find("\r\n" + delimiter, lineEnd);
        REQUIRE(next != std::string::npos);
        parts.push_back(parsePart(p.body.substr(lineEnd + 2, next - lineEnd - 2)));
        at = next + 2;
    }
    return parts;
}

const std::string kFrom = "Кабинет ВОЭК <no-reply@voek.example>";
const std::string kSubject =
    "Подтверждение адреса электронной почты в личном кабинете ВОЭК «Кабинет» — шаг 1 из 2? (_=\"да\")";
const std::string kText = "Здравствуйте, Иван Иванович!\n\nДля подтверждения адреса перейдите по ссылке:\n"
                          "https://voek.example/t/voek/confirm/email?token=abc\n\n"
                          "Если вы не регистрировались, ничего не делайте.\n" + std::string(120, 'x') + "\n";

MailMessage cyrillicMessage(const std::string& id) {
    MailMessage m;
    m.from = kFrom;
    m.to = "ivanov@example.ru";
    m.subject = kSubject;
    m.text = kText;
    m.messageId = id;
    return m;
}

/// Replaces every LF not preceded by CR with CRLF (the transport sends text in canonical form).
std::string crlf(const std::string& s) {
    std::string r;
    for (char c : s) {
        if (c == '\n') r += "\r\n";
        else r += c;
    }
    return r;
}

/// The checks every delivered copy of cyrillicMessage() must pass.
void checkCyrillicMessage(const std::string& raw, const std::string& id) {
    const Part msg = parsePart(raw);
    CHECK(decodeWords(msg.header("subject")) == kSubject);
    CHECK(msg.header("subject").find("=?UTF-8?B?") == 0);
    CHECK(decodeWords(msg.header("from")) == kFrom);
    CHECK(msg.header("to") == "ivanov@example.ru");
    CHECK(msg.header("message-id") == "<" + id + "@kabinet>");
    CHECK(msg.header("mime-version") == "1.0");
    CHECK(lower(msg.header("content-type")) == "text/plain; charset=utf-8");
    CHECK(msg.headers.count("bcc") == 0);
    int tzd = 0;
    CHECK_NOTHROW(Poco::DateTimeParser::parse(msg.header("date"), tzd));
    CHECK(msg.decodedBody() == crlf(kText));
    std::size_t longest = 0; // every line, body included, is short
    for (std::size_t pos = 0, eol; (eol = raw.find("\r\n", pos)) != std::string::npos; pos = eol + 2)
        longest = std::max(longest, eol - pos);
    CHECK(longest <= 78);
}

} // namespace

TEST_CASE("SMTP delivers a Cyrillic message that decodes back exactly", "[mail]") {
    SmtpSimulator sim;
    auto transport = makeMailTransport(sim.url(), "", 5);
    CHECK(transport->describe() == "smtp://127.0.0.1:" + std::to_string(sim.port()));
    transport->send(cyrillicMessage("confirm-42.a_b"));
    REQUIRE(sim.count() == 1);
    checkCyrillicMessage(sim.eml(1), "confirm-42.a_b");
    auto env = sim.envelope(1);
    CHECK(env->getValue<std::string>("mail_from") == "no-reply@voek.example");
    CHECK(env->getArray("rcpt_tos")->size() == 1);
    CHECK(env->getArray("rcpt_tos")->getElement<std::string>(0) == "ivanov@example.ru");
    CHECK_FALSE(env->getValue<bool>("tls"));
    CHECK(env->isNull("auth_user"));

    // POCO's own reader takes the message too (its header decoding is not used: it keeps the folding
    // white space between encoded words).
    std::istringstream in(sim.eml(1));
    Poco::Net::MailMessage poco;
    poco.read(in);
    CHECK(poco.getContent() == crlf(kText));
}

TEST_CASE("SMTP sends text with an HTML alternative, dot-stuffed and quoted-printable where ASCII", "[mail]") {
    SmtpSimulator sim;
    MailMessage m;
    m.from = "\"Support \\\"24/7\\\"\" <support@voek.example>";
    m.to = "Пётр <petr@example.ru>";
    m.subject = "Plain ASCII subject";
    m.text = "Hello,\n.\n..two dots\nend";
    m.html = "<p>Здравствуйте!</p>\n<p>.точка</p>";
    m.messageId = "html-1";
    makeMailTransport(sim.url(), "", 5)->send(m);
    REQUIRE(sim.count() == 1);
    const Part msg = parsePart(sim.eml(1));
    CHECK(msg.header("subject") == "Plain ASCII subject");
    CHECK(msg.header("from") == "\"Support \\\"24/7\\\"\" <support@voek.example>");
    CHECK(decodeWords(msg.header("to")) == "Пётр <petr@example.ru>");
    CHECK(lower(msg.header("content-type")).rfind("multipart/alternative;", 0) == 0);
    const auto parts = subParts(msg);
    REQUIRE(parts.size() == 2);
    CHECK(lower(parts[0].header("content-type")) == "text/plain; charset=utf-8");
    CHECK(lower(parts[0].header("content-transfer-encoding")) == "quoted-printable");
    CHECK(parts[0].decodedBody() == "Hello,\r\n.\r\n..two dots\r\nend");
    CHECK(lower(parts[1].header("content-type")) == "text/html; charset=utf-8");
    CHECK(lower(parts[1].header("content-transfer-encoding")) == "base64");
    CHECK(parts[1].decodedBody() == "<p>Здравствуйте!</p>\r\n<p>.точка</p>");
    CHECK(sim.envelope(1)->getArray("rcpt_tos")->getElement<std::string>(0) == "petr@example.ru");
}

TEST_CASE("SMTP with STARTTLS and AUTH; the credentials are percent-decoded", "[mail]") {
    SECTION("AUTH PLAIN after STARTTLS, which the server requires") {
        SmtpSimulator sim({"--starttls", "--require-tls", "--auth", "user:pw"});
        auto transport = makeMailTransport(sim.url("user:pw@", "?starttls=1&tls_verify=0"), "", 5);
        CHECK(transport->describe() ==
              "smtp://127.0.0.1:" + std::to_string(sim.port()) + " (STARTTLS, certificate not verified, AUTH)");
        transport->send(cyrillicMessage("tls-1"));
        REQUIRE(sim.count() == 1);
        auto env = sim.envelope(1);
        CHECK(env->getValue<bool>("tls"));
        CHECK(env->getValue<std::string>("auth_user") == "user");
        checkCyrillicMessage(sim.eml(1), "tls-1");
    }
    SECTION("AUTH LOGIN with a server that prompts \"User Name\" (which POCO's LOGIN ignores)") {
        SmtpSimulator sim({"--auth", "us@er:p:w/d", "--auth-mechanism", "LOGIN"});
        makeMailTransport(sim.url("us%40er:p%3Aw%2Fd@"), "", 5)->send(cyrillicMessage("login-1"));
        REQUIRE(sim.count() == 1);
        CHECK(sim.envelope(1)->getValue<std::string>("auth_user") == "us@er");
        CHECK_FALSE(sim.envelope(1)->getValue<bool>("tls"));
    }
}

TEST_CASE("SMTP refusals: 535 and other 5xx are final, 451 is retryable", "[mail]") {
    SECTION("a wrong password is a permanent failure that does not show the password") {
        SmtpSimulator sim({"--auth", "user:right-secret"});
        auto transport = makeMailTransport(sim.url("user:wrong-secret@"), "", 5);
        try {
            transport->send(cyrillicMessage("auth-1"));
            FAIL("send succeeded");
        } catch (const MailError& e) {
            const std::string what = e.what();
            CHECK_FALSE(e.retryable);
            CHECK(e.replyCode == 535);
            CHECK(what.find("127.0.0.1:" + std::to_string(sim.port())) != std::string::npos);
            CHECK(what.find("535") != std::string::npos);
            CHECK(what.find("secret") == std::string::npos);
            CHECK(what.find("ivanov") == std::string::npos);
        }
        CHECK(sim.count() == 0);
    }
    SECTION("451 after the data: the first send fails retryably, the second goes through") {
        SmtpSimulator sim({"--fail", "1"});
        auto transport = makeMailTransport(sim.url(), "", 5);
        try {
            transport->send(cyrillicMessage("retry-1"));
            FAIL("send succeeded");
        } catch (const MailError& e) {
            CHECK(e.retryable);
            CHECK(e.replyCode == 451);
            CHECK(std::string(e.what()).find("451 4.3.0") != std::string::npos);
            CHECK(std::string(e.what()).find("try again") == std::string::npos); // no server free text
        }
        CHECK(sim.count() == 0);
        transport->send(cyrillicMessage("retry-1"));
        CHECK(sim.count() == 1);
    }
    SECTION("451 to the DATA command itself is retryable too") {
        SmtpSimulator sim({"--fail", "1", "--fail-stage", "command"});
        auto transport = makeMailTransport(sim.url(), "", 5);
        try {
            transport->send(cyrillicMessage("retry-2"));
            FAIL("send succeeded");
        } catch (const MailError& e) {
            CHECK(e.retryable);
            CHECK(e.replyCode == 451);
            CHECK(std::string(e.what()).find("DATA") != std::string::npos);
        }
        transport->send(cyrillicMessage("retry-2"));
        CHECK(sim.count() == 1);
    }
    SECTION("mail without the AUTH a server requires: 530 is final") {
        SmtpSimulator sim({"--auth", "user:pw"});
        try {
            makeMailTransport(sim.url(), "", 5)->send(cyrillicMessage("noauth-1"));
            FAIL("send succeeded");
        } catch (const MailError& e) {
            CHECK_FALSE(e.retryable);
            CHECK(e.replyCode == 530);
        }
    }
}

TEST_CASE("SMTP connection failures and time-outs are retryable", "[mail]") {
    SECTION("connection refused") {
        const unsigned short port = test::freePort();
        try {
            makeMailTransport("smtp://127.0.0.1:" + std::to_string(port), "", 2)->send(cyrillicMessage("refused-1"));
            FAIL("send succeeded");
        } catch (const MailError& e) {
            CHECK(e.retryable);
            CHECK(e.replyCode == 0);
            CHECK(std::string(e.what()).find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
        }
    }
    SECTION("a server that accepts the connection and never speaks") {
        Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0)); // never accepts: the backlog holds us
        const auto started = std::chrono::steady_clock::now();
        try {
            makeMailTransport("smtp://127.0.0.1:" + std::to_string(silent.address().port()), "", 1)
                ->send(cyrillicMessage("silent-1"));
            FAIL("send succeeded");
        } catch (const MailError& e) {
            CHECK(e.retryable);
            CHECK(std::string(e.what()).find("no answer within 1 s (greeting)") != std::string::npos);
        }
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
    }
    SECTION("a server that never answers the TLS handshake") {
        Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
        const auto started = std::chrono::steady_clock::now();
        try {
            makeMailTransport("smtps://127.0.0.1:" + std::to_string(silent.address().port()) + "?tls_verify=0", "", 1)
                ->send(cyrillicMessage("silent-2"));
            FAIL("send succeeded");
        } catch (const MailError& e) {
            CHECK(e.retryable);
            CHECK(std::string(e.what()).find("(TLS handshake)") != std::string::npos);
        }
        // POCO waits once in SSL_connect and again in completeHandshake: up to about 3 × the time-out.
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
    }
    SECTION("a server that hangs up in the middle of a multi-line reply (POCO's reader would spin for ever)") {
        Poco::Net::ServerSocket server(Poco::Net::SocketAddress("127.0.0.1", 0));
        std::thread peer([&server] {
            Poco::Net::StreamSocket s = server.acceptConnection();
            s.sendBytes("220-smtp.example ESMTP\r\n", 24);
            s.close();
        });
        std::string what = "sent";
        bool retryable = false;
        try {
            makeMailTransport("smtp://127.0.0.1:" + std::to_string(server.address().port()), "", 2)
                ->send(cyrillicMessage("hangup-1"));
        } catch (const MailError& e) {
            what = e.what();
            retryable = e.retryable;
        }
        peer.join();
        CHECK(retryable);
        CHECK(what.find("closed the connection (greeting)") != std::string::npos);
    }
    SECTION("starttls=1 never falls back to plain text when the server lacks STARTTLS") {
        SmtpSimulator sim;
        try {
            makeMailTransport(sim.url("", "?starttls=1&tls_verify=0"), "", 5)->send(cyrillicMessage("downgrade-1"));
            FAIL("send succeeded");
        } catch (const MailError& e) {
            CHECK(e.retryable);
            CHECK(std::string(e.what()).find("STARTTLS") != std::string::npos);
        }
        CHECK(sim.count() == 0);
    }
}

TEST_CASE("SMTPS verifies the server certificate: chain and host name", "[mail]") {
    const std::string certFile = test::tempDir("smtp-cert") + "/cert.pem";
    SECTION("a self-signed certificate is refused by default and accepted with ca_file") {
        SmtpSimulator sim({"--smtps", "--cert-out", certFile});
        try {
            makeMailTransport(sim.url("", "", "smtps"), "", 5)->send(cyrillicMessage("tls-verify-1"));
            FAIL("send succeeded");
        } catch (const MailError& e) {
            CHECK(e.retryable);
            CHECK(std::string(e.what()).find("TLS") != std::string::npos);
        }
        CHECK(sim.count() == 0);
        auto transport = makeMailTransport(sim.url("", "?ca_file=" + certFile, "smtps"), "", 5);
        CHECK(transport->describe().find("(TLS, CA " + certFile + ")") != std::string::npos);
        transport->send(cyrillicMessage("tls-verify-1"));
        REQUIRE(sim.count() == 1);
        CHECK(sim.envelope(1)->getValue<bool>("tls"));
        checkCyrillicMessage(sim.eml(1), "tls-verify-1");
    }
    SECTION("a trusted certificate for another name is refused") {
        SmtpSimulator sim({"--smtps", "--cert-out", certFile, "--cert-host", "mail.other.example"});
        try {
            makeMailTransport(sim.url("", "?ca_file=" + certFile, "smtps"), "", 5)->send(cyrillicMessage("tls-name-1"));
            FAIL("send succeeded");
        } catch (const MailError& e) {
            CHECK(e.retryable);
            CHECK(std::string(e.what()).find("not valid for 127.0.0.1") != std::string::npos);
        }
        CHECK(sim.count() == 0);
    }
}

TEST_CASE("the drop-dir transport writes parseable .eml files, idempotent by message id", "[mail]") {
    const std::string dir = test::tempDir("maildrop") + "/not/yet/there";
    auto transport = makeMailTransport("", dir);
    CHECK(transport->describe() == "files in " + dir);
    const auto files = [&] {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    };

    transport->send(cyrillicMessage("drop-1"));
    auto names = files();
    REQUIRE(names.size() == 1);
    CHECK(std::regex_match(names[0], std::regex(R"(\d{8}T\d{6}-drop-1\.eml)")));
    checkCyrillicMessage(SmtpSimulator::slurp(dir + "/" + names[0]), "drop-1");

    MailMessage again = cyrillicMessage("drop-1");
    again.text = "Вторая версия";
    transport->send(again);
    CHECK(files() == names); // same file, replaced
    CHECK(parsePart(SmtpSimulator::slurp(dir + "/" + names[0])).decodedBody() == "Вторая версия");

    transport->send(cyrillicMessage("drop-2"));
    names = files();
    REQUIRE(names.size() == 2); // no temporary files left behind
    CHECK(names[1].find("-drop-2.eml") != std::string::npos);
}

TEST_CASE("messages that cannot be sent as they are fail before any delivery, not retryably", "[mail]") {
    const std::string dir = test::tempDir("maildrop-bad");
    auto transport = makeMailTransport("", dir);
    const auto refused = [&](MailMessage m) {
        try {
            transport->send(m);
        } catch (const MailError& e) {
            CHECK_FALSE(e.retryable);
            CHECK(std::string(e.what()).find("evil") == std::string::npos);
            return true;
        }
        return false;
    };
    MailMessage m = cyrillicMessage("bad-1");
    m.to = "evil@example.com\r\nBcc: victim@example.com";
    CHECK(refused(m));
    m.to = "not an address evil";
    CHECK(refused(m));
    m.to = "иванов@пример.рф";
    CHECK(refused(m));
    m = cyrillicMessage("../evil");
    CHECK(refused(m));
    CHECK(fs::is_empty(dir));

    // A subject with line breaks stays one header.
    m = cyrillicMessage("inject-1");
    m.subject = "Hi\r\nBcc: evil@example.com";
    transport->send(m);
    const auto entry = *fs::directory_iterator(dir);
    const Part msg = parsePart(SmtpSimulator::slurp(entry.path().string()));
    CHECK(msg.headers.count("bcc") == 0);
    CHECK(msg.header("subject") == "Hi  Bcc: evil@example.com");

    // No id: a random one, still a valid Message-ID.
    m = cyrillicMessage("");
    transport->send(m);
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 2);
}

TEST_CASE("bad mail configuration is a ConfigError that never shows the password", "[mail]") {
    const std::vector<std::string> bad = {
        "smtp://",
        "ftp://x",
        "mail.example:25",
        "smtp://user:s3cr3t@mail.example:70000",
        "smtp://user:s3cr3t@mail.example:0",
        "smtp://user:s3cr3t@mail.example:port",
        "smtp://user:s3cr3t@mail.example:",
        "smtp://user:s3cr3t",
        "smtp://user:s3cr3t@",
        "smtp://user:s3/cr3t@mail.example:25",
        "smtp://user:s3cr3t%zz@mail.example:25",
        "smtp://user:@mail.example:25",
        "smtp://user@mail.example:25",
        "smtp://user:s3cr3t@mail.example:25/path",
        "smtp://user:s3cr3t@mail.example:25?starttls=maybe",
        "smtp://user:s3cr3t@mail.example:25?password=s3cr3t",
        "smtps://user:s3cr3t@mail.example?starttls=1",
        "smtp://user:s3cr3t@mail.example?tls_verify=0",
        "smtp://user:s3cr3t@mail.example?starttls=1&ca_file=/nonexistent/ca.pem",
        "smtp://user:s3cr3t@mail.exa mple:25",
        "smtp://user:s3cr3t@::1:25",
    };
    for (const auto& url : bad) {
        INFO(url);
        try {
            makeMailTransport(url, "/tmp/unused");
            FAIL("accepted");
        } catch (const ConfigError& e) {
            CHECK(std::string(e.what()).find("s3cr3t") == std::string::npos);
            CHECK(std::string(e.what()).find("s3") == std::string::npos);
        }
    }
    CHECK_THROWS_AS(makeMailTransport("", ""), ConfigError);
    CHECK_THROWS_AS(makeMailTransport("smtp://mail.example", "", 0), ConfigError);

    CHECK(makeMailTransport("smtp://no-reply%40voek.example:p%40ss@mail.example:587?starttls=1", "")->describe() ==
          "smtp://mail.example:587 (STARTTLS, AUTH)");
    CHECK(makeMailTransport("SMTPS://mail.example", "")->describe() == "smtps://mail.example:465 (TLS)");
    CHECK(makeMailTransport("smtp://[::1]:2525/?helo=kabinet.voek.example", "")->describe() == "smtp://[::1]:2525");
    CHECK(makeMailTransport("smtp://mail.example", "")->describe() == "smtp://mail.example:25");
}
