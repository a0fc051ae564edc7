#!/usr/bin/python3
"""Writer of XML 80020 files (ПК «Энергосфера» exchange layout) for Kabinet's connector tests (stdlib only).

Written from the published facts of the layout (shared/reference/PROTOCOLS.md §5), not from the plugin:
  <message class="80020" version="2" number="N"> with <datetime> (<timestamp>YYYYMMDDhhmmss</timestamp>,
  <daylightsavingtime>0|1</daylightsavingtime>, <day>YYYYMMDD</day>), <sender> (<inn>, <name>), <area
  timezone="…"> (<inn>, <name>) holding <measuringpoint code="<15 digits>" name="…"> with <measuringchannel
  code="01|02|03|04" desc="…"> of 48 <period start="hhmm" end="hhmm"><value>int</value></period>.
  Encoding windows-1251; file name 80020_<senderINN>_<YYYYMMDD>_<number>_<areaINN>.xml; one file per day.

Run:  /usr/bin/python3 tests/simulators/gen80020.py --out DIR --from 2026-11-01 --days 30 --points 5 \
          [--codes C1,C2,…] [--channels 01,02] [--sender-inn …] [--area-inn …] [--utc-offset-min 180] [--dst 0|1]
          [--malformed-day YYYY-MM-DD[:kind]] [--duplicate-file] [--unknown-points K] [--truncate-day YYYY-MM-DD]
          [--seed S] [--truth FILE]
Malformed kinds: "periods" (a channel of one point has 47 periods), "value" (a value that is not an integer),
"day" (the <day> is not a date). Unknown points carry codes starting with 999 that no tenant knows.

The truth JSON says what a correct import stores: {"utc_offset_min", "dst", "files": [{"name", "day",
"expect"}], "profile": {"<code>": [[ts, p_plus, p_minus, q_plus, q_minus], …]}, "unknown_codes": […],
"malformed": [{"name", "day", "code", "reason"}]} — profile rows are average power (kW) = energy of the
half-hour (kWh) × 2, ts the UTC start of the half-hour, null for a channel the file does not carry; rows
of a malformed point-day, of unknown codes and of a truncated file are absent.
"""

import argparse
import datetime
import json
import os
import random
import sys
from xml.sax.saxutils import escape, quoteattr

CHANNEL_DESC = {"01": "Активная энергия, приём", "02": "Активная энергия, отдача",
                "03": "Реактивная энергия, приём", "04": "Реактивная энергия, отдача"}
CHANNEL_FIELD = {"01": 1, "02": 2, "03": 3, "04": 4}  # position in a truth row after ts


def default_codes(n):
    return ["91%013d" % (1001 + i) for i in range(n)]


def hhmm(minutes):
    return "%02d%02d" % (minutes // 60, minutes % 60)


def day_values(rng, code, channel, day):
    """48 half-hour energies (kWh, integers) of a point's channel on a day: a daily curve plus noise."""
    base = 20 + (int(code[-4:]) % 37) * 3
    scale = {"01": 1.0, "02": 0.1, "03": 0.4, "04": 0.05}[channel]
    out = []
    for i in range(48):
        hour = i / 2
        curve = 0.6 + 0.4 * (1 if 8 <= hour < 20 else 0) + 0.1 * ((day.toordinal() + i) % 3)
        out.append(max(0, int(round(base * scale * curve + rng.randint(0, 5)))))
    return out


def build(args):
    rng = random.Random(args.seed)
    codes = args.codes.split(",") if args.codes else default_codes(args.points)
    unknown = ["999%012d" % (i + 1) for i in range(args.unknown_points)]
    channels = args.channels.split(",")
    start = datetime.date.fromisoformat(args.date_from)
    malformed_day, malformed_kind = None, "periods"
    if args.malformed_day:
        part = args.malformed_day.split(":")
        malformed_day = datetime.date.fromisoformat(part[0])
        if len(part) > 1:
            malformed_kind = part[1]
    truncate_day = datetime.date.fromisoformat(args.truncate_day) if args.truncate_day else None
    offset = (args.utc_offset_min + (60 if args.dst else 0)) * 60
    truth = {"utc_offset_min": args.utc_offset_min, "dst": args.dst, "files": [], "profile": {c: [] for c in codes},
             "unknown_codes": unknown, "malformed": []}
    os.makedirs(args.out, exist_ok=True)
    for d in range(args.days):
        day = start + datetime.timedelta(days=d)
        number = args.first_number + d
        stamp = day.strftime("%Y%m%d")
        name = "80020_%s_%s_%d_%s.xml" % (args.sender_inn, stamp, number, args.area_inn)
        midnight = int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc).timestamp()) - offset
        bad_point = codes[0] if day == malformed_day else None
        lines = ['<?xml version="1.0" encoding="windows-1251"?>',
                 '<message class="80020" version="2" number="%d">' % number,
                 "<datetime><timestamp>%s</timestamp><daylightsavingtime>%d</daylightsavingtime><day>%s</day></datetime>"
                 % ((day + datetime.timedelta(days=1)).strftime("%Y%m%d") + "020000", args.dst,
                    "2026ab01" if bad_point and malformed_kind == "day" else stamp),
                 "<sender><inn>%s</inn><name>%s</name></sender>" % (args.sender_inn, escape(args.sender_name)),
                 '<area timezone="%s"><inn>%s</inn><name>%s</name>' % (args.timezone, args.area_inn, escape(args.area_name))]
        expect = "accepted"
        for code in codes + unknown:
            lines.append('<measuringpoint code="%s" name=%s>' % (code, quoteattr("Точка учёта " + code[-4:])))
            rows = [[midnight + i * 1800, None, None, None, None] for i in range(48)]
            for ch in channels:
                values = day_values(rng, code, ch, day)
                lines.append('<measuringchannel code="%s" desc=%s>' % (ch, quoteattr(CHANNEL_DESC[ch])))
                for i, v in enumerate(values):
                    if code == bad_point and malformed_kind == "periods" and ch == channels[0] and i == 47:
                        continue
                    text = "%d" % v
                    if code == bad_point and malformed_kind == "value" and ch == channels[0] and i == 10:
                        text = "12,5x"
                    lines.append('<period start="%s" end="%s"><value status="0">%s</value></period>'
                                 % (hhmm(i * 30), hhmm((i * 30 + 30) % 1440), text))
                    rows[i][CHANNEL_FIELD[ch]] = v * 2
                lines.append("</measuringchannel>")
            lines.append("</measuringpoint>")
            if code in unknown:
                expect = "partial"
                continue
            if code == bad_point:
                expect = "malformed" if malformed_kind == "day" else "partial"
                truth["malformed"].append({"name": name, "day": day.isoformat(), "code": code, "reason": malformed_kind})
                continue
            if day == truncate_day:
                continue
            truth["profile"][code].extend(rows)
        lines += ["</area>", "</message>", ""]
        data = "\n".join(lines).encode("cp1251")
        if day == truncate_day:
            data = data[: len(data) * 2 // 3]
            expect = "malformed"
            truth["malformed"].append({"name": name, "day": day.isoformat(), "code": "", "reason": "truncated"})
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
        truth["files"].append({"name": name, "day": day.isoformat(), "expect": expect})
        if args.duplicate_file and d == 0:
            # a copy of the first day's file under another number that sorts after it by name: the copy is the
            # one a reader taking files in name order meets second
            dup = "80020_%s_%s_%d_%s.xml" % (args.sender_inn, stamp, number + 900000, args.area_inn)
            with open(os.path.join(args.out, dup), "wb") as f:
                f.write(data)
            truth["files"].append({"name": dup, "day": day.isoformat(), "expect": "duplicate"})
    return truth


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True)
    p.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
    p.add_argument("--days", type=int, default=1)
    p.add_argument("--points", type=int, default=3)
    p.add_argument("--codes", default="", help="measuring-point codes (15 digits), comma-separated")
    p.add_argument("--channels", default="01,02")
    p.add_argument("--sender-inn", default="9102012345")
    p.add_argument("--sender-name", default="ООО «СИГМА»")
    p.add_argument("--area-inn", default="9102012345")
    p.add_argument("--area-name", default="ООО «СИГМА», г. Симферополь")
    p.add_argument("--timezone", default="1")
    p.add_argument("--utc-offset-min", type=int, default=180)
    p.add_argument("--dst", type=int, choices=(0, 1), default=0)
    p.add_argument("--first-number", type=int, default=1)
    p.add_argument("--malformed-day", default="")
    p.add_argument("--truncate-day", default="")
    p.add_argument("--duplicate-file", action="store_true")
    p.add_argument("--unknown-points", type=int, default=0)
    p.add_argument("--seed", type=int, default=14)
    p.add_argument("--truth", default="")
    args = p.parse_args()
    for code in (args.codes.split(",") if args.codes else []):
        if len(code) != 15 or not code.isdigit():
            sys.exit("gen80020: a measuring-point code has 15 digits: %r" % code)
    truth = build(args)
    if args.truth:
        with open(args.truth, "w", encoding="utf-8") as f:
            json.dump(truth, f, ensure_ascii=False)
    print("FILES %d" % len(truth["files"]))


if __name__ == "__main__":
    main()
