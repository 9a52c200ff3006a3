"""Promote step, on the master: add a published image to another IMGAPI channel (e.g. dev →
staging → release). It is a build of its own so that each promotion has a log and an author."""
from buildbot.process import buildstep, results
from twisted.internet import defer

from origin_ci.plan import TRY_MARK


class PromoteImage(buildstep.BuildStep):
    name = "promote"
    description = "promoting"

    def __init__(self, targets, **kwargs):
        super().__init__(**kwargs)
        self.targets = [target for target in targets if target.has_channels]

    @defer.inlineCallbacks
    def run(self):
        image_name = self.getProperty("image_name")
        version = (self.getProperty("version") or "").strip()
        channel = self.getProperty("to_channel")
        log = yield self.addLog("promotion")
        if TRY_MARK in version:
            yield log.addStderr(f"{version} is a try build's image: it stays in the experimental channel\n")
            self.descriptionDone = [f"{image_name}@{version} is a try image, not promoted"]
            return results.FAILURE
        if not self.targets:
            yield log.addStderr("no IMGAPI publish target is configured: the local store has no channels\n")
            self.descriptionDone = ["no IMGAPI target to promote in"]
            return results.FAILURE
        promoted = []
        for target in self.targets:
            try:
                uuid = yield target.find(image_name, version)
                if uuid is None:
                    yield log.addStderr(f"{target.name}: {image_name}@{version} is not published there\n")
                    continue
                manifest = yield target.add_to_channel(uuid, channel)
            except Exception as error:  # the target's own error, in its own words
                yield log.addStderr(f"{target.name}: {error}\n")
                continue
            yield log.addStdout(f"{target.name}: {image_name}@{version} ({uuid}) is now in channels "
                                f"{', '.join(manifest.get('channels', [channel]))}\n")
            promoted.append(target.name)
        if not promoted:
            self.descriptionDone = [f"{image_name}@{version} not promoted"]
            return results.FAILURE
        self.descriptionDone = [f"{image_name}@{version} → {channel}", f"on {', '.join(promoted)}"]
        return results.SUCCESS
