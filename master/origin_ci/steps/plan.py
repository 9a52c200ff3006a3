"""Plan step: read the checkout's flavour file and turn this builder's flavour into properties."""
import json
import uuid

from buildbot.process import buildstep, results
from buildbot.steps.worker import CompositeStepMixin
from twisted.internet import defer

from origin_ci.configfile import ConfigFileError
from origin_ci.plan import PlanError, make_plan

FLAVOURS_IN_CHECKOUT = "config/flavours.yaml"


class PlanBuild(buildstep.BuildStep, CompositeStepMixin):
    name = "plan"
    description = "planning"

    def __init__(self, targets, **kwargs):
        super().__init__(**kwargs)
        self.targets = targets

    @defer.inlineCallbacks
    def run(self):
        log = yield self.addLog("plan")
        text = yield self.getFileContentFromWorker(FLAVOURS_IN_CHECKOUT)
        if text is None:
            yield log.addStderr(f"the checkout has no {FLAVOURS_IN_CHECKOUT}\n")
            return results.FAILURE
        image_name = self.getProperty("flavour")
        published = set()
        for target in self.targets:
            try:
                published.update((yield defer.maybeDeferred(target.published_versions, image_name)))
            except Exception as error:  # an unreachable IMGAPI: no version can be chosen safely
                yield log.addStderr(f"{target.name}: cannot list the published versions: {error}\n")
                self.descriptionDone = [f"no plan: {target.name} unreachable"]
                return results.FAILURE
        try:
            properties = make_plan(
                text, f"{FLAVOURS_IN_CHECKOUT} (checkout)", image_name, sorted(published),
                build_number=self.build.number, vm_uuid=str(uuid.uuid4()),
                channel=self.getProperty("channel"), is_try=self.getProperty("scheduler") == "try",
                origin=self.getProperty("flavour_origin"))
        except (ConfigFileError, PlanError) as error:
            yield log.addStderr(f"{error}\n")
            self.descriptionDone = ["no plan:", str(error).splitlines()[0][:120]]
            return results.FAILURE
        for key, value in properties.items():
            self.setProperty(key, value, "plan")
        yield log.addStdout(json.dumps(properties, indent=2, sort_keys=True) + "\n")
        plan = properties["plan"]
        self.descriptionDone = [
            f"{plan['image_name']}@{properties['image_version']}",
            f"on {plan['origin_name']}@{plan['origin_version']},",
            f"{len(plan['packages'])} packages" + (", full upgrade" if plan["upgrade"] else ""),
        ]
        return results.SUCCESS
