"""IMGAPI channels as on updates.tritondatacenter.com: each image belongs to one or more channels,
every call selects one with ``?channel=NAME`` (default "dev")."""
from origin_ci.imgapi.errors import ImgapiError

DEFAULT_CHANNEL = "dev"
ALL_CHANNELS = "*"

CHANNELS = (
    {"name": "experimental", "description": "feature-branch builds (warning: 'latest' isn't "
                                            "meaningful)"},
    {"name": "dev", "description": "main development branch builds", "default": True},
    {"name": "staging", "description": "builds for testing in staging in prep for production "
                                       "release"},
    {"name": "release", "description": "release gold bits"},
    {"name": "support", "description": "release gold bits that are still supported"},
)
CHANNEL_NAMES = tuple(channel["name"] for channel in CHANNELS)


def resolve_channel(name, allow_all=False):
    """The channel a request works in: `name`, or the default when not given.

    Returns None for "*" (every channel) when `allow_all`, as ListImages and GetImage accept it.
    """
    if not name:
        return DEFAULT_CHANNEL
    if allow_all and name == ALL_CHANNELS:
        return None
    if name not in CHANNEL_NAMES:
        raise ImgapiError("ValidationFailed", f"unknown channel: {name}",
                          [{"field": "channel", "code": "Invalid"}])
    return name
