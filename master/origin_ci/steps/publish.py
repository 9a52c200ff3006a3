"""Publish step, on the master: credentials and the image store never leave it."""
import datetime
import json

from buildbot.process import buildstep, results
from twisted.internet import defer, threads

from origin_ci import manifest, publication
from origin_ci.steps.verify import artifact_paths


def build_metadata(properties, build_url):
    return {
        "builder": properties.getProperty("buildername"),
        "build_number": properties.getProperty("buildnumber"),
        "build_url": build_url,
        "reason": properties.getProperty("reason"),
        "scheduler": properties.getProperty("scheduler"),
        "git_revision": properties.getProperty("got_revision"),
        "channel": properties.getProperty("channel"),
        "plan": properties.getProperty("plan"),
        "origin_min_platform": properties.getProperty("origin_min_platform"),
        "installed_packages": properties.getProperty("installed_packages"),
    }


def prepare_publication(paths, metadata, published_at):
    """(final manifest, artifacts to publish beside the image); small files, read and written here."""
    with open(paths["manifest"], encoding="utf-8") as handle:
        final = manifest.published_manifest(json.load(handle), published_at)
    metadata_path = paths["manifest"] + ".build.json"
    with open(metadata_path, "w", encoding="utf-8") as handle:
        json.dump({**metadata, "published_at": final["published_at"]}, handle, indent=2, sort_keys=True)
    return final, {"inventory": paths["inventory"], "build.json": metadata_path, "report.json": paths["report"]}


class PublishImage(buildstep.BuildStep):
    """Publishes to every target that takes the build's channel, or says why it does not."""

    name = "publish"
    description = "publishing"
    renderables = ["artifacts_dir"]

    def __init__(self, targets, artifacts_dir, **kwargs):
        super().__init__(**kwargs)
        self.targets = targets
        self.artifacts_dir = artifacts_dir

    @defer.inlineCallbacks
    def run(self):
        plan = self.getProperty("plan")
        version = self.getProperty("image_version")
        channel = self.getProperty("channel")
        only_if_changed = bool(self.getProperty("only_if_changed"))
        last = None
        if only_if_changed:
            last = yield self.targets[0].last_published(plan["image_name"])
        reason = publication.skip_reason(self.getProperty("dry_run"), only_if_changed,
                                         self.getProperty("installed_packages"), last)
        targets = publication.targets_for(self.targets, channel)
        if reason is None and not targets:
            reason = f"no publish target takes channel {channel}: nothing published"
        if reason:
            self.descriptionDone = [reason]
            self.setProperty("published", False, "publish")
            return results.SKIPPED
        paths = artifact_paths(self.artifacts_dir, plan["image_name"], version)
        build_url = yield self.build.getUrl()
        log = yield self.addLog("published")
        try:
            final, artifacts = yield threads.deferToThread(
                prepare_publication, paths, build_metadata(self, build_url),
                datetime.datetime.now(datetime.UTC))
        except (OSError, ValueError) as error:
            yield log.addStderr(f"the uploaded artifacts are unusable: {error}\n")
            self.descriptionDone = ["not published: artifacts unusable"]
            return results.FAILURE
        # The local store is the record the nightly, security and diff decisions read: it takes
        # the image last, once every IMGAPI has it, so a failed upload leaves no record behind.
        for target in sorted(targets, key=lambda target: not target.has_channels):
            try:
                where = yield target.publish(final, paths["image"], artifacts, channel)
            except Exception as error:  # each target's own errors; nothing half-published by it
                yield log.addStderr(f"{target.name}: {error}\n")
                self.descriptionDone = [f"not published to {target.name}:", str(error)[:120]]
                return results.FAILURE
            yield log.addStdout(f"{target.name}: {where}\n")
            for label, url in target.links(final, artifacts):
                yield self.addURL(label, url)
        self.setProperty("published", True, "publish")
        self.setProperty("published_to", [t.name for t in targets], "publish")
        self.descriptionDone = [f"published {plan['image_name']}@{version}",
                                f"to {', '.join(t.name for t in targets)}"]
        return results.SUCCESS
