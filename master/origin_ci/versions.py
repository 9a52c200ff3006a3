"""Image versions: MAJOR.MINOR comes from the flavour, the patch number from what is published."""
import re

SERIES_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)$")


class VersionError(ValueError):
    pass


def check_series(series):
    if not isinstance(series, str) or not SERIES_RE.match(series):
        raise VersionError(f"{series!r} is not MAJOR.MINOR (e.g. \"1.0\")")
    return series


def next_version(series, published_versions):
    """One patch above the highest published `series.N`; other versions are ignored.

    Rebuilds therefore never collide with an existing image, whatever else was published
    under the same name (eng's old build stamps, another series).
    """
    check_series(series)
    pattern = re.compile(rf"^{re.escape(series)}\.(0|[1-9]\d*)$")
    patches = [int(m.group(1)) for m in map(pattern.match, published_versions) if m]
    return f"{series}.{max(patches) + 1 if patches else 0}"
