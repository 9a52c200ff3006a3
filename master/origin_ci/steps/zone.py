"""Delete the build zone, whatever happened before: no build zone may outlive its build."""
import re

from buildbot.process import buildstep, results
from twisted.internet import defer

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class DeleteBuildZone(buildstep.ShellMixin, buildstep.BuildStep):
    """Only ever the zone this build's plan named: a `vm_uuid` from anywhere else (a try client,
    a forced property) never reaches vmadm, and the uuid is an argument, never shell text."""

    name = "delete zone"
    description = "deleting the build zone"

    def __init__(self, **kwargs):
        kwargs = self.setupShellMixin(kwargs)
        super().__init__(**kwargs)

    @defer.inlineCallbacks
    def run(self):
        vm_uuid = self.getProperty("vm_uuid")
        planned = self.build.getProperties().getPropertySource("vm_uuid") == "plan"
        if not planned or not UUID_RE.match(str(vm_uuid)):
            self.descriptionDone = ["no build zone was planned"]
            return results.SKIPPED
        exists = yield self.makeRemoteShellCommand(command=["vmadm", "get", vm_uuid], collectStdout=True)
        yield self.runCommand(exists)
        if exists.didFail():
            self.descriptionDone = [f"no build zone {vm_uuid} to delete"]
            return results.SUCCESS
        delete = yield self.makeRemoteShellCommand(command=["vmadm", "delete", vm_uuid])
        yield self.runCommand(delete)
        if delete.didFail():
            self.descriptionDone = [f"build zone {vm_uuid} NOT deleted"]
            return results.FAILURE
        self.descriptionDone = [f"build zone {vm_uuid} deleted"]
        return results.SUCCESS
