"""Publish step, on the master: credentials and the image store never leave it."""
import datetime
import json

from buildbot.process import buildstep, results
from twisted.internet import defer

from origin_ci import manifest
from origin_ci.local_store import StoreError
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
    return final, {"inventory": paths["inventory"], "build.json": metadata_path}


class PublishImage(buildstep.BuildStep):
    name = "publish"
    description = "publishing"
    renderables = ["artifacts_dir"]

    def __init__(self, target, artifacts_dir, **kwargs):
        super().__init__(**kwargs)
        self.target = target
        self.artifacts_dir = artifacts_dir

    @defer.inlineCallbacks
    def run(self):
        plan = self.getProperty("plan")
        version = self.getProperty("image_version")
        if self.getProperty("dry_run"):
            self.descriptionDone = ["dry run: nothing published"]
            return results.SKIPPED
        paths = artifact_paths(self.artifacts_dir, plan["image_name"], version)
        try:
            build_url = yield self.build.getUrl()
            final, artifacts = prepare_publication(paths, build_metadata(self, build_url),
                                                   datetime.datetime.now(datetime.UTC))
            published = yield self.target.publish(final, paths["image"], artifacts)
        except (StoreError, OSError) as error:
            yield self.addCompleteLog("error", f"{error}\n")
            self.descriptionDone = ["not published:", str(error)[:120]]
            return results.FAILURE
        self.setProperty("published_manifest", published, "publish")
        yield self.addCompleteLog("published", f"{published}\n")
        self.descriptionDone = [f"published {plan['image_name']}@{version}",
                                f"to {self.target.name} ({self.target.description})"]
        return results.SUCCESS
