"""Where a webhook goes, checked once, and the POST to exactly that address.

A host name is looked up once: every address it has must be public (unless
`WEBHOOKS_ALLOW_PRIVATE_HOSTS`), and the connection is opened to the first of those addresses,
with the name kept for the Host header and TLS (certificate and SNI). Looking the name up again
to connect (as urllib does) would let a name that answers with a public address for the check
and an internal one for the connection (DNS rebinding) reach our own network.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import WebhookUrlRefused


@dataclass(frozen=True)
class Target:
    url: str
    scheme: str
    host: str
    port: int
    path: str  # with the query
    address: str  # the checked IP address to connect to


def checked_target(*, url: str) -> Target:
    """The URL checked and its host looked up once; WebhookUrlRefused saying why not: http(s)
    only, a host, no user or password in it, a host name that resolves, and no loopback,
    private or link-local address among its addresses."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebhookUrlRefused(_("This is not a valid URL.")) from None
    if parts.scheme not in ("http", "https"):
        raise WebhookUrlRefused(_("The URL must start with https:// (or http://)."))
    if not parts.hostname:
        raise WebhookUrlRefused(_("The URL names no host."))
    if parts.username or parts.password:
        raise WebhookUrlRefused(_("The URL must not contain a user name or password."))
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        infos = []
    addresses = [str(info[4][0]).split("%")[0] for info in infos]
    if not addresses:
        raise WebhookUrlRefused(
            _("The host “%(host)s” cannot be found.") % {"host": parts.hostname}
        )
    if not settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS and not all(
        ipaddress.ip_address(address).is_global for address in addresses
    ):
        raise WebhookUrlRefused(
            _("The host “%(host)s” is an internal address; webhooks go to public hosts.")
            % {"host": parts.hostname}
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(url, parts.scheme, parts.hostname, port, path, addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address
        self._tls = ssl.create_default_context()

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def post_pinned(
    *, target: Target, body: bytes, headers: dict[str, str], timeout: float
) -> tuple[int | None, str]:
    """POST to the checked address; (HTTP status, "") for 2xx, (status, "HTTP … reason") for
    any other answer (redirects are not followed), (None, error) when there was no answer."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return response.status, ""
    return response.status, f"HTTP {response.status} {response.reason}"
