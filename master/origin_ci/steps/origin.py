"""Record the origin image's manifest as the worker's imgadm has it after import."""
import json

from buildbot.process import buildstep, results
from twisted.internet import defer


def min_platform_of(imgadm_get_output):
    """`requirements.min_platform` from `imgadm get` JSON; None when absent."""
    manifest = json.loads(imgadm_get_output)["manifest"]
    return manifest.get("requirements", {}).get("min_platform") or None


def size_of(imgadm_get_output):
    """The origin image file's size in bytes (manifest `files[0].size`), as the USB key pays it."""
    return json.loads(imgadm_get_output)["manifest"]["files"][0]["size"]


class RecordOriginManifest(buildstep.ShellMixin, buildstep.BuildStep):
    """Sets `origin_min_platform`, which the image must carry (not the build host's platform), and
    `origin_size`, for the size report."""

    name = "origin min_platform"

    def __init__(self, origin_uuid, **kwargs):
        kwargs = self.setupShellMixin(kwargs)
        super().__init__(**kwargs)
        self.origin_uuid = origin_uuid

    renderables = ["origin_uuid"]

    @defer.inlineCallbacks
    def run(self):
        cmd = yield self.makeRemoteShellCommand(
            command=["imgadm", "get", self.origin_uuid], collectStdout=True)
        yield self.runCommand(cmd)
        if cmd.didFail():
            return results.FAILURE
        try:
            min_platform = min_platform_of(cmd.stdout)
            origin_size = size_of(cmd.stdout)
        except (ValueError, KeyError, TypeError, IndexError) as error:
            yield self.addCompleteLog("error", f"imgadm get printed no usable manifest: {error!r}\n")
            return results.FAILURE
        if not min_platform:
            self.descriptionDone = ["origin has no requirements.min_platform"]
            return results.FAILURE
        self.setProperty("origin_min_platform", min_platform, "origin")
        self.setProperty("origin_size", origin_size, "origin")
        self.descriptionDone = ["min_platform", ", ".join(f"{k}: {v}" for k, v in min_platform.items())]
        return results.SUCCESS
