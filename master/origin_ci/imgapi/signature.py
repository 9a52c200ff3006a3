"""HTTP Signature authentication as IMGAPI uses it (node-http-signature, sdc-imgapi lib/app.js).

A client signs the string ``date: <Date header>`` with its RSA key and sends
``Authorization: Signature keyId="USER",algorithm="rsa-sha256",signature="BASE64"``; the key id
is the user name. The server finds the user's OpenSSH public keys in ``KEYS_DIR/USER.keys``
(one per line, ``#`` comments; IMGAPI's local keys layout), accepts a Date within 300 s of its
clock, and, as IMGAPI, only RSA (rsa-sha1, rsa-sha256). Pure: no Twisted.

Nothing here logs or returns key material or signatures.
"""
import base64
import binascii
import email.utils
import re
import time
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CLOCK_SKEW_SECONDS = 300
SIGNING_ALGORITHM = "rsa-sha256"
# What IMGAPI verifies (its VALID_ALGS minus DSA): RSA with SHA-1 or SHA-256.
ACCEPTED_ALGORITHMS = {"rsa-sha1": hashes.SHA1, "rsa-sha256": hashes.SHA256}
# Everything node-http-signature can parse; those not accepted above get IMGAPI's "not a
# supported http-signature signing algorithm" answer rather than a parse error.
KNOWN_ALGORITHMS = {f"{key}-{digest}" for key in ("rsa", "dsa", "ecdsa", "hmac")
                    for digest in ("sha1", "sha256", "sha512")} | {"ed25519-sha512"}
_PARAM_RE = re.compile(r'([A-Za-z]+)="([^"]*)"')


class SignatureError(Exception):
    """The request is not authenticated; the message says why (safe to show the client)."""


# ---- client side

def http_date(when=None):
    """An RFC 7231 date for the Date header, e.g. "Tue, 08 Jan 2013 20:21:17 GMT"."""
    return email.utils.formatdate(when, usegmt=True)


def load_private_key(path):
    """The RSA private key in `path` (PEM "BEGIN RSA/PRIVATE KEY" or OpenSSH format)."""
    data = Path(path).read_bytes()
    try:
        if b"BEGIN OPENSSH PRIVATE KEY" in data:
            key = serialization.load_ssh_private_key(data, password=None)
        else:
            key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise ValueError(f"{path}: the key is encrypted; give an unencrypted copy of it "
                         "(ssh-keygen -p -N '' -f COPY)") from None
    except (ValueError, UnsupportedAlgorithm) as error:
        raise ValueError(f"{path}: not a PEM or OpenSSH private key ({error})") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path}: IMGAPI only accepts RSA keys, this is a "
                         f"{type(key).__name__.replace('PrivateKey', '')} key")
    return key


def authorization_header(key_id, private_key, date):
    """The Authorization header value signing `date` (the request's Date header)."""
    signature = private_key.sign(f"date: {date}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return (f'Signature keyId="{key_id}",algorithm="{SIGNING_ALGORITHM}",'
            f'signature="{base64.b64encode(signature).decode()}"')


# ---- server side

class AuthKeys:
    """User name -> RSA public keys, read from `keys_dir`/USER.keys and re-read whenever a
    keys file changes (no restart needed to add a user or a key)."""

    def __init__(self, keys_dir, warn=lambda message: None):
        self._dir = Path(keys_dir)
        if not self._dir.is_dir():
            raise FileNotFoundError(f"keys directory {self._dir} does not exist")
        self._warn = warn
        self._seen = None
        self._keys = {}

    def for_user(self, user):
        self._reload_if_changed()
        return self._keys.get(user, [])

    def _reload_if_changed(self):
        files = sorted(self._dir.glob("*.keys"))
        seen = [(path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in files]
        if seen != self._seen:
            self._keys = {path.stem: self._load(path) for path in files}
            self._seen = seen

    def _load(self, path):
        keys = []
        for number, line in enumerate(path.read_text().splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                key = serialization.load_ssh_public_key(line.encode())
            except (ValueError, UnsupportedAlgorithm):
                self._warn(f"{path.name} line {number}: not an OpenSSH public key, ignored")
                continue
            if isinstance(key, rsa.RSAPublicKey):
                keys.append(key)
            else:
                self._warn(f"{path.name} line {number}: only RSA keys are accepted, ignored")
        return keys


class RequestAuthenticator:
    """Checks the HTTP Signature of a request against `auth_keys` (an AuthKeys)."""

    def __init__(self, auth_keys, clock=time.time, clock_skew=CLOCK_SKEW_SECONDS):
        self._auth_keys = auth_keys
        self._clock = clock
        self._clock_skew = clock_skew

    def authenticate(self, authorization, method, uri, header):
        """Return the user a request is signed by, or raise SignatureError.

        authorization: the Authorization header value; method, uri: as sent ("PUT",
        "/images/...?..."); header(name): the value of a request header, or None.
        """
        params = parse_authorization(authorization)
        algorithm = params["algorithm"]
        if algorithm not in ACCEPTED_ALGORITHMS:
            raise SignatureError(f'"{algorithm}" is not a supported http-signature signing '
                                 "algorithm (IMGAPI accepts rsa-sha256 and rsa-sha1)")
        date_header = "x-date" if header("x-date") is not None else "date"
        signed_headers = params["headers"] or [date_header]
        signed = _signing_string(signed_headers, method, uri, header).encode()
        self._check_date(date_header, signed_headers, header)
        try:
            signature = base64.b64decode(params["signature"], validate=True)
        except binascii.Error:
            raise SignatureError("the signature is not valid base64") from None
        user = params["keyId"]
        for key in self._auth_keys.for_user(user):
            try:
                key.verify(signature, signed, padding.PKCS1v15(),
                           ACCEPTED_ALGORITHMS[algorithm]())
                return user
            except InvalidSignature:
                continue
        raise SignatureError(f'the signature does not verify with any key on file for user '
                             f'"{user}"')

    def _check_date(self, date_header, signed_headers, header):
        if date_header not in signed_headers:
            raise SignatureError(f"{date_header} was not a signed header")
        try:
            sent = email.utils.parsedate_to_datetime(header(date_header)).timestamp()
        except (TypeError, ValueError):
            raise SignatureError(f"the {date_header} header is not a valid HTTP date") from None
        skew = abs(self._clock() - sent)
        if skew > self._clock_skew:
            raise SignatureError(f"clock skew of {skew:.0f}s was greater than "
                                 f"{self._clock_skew}s")


def parse_authorization(value):
    """The params of a ``Signature k="v",...`` header: keyId, algorithm (lowercased), signature,
    and headers, the list of signed header names (None when not given: the Date header)."""
    scheme, _, rest = (value or "").partition(" ")
    if scheme != "Signature":
        raise SignatureError('scheme was not "Signature"')
    params, position = {}, 0
    for match in _PARAM_RE.finditer(rest):
        if rest[position:match.start()].strip() != ("," if params else ""):
            raise SignatureError("bad param format in the Authorization header")
        params[match.group(1)] = match.group(2)
        position = match.end()
    if rest[position:].strip():
        raise SignatureError("bad param format in the Authorization header")
    for name in ("keyId", "algorithm", "signature"):
        if not params.get(name):
            raise SignatureError(f"{name} was not specified")
    params["algorithm"] = params["algorithm"].lower()
    if params["algorithm"] not in KNOWN_ALGORITHMS:
        raise SignatureError(f"{params['algorithm']} is not supported")
    params["headers"] = params["headers"].lower().split() if params.get("headers") else None
    return params


def _signing_string(signed_headers, method, uri, header):
    lines = []
    for name in signed_headers:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {uri}")
        elif header(name) is None:
            raise SignatureError(f"{name} was not in the request")
        else:
            lines.append(f"{name}: {header(name)}")
    return "\n".join(lines)
