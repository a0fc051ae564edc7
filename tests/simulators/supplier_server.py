#!/usr/bin/python3
"""Supplier billing server simulator (a supplier's consumer cabinet API), standard library only.

The ОЭС 360 supplier's real API is not published. This simulator follows what supplier cabinets are
known to expose (REGULATION.md §B3): a login giving a token, the contracts of the account with their
metering points and meters (each meter with its readings submission window), the current balance, the
accruals (charges) and payments of a contract, readings submission (accepted only inside the window and
only as whole numbers), the supplier's notifications, and consumer appeals with a status and an answer.

Run:  /usr/bin/python3 tests/simulators/supplier_server.py --port 0 [--window 15-25] [--exit-on-stdin-eof]
The first line on stdout is "PORT <n>" (flushed); nothing else goes to stdout.

API (JSON bodies; every call but login needs "Authorization: Bearer <token>", else 401):
  POST /api/v1/auth/login            {"login","password"} → 200 {"access_token","token_type":"Bearer","expires_in"};
                                     wrong login or password → 401 {"error":"invalid_credentials"};
                                     missing fields → 400 {"error":"bad_request"}
  POST /api/v1/auth/logout           → 204; the token stops working
  GET  /api/v1/contracts             → {"items":[{"number","title","consumer_name","address","valid_from",
                                        "points":[{"number","name","address","meters":[{"serial","model",
                                        "smart","zones":[…],"submission":{"from_day","to_day"}}]}]}]}
  GET  /api/v1/contracts/{n}/balance → {"contract","as_of","balance"} (rubles; negative = debt)
  GET  /api/v1/contracts/{n}/accruals?from=YYYY-MM-DD&to=YYYY-MM-DD (to exclusive)
                                     → {"items":[{"id","date","period","amount","text"}]}
  GET  /api/v1/contracts/{n}/payments?from=…&to=… → {"items":[{"id","date","amount","agent"}]}
  POST /api/v1/meters/{serial}/readings {"contract","date","values":{"T1":n,…}} → 200 {"id","status":"accepted"};
                                     outside the window → 409 {"error":"outside_window","message":…};
                                     a value that is not a whole non-negative number → 400 {"error":"not_integer"}
  GET  /api/v1/notifications?since=<unix> → {"items":[{"id","contract","title","text","at"}]}
  POST /api/v1/appeals               {"contract","subject","text","email","phone","reference"} → 201 {"id","status"}
                                     (the same reference twice answers the first appeal again)
  GET  /api/v1/appeals               → {"items":[{"id","contract","subject","status","answer","updated_at"}]}

Control:
  POST /_control  one or more of:
     {"clear": true}                 forgets the queued faults (applied before a new "fault");
     {"fault": "401_once"|"429"|"500"|"slow"|"truncated"|"reset", "times": n, "delay_ms": ms}
         queued faults, used up in order by the next API requests (login included except for "401_once",
         which invalidates the token of the next authorised request);
     {"now": unix}                  the simulator's clock (0: real time again);
     {"window": {"from_day": d1, "to_day": d2}}  the submission window of every meter;
     {"appeal": {"id", "status", "answer"}}      changes an appeal (status "in_work", "closed");
     {"notify": {"contract", "title", "text"}}   adds a notification;
     {"down": true|false}           every API request closes the connection without an answer.
  GET  /_truth    everything held: accounts (logins, never passwords), contracts, balances, accruals,
                  payments (up to the clock), readings received, notifications, appeals, requests counted.

Exits on SIGTERM/SIGINT, and with --exit-on-stdin-eof when stdin closes.
"""

import argparse
import calendar
import datetime
import hashlib
import json
import re
import secrets
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MSK = datetime.timezone(datetime.timedelta(hours=3))
FAULTS = ("401_once", "429", "500", "slow", "truncated", "reset")

ACCOUNTS = {
    # login: (password, [contract numbers])
    "ivanov": ("Oes360-demo", ["77120458-301"]),
    "petrova": ("Oes360-demo2", ["77120459-114", "77120459-115"]),
}

CONTRACTS = {
    "77120458-301": {"title": "Электроснабжение", "consumer_name": "Иванов Василий Васильевич",
                     "address": "Московская обл., СНТ Автомобилист, уч. 12", "valid_from": "2022-01-01",
                     "points": [{"number": "7712045801", "name": "Дача",
                                 "address": "Московская обл., СНТ Автомобилист, уч. 12",
                                 "meters": [{"serial": "41230017", "model": "Меркурий 201.8", "smart": False,
                                             "zones": ["T1", "T2"]}]}]},
    "77120459-114": {"title": "Электроснабжение квартиры", "consumer_name": "Петрова Анна Сергеевна",
                     "address": "г. Москва, ул. Лесная, д. 5, кв. 17", "valid_from": "2023-03-01",
                     "points": [{"number": "7712045901", "name": "Квартира",
                                 "address": "г. Москва, ул. Лесная, д. 5, кв. 17",
                                 "meters": [{"serial": "50990211", "model": "Нева 101", "smart": False,
                                             "zones": ["T1"]}]}]},
    "77120459-115": {"title": "Электроснабжение гаража", "consumer_name": "Петрова Анна Сергеевна",
                     "address": "г. Москва, ул. Лесная, д. 5, гараж 3", "valid_from": "2023-03-01",
                     "points": [{"number": "7712045902", "name": "Гараж",
                                 "address": "г. Москва, ул. Лесная, д. 5, гараж 3",
                                 "meters": [{"serial": "50990212", "model": "Нева 101", "smart": False,
                                             "zones": ["T1"]}]}]},
}


def kopecks(seed, low, high):
    """A deterministic amount in kopecks from a seed text."""
    h = int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16)
    return low + h % (high - low + 1)


class State:
    """Everything the simulator holds, guarded by one lock."""

    def __init__(self, window):
        self.lock = threading.Lock()
        self.fixed_now = 0
        self.window = window
        self.tokens = {}  # token → login
        self.faults = []  # [{"fault", "remaining", "delay_ms"}]
        self.down = False
        self.readings = []
        self.appeals = []
        self.notifications = []
        self.requests = {}
        self.origin = None  # first month of the accruals: 12 months before the start
        start = self.now()
        d = datetime.datetime.fromtimestamp(start, MSK)
        y, m = d.year, d.month - 12
        while m <= 0:
            y, m = y - 1, m + 12
        self.origin = (y, m)
        for number in CONTRACTS:
            self.notifications.append({"id": "N-%s-1" % number, "contract": number,
                                       "title": "Уведомление о плановых работах",
                                       "text": "Плановые работы на линии: возможны перерывы электроснабжения.",
                                       "at": start - 86400})

    def now(self):
        return self.fixed_now or int(time.time())

    def months(self):
        """(year, month) from the origin to the clock's month."""
        d = datetime.datetime.fromtimestamp(self.now(), MSK)
        y, m = self.origin
        while (y, m) <= (d.year, d.month):
            yield y, m
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)

    def accruals(self, contract):
        out = []
        for y, m in self.months():
            at = datetime.datetime(y, m, 1, tzinfo=MSK)
            if at.timestamp() > self.now():
                continue
            py, pm = (y - 1, 12) if m == 1 else (y, m - 1)
            amount = kopecks("%s/%04d%02d/a" % (contract, y, m), 80000, 350000)
            out.append({"id": "A-%s-%04d%02d" % (contract, y, m), "date": at.strftime("%Y-%m-%d"),
                        "period": "%04d-%02d" % (py, pm), "amount": amount / 100.0,
                        "text": "Начисление за электроэнергию за %02d.%04d" % (pm, py)})
        return out

    def payments(self, contract):
        out = []
        for y, m in self.months():
            at = datetime.datetime(y, m, 10, 12, 0, tzinfo=MSK)
            if at.timestamp() > self.now():
                continue
            amount = kopecks("%s/%04d%02d/p" % (contract, y, m), 50000, 350000)
            out.append({"id": "P-%s-%04d%02d" % (contract, y, m), "date": at.strftime("%Y-%m-%d"),
                        "amount": amount / 100.0, "agent": "Банк"})
        return out

    def balance(self, contract):
        paid = sum(round(p["amount"] * 100) for p in self.payments(contract))
        charged = sum(round(a["amount"] * 100) for a in self.accruals(contract))
        return (paid - charged) / 100.0

    def contracts_of(self, login):
        out = []
        for number in ACCOUNTS[login][1]:
            c = json.loads(json.dumps(CONTRACTS[number]))
            c["number"] = number
            for p in c["points"]:
                for meter in p["meters"]:
                    meter["submission"] = dict(self.window)
            out.append(c)
        return out

    def take_fault(self, authorised):
        for f in self.faults:
            if f["fault"] == "401_once" and not authorised:
                continue
            f["remaining"] -= 1
            if f["remaining"] <= 0:
                self.faults.remove(f)
            return f
        return None


def in_range(date, q):
    return (not q.get("from") or date >= q["from"]) and (not q.get("to") or date < q["to"])


class Handler(BaseHTTPRequestHandler):
    server_version = "SupplierSimulator/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        if not raw:
            return {}
        try:
            v = json.loads(raw.decode("utf-8"))
            return v if isinstance(v, dict) else None
        except ValueError:
            return None

    def _answer(self, status, payload=None, truncated=False, headers=None):
        data = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        if truncated:
            data = data[: max(1, len(data) // 2)]
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _reset(self):
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def _dispatch(self, method):
        st = self.server.state
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        q = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        if path == "/_truth" and method == "GET":
            return self._truth()
        if path == "/_control" and method == "POST":
            return self._control(self._body())
        body = self._body() if method == "POST" else {}
        with st.lock:
            st.requests[path.split("/")[3] if path.count("/") >= 3 else path] = \
                st.requests.get(path.split("/")[3] if path.count("/") >= 3 else path, 0) + 1
            if st.down:
                fault = {"fault": "reset"}
            else:
                token = (self.headers.get("Authorization") or "")[7:].strip()
                authorised = token in st.tokens and path != "/api/v1/auth/login"
                fault = st.take_fault(authorised)
                if fault and fault["fault"] == "401_once":
                    st.tokens.pop(token, None)
        if fault:
            kind = fault["fault"]
            if kind == "reset":
                return self._reset()
            if kind == "429":
                return self._answer(429, {"error": "too_many_requests"}, headers={"Retry-After": "1"})
            if kind == "500":
                return self._answer(500, {"error": "internal"})
            if kind == "slow":
                time.sleep(fault.get("delay_ms", 3000) / 1000.0)
            truncated = kind == "truncated"
        else:
            truncated = False
        if body is None:
            return self._answer(400, {"error": "bad_json"})
        with st.lock:
            status, payload = self._api(method, path, q, body)
        self._answer(status, payload, truncated=truncated and status == 200)

    def _api(self, method, path, q, body):
        st = self.server.state
        if path == "/api/v1/auth/login" and method == "POST":
            login, password = body.get("login"), body.get("password")
            if not isinstance(login, str) or not isinstance(password, str) or not login or not password:
                return 400, {"error": "bad_request", "message": "login and password are required"}
            account = ACCOUNTS.get(login)
            if not account or account[0] != password:
                return 401, {"error": "invalid_credentials"}
            token = secrets.token_urlsafe(24)
            st.tokens[token] = login
            return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 30 * 86400}
        token = (self.headers.get("Authorization") or "")[7:].strip()
        login = st.tokens.get(token)
        if not login:
            return 401, {"error": "invalid_token"}
        own = ACCOUNTS[login][1]
        if path == "/api/v1/auth/logout" and method == "POST":
            st.tokens.pop(token, None)
            return 200, {"ok": True}
        if path == "/api/v1/contracts" and method == "GET":
            return 200, {"items": st.contracts_of(login)}
        m = re.fullmatch(r"/api/v1/contracts/([^/]+)/(balance|accruals|payments)", path)
        if m and method == "GET":
            number = urllib.parse.unquote(m.group(1))
            if number not in own:
                return 404, {"error": "contract_not_found"}
            if m.group(2) == "balance":
                return 200, {"contract": number, "as_of": st.now(), "balance": st.balance(number)}
            items = st.accruals(number) if m.group(2) == "accruals" else st.payments(number)
            return 200, {"items": [i for i in items if in_range(i["date"], q)]}
        m = re.fullmatch(r"/api/v1/meters/([^/]+)/readings", path)
        if m and method == "POST":
            serial = urllib.parse.unquote(m.group(1))
            contract = body.get("contract")
            if contract not in own:
                return 404, {"error": "contract_not_found"}
            meters = [mt for p in CONTRACTS[contract]["points"] for mt in p["meters"] if mt["serial"] == serial]
            if not meters:
                return 404, {"error": "meter_not_found"}
            values = body.get("values")
            if not isinstance(values, dict) or not values:
                return 400, {"error": "bad_request", "message": "values are required"}
            for zone, v in values.items():
                if zone not in meters[0]["zones"]:
                    return 400, {"error": "unknown_zone", "message": "zone " + zone}
                if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0 or v != int(v):
                    return 400, {"error": "not_integer", "message": "Показания принимаются целыми числами"}
            day = datetime.datetime.fromtimestamp(st.now(), MSK).day
            w = st.window
            if not (w["from_day"] <= day <= w["to_day"]):
                return 409, {"error": "outside_window",
                             "message": "Показания принимаются с %d по %d число месяца" % (w["from_day"], w["to_day"])}
            rid = "R-%d" % (len(st.readings) + 1)
            st.readings.append({"id": rid, "contract": contract, "serial": serial, "date": body.get("date"),
                                "values": {k: int(v) for k, v in values.items()}, "at": st.now()})
            return 200, {"id": rid, "status": "accepted"}
        if path == "/api/v1/notifications" and method == "GET":
            since = int(q.get("since") or 0)
            return 200, {"items": [n for n in st.notifications if n["contract"] in own and n["at"] >= since]}
        if path == "/api/v1/appeals" and method == "POST":
            contract = body.get("contract")
            if contract not in own:
                return 404, {"error": "contract_not_found"}
            text = body.get("text")
            if not isinstance(text, str) or not text.strip():
                return 400, {"error": "bad_request", "message": "text is required"}
            ref = body.get("reference") or ""
            for a in st.appeals:
                if ref and a["reference"] == ref and a["login"] == login:
                    return 201, {"id": a["id"], "status": a["status"]}
            aid = "OB-%d" % (len(st.appeals) + 1)
            st.appeals.append({"id": aid, "login": login, "contract": contract, "subject": body.get("subject") or "",
                               "text": text, "email": body.get("email") or "", "phone": body.get("phone") or "",
                               "reference": ref, "status": "registered", "answer": "", "updated_at": st.now()})
            return 201, {"id": aid, "status": "registered"}
        if path == "/api/v1/appeals" and method == "GET":
            return 200, {"items": [{k: a[k] for k in ("id", "contract", "subject", "status", "answer", "updated_at")}
                                   for a in st.appeals if a["login"] == login]}
        return 404, {"error": "not_found"}

    def _control(self, body):
        st = self.server.state
        if body is None:
            return self._answer(400, {"error": "bad_json"})
        with st.lock:
            if body.get("clear"):
                st.faults.clear()
            if "fault" in body:
                if body["fault"] not in FAULTS:
                    return self._answer(400, {"error": "unknown_fault"})
                st.faults.append({"fault": body["fault"], "remaining": int(body.get("times", 1)),
                                  "delay_ms": int(body.get("delay_ms", 3000))})
            if "now" in body:
                st.fixed_now = int(body["now"])
            if "window" in body:
                st.window = {"from_day": int(body["window"]["from_day"]), "to_day": int(body["window"]["to_day"])}
            if "down" in body:
                st.down = bool(body["down"])
            if "appeal" in body:
                a = [x for x in st.appeals if x["id"] == body["appeal"].get("id")]
                if not a:
                    return self._answer(404, {"error": "appeal_not_found"})
                a[0]["status"] = body["appeal"].get("status", a[0]["status"])
                a[0]["answer"] = body["appeal"].get("answer", a[0]["answer"])
                a[0]["updated_at"] = st.now()
            if "notify" in body:
                n = body["notify"]
                st.notifications.append({"id": "N-%s-%d" % (n["contract"], len(st.notifications) + 1),
                                         "contract": n["contract"], "title": n.get("title", ""),
                                         "text": n.get("text", ""), "at": st.now()})
        self._answer(200, {"ok": True})

    def _truth(self):
        st = self.server.state
        with st.lock:
            out = {"now": st.now(), "window": st.window,
                   "accounts": {login: {"contracts": a[1]} for login, a in ACCOUNTS.items()},
                   "contracts": {n: {"balance": st.balance(n), "accruals": st.accruals(n), "payments": st.payments(n)}
                                 for n in CONTRACTS},
                   "readings": st.readings, "notifications": st.notifications,
                   "appeals": st.appeals, "requests": st.requests, "tokens": len(st.tokens)}
        self._answer(200, out)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up (a timeout against a "slow" fault) is expected; anything else is reported.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)

    def __init__(self, address, state):
        super().__init__(address, Handler)
        self.state = state


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--window", default="15-25", help="readings submission window: days of month, d1-d2")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    options = parser.parse_args()
    d1, d2 = (int(x) for x in options.window.split("-"))
    server = Server(("127.0.0.1", options.port), State({"from_day": d1, "to_day": d2}))
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    if options.exit_on_stdin_eof:
        def watch():
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            except OSError:
                pass
            done.set()
        threading.Thread(target=watch, daemon=True).start()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    sys.stdout.write("PORT %d\n" % server.server_address[1])
    sys.stdout.flush()
    done.wait()
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
