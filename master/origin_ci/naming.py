"""Names and branches derived from an origin image, as RFD 46 and pkgsrc define them."""
import re

# Origin series we know how to map onto a pkgsrc architecture; RFD 46 names the image after it.
_ARCH_BY_ORIGIN_SUFFIX = {"multiarch": "multiarch", "64": "x86_64", "32": "i386"}
ORIGIN_NAME_RE = re.compile(r"^(?P<kind>minimal|base)-(?P<suffix>multiarch|64|32)-lts$")
# LTS origins are released from the fourth-quarter pkgsrc branch: YY.4.N.
LTS_VERSION_RE = re.compile(r"^(?P<yy>\d{2})\.4\.(?P<n>\d+)$")
IMAGE_PREFIX = "triton-origin"


class NamingError(ValueError):
    pass


def pkgsrc_arch(origin_name):
    match = ORIGIN_NAME_RE.match(origin_name)
    if not match:
        raise NamingError(
            f"{origin_name!r} is not a pkgsrc LTS origin series "
            "(expected minimal-multiarch-lts, minimal-64-lts, minimal-32-lts or base-…-lts)")
    return _ARCH_BY_ORIGIN_SUFFIX[match.group("suffix")]


def pkgsrc_branch(origin_version):
    match = LTS_VERSION_RE.match(origin_version)
    if not match:
        raise NamingError(f"{origin_version!r} is not an LTS origin version (expected YY.4.N, e.g. 24.4.1)")
    return f"20{match.group('yy')}Q4"


def image_name(origin_name, origin_version):
    """`triton-origin-$pkgsrcArch-$originVersion`, e.g. triton-origin-x86_64-24.4.1."""
    pkgsrc_branch(origin_version)
    return f"{IMAGE_PREFIX}-{pkgsrc_arch(origin_name)}-{origin_version}"
