"""Verify step, on the master: the uploaded image is what the plan asked for, before anything is published."""
import datetime
import json
import os

from buildbot.process import buildstep, results
from twisted.internet import defer, threads

from origin_ci import inventory, manifest
from origin_ci.imgmanifest import ManifestError, validate_manifest


def artifact_paths(artifacts_dir, image_name, version):
    prefix = os.path.join(artifacts_dir, f"{image_name}-{version}")
    return {
        "manifest": prefix + ".imgmanifest",
        "image": prefix + ".zfs.gz",
        "inventory": os.path.join(artifacts_dir, "inventory.pkg_summary"),
        "origin_inventory": os.path.join(artifacts_dir, "origin-inventory.pkg_summary"),
        "report": os.path.join(artifacts_dir, "report.json"),
    }


def check_artifacts(paths, plan, version, min_platform):
    """(problems, facts) for the uploaded artifacts; blocking I/O, run in a thread."""
    with open(paths["manifest"], encoding="utf-8") as handle:
        created = json.load(handle)
    sha1, size = manifest.file_digest(paths["image"])
    problems = manifest.image_problems(created, plan, version, min_platform, sha1, size)
    with open(paths["inventory"], "rb") as handle:
        installed = inventory.installed_packages(handle.read())
    problems += [f"requested package {pattern} is not installed"
                 for pattern in inventory.unmet_requests(plan["packages"], installed)]
    try:
        validate_manifest(manifest.published_manifest(created, datetime.datetime.now(datetime.UTC)),
                          mode="private")
    except ManifestError as error:
        problems += [f"manifest would be refused by a private IMGAPI: {e['field']}: {e['message']}"
                     for e in error.errors]
    facts = {"image_uuid": created.get("uuid"), "image_sha1": sha1, "image_size": size,
             "installed_packages": installed}
    return problems, facts


class VerifyImage(buildstep.BuildStep):
    name = "verify"
    description = "verifying"
    renderables = ["artifacts_dir"]

    def __init__(self, artifacts_dir, **kwargs):
        super().__init__(**kwargs)
        self.artifacts_dir = artifacts_dir

    @defer.inlineCallbacks
    def run(self):
        plan = self.getProperty("plan")
        version = self.getProperty("image_version")
        paths = artifact_paths(self.artifacts_dir, plan["image_name"], version)
        try:
            problems, facts = yield threads.deferToThread(
                check_artifacts, paths, plan, version, self.getProperty("origin_min_platform"))
        except (OSError, ValueError) as error:
            yield self.addCompleteLog("problems", f"artifacts unreadable: {error}\n")
            self.descriptionDone = ["artifacts unreadable"]
            return results.FAILURE
        report = [f"image {plan['image_name']}@{version} uuid {facts['image_uuid']}",
                  f"file {facts['image_size']} bytes, sha1 {facts['image_sha1']}",
                  f"{len(facts['installed_packages'])} packages installed:",
                  *(f"  {name}" for name in facts["installed_packages"])]
        yield self.addCompleteLog("image", "\n".join(report) + "\n")
        for key, value in facts.items():
            self.setProperty(key, value, "verify")
        if problems:
            yield self.addCompleteLog("problems", "\n".join(problems) + "\n")
            self.descriptionDone = [f"{len(problems)} problem(s):", problems[0][:100]]
            return results.FAILURE
        self.descriptionDone = [f"{facts['image_size']} bytes,",
                                f"{len(facts['installed_packages'])} packages"]
        return results.SUCCESS
