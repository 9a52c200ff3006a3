"""An RSA key pair for signing IMGAPI requests: the private key stays with the master (a secret
file, mode 0600), the public key goes into the server's `USER.keys` file."""
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def generate_key_pair(private_path, public_path, comment):
    """Writes both files; refuses to replace an existing private key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    private_pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.TraditionalOpenSSL,
                                    serialization.NoEncryption())
    with open(os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(private_pem)
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                           serialization.PublicFormat.OpenSSH)
    with open(public_path, "ab") as handle:
        handle.write(public + f" {comment}\n".encode())
