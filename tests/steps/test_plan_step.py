"""The plan step reads the build's own checkout, so a try patch changes what is built."""
from buildbot.process.results import FAILURE, SUCCESS
from buildbot.test.steps import ExpectUploadFile

from origin_ci.steps.plan import PlanBuild
from tests.steps.stepcase import StepTestCase

FLAVOURS = b"""
flavours:
  - origin_name: minimal-64-lts
    origin_version: 24.4.1
    origin_uuid: 41bd4100-eb86-409a-85b0-e649aadf6f62
    packages: [curl, jq]
"""
IMAGE = "triton-origin-x86_64-24.4.1"


class FakeTarget:
    def __init__(self, versions):
        self.versions = versions

    def published_versions(self, name):
        assert name == IMAGE
        return self.versions


class PlanBuildTest(StepTestCase):
    def plan_step(self, content, published=(), **properties):
        self.setup_step(PlanBuild([FakeTarget(list(published))]))
        for key, value in {"flavour": IMAGE, "channel": "dev", **properties}.items():
            self.build.setProperty(key, value, "test")
        upload = ExpectUploadFile(workersrc="config/flavours.yaml", workdir="wkdir",
                                  blocksize=32768, maxsize=None, writer=ExpectRemoteRefAny())
        if content is None:
            self.expect_commands(upload.exit(1))
        else:
            self.expect_commands(upload.upload_string(content).exit(0))

    def test_plan_from_checkout(self):
        self.plan_step(FLAVOURS, published=["1.0.0", "1.0.1"])
        self.expect_outcome(result=SUCCESS)
        self.expect_property("image_version", "1.0.2")
        self.expect_property("packages", ["curl", "jq"])
        self.expect_property("vm_alias", f"origin-build-{IMAGE}-{self.build.number}")
        self.expect_property("channel", "dev")
        self.run_and_settle()

    def test_try_builds_are_confined_to_experimental(self):
        self.plan_step(FLAVOURS, scheduler="try", channel="release")
        self.expect_outcome(result=SUCCESS)
        self.expect_property("channel", "experimental")
        self.run_and_settle()

    def test_checkout_without_the_flavour_fails_clearly(self):
        self.plan_step(FLAVOURS.replace(b"24.4.1", b"21.4.0").replace(
            b"41bd4100-eb86-409a-85b0-e649aadf6f62", b"a7199134-7e94-11ec-be67-db6f482136c2"))
        self.expect_outcome(result=FAILURE)
        self.expect_log_file_stderr(
            "plan", f"config/flavours.yaml (checkout) defines no flavour {IMAGE} "
                    "(it defines: triton-origin-x86_64-21.4.0)\n")
        self.run_and_settle()

    def test_bad_flavour_file_in_checkout_fails_naming_key(self):
        self.plan_step(FLAVOURS + b"    upgrade: maybe\n")
        self.expect_outcome(result=FAILURE)
        self.expect_log_file_stderr(
            "plan", "config/flavours.yaml (checkout): flavours[0].upgrade: 'maybe' is not of type 'boolean'\n")
        self.run_and_settle()

    def test_missing_flavour_file(self):
        self.plan_step(None)
        self.expect_outcome(result=FAILURE)
        self.run_and_settle()


class ExpectRemoteRefAny:
    """Matches the writer reference the step passes, whatever it is."""

    def __eq__(self, other):
        return True
