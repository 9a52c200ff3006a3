"""Schedulers: force (web UI), nightly, and the one that builds what a poller's change names."""
from buildbot.plugins import schedulers, util
from buildbot.schedulers import base
from twisted.internet import defer
from twisted.python import log

from origin_ci.plan import TRY_CHANNEL
from origin_ci.settings import CHANNELS


class FlavourChangeScheduler(base.ReconfigurableBaseScheduler):
    """Builds exactly the flavour a poller's change names (its `image_name` property)."""

    def __init__(self, name, builderNames, category, channel, **kwargs):
        super().__init__(name=name, builderNames=builderNames, category=category,
                         properties={"channel": channel, "dry_run": False}, **kwargs)

    def checkConfig(self, builderNames, category, **kwargs):
        super().checkConfig(builderNames, **kwargs)

    @defer.inlineCallbacks
    def reconfigService(self, builderNames, category, **kwargs):
        self.category = category
        yield super().reconfigService(builderNames, **kwargs)

    @defer.inlineCallbacks
    def activate(self):
        yield super().activate()
        if self.enabled:
            yield self.startConsumingChanges(change_filter=util.ChangeFilter(category=self.category))

    @defer.inlineCallbacks
    def gotChange(self, change, important):
        image_name = change.properties.getProperty("image_name")
        if image_name not in self.builderNames:
            log.msg(f"{self.name}: change {change.number} names {image_name!r}, which has no "
                    "builder; nothing built")
            return
        yield self.addBuildsetForChanges(reason=change.comments, changeids=[change.number],
                                         builderNames=[image_name])


def fixed_codebase():
    """Forced builds always take the configured branch of the image definitions."""
    return util.CodebaseParameter(
        codebase="", branch=util.FixedParameter(name="branch", default=""),
        revision=util.FixedParameter(name="revision", default=""),
        repository=util.FixedParameter(name="repository", default=""),
        project=util.FixedParameter(name="project", default=""))


def force_scheduler(names, default_channel):
    return schedulers.ForceScheduler(
        name="force", builderNames=names, buttonName="Build image",
        reason=util.StringParameter(name="reason", label="Reason", default="forced build", size=60),
        codebases=[fixed_codebase()],
        properties=[
            util.ChoiceStringParameter(name="channel", label="IMGAPI channel", choices=list(CHANNELS),
                                       default=default_channel),
            util.BooleanParameter(name="dry_run", label="Dry run (build and verify, publish nothing)",
                                  default=False),
            util.BooleanParameter(name="only_if_changed", default=False,
                                  label="Publish only if the packages differ from the last image"),
        ])


def promote_scheduler(builder_name, image_names):
    return schedulers.ForceScheduler(
        name="promote", builderNames=[builder_name], buttonName="Promote image",
        reason=util.StringParameter(name="reason", label="Reason", default="promotion", size=60),
        codebases=[fixed_codebase()],
        properties=[
            util.ChoiceStringParameter(name="image_name", label="Image", choices=list(image_names),
                                       default=image_names[0]),
            util.StringParameter(name="version", label="Version (e.g. 1.0.3)", required=True),
            util.ChoiceStringParameter(name="to_channel", label="Add to channel",
                                       choices=[c for c in CHANNELS if c != TRY_CHANNEL],
                                       default="staging"),
        ])


class TryUserpass(schedulers.Try_Userpass):
    """`buildbot try` that takes an author's patch but none of their build properties: those
    reach command lines on the worker's global zone (vm_uuid, packages, ...), and only the plan
    may set them.

    Also, Buildbot 4.3's Try_Userpass drops its PB registrations before unregistering them, so a
    reconfig that changes its builders (a new flavour) fails with "username already registered";
    this one unregisters first."""

    def addBuildsetForSourceStamps(self, *args, properties=None, **kwargs):
        return super().addBuildsetForSourceStamps(*args, properties=None, **kwargs)

    @defer.inlineCallbacks
    def reconfigService(self, builderNames, port, userpass, **kwargs):
        if self.active:
            yield self._destroy_pb()
        yield super().reconfigService(builderNames, port, userpass, **kwargs)


def try_scheduler(names, port, users):
    """`buildbot try` for image authors; plan.py confines its builds to the experimental channel."""
    return TryUserpass(
        name="try", builderNames=names, port=port, userpass=list(users),
        properties={"channel": TRY_CHANNEL, "dry_run": False})


def nightly_scheduler(names, default_channel, hour, minute):
    return schedulers.Nightly(
        name="nightly", builderNames=names, hour=hour, minute=minute, onlyIfChanged=False,
        properties={"channel": default_channel, "dry_run": False, "only_if_changed": True})
