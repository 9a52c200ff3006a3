"""Web UI: who may log in, and what anonymous users may not do."""
import hmac
import os

from buildbot.plugins import util
from buildbot.www.auth import CustomAuth

from origin_ci import www_images
from origin_ci.discovered import UPSTREAM_POLLER_NAME
from origin_ci.pollers import security

ADMIN_ROLE = "admins"
POLLERS = (UPSTREAM_POLLER_NAME, security.NAME)


def password_file(secrets_dir, user):
    return os.path.join(secrets_dir, f"{user}-password")


class SecretFileAuth(CustomAuth):
    """Users whose passwords live in `<secrets_dir>/<user>-password`, read at each login so a
    rotated password takes effect without a reconfig; none of them is ever in the repository."""

    def __init__(self, secrets_dir, users, **kwargs):
        super().__init__(**kwargs)
        self.secrets_dir = secrets_dir
        self.users = tuple(users)

    def check_credentials(self, username, password):
        user = username.decode("utf-8", "replace")
        if user not in self.users:
            return False
        try:
            with open(password_file(self.secrets_dir, user), "rb") as handle:
                expected = handle.read().rstrip(b"\r\n")
        except OSError:
            return False
        return bool(expected) and hmac.compare_digest(expected, password)


def www_config(settings):
    return {
        "port": settings.www_port,
        "plugins": {"waterfall_view": {}, "console_view": {}, "grid_view": {},
                    # the local image store at /plugins/images/, which build pages link to
                    www_images.PLUGIN_NAME: www_images.ImagesDirectory(settings.images_dir)},
        # /change_hook/poller?poller=NAME polls a poller now (upstream-origins, pkgsrc-security).
        "change_hook_dialects": {"poller": {"allowed": list(POLLERS)}},
        "auth": SecretFileAuth(settings.secrets_dir, settings.admins),
        "authz": util.Authz(
            # Anyone may look; forcing, stopping, rebuilding and every other control need an admin.
            allowRules=[util.AnyControlEndpointMatcher(role=ADMIN_ROLE)],
            roleMatchers=[util.RolesFromUsername(roles=[ADMIN_ROLE], usernames=list(settings.admins))],
        ),
    }
