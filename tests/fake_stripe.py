"""A small local stand-in for the part of Stripe's API that Omnishop uses, for tests without internet.

It speaks form-encoded requests and JSON answers like api.stripe.com:

- `POST /v1/payment_methods` (the browser, with the publishable key: a card number becomes a
  `pm_…` id), `POST /v1/payment_intents` (create; with `confirm=true` and `payment_method` it
  is confirmed in the same call, as Stripe's "finalize payments on the server" flow does),
  `GET /v1/payment_intents/{id}` (retrieve; the browser may send the client secret with a
  publishable key), `POST …/{id}/confirm`, `…/{id}/capture`, `…/{id}/cancel`, `POST /v1/refunds`;
- `Idempotency-Key`: the same key and the same request answer the first answer again; the same
  key with other parameters is an `idempotency_error` (400);
- errors as Stripe sends them: a declined card (402, `card_error`/`card_declined`), an amount
  too large (400, `amount_too_large`), capture of more than is capturable, a transition the
  intent's status does not allow (400, `payment_intent_unexpected_state`);
- test cards: 4242 4242 4242 4242 (authorised), 4000 0000 0000 0002 (declined),
  4000 0027 6000 3184 (3-D Secure: a page of this server to complete or fail the check), and
  Stripe's test payment methods `pm_card_visa`, `pm_card_chargeDeclined`,
  `pm_card_authenticationRequired`;
- `/v3/` serves a tiny script with the part of Stripe.js our pages call (`Stripe(key)`,
  `elements()` with a client secret or in deferred mode, `create().mount()`, `submit()`,
  `createPaymentMethod()`, `confirmPayment()`, `handleNextAction()`), so a browser test can pay
  here;
- every state change is an event; `signed_event()` signs one as Stripe does
  (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.payload")`), and with `webhook_url` set each
  event is also POSTed there.

Faults: `fail_next(kind, status=…, code=…)` makes the next request of that kind (`create`,
`confirm`, `capture`, `cancel`, `refund`, `retrieve`) fail once.
"""

import contextlib
import hashlib
import hmac
import itertools
import json
import re
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

TEST_WEBHOOK_SECRET = "whsec_test_secret"
MAX_AMOUNT = 99_999_999  # Stripe: at most 999,999.99 in a two-decimal currency

CARDS = {
    "4242424242424242": "ok",
    "4000000000000002": "declined",
    "4000002760003184": "3ds",
    "pm_card_visa": "ok",
    "pm_card_chargedeclined": "declined",
    "pm_card_authenticationrequired": "3ds",
}


def unflatten(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (`metadata[order]=X`, `payment_method_types[0]=card`) as a dict."""
    result: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(result)


def _lists(node):
    if isinstance(node, dict):
        node = {k: _lists(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class StripeError(Exception):
    def __init__(self, status: int, type_: str, code: str, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type_, "code": code, "message": message, **extra}}


class FakeStripe:
    """The server's state: intents, refunds, events, cached idempotent answers."""

    def __init__(self, webhook_secret: str = TEST_WEBHOOK_SECRET):
        self.webhook_secret = webhook_secret
        self.webhook_url: str | None = None
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.payment_methods: dict[str, dict] = {}
        self.events: list[dict] = []
        self.requests: list[tuple[str, str, dict]] = []  # (method, path, params)
        self._idempotent: dict[str, tuple[str, dict, int, dict]] = {}
        self._faults: dict[str, tuple[int, str, str]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self.url = ""

    # -- helpers for tests ----------------------------------------------------------------

    def fail_next(self, kind: str, *, status: int = 500, code: str = "api_error", message=""):
        self._faults[kind] = (status, code, message or "The fake Stripe server failed on purpose.")

    def signed_event(
        self, event: dict, *, secret: str | None = None, timestamp: int | None = None
    ) -> tuple[bytes, str]:
        payload = json.dumps(event).encode()
        return payload, signature_header(payload, secret or self.webhook_secret, timestamp)

    def event(self, type_: str, obj: dict) -> dict:
        event = {
            "id": f"evt_{next(self._ids):06d}",
            "object": "event",
            "type": type_,
            "created": int(time.time()),
            "livemode": False,
            "api_version": "2026-10-28.endive",
            "data": {"object": json.loads(json.dumps(obj))},
        }
        self.events.append(event)
        if self.webhook_url:
            payload, header = self.signed_event(event)
            request = urllib.request.Request(
                self.webhook_url,
                data=payload,
                headers={"Content-Type": "application/json", "Stripe-Signature": header},
            )
            with contextlib.suppress(OSError):  # Stripe would retry; tests look at what arrived
                urllib.request.urlopen(request, timeout=5).read()
        return event

    # -- the API --------------------------------------------------------------------------

    def handle(self, method: str, path: str, params: dict, headers) -> tuple[int, dict]:
        with self._lock:
            self.requests.append((method, path, params))
            key = headers.get("Idempotency-Key")
            if method == "POST" and key:
                cached = self._idempotent.get(key)
                if cached is not None:
                    c_path, c_params, status, body = cached
                    if (c_path, c_params) != (path, params):
                        return 400, StripeError(
                            400,
                            "idempotency_error",
                            "idempotency_key_in_use",
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with.",
                        ).body
                    return status, body
            try:
                status, body = 200, self._route(method, path, params, headers)
            except StripeError as exc:
                status, body = exc.status, exc.body
            if method == "POST" and key and status < 500:
                self._idempotent[key] = (path, params, status, body)
            return status, body

    def _fault(self, kind: str) -> None:
        fault = self._faults.pop(kind, None)
        if fault:
            status, code, message = fault
            kind_ = "card_error" if status == 402 else "api_error"
            raise StripeError(status, kind_, code, message)

    def _route(self, method: str, path: str, params: dict, headers) -> dict:
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer sk_") and not auth.startswith("Bearer pk_"):
            raise StripeError(401, "invalid_request_error", "api_key_invalid", "Invalid API Key.")
        public = auth.startswith("Bearer pk_")
        if method == "POST" and path == "/v1/payment_intents" and not public:
            return self._create(params)
        if method == "POST" and path == "/v1/payment_methods":
            return self._payment_method(params)
        if method == "POST" and path == "/v1/refunds" and not public:
            return self._refund(params)
        match = re.fullmatch(r"/v1/payment_intents/(pi_\w+)(?:/(confirm|capture|cancel))?", path)
        if not match:
            raise StripeError(404, "invalid_request_error", "resource_missing", "No such path.")
        intent = self.intents.get(match.group(1))
        if intent is None:
            raise StripeError(
                404, "invalid_request_error", "resource_missing", "No such payment_intent."
            )
        action = match.group(2)
        if public and params.get("client_secret") != intent["client_secret"]:
            raise StripeError(
                401, "invalid_request_error", "secret_invalid", "Client secret is wrong."
            )
        if method == "GET" and action is None:
            self._fault("retrieve")
            return intent
        if method == "POST" and action == "confirm":
            return self._confirm(intent, params)
        if method == "POST" and action in ("capture", "cancel") and not public:
            return getattr(self, "_" + action)(intent, params)
        raise StripeError(405, "invalid_request_error", "method_not_allowed", "Not allowed.")

    def _create(self, params: dict) -> dict:
        self._fault("create")
        try:
            amount = int(params.get("amount", ""))
        except ValueError:
            raise StripeError(
                400, "invalid_request_error", "parameter_missing", "Missing amount.", param="amount"
            ) from None
        if amount < 50:
            raise StripeError(
                400,
                "invalid_request_error",
                "amount_too_small",
                "Amount must be at least €0.50 eur",
                param="amount",
            )
        if amount > MAX_AMOUNT:
            raise StripeError(
                400,
                "invalid_request_error",
                "amount_too_large",
                "Amount must be no more than €999,999.99",
                param="amount",
            )
        number = next(self._ids)
        intent_id = f"pi_fake{number:06d}"
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0,
            "currency": params.get("currency", "eur"),
            "capture_method": params.get("capture_method", "automatic"),
            "client_secret": f"{intent_id}_secret_{hashlib.sha256(intent_id.encode()).hexdigest()[:16]}",
            "created": int(time.time()),
            "livemode": False,
            "metadata": params.get("metadata", {}),
            "payment_method_types": params.get("payment_method_types", ["card"]),
            "status": "requires_payment_method",
            "latest_charge": None,
            "last_payment_error": None,
            "next_action": None,
            "canceled_at": None,
            "cancellation_reason": None,
        }
        pm = params.get("payment_method") or ""
        if pm and pm.lower() not in CARDS and pm not in self.payment_methods:
            raise StripeError(
                400,
                "invalid_request_error",
                "resource_missing",
                f"No such PaymentMethod: '{pm}'",
                param="payment_method",
            )
        self.intents[intent_id] = intent
        self.event("payment_intent.created", intent)
        if params.get("confirm") == "true":
            return self._confirm(intent, params)
        return intent

    def _payment_method(self, params: dict) -> dict:
        """What Stripe.js's createPaymentMethod does: the card details become an id."""
        number = re.sub(r"\s", "", str(params.get("card", {}).get("number", "")))
        if not number.isdigit() or not 12 <= len(number) <= 19:
            raise StripeError(
                402, "card_error", "incorrect_number", "Your card number is incorrect."
            )
        pm_id = f"pm_fake{next(self._ids):06d}"
        self.payment_methods[pm_id] = {
            "id": pm_id,
            "object": "payment_method",
            "type": params.get("type", "card"),
            "card": {"last4": number[-4:], "number": number},
        }
        return {k: v for k, v in self.payment_methods[pm_id].items() if k != "card"} | {
            "card": {"last4": number[-4:]}
        }

    def _unexpected(self, intent: dict, action: str) -> StripeError:
        return StripeError(
            400,
            "invalid_request_error",
            "payment_intent_unexpected_state",
            f"You cannot {action} this PaymentIntent because it has a status of "
            f"{intent['status']}.",
            payment_intent=dict(intent),
        )

    def _confirm(self, intent: dict, params: dict) -> dict:
        self._fault("confirm")
        if intent["status"] not in ("requires_payment_method", "requires_confirmation"):
            raise self._unexpected(intent, "confirm")
        card = params.get("payment_method") or (
            params.get("payment_method_data", {}).get("card", {}).get("number", "")
        )
        if card in self.payment_methods:
            card = self.payment_methods[card]["card"]["number"]
        outcome = CARDS.get(re.sub(r"\s", "", card).lower())
        if outcome is None or outcome == "declined":
            intent["last_payment_error"] = {
                "type": "card_error",
                "code": "card_declined",
                "decline_code": "generic_decline",
                "message": "Your card was declined.",
            }
            intent["status"] = "requires_payment_method"
            self.event("payment_intent.payment_failed", intent)
            raise StripeError(
                402,
                "card_error",
                "card_declined",
                "Your card was declined.",
                decline_code="generic_decline",
                payment_intent=dict(intent),
            )
        intent["last_payment_error"] = None
        if outcome == "3ds":
            intent["status"] = "requires_action"
            return_url = params.get("return_url", "")
            intent["next_action"] = {
                "type": "redirect_to_url",
                "redirect_to_url": {
                    "url": f"{self.url}/3ds/{intent['id']}?{urlencode({'return_url': return_url})}",
                    "return_url": return_url,
                },
            }
            return intent
        return self._authorise(intent)

    def _authorise(self, intent: dict) -> dict:
        intent["next_action"] = None
        intent["latest_charge"] = f"ch_fake{next(self._ids):06d}"
        if intent["capture_method"] == "manual":
            intent["status"] = "requires_capture"
            intent["amount_capturable"] = intent["amount"]
            self.event("payment_intent.amount_capturable_updated", intent)
        else:
            intent["status"] = "succeeded"
            intent["amount_received"] = intent["amount"]
            self.event("payment_intent.succeeded", intent)
        return intent

    def three_d_secure(self, intent_id: str, *, approve: bool) -> dict:
        with self._lock:
            intent = self.intents[intent_id]
            if intent["status"] != "requires_action":
                return intent
            if approve:
                return self._authorise(intent)
            intent["status"] = "requires_payment_method"
            intent["next_action"] = None
            intent["last_payment_error"] = {
                "type": "card_error",
                "code": "payment_intent_authentication_failure",
                "message": "The authentication of the payment failed.",
            }
            self.event("payment_intent.payment_failed", intent)
            return intent

    def _capture(self, intent: dict, params: dict) -> dict:
        self._fault("capture")
        if intent["status"] != "requires_capture":
            raise self._unexpected(intent, "capture")
        amount = int(params.get("amount_to_capture", intent["amount_capturable"]))
        if not 0 < amount <= intent["amount_capturable"]:
            raise StripeError(
                400,
                "invalid_request_error",
                "amount_too_large",
                "The amount to capture is greater than the amount capturable.",
                param="amount_to_capture",
            )
        intent["amount_received"] = amount
        intent["amount_capturable"] = 0
        intent["status"] = "succeeded"
        self.event("payment_intent.succeeded", intent)
        return intent

    def _cancel(self, intent: dict, params: dict) -> dict:
        self._fault("cancel")
        if intent["status"] in ("succeeded", "canceled", "processing"):
            raise self._unexpected(intent, "cancel")
        intent["status"] = "canceled"
        intent["amount_capturable"] = 0
        intent["canceled_at"] = int(time.time())
        intent["cancellation_reason"] = params.get("cancellation_reason", "requested_by_customer")
        self.event("payment_intent.canceled", intent)
        return intent

    def _refund(self, params: dict) -> dict:
        self._fault("refund")
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None or intent["status"] != "succeeded":
            raise StripeError(
                400,
                "invalid_request_error",
                "charge_not_refundable",
                "This PaymentIntent has no successful charge to refund.",
            )
        refunded = sum(
            r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent["id"]
        )
        amount = int(params.get("amount", intent["amount_received"] - refunded))
        if not 0 < amount <= intent["amount_received"] - refunded:
            raise StripeError(
                400,
                "invalid_request_error",
                "amount_too_large",
                "Refund amount is greater than the unrefunded amount of the charge.",
                param="amount",
            )
        refund = {
            "id": f"re_fake{next(self._ids):06d}",
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "charge": intent["latest_charge"],
            "status": "succeeded",
            "metadata": params.get("metadata", {}),
            "created": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        self.event("refund.created", refund)
        return refund


STRIPE_JS = """
(function () {
  "use strict";
  var API = "%(url)s";
  function form(data, prefix, out) {
    out = out || [];
    Object.keys(data).forEach(function (key) {
      var name = prefix ? prefix + "[" + key + "]" : key;
      if (data[key] !== null && typeof data[key] === "object") { form(data[key], name, out); }
      else { out.push(encodeURIComponent(name) + "=" + encodeURIComponent(data[key])); }
    });
    return out.join("&");
  }
  window.Stripe = function (key) {
    var secret = null, input = null;
    return {
      elements: function (options) {
        secret = options.clientSecret || null;  // deferred mode: no intent yet
        return {
          create: function () {
            return {
              mount: function (selector) {
                var host = document.querySelector(selector);
                var label = document.createElement("label");
                label.textContent = "Card number (test server)";
                input = document.createElement("input");
                input.name = "cardnumber";
                input.autocomplete = "cc-number";
                input.inputMode = "numeric";
                label.appendChild(input);
                host.appendChild(label);
              }
            };
          },
          submit: function () { return Promise.resolve({}); }
        };
      },
      createPaymentMethod: function () {
        return fetch(API + "/v1/payment_methods", {
          method: "POST",
          headers: {"Authorization": "Bearer " + key,
                    "Content-Type": "application/x-www-form-urlencoded"},
          body: form({type: "card", card: {number: input ? input.value : ""}})
        }).then(function (response) {
          return response.json().then(function (body) {
            return body.error ? {error: body.error} : {paymentMethod: body};
          });
        });
      },
      handleNextAction: function (args) {
        var id = args.clientSecret.split("_secret_")[0];
        return fetch(API + "/v1/payment_intents/" + id + "?client_secret=" +
                     encodeURIComponent(args.clientSecret),
                     {headers: {"Authorization": "Bearer " + key}})
          .then(function (response) { return response.json(); })
          .then(function (body) {
            if (body.error) { return {error: body.error}; }
            if (body.status === "requires_action") {
              window.location.assign(body.next_action.redirect_to_url.url);
              return new Promise(function () {});
            }
            return {paymentIntent: body};
          });
      },
      confirmPayment: function (args) {
        var id = secret.split("_secret_")[0];
        var returnUrl = args.confirmParams.return_url;
        return fetch(API + "/v1/payment_intents/" + id + "/confirm", {
          method: "POST",
          headers: {"Authorization": "Bearer " + key,
                    "Content-Type": "application/x-www-form-urlencoded"},
          body: form({client_secret: secret, return_url: returnUrl,
                      payment_method_data: {type: "card", card: {number: input.value}}})
        }).then(function (response) {
          return response.json().then(function (body) {
            if (body.error) { return {error: body.error}; }
            if (body.status === "requires_action") {
              window.location.assign(body.next_action.redirect_to_url.url);
            } else {
              var sep = returnUrl.indexOf("?") < 0 ? "?" : "&";
              window.location.assign(returnUrl + sep + "payment_intent=" + body.id +
                                     "&redirect_status=succeeded");
            }
            return new Promise(function () {});
          });
        });
      }
    };
  };
})();
"""

THREE_DS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>3-D Secure test page</title></head><body><h1>3-D Secure (test server)</h1>
<p>Payment %(id)s</p>
<form method="post" action="/3ds/%(id)s/complete"><input type="hidden" name="return_url"
 value="%(return_url)s"><button>Complete authentication</button></form>
<form method="post" action="/3ds/%(id)s/fail"><input type="hidden" name="return_url"
 value="%(return_url)s"><button>Fail authentication</button></form></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeStripe/1"
    fake: FakeStripe

    def log_message(self, format, *args):  # quiet in test output
        pass

    def _send(self, status: int, body: bytes, content_type: str, extra: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _params(self) -> dict:
        split = urlsplit(self.path)
        pairs = parse_qsl(split.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            pairs += parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True)
        return unflatten(pairs)

    def do_OPTIONS(self):
        self._send(204, b"", "text/plain")

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def _dispatch(self, method: str):
        path = urlsplit(self.path).path
        params = self._params()
        if path.startswith("/v3"):
            script = (STRIPE_JS % {"url": self.fake.url}).encode()
            return self._send(200, script, "application/javascript")
        match = re.fullmatch(r"/3ds/(pi_\w+)(?:/(complete|fail))?", path)
        if match:
            return self._three_d_secure(method, match.group(1), match.group(2), params)
        status, body = self.fake.handle(method, path, params, self.headers)
        self._send(status, json.dumps(body).encode(), "application/json")

    def _three_d_secure(self, method, intent_id, action, params):
        return_url = params.get("return_url", "")
        if method == "GET" and action is None:
            from html import escape

            page = THREE_DS_PAGE % {"id": escape(intent_id), "return_url": escape(return_url)}
            return self._send(200, page.encode(), "text/html; charset=utf-8")
        intent = self.fake.three_d_secure(intent_id, approve=action == "complete")
        sep = "&" if "?" in return_url else "?"
        status = "succeeded" if intent["status"] == "requires_capture" else "failed"
        target = f"{return_url}{sep}payment_intent={intent_id}&redirect_status={status}"
        self._send(303, b"", "text/plain", {"Location": target})


class FakeStripeServer:
    """`with FakeStripeServer() as fake:` — a running server on a free local port."""

    def __init__(self, webhook_secret: str = TEST_WEBHOOK_SECRET):
        self.fake = FakeStripe(webhook_secret)
        handler = type("Handler", (_Handler,), {"fake": self.fake})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.fake.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeStripe:
        self.thread.start()
        return self.fake

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
