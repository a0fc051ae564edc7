//
// Message80020.cpp
//


#include "Message80020.h"

#include "Poco/AutoPtr.h"
#include "Poco/DOM/DOMParser.h"
#include "Poco/DOM/Document.h"
#include "Poco/DOM/Element.h"
#include "Poco/DOM/NodeList.h"
#include "Poco/Exception.h"
#include "Poco/SAX/InputSource.h"
#include "Poco/TextConverter.h"
#include "Poco/UTF8Encoding.h"
#include "Poco/Windows1251Encoding.h"

#include <sstream>


namespace kabinet::energosfera {


namespace {


using Poco::XML::Element;
using Poco::XML::Node;


std::string trim(const std::string& s)
{
	const auto b = s.find_first_not_of(" \t\r\n");
	if (b == std::string::npos) return {};
	return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}


std::vector<Element*> children(Element* parent, const std::string& name)
{
	std::vector<Element*> out;
	for (Node* n = parent ? parent->firstChild() : nullptr; n; n = n->nextSibling())
	{
		if (n->nodeType() == Node::ELEMENT_NODE && n->nodeName() == name) out.push_back(static_cast<Element*>(n));
	}
	return out;
}


Element* child(Element* parent, const std::string& name)
{
	return parent ? parent->getChildElement(name) : nullptr;
}


std::string text(Element* parent, const std::string& name)
{
	Element* e = child(parent, name);
	return e ? trim(e->innerText()) : std::string();
}


int hhmm(const std::string& s)
{
	if (s.size() != 4) return -1;
	for (char c : s)
		if (c < '0' || c > '9') return -1;
	const int h = (s[0] - '0') * 10 + (s[1] - '0');
	const int m = (s[2] - '0') * 10 + (s[3] - '0');
	if (h > 24 || m > 59) return -1;
	return h * 60 + m;
}


std::string escapeXml(const std::string& s)
{
	std::string out;
	out.reserve(s.size());
	for (char c : s)
	{
		switch (c)
		{
		case '&': out += "&amp;"; break;
		case '<': out += "&lt;"; break;
		case '>': out += "&gt;"; break;
		case '"': out += "&quot;"; break;
		default:
			if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') out += ' ';
			else out += c;
		}
	}
	return out;
}


std::string twoDigits(int v)
{
	return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10);
}


} // namespace


Message80020 read80020(const std::string& bytes)
{
	Poco::Windows1251Encoding cp1251;
	Poco::XML::DOMParser parser;
	parser.addEncoding("windows-1251", &cp1251);
	parser.addEncoding("Windows-1251", &cp1251);
	parser.addEncoding("WINDOWS-1251", &cp1251);
	parser.addEncoding("cp1251", &cp1251);
	Poco::AutoPtr<Poco::XML::Document> doc;
	try
	{
		std::istringstream in(bytes);
		Poco::XML::InputSource source(in);
		doc = parser.parse(&source);
	}
	catch (const Poco::Exception&)
	{
		throw FormatError("файл не является правильным XML (обрезан или повреждён)");
	}
	catch (const std::exception&)
	{
		throw FormatError("файл не является правильным XML (обрезан или повреждён)");
	}
	Element* root = doc->documentElement();
	if (!root || root->nodeName() != "message") throw FormatError("нет элемента message");
	if (root->getAttribute("class") != "80020") throw FormatError("класс сообщения не 80020");
	Message80020 m;
	m.number = trim(root->getAttribute("number"));
	Element* dt = child(root, "datetime");
	m.timestamp = text(dt, "timestamp");
	m.daylightSaving = text(dt, "daylightsavingtime") == "1";
	m.day = text(dt, "day");
	if (m.day.empty()) throw FormatError("нет даты (datetime/day)");
	Element* sender = child(root, "sender");
	m.senderInn = text(sender, "inn");
	m.senderName = text(sender, "name");
	Element* area = child(root, "area");
	if (!area) throw FormatError("нет элемента area");
	m.areaInn = text(area, "inn");
	m.areaName = text(area, "name");
	m.areaTimezone = area->getAttribute("timezone");
	for (Element* p : children(area, "measuringpoint"))
	{
		Point80020 point;
		point.code = trim(p->getAttribute("code"));
		point.name = p->getAttribute("name");
		for (Element* c : children(p, "measuringchannel"))
		{
			Channel80020 channel;
			channel.code = trim(c->getAttribute("code"));
			channel.desc = c->getAttribute("desc");
			for (Element* per : children(c, "period"))
			{
				Period80020 period;
				period.startMin = hhmm(per->getAttribute("start"));
				period.endMin = hhmm(per->getAttribute("end"));
				Element* v = child(per, "value");
				period.value = v ? trim(v->innerText()) : std::string();
				period.status = v ? v->getAttribute("status") : std::string();
				channel.periods.push_back(std::move(period));
			}
			point.channels.push_back(std::move(channel));
		}
		m.points.push_back(std::move(point));
	}
	return m;
}


std::string write80020(const Message80020& m)
{
	std::string x;
	x.reserve(4096 + m.points.size() * 8192);
	x += "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n";
	x += "<message class=\"80020\" version=\"2\" number=\"" + escapeXml(m.number) + "\">\n";
	x += "<datetime><timestamp>" + escapeXml(m.timestamp) + "</timestamp><daylightsavingtime>" + (m.daylightSaving ? "1" : "0") +
		"</daylightsavingtime><day>" + escapeXml(m.day) + "</day></datetime>\n";
	x += "<sender><inn>" + escapeXml(m.senderInn) + "</inn><name>" + escapeXml(m.senderName) + "</name></sender>\n";
	x += "<area timezone=\"" + escapeXml(m.areaTimezone) + "\"><inn>" + escapeXml(m.areaInn) + "</inn><name>" + escapeXml(m.areaName) + "</name>\n";
	for (const auto& p : m.points)
	{
		x += "<measuringpoint code=\"" + escapeXml(p.code) + "\" name=\"" + escapeXml(p.name) + "\">\n";
		for (const auto& c : p.channels)
		{
			x += "<measuringchannel code=\"" + escapeXml(c.code) + "\" desc=\"" + escapeXml(c.desc) + "\">\n";
			for (const auto& per : c.periods)
			{
				const int end = per.endMin % 1440;
				x += "<period start=\"" + twoDigits(per.startMin / 60) + twoDigits(per.startMin % 60) + "\" end=\"" + twoDigits(end / 60) +
					twoDigits(end % 60) + "\"><value";
				if (!per.status.empty()) x += " status=\"" + escapeXml(per.status) + "\"";
				x += ">" + escapeXml(per.value) + "</value></period>\n";
			}
			x += "</measuringchannel>\n";
		}
		x += "</measuringpoint>\n";
	}
	x += "</area>\n</message>\n";
	Poco::UTF8Encoding utf8;
	Poco::Windows1251Encoding cp1251;
	Poco::TextConverter converter(utf8, cp1251, '?');
	std::string out;
	converter.convert(x, out);
	return out;
}


std::string fileName80020(const Message80020& m)
{
	return "80020_" + m.senderInn + "_" + m.day + "_" + m.number + "_" + m.areaInn + ".xml";
}


} // namespace kabinet::energosfera
