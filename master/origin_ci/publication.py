"""Whether a verified image gets published, and where: pure rules, no I/O."""
from origin_ci.plan import TRY_CHANNEL


def skip_reason(dry_run, only_if_changed, installed, last_published):
    """Why nothing is published, or None.

    Builds that publish only if changed (nightly rebuilds, and forced ones that ask) publish only
    when the package inventory differs from the last published image of the flavour, so
    identical content never gets a new version.
    """
    if dry_run:
        return "dry run: nothing published"
    if only_if_changed and last_published and last_published[1] is not None and \
            sorted(last_published[1]) == sorted(installed):
        return f"unchanged: same packages as {last_published[0]}, nothing published"
    return None


def targets_for(targets, channel):
    """The targets a build publishing into `channel` goes to: a store without channels takes no
    experimental (try) images, which must never reach dev, staging or release."""
    return [target for target in targets if target.has_channels or channel != TRY_CHANNEL]
