"""Fetching a file by URL for the pollers: http(s) through treq, file:// from local disk
(a mirror on the master's disk, and the simulator's files in the local default)."""
import urllib.parse

import treq
from twisted.internet import defer, threads


class FetchError(Exception):
    pass


def _read(path):
    with open(path, "rb") as handle:
        return handle.read()


@defer.inlineCallbacks
def fetch_bytes(url, timeout=60):
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "file":
        try:
            return (yield threads.deferToThread(_read, urllib.parse.unquote(parsed.path)))
        except OSError as error:
            raise FetchError(f"{url}: {error.strerror}") from None
    if parsed.scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http, https and file URLs are supported")
    try:
        response = yield treq.get(url, timeout=timeout)
        body = yield treq.content(response)
    except Exception as error:  # connection refused, DNS, TLS, timeout: all mean "not now"
        raise FetchError(f"{url}: {error}") from None
    if response.code != 200:
        raise FetchError(f"{url}: HTTP {response.code}")
    return body
