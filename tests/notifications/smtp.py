"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, one of the ports 2525-2535."""

import asyncio
import email
import email.policy
import socket

from aiosmtpd.controller import Controller

PORTS = range(2525, 2536)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 2525-2535 for the test SMTP server")


class Handler:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self.attempts = 0
        # Set to e.g. "451 4.3.0 Try again later" to refuse every message.
        self.refuse_with: str | None = None
        # Seconds to think before answering DATA, to hold a sender mid-delivery.
        self.delay = 0.0
        # Called with each message after it is stored and before "250" is answered: the moment
        # the mail server has accepted a message that its sender has not yet heard about.
        self.on_accept = None

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        await asyncio.sleep(self.delay)
        if self.refuse_with:
            return self.refuse_with
        self.envelopes.append(envelope)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        if self.on_accept is not None:
            self.on_accept(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self):
        return self.handler.messages

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
