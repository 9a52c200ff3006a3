"""HTTP Signature: signing, parsing and verification as node-http-signature and IMGAPI do."""
import base64
import email.utils
import os

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding

from origin_ci.imgapi.signature import (
    AuthKeys, RequestAuthenticator, SignatureError, authorization_header, http_date,
    load_private_key, parse_authorization)
from tests.imgapi.conftest import USER, openssh_public_line, write_private_key

NOW = 1_700_000_000.0
DATE = email.utils.formatdate(NOW, usegmt=True)


def authenticate(keys_dir, authorization, headers=None, clock=NOW, method="GET",
                 uri="/images"):
    headers = {"date": DATE, **(headers or {})}
    authenticator = RequestAuthenticator(AuthKeys(keys_dir), clock=lambda: clock)
    return authenticator.authenticate(authorization, method, uri, headers.get)


def test_round_trip(keys_dir, key_path):
    header = authorization_header(USER, load_private_key(key_path), DATE)
    assert header.startswith(f'Signature keyId="{USER}",algorithm="rsa-sha256",signature="')
    assert authenticate(keys_dir, header) == USER


def test_openssh_format_private_key(keys_dir, tmp_path, rsa_key):
    path = write_private_key(rsa_key, tmp_path / "id_openssh",
                             serialization.PrivateFormat.OpenSSH)
    assert authenticate(keys_dir, authorization_header(USER, load_private_key(path), DATE))


def test_wrong_key_unknown_user_and_tampering(keys_dir, key_path, wrong_key_path):
    with pytest.raises(SignatureError, match='any key on file for user "alice"'):
        authenticate(keys_dir, authorization_header(USER, load_private_key(wrong_key_path),
                                                    DATE))
    with pytest.raises(SignatureError, match='user "bob"'):
        authenticate(keys_dir, authorization_header("bob", load_private_key(key_path), DATE))
    header = authorization_header(USER, load_private_key(key_path), DATE)
    with pytest.raises(SignatureError):
        authenticate(keys_dir, header, headers={"date": email.utils.formatdate(NOW + 1,
                                                                               usegmt=True)})


def test_clock_skew_of_300_seconds(keys_dir, key_path):
    header = authorization_header(USER, load_private_key(key_path), DATE)
    assert authenticate(keys_dir, header, clock=NOW + 300)
    with pytest.raises(SignatureError, match="clock skew of 301s was greater than 300s"):
        authenticate(keys_dir, header, clock=NOW - 301)


def test_signed_headers_and_request_target(keys_dir, key_path):
    key = load_private_key(key_path)
    signed = f"(request-target): put /images/x/file?compression=gzip\ndate: {DATE}"
    signature = base64.b64encode(key.sign(signed.encode(), padding.PKCS1v15(),
                                          hashes.SHA1())).decode()
    header = (f'Signature keyId="{USER}",algorithm="RSA-SHA1",'
              f'headers="(request-target) date",signature="{signature}"')
    assert authenticate(keys_dir, header, method="PUT",
                        uri="/images/x/file?compression=gzip") == USER
    with pytest.raises(SignatureError):
        authenticate(keys_dir, header, method="PUT", uri="/images/y/file?compression=gzip")
    no_date = header.replace('headers="(request-target) date"', 'headers="(request-target)"')
    with pytest.raises(SignatureError, match="date was not a signed header"):
        authenticate(keys_dir, no_date, method="PUT", uri="/images/x/file?compression=gzip")


def test_x_date_is_used_when_present(keys_dir, key_path):
    key = load_private_key(key_path)
    signature = base64.b64encode(key.sign(f"x-date: {DATE}".encode(), padding.PKCS1v15(),
                                          hashes.SHA256())).decode()
    header = f'Signature keyId="{USER}",algorithm="rsa-sha256",signature="{signature}"'
    assert authenticate(keys_dir, header, headers={"x-date": DATE, "date": "garbage"}) == USER


@pytest.mark.parametrize("header,message", [
    (None, 'scheme was not "Signature"'),
    ("Basic YWxpY2U6c2VjcmV0", 'scheme was not "Signature"'),
    ('Signature keyId="alice",algorithm="rsa-sha256"', "signature was not specified"),
    ('Signature keyId="alice" algorithm="rsa-sha256",signature="x"', "bad param format"),
    ('Signature keyId="alice",algorithm="rot13",signature="x"', "rot13 is not supported"),
    ('Signature keyId="alice",algorithm="hmac-sha256",signature="eA=="',
     '"hmac-sha256" is not a supported http-signature signing algorithm'),
    ('Signature keyId="alice",algorithm="dsa-sha1",signature="eA=="', "not a supported"),
    ('Signature keyId="alice",algorithm="rsa-sha256",signature="!!"', "not valid base64"),
])
def test_malformed_or_refused_authorization(keys_dir, header, message):
    with pytest.raises(SignatureError, match=message):
        authenticate(keys_dir, header)


def test_missing_or_bad_date(keys_dir, key_path):
    header = authorization_header(USER, load_private_key(key_path), DATE)
    authenticator = RequestAuthenticator(AuthKeys(keys_dir), clock=lambda: NOW)
    with pytest.raises(SignatureError, match="date was not in the request"):
        authenticator.authenticate(header, "GET", "/", {}.get)
    with pytest.raises(SignatureError, match="not a valid HTTP date"):
        authenticate(keys_dir, header, headers={"date": "yesterday"})


def test_parse_authorization_defaults():
    params = parse_authorization('Signature keyId="a",algorithm="RSA-SHA256",signature="c"')
    assert params == {"keyId": "a", "algorithm": "rsa-sha256", "signature": "c",
                      "headers": None}


def test_keys_files_are_reloaded_and_non_rsa_keys_ignored(tmp_path, rsa_key, other_rsa_key):
    keys_dir = tmp_path / "keys"
    keys_dir.mkdir()
    warnings = []
    keys = AuthKeys(keys_dir, warn=warnings.append)
    assert keys.for_user(USER) == []
    ed_line = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    (keys_dir / f"{USER}.keys").write_text(f"{ed_line}\nnot a key\n{openssh_public_line(rsa_key)}\n")
    assert len(keys.for_user(USER)) == 1
    assert warnings == ["alice.keys line 1: only RSA keys are accepted, ignored",
                        "alice.keys line 2: not an OpenSSH public key, ignored"]
    (keys_dir / "bob.keys").write_text(openssh_public_line(other_rsa_key))
    assert len(keys.for_user("bob")) == 1


def test_keys_dir_must_exist(tmp_path):
    with pytest.raises(FileNotFoundError):
        AuthKeys(tmp_path / "nope")


def test_load_private_key_errors(tmp_path, rsa_key):
    encrypted = tmp_path / "encrypted"
    encrypted.write_bytes(rsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret")))
    with pytest.raises(ValueError, match="encrypted"):
        load_private_key(encrypted)
    ecdsa = write_private_key(ec.generate_private_key(ec.SECP256R1()), tmp_path / "ecdsa",
                              serialization.PrivateFormat.PKCS8)
    with pytest.raises(ValueError, match="only accepts RSA keys"):
        load_private_key(ecdsa)
    garbage = tmp_path / "garbage"
    garbage.write_bytes(os.urandom(64))
    with pytest.raises(ValueError, match="not a PEM or OpenSSH private key"):
        load_private_key(garbage)


def test_http_date_format():
    assert http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT"
