"""Publishing: every IMGAPI first, the local store (the record) last, nothing recorded when an
upload fails; promotion never takes a try image out of the experimental channel."""
import json
import pathlib
import tempfile

from buildbot.process.results import FAILURE, SUCCESS
from twisted.internet import defer

from origin_ci.steps.promote import PromoteImage
from origin_ci.steps.publish import PublishImage
from tests.steps.stepcase import StepTestCase

IMAGE = "triton-origin-x86_64-24.4.1"


class Target:
    def __init__(self, name, has_channels, fails=False):
        self.name, self.description, self.has_channels, self.fails = name, name, has_channels, fails
        self.published, self.promoted = [], []

    def publish(self, manifest, image_file, artifacts, channel):
        if self.fails:
            return defer.fail(RuntimeError("HTTP 401: signature rejected"))
        self.published.append((manifest["version"], channel))
        return defer.succeed(f"{self.name}/{manifest['version']}")

    def links(self, manifest, artifacts):
        return []

    def find(self, image_name, version):
        return defer.succeed("0f2b1ad6-5a1e-4b44-8d6b-1b6f2a4c9e10")

    def add_to_channel(self, uuid, channel):
        self.promoted.append((uuid, channel))
        return defer.succeed({"channels": ["dev", channel]})


class PublishImageTest(StepTestCase):
    def publish_step(self, tmp_path, targets):
        (tmp_path / f"{IMAGE}-1.0.3.imgmanifest").write_text(json.dumps(
            {"v": 2, "uuid": "0f2b1ad6-5a1e-4b44-8d6b-1b6f2a4c9e10", "name": IMAGE, "version": "1.0.3"}))
        self.setup_step(PublishImage(targets, artifacts_dir=str(tmp_path)))
        self.build.getUrl = lambda: defer.succeed("http://127.0.0.1:8010/#/builders/1/builds/1")
        self.set_properties(plan={"image_name": IMAGE}, image_version="1.0.3", channel="dev",
                            installed_packages=["curl-8.11.0"])

    def test_the_local_store_gets_the_image_last(self):
        local, updates = Target("local", False), Target("updates", True)
        self.publish_step(self.tmp_path(), [local, updates])
        order = []
        local.publish = record(order, local.publish)
        updates.publish = record(order, updates.publish)
        self.expect_outcome(result=SUCCESS)
        self.run_and_settle()
        assert order == ["updates", "local"]

    def test_a_failed_upload_leaves_no_record_in_the_local_store(self):
        local, updates = Target("local", False), Target("updates", True, fails=True)
        self.publish_step(self.tmp_path(), [local, updates])
        self.expect_outcome(result=FAILURE)
        self.expect_log_file_stderr("published", "updates: HTTP 401: signature rejected\n")
        self.run_and_settle()
        assert local.published == []

    def tmp_path(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        return pathlib.Path(directory.name)


def record(order, publish):
    def publishing(manifest, image_file, artifacts, channel):
        order.append(publish.__self__.name)
        return publish(manifest, image_file, artifacts, channel)
    return publishing


class PromoteImageTest(StepTestCase):
    def test_a_published_image_is_added_to_the_channel(self):
        updates = Target("updates", True)
        self.setup_step(PromoteImage([Target("local", False), updates]))
        self.set_properties(image_name=IMAGE, version="1.0.3", to_channel="release")
        self.expect_outcome(result=SUCCESS)
        self.run_and_settle()
        assert updates.promoted == [("0f2b1ad6-5a1e-4b44-8d6b-1b6f2a4c9e10", "release")]

    def test_a_try_image_is_never_promoted(self):
        updates = Target("updates", True)
        self.setup_step(PromoteImage([updates]))
        self.set_properties(image_name=IMAGE, version="1.0.3-try.12", to_channel="release")
        self.expect_outcome(result=FAILURE)
        self.run_and_settle()
        assert updates.promoted == []
