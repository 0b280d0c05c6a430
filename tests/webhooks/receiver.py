"""A real HTTP receiver in a thread: records what arrives, answers from a script of statuses."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from webhooks.signing import signature_verify


class Receiver:
    def __init__(self):
        self.received: list[dict] = []
        self.statuses: list[int] = []  # answered in turn; 200 once empty
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.received.append(
                        {"headers": dict(self.headers), "body": body, "status": status}
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> list[dict]:
        """The bodies answered 2xx, parsed, in arrival order."""
        with self.lock:
            return [json.loads(r["body"]) for r in self.received if 200 <= r["status"] < 300]

    def verified(self, request: dict, secret: str) -> bool:
        return signature_verify(
            secret=secret, header=request["headers"]["X-Omnishop-Signature"], body=request["body"]
        )
