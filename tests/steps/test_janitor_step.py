"""The janitor's step: the vmadm commands it runs on the worker, and what it deletes."""
from buildbot.process.results import FAILURE, SUCCESS
from buildbot.test.steps import ExpectShell
from twisted.internet import defer

from origin_ci.steps.janitor import ReapOrphanZones
from tests.steps.stepcase import StepTestCase

RUNNING = "0b5cbd39-1f7b-4cd3-9a5e-3d4c0a1f2b6e"
ORPHAN = "7d0e7e5c-5b1e-4a36-8d2f-9b1f0d6c2a11"
LISTING = (f"{RUNNING}:origin-build-triton-origin-x86_64-24.4.1-8\n"
           f"{ORPHAN}:origin-build-triton-origin-x86_64-24.4.1-7\n"
           "c1d7b0a6-2f3e-4d5c-9e8f-0a1b2c3d4e5f:manatee0\n")


def vmadm(*arguments):
    return ExpectShell(workdir="wkdir", command=["vmadm", *arguments])


def listing(output):
    return vmadm("list", "-H", "-p", "-o", "uuid,alias").stdout(output).exit(0)


class WhileOneBuildRuns(ReapOrphanZones):
    """The data API's answer, without a database: one unfinished build, whose zone is RUNNING."""

    def running_vm_uuids(self):
        return defer.succeed({RUNNING})


class ReapOrphanZonesTest(StepTestCase):
    def reap_step(self):
        # (the fake data API takes only identifiers for step names)
        self.setup_step(WhileOneBuildRuns(name="reap_orphan_zones"))

    def test_reaps_orphans_and_keeps_running_builds_zones(self):
        self.reap_step()
        self.expect_commands(listing(LISTING), vmadm("delete", ORPHAN).exit(0))
        self.expect_outcome(result=SUCCESS,
                            state_string="reaped 1 orphan build zone(s), kept 1 of running builds")
        self.expect_log_file("janitor", f"kept build zone {RUNNING} (origin-build-triton-origin-x86_64-24.4.1-8): "
                                        "its build is running\n"
                                        f"reaped orphan build zone {ORPHAN} (origin-build-triton-origin-x86_64-24.4.1-7)\n")
        self.run_and_settle()

    def test_zone_its_build_deleted_meanwhile_is_no_failure(self):
        self.reap_step()
        self.expect_commands(listing(LISTING), vmadm("delete", ORPHAN).exit(1), vmadm("get", ORPHAN).exit(1))
        self.expect_outcome(result=SUCCESS)
        self.run_and_settle()

    def test_zone_that_stays_fails_the_janitor(self):
        self.reap_step()
        self.expect_commands(listing(LISTING), vmadm("delete", ORPHAN).exit(1), vmadm("get", ORPHAN).exit(0))
        self.expect_outcome(result=FAILURE)
        self.run_and_settle()

    def test_nothing_to_do(self):
        self.reap_step()
        self.expect_commands(listing(""))
        self.expect_outcome(result=SUCCESS, state_string="reaped 0 orphan build zone(s), kept 0 of running builds")
        self.expect_log_file("janitor", "no orphan build zones\n")
        self.run_and_settle()
