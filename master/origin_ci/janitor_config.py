"""The janitor's builders and schedulers: one builder per worker host, run when the worker
connects (a worker that died mid-build comes back to its leftovers), every `janitor_interval`
seconds, and on demand from the web UI."""
from buildbot.plugins import schedulers, util
from buildbot.schedulers import base
from twisted.internet import defer

from origin_ci.schedulers import fixed_codebase
from origin_ci.steps.janitor import ReapOrphanZones, RemoveStaleArtifacts

BUILDER_PREFIX = "janitor-"


def janitor_builder_name(worker_name):
    return f"{BUILDER_PREFIX}{worker_name}"


def janitor_builders(settings):
    factory = util.BuildFactory([ReapOrphanZones(logEnviron=False),
                                 RemoveStaleArtifacts(settings.artifacts_dir, alwaysRun=True)])
    return [
        util.BuilderConfig(
            name=janitor_builder_name(worker.name), workernames=[worker.name], factory=factory,
            # A connect and a periodic run queued together do the same work: one build suffices.
            collapseRequests=True, tags=["janitor"],
            description=f"deletes the build zones on {worker.name} that no running build owns, "
                        "and uploads no running build needs")
        for worker in settings.workers
    ]


class WorkerConnectedScheduler(base.ReconfigurableBaseScheduler):
    """Builds a worker's janitor builder whenever that worker connects."""

    def __init__(self, name, builderNames, **kwargs):
        super().__init__(name=name, builderNames=builderNames, **kwargs)
        self._connected_consumer = None

    def checkConfig(self, builderNames, **kwargs):
        super().checkConfig(builderNames, **kwargs)

    @defer.inlineCallbacks
    def reconfigService(self, builderNames, **kwargs):
        yield super().reconfigService(builderNames, **kwargs)

    @defer.inlineCallbacks
    def activate(self):
        yield super().activate()
        if self.enabled and not self._connected_consumer:
            self._connected_consumer = yield self.master.mq.startConsuming(
                self.worker_connected, ("workers", None, "connected"))

    @defer.inlineCallbacks
    def deactivate(self):
        if self._connected_consumer:
            self._connected_consumer.stopConsuming()
            self._connected_consumer = None
        yield super().deactivate()

    def worker_connected(self, _key, worker):
        builder = janitor_builder_name(worker["name"])
        if builder not in self.builderNames:
            return defer.succeed(None)
        return self.addBuildsetForSourceStampsWithDefaults(
            reason=f"worker {worker['name']} connected", builderNames=[builder])


def janitor_schedulers(settings):
    names = [janitor_builder_name(worker.name) for worker in settings.workers]
    return [
        WorkerConnectedScheduler("janitor-on-connect", names),
        schedulers.Periodic(name="janitor-periodic", builderNames=names,
                            periodicBuildTimer=settings.janitor_interval),
        schedulers.ForceScheduler(
            name="janitor", builderNames=names, buttonName="Reap orphan zones",
            reason=util.StringParameter(name="reason", label="Reason", default="by hand", size=40),
            codebases=[fixed_codebase()]),
    ]
