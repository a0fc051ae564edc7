#!/usr/bin/python3
"""WAVIoT platform simulator for Kabinet's waviot connector (standard library only).

Written from the published facts of the WAVIoT API (shared reference PROTOCOLS.md §4, REGULATION.md §B1):

Run:  /usr/bin/python3 tests/simulators/waviot_server.py --port 0 [--modems 4] [--login kes --password secret]
The first line on stdout is "PORT <n>" (flushed); nothing else goes to stdout.

Authorisation (the auth host is served under /auth/ of the same port):
  POST /auth/?action=user-login    JSON {"login","password"} → 200 {"sc","rt","WAVIOT_JWT","sessid"};
                                   a wrong login or password → 400; more than --max-sessions open sessions
                                   of the account → 429 (close sessions with user-logout).
  POST /auth/?action=user-refresh  JSON {"rt": <refresh token>} → a new JWT of the same session (same answer
                                   shape); an unknown refresh token → 400. (The request shape of user-refresh
                                   is not published; this one is the simulator's.)
  POST /auth/?action=user-logout   with the JWT → closes the session.
The API accepts "Authorization: bearer <JWT>" or the cookie WAVIOT_JWT; missing, expired or closed → 401
{"status":"error","message","code":5} (code 5 = authorisation error). A JWT lives --token-ttl seconds
of the simulator's clock.

API (GET or POST; POST parameters win over the query's):
  /api.tree/get_modems/?id=<element>                 {"status":"ok","modems":[{id, flavor_id, temperature, battery, …}]}
  /api.data/get_full_element_info/?id=<element>      {"status":"ok","devices":{<id>:{modem_id, tree_name,
                                                       registrators:{<channel>:{id,name,channel_id,unit_id,serial,
                                                       last_value,last_value_timestamp}}}}}
  /api.modem/info/?id=<HEX>                          {"status":"ok","modem":{id, modem_type, protocol_id,
                                                       last_station_time, hw_version, sw_version, temperature,
                                                       battery, battery_type, last_info_message}}
  /api.modem/get_last_message/?id=<HEX>              {"status":"ok","packet":{...}}
  /api.data/get_modem_channel_values/?modem_id=&channel=&from=&to=
                                                     {"status":"ok","values":{"<unix ts>":"<value>"}} (from/to
                                                       Unix seconds, both inclusive; numbers as strings)
Channels: electro_ac_p_lsum_t1.._t4 and electro_ac_p_lsum_tsum (cumulative active energy, kWh, three decimals;
modems of type ФОБОС 1 count on t1 (07–23 UTC) and t2, ФОБОС 3 also on t3 (17–23 UTC); t4 stays empty);
half-hourly values for even modem numbers, daily (00:00 UTC) for odd ones. electro_event_log: the event
journal, values are event codes. The ФОБОС event codes are not published: this simulator's codes are its
own (EVENT_CODES below), which is why the connector maps codes through a setting.
Errors: {"status":"error","message","code"}; an unknown modem → 200 with code 2.

Control:
  POST /_control  {"fault": "401"|"401_once"|"429"|"500"|"slow"|"truncated", "times": n, "after": k,
                   "delay_ms": ms (slow), "path": "<substring of the API path>"}: the next n API requests
                   (after k more pass untouched; only those whose path contains "path") fail so. "401" also
                   expires the JWT the request carried (as an expired token would).
                  {"now": unix} sets the clock (0 = follow the wall clock); {"event": {"modem", "ts", "code"}}
                   adds a journal entry; {"battery": {"modem", "value"}}; {"reset": true} clears faults, extra
                   events and counters and closes every session.
  GET  /_truth?from=&to=  what the simulator holds: {"now", "modems":[…], "values":{<modem>:{<channel>:
                   {"ts": "value"}}}, "events":{<modem>:[{ts, code}]}, "sessions", "logins", "refreshes",
                   "logouts", "faults_served", "requests"} (values and events within [from, to]).
"""

import argparse
import base64
import hashlib
import json
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1 << 16
ORIGIN = 1767225600          # 2026-01-01T00:00:00Z: the first value of every modem
HALF_HOUR = 1800
DAY = 86400
CHANNELS = ("electro_ac_p_lsum_t1", "electro_ac_p_lsum_t2", "electro_ac_p_lsum_t3", "electro_ac_p_lsum_t4",
            "electro_ac_p_lsum_tsum")
EVENT_CHANNEL = "electro_event_log"
# The simulator's own event codes (the real ФОБОС codes are unknown).
EVENT_CODES = {"1": "power_on", "2": "power_off", "17": "cover_open", "18": "terminal_cover_open",
               "21": "magnetic_field"}
FAULTS = ("401", "401_once", "429", "500", "slow", "truncated")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Modem:
    """One simulated modem with its meter: deterministic cumulative energy per tariff (integer Wh)."""

    def __init__(self, index):
        self.index = index
        self.id = "%06X" % (0x3B2A10 + index)
        self.kind = "fobos3" if index % 3 == 1 else "fobos1"
        self.serial = "0%07d" % (1830400 + index * 17)
        self.title = ("ФОБОС 3" if self.kind == "fobos3" else "ФОБОС 1") + " № " + self.serial
        self.step = HALF_HOUR if index % 2 == 0 else DAY
        self.base = 1000000 + index * 250000   # Wh at ORIGIN, split t1 60 % / t2 40 %
        self.battery = "%.2f" % (3.6 - 0.05 * index)
        self.cache = [(self.base * 6 // 10, self.base * 4 // 10, 0)]  # cumulative (t1, t2, t3) at ORIGIN + k*step

    def tariff(self, ts):
        hour = (ts // 3600) % 24
        if self.kind == "fobos3" and 17 <= hour < 23:
            return 2
        return 0 if 7 <= hour < 23 else 1

    def increment(self, ts):
        """Energy (Wh) consumed in the step that ends at ts."""
        if self.step == DAY:
            return 5000 + (ts // DAY * 7919 + self.index * 104729) % 9000
        return 80 + ((ts // HALF_HOUR) * 7919 + self.index * 104729) % 400

    def cumulative(self, k):
        while len(self.cache) <= k:
            ts = ORIGIN + len(self.cache) * self.step
            last = list(self.cache[-1])
            if self.step == DAY:   # a daily value: spread over the tariffs by fixed shares
                inc = self.increment(ts)
                shares = (10, 4, 6) if self.kind == "fobos3" else (16, 8, 0)
                parts = [inc * s // 24 for s in shares]
                parts[1] += inc - sum(parts)
                for i in range(3):
                    last[i] += parts[i]
            else:
                last[self.tariff(ts - HALF_HOUR)] += self.increment(ts)
            self.cache.append(tuple(last))
        return self.cache[k]

    def values(self, channel, lo, hi, now):
        """{ts: "kWh"} of a channel for ORIGIN <= lo <= ts <= hi <= now."""
        out = {}
        hi = min(hi, now)
        if hi < ORIGIN or channel not in CHANNELS or channel.endswith("_t4"):
            return out
        if channel.endswith("_t3") and self.kind != "fobos3":
            return out
        k = max(0, -(-(lo - ORIGIN) // self.step))
        while ORIGIN + k * self.step <= hi:
            t1, t2, t3 = self.cumulative(k)
            wh = {"electro_ac_p_lsum_t1": t1, "electro_ac_p_lsum_t2": t2, "electro_ac_p_lsum_t3": t3,
                  "electro_ac_p_lsum_tsum": t1 + t2 + t3}[channel]
            out[str(ORIGIN + k * self.step)] = "%d.%03d" % (wh // 1000, wh % 1000)
            k += 1
        return out

    def journal(self, lo, hi, now):
        """Deterministic journal: a power cut every 5th day (02:10–02:40 UTC); a cover opening on day 12 of
        every 40 for modem 0 and a magnetic field on day 20 of every 40 for modem 1."""
        out = []
        hi = min(hi, now)
        day = max(ORIGIN, lo - DAY) // DAY
        while day * DAY <= hi:
            d = day - ORIGIN // DAY
            if (d + self.index) % 5 == 0:
                out.append((day * DAY + 7800, "2"))
                out.append((day * DAY + 9600, "1"))
            if self.index == 0 and d % 40 == 12:
                out.append((day * DAY + 50400, "17"))
            if self.index == 1 and d % 40 == 20:
                out.append((day * DAY + 43200, "21"))
            day += 1
        return [(ts, code) for ts, code in out if lo <= ts <= hi]


class State:
    """Everything the simulator remembers, guarded by one lock."""

    def __init__(self, options):
        self.lock = threading.Lock()
        self.options = options
        self.modems = [Modem(i) for i in range(options.modems)]
        self.clock = 0
        self.reset()

    def reset(self):
        self.sessions = {}        # sessid → {"jwt", "rt", "exp"}
        self.faults = []
        self.extra_events = {}    # modem id → [(ts, code)]
        self.logins = self.refreshes = self.logouts = self.faults_served = self.requests = 0
        self.next_session = 1

    def now(self):
        return self.clock or int(time.time())

    def modem(self, modem_id):
        for m in self.modems:
            if m.id.lower() == (modem_id or "").lower():
                return m
        return None

    def new_jwt(self, sessid):
        now = self.now()
        header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        claims = {"sub": self.options.login, "account_id": 1, "sessid": sessid, "iat": now,
                  "exp": now + self.options.token_ttl, "n": self.refreshes + self.logins}
        payload = b64url(json.dumps(claims).encode())
        sig = b64url(hashlib.sha256((header + "." + payload + self.options.password).encode()).digest())
        return header + "." + payload + "." + sig, now + self.options.token_ttl

    def session_of(self, jwt):
        for sessid, s in self.sessions.items():
            if s["jwt"] == jwt:
                return sessid, s
        return None, None

    def take_fault(self, path):
        for fault in self.faults:
            if fault["path"] and fault["path"] not in path:
                continue
            if fault["after"] > 0:
                fault["after"] -= 1
                continue
            fault["times"] -= 1
            if fault["times"] <= 0:
                self.faults.remove(fault)
            self.faults_served += 1
            return fault
        return None


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, options):
        super().__init__(address, Handler)
        self.state = State(options)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "KabinetWaviotSimulator/1.0"

    def log_message(self, fmt, *args):
        if self.server.state.options.verbose:
            sys.stderr.write("waviot: " + (fmt % args) + "\n")

    def _answer(self, status, payload, extra=None, truncate=False):
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        if truncate:
            body = body[: max(1, len(body) // 2)]
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def _params(self, body):
        split = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        json_body = None
        if body:
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/json":
                try:
                    json_body = json.loads(body.decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    json_body = None
            else:
                params.update(dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)))
        return split.path, params, json_body

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            raise ValueError
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        self._dispatch(b"")

    def do_POST(self):
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._answer(413, {"status": "error", "message": "body too large"})
            return
        self._dispatch(body)

    def _dispatch(self, body):
        path, params, json_body = self._params(body)
        if path == "/_control":
            self._control(json_body or {})
        elif path == "/_truth":
            self._truth(params)
        elif path.rstrip("/") == "/auth" or "action" in params and not path.startswith("/api"):
            self._auth(params, json_body or {})
        elif path.startswith("/api."):
            self._api(path, params)
        else:
            self._answer(404, {"status": "error", "message": "not found", "code": 404})

    # --- auth ------------------------------------------------------------------------------------

    def _auth(self, params, body):
        state = self.server.state
        options = state.options
        action = params.get("action", "")
        with state.lock:
            if action == "user-login":
                if body.get("login") != options.login or body.get("password") != options.password:
                    self._answer(400, {"status": "error", "message": "Неверный логин или пароль", "code": 1})
                    return
                now = state.now()
                for sessid in [k for k, s in state.sessions.items() if s["exp"] + options.session_ttl < now]:
                    del state.sessions[sessid]
                if len(state.sessions) >= options.max_sessions:
                    self._answer(429, {"status": "error", "message": "Too many sessions", "code": 429})
                    return
                sessid = "s%d" % state.next_session
                state.next_session += 1
                state.logins += 1
                jwt, exp = state.new_jwt(sessid)
                rt = b64url(hashlib.sha256(("rt" + sessid + str(state.logins)).encode()).digest())
                state.sessions[sessid] = {"jwt": jwt, "rt": rt, "exp": exp}
                self._answer(200, {"sc": "ok", "rt": rt, "WAVIOT_JWT": jwt, "sessid": sessid})
            elif action == "user-refresh":
                for sessid, s in state.sessions.items():
                    if s["rt"] and s["rt"] == body.get("rt"):
                        state.refreshes += 1
                        s["jwt"], s["exp"] = state.new_jwt(sessid)
                        self._answer(200, {"sc": "ok", "rt": s["rt"], "WAVIOT_JWT": s["jwt"], "sessid": sessid})
                        return
                self._answer(400, {"status": "error", "message": "Unknown refresh token", "code": 5})
            elif action == "user-logout":
                sessid, _ = state.session_of(self._jwt())
                if sessid:
                    del state.sessions[sessid]
                    state.logouts += 1
                self._answer(200, {"status": "ok"})
            else:
                self._answer(400, {"status": "error", "message": "unknown action", "code": 1})

    def _jwt(self):
        auth = self.headers.get("Authorization") or ""
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "WAVIOT_JWT":
                return value
        return ""

    # --- API -------------------------------------------------------------------------------------

    def _api(self, path, params):
        state = self.server.state
        with state.lock:
            state.requests += 1
            fault = state.take_fault(path)
            jwt = self._jwt()
            sessid, session = state.session_of(jwt)
            if fault and fault["fault"] in ("401", "401_once") and session:
                session["exp"] = 0   # the token expired under the client's feet
            authorised = session is not None and session["exp"] > state.now()
        if fault:
            kind = fault["fault"]
            if kind in ("401", "401_once"):
                self._answer(401, {"status": "error", "message": "Authorization required", "code": 5})
                return
            if kind == "429":
                self._answer(429, {"status": "error", "message": "Too many requests", "code": 429}, {"Retry-After": "1"})
                return
            if kind == "500":
                self._answer(500, {"status": "error", "message": "Internal error", "code": 500})
                return
            if kind == "slow":
                time.sleep(fault["delay_ms"] / 1000.0)
        if not authorised:
            self._answer(401, {"status": "error", "message": "Authorization required", "code": 5})
            return
        truncate = bool(fault and fault["fault"] == "truncated")
        with state.lock:
            payload = self._method(path.rstrip("/"), params)
        self._answer(200, payload, truncate=truncate)

    def _method(self, method, params):
        state = self.server.state
        now = state.now()
        if method == "/api.tree/get_modems":
            return {"status": "ok", "modems": [{"id": m.id, "flavor_id": "7", "temperature": "21",
                                                "battery": m.battery} for m in state.modems]}
        if method == "/api.data/get_full_element_info":
            devices = {}
            for m in state.modems:
                regs = {}
                for n, ch in enumerate(CHANNELS + (EVENT_CHANNEL,)):
                    regs[ch] = {"id": str(1000 * (m.index + 1) + n), "name": ch, "channel_id": ch,
                                "unit_id": "kWh" if ch != EVENT_CHANNEL else "", "serial": m.serial}
                devices[m.id] = {"modem_id": m.id, "tree_name": m.title, "registrators": regs}
            return {"status": "ok", "devices": devices}
        if method in ("/api.modem/info", "/api.modem/get_last_message"):
            m = state.modem(params.get("id"))
            if m is None:
                return {"status": "error", "message": "Modem not found", "code": 2}
            last = now - now % HALF_HOUR
            if method == "/api.modem/get_last_message":
                return {"status": "ok", "packet": {"modem_id": m.id, "time": str(last), "data": "a1b2c3"}}
            return {"status": "ok", "modem": {"id": m.id, "modem_type": m.kind, "protocol_id": "3",
                                              "last_station_time": str(last), "hw_version": "2.1",
                                              "sw_version": "5.14", "temperature": "21", "battery": m.battery,
                                              "battery_type": "Li-SOCl2", "last_info_message": str(last - 3600)}}
        if method == "/api.data/get_modem_channel_values":
            m = state.modem(params.get("modem_id"))
            if m is None:
                return {"status": "error", "message": "Modem not found", "code": 2}
            try:
                lo = int(params.get("from", ORIGIN))
                hi = int(params.get("to", now))
            except ValueError:
                return {"status": "error", "message": "Bad from/to", "code": 3}
            channel = params.get("channel", "")
            if channel == EVENT_CHANNEL:
                return {"status": "ok", "values": {str(ts): code for ts, code in self._events(m, lo, hi, now)}}
            return {"status": "ok", "values": m.values(channel, lo, hi, now)}
        return {"status": "error", "message": "Unknown method", "code": 4}

    def _events(self, m, lo, hi, now):
        extra = [(ts, code) for ts, code in self.server.state.extra_events.get(m.id, []) if lo <= ts <= min(hi, now)]
        return sorted(m.journal(lo, hi, now) + extra)

    # --- control ---------------------------------------------------------------------------------

    def _control(self, spec):
        state = self.server.state
        with state.lock:
            try:
                if spec.get("reset"):
                    state.reset()
                if "now" in spec:
                    state.clock = int(spec["now"])
                if "fault" in spec:
                    if spec["fault"] not in FAULTS:
                        raise ValueError("fault")
                    times = 1 if spec["fault"] == "401_once" else int(spec.get("times", 1))
                    state.faults.append({"fault": spec["fault"], "times": times, "after": int(spec.get("after", 0)),
                                         "delay_ms": int(spec.get("delay_ms", 5000)), "path": str(spec.get("path", ""))})
                if "event" in spec:
                    e = spec["event"]
                    m = state.modem(str(e["modem"]))
                    if m is None:
                        raise ValueError("modem")
                    state.extra_events.setdefault(m.id, []).append((int(e["ts"]), str(e["code"])))
                if "battery" in spec:
                    m = state.modem(str(spec["battery"]["modem"]))
                    if m is None:
                        raise ValueError("modem")
                    m.battery = str(spec["battery"]["value"])
            except (ValueError, KeyError, TypeError) as e:
                self._answer(400, {"error": "bad control request: %s" % e, "faults": list(FAULTS)})
                return
            self._answer(200, {"status": "ok", "now": state.now()})

    def _truth(self, params):
        state = self.server.state
        with state.lock:
            now = state.now()
            lo = int(params.get("from", ORIGIN))
            hi = int(params.get("to", now))
            modems, values, events = [], {}, {}
            for m in state.modems:
                modems.append({"id": m.id, "serial": m.serial, "title": m.title, "type": m.kind,
                               "battery": m.battery, "step": m.step})
                values[m.id] = {ch: m.values(ch, lo, hi, now) for ch in CHANNELS}
                events[m.id] = [{"ts": ts, "code": code, "name": EVENT_CODES.get(code, "")}
                                for ts, code in self._events(m, lo, hi, now)]
            truth = {"now": now, "modems": modems, "values": values, "events": events,
                     "sessions": len(state.sessions), "logins": state.logins, "refreshes": state.refreshes,
                     "logouts": state.logouts, "faults_served": state.faults_served, "requests": state.requests,
                     "faults_pending": len(state.faults)}
        self._answer(200, truth)


def main():
    parser = argparse.ArgumentParser(description="WAVIoT API simulator")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = pick a free one)")
    parser.add_argument("--modems", type=int, default=4, help="how many modems the account sees")
    parser.add_argument("--login", default="kes-orenburg", help="the account's login")
    parser.add_argument("--password", default="waviot-demo", help="the account's password")
    parser.add_argument("--max-sessions", type=int, default=30, help="open sessions per account before 429")
    parser.add_argument("--token-ttl", type=int, default=3600, help="JWT lifetime, seconds of the clock")
    parser.add_argument("--session-ttl", type=int, default=86400, help="an unused expired session closes after")
    parser.add_argument("--exit-on-stdin-eof", action="store_true", help="exit when stdin is closed")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    options = parser.parse_args()

    server = Server(("127.0.0.1", options.port), options)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if options.exit_on_stdin_eof:
        def watch_stdin():
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            except (OSError, ValueError):
                pass
            stop.set()
        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="serve", daemon=True).start()
    sys.stdout.write("PORT %d\n" % server.server_address[1])
    sys.stdout.flush()
    stop.wait()
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
