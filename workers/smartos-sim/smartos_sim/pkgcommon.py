"""What the simulated pkgsrc tools share (and the rest of the simulator uses of them): a
command's standard streams, pkgin's failure, and the parts of a PKGNAME."""


def read_stdin(stdin):
    """Bytes of a command's standard input (read from the caller only when asked for)."""
    return stdin if isinstance(stdin, bytes) else stdin.read()


def write(stream, text):
    """Write text (or bytes) to a command's output stream and flush it."""
    stream.write(text.encode() if isinstance(text, str) else text)
    stream.flush()


class PkginFailure(Exception):
    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


def pkgbase(pkgname):
    return pkgname.rsplit("-", 1)[0]


def pkgversion(pkgname):
    return pkgname.rsplit("-", 1)[1] if "-" in pkgname else ""
