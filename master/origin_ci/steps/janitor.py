"""The janitor's step: delete the build zones on its worker's host that no running build owns."""
import shutil

from buildbot.data import resultspec
from buildbot.process import buildstep, results
from twisted.internet import defer, threads

from origin_ci import janitor


class ReapOrphanZones(buildstep.ShellMixin, buildstep.BuildStep):
    name = "reap orphan zones"
    description = "looking for orphan build zones"

    def __init__(self, **kwargs):
        kwargs = self.setupShellMixin(kwargs)
        super().__init__(**kwargs)

    @defer.inlineCallbacks
    def run(self):
        log = yield self.addLog("janitor")
        listing = yield self.makeRemoteShellCommand(command=janitor.LIST_COMMAND, collectStdout=True)
        yield self.runCommand(listing)
        if listing.didFail():
            self.descriptionDone = ["vmadm list failed"]
            return results.FAILURE
        # The zones are listed before the running builds are asked for: a zone in the listing was
        # created by a build whose vm_uuid was in the database before (the plan step sets it, the
        # create zone step comes later), so a build that is still running keeps its zone.
        zones = janitor.build_zones(listing.stdout)
        running = yield self.running_vm_uuids()
        orphans = janitor.orphans(zones, running)
        for uuid, alias in zones:
            if (uuid, alias) not in orphans:
                yield log.addStdout(f"kept build zone {uuid} ({alias}): its build is running\n")
        stuck = []
        for uuid, alias in orphans:
            reaped = yield self.delete_zone(uuid)
            if reaped:
                yield log.addStdout(f"reaped orphan build zone {uuid} ({alias})\n")
            else:
                yield log.addStderr(f"could not delete orphan build zone {uuid} ({alias})\n")
                stuck.append(uuid)
        if not orphans:
            yield log.addStdout("no orphan build zones\n")
        self.descriptionDone = [f"reaped {len(orphans) - len(stuck)} orphan build zone(s),",
                                f"kept {len(zones) - len(orphans)} of running builds"]
        return results.FAILURE if stuck else results.SUCCESS

    @defer.inlineCallbacks
    def running_vm_uuids(self):
        """The build zones of every unfinished build, on any worker and any master, except those of
        builds that lost their worker: a zone is only ever reaped when no live build claims it."""
        builds = yield self.master.data.get(
            ("builds",), filters=[resultspec.Filter("complete", "eq", [False])])
        uuids = set()
        for build in builds:
            properties = yield self.master.data.get(("builds", build["buildid"], "properties"))
            if "vm_uuid" in properties:
                uuids.add(properties["vm_uuid"][0])
        return uuids - self.lost_vm_uuids()

    def lost_vm_uuids(self):
        """The zones of this master's builds whose worker connection is gone. Buildbot finishes
        such a build (RETRY) a moment after the loss, but a worker that restarts at once connects,
        and runs this janitor, within that moment; nothing can run in those zones any more."""
        return {build.getProperty("vm_uuid")
                for builder in self.master.botmaster.builders.values() for build in builder.building
                if build.conn is None and build.getProperty("vm_uuid")}

    @defer.inlineCallbacks
    def delete_zone(self, uuid):
        """Whether the zone is gone: deleted now, or by its own build since it was listed."""
        delete = yield self.makeRemoteShellCommand(command=["vmadm", "delete", uuid])
        yield self.runCommand(delete)
        if not delete.didFail():
            return True
        still_there = yield self.makeRemoteShellCommand(command=["vmadm", "get", uuid], stdioLogName=None)
        yield self.runCommand(still_there)
        return still_there.didFail()


class RemoveStaleArtifacts(buildstep.BuildStep):
    """On the master: the uploads of builds that are not running (a build whose worker was lost
    never reaches its own `remove artifacts` step)."""

    name = "remove stale artifacts"
    description = "looking for stale uploads"

    def __init__(self, artifacts_dir, **kwargs):
        super().__init__(**kwargs)
        self.artifacts_dir = artifacts_dir

    @defer.inlineCallbacks
    def run(self):
        # The uploads live on this master, so its own builds are all that count; one whose worker
        # is gone will never clean up, even before Buildbot has finished it.
        running = {(name, build.number) for name, builder in self.master.botmaster.builders.items()
                   for build in builder.building if build.conn is not None}
        stale = yield threads.deferToThread(janitor.stale_artifact_dirs, self.artifacts_dir, running)
        log = yield self.addLog("artifacts")
        for path in stale:
            yield threads.deferToThread(shutil.rmtree, path, True)
            yield log.addStdout(f"removed the uploads of a finished build: {path}\n")
        self.descriptionDone = [f"removed {len(stale)} stale upload(s)"]
        return results.SUCCESS
