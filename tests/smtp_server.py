"""A real SMTP server (aiosmtpd) keeping what it receives, for the handoff tests (tests/handoff,
tests/e2e, tests/channels)."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import Message

from aiosmtpd.controller import Controller


class Mailbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content, policy=policy.default))
        return "250 Message accepted"


class SmtpServer:
    """A real SMTP server on a fixed free port that can be taken down and brought back."""

    def __init__(self, **smtp_options) -> None:
        self.smtp_options = smtp_options  # aiosmtpd.smtp.SMTP's, e.g. an authenticator
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **self.smtp_options)
        self.controller.start()  # returns once the server answers

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
