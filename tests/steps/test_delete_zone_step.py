"""The cleanup step deletes the build's own zone and nothing else, whatever properties say."""
from buildbot.process.results import FAILURE, SKIPPED, SUCCESS
from buildbot.test.steps import ExpectShell

from origin_ci.steps.zone import DeleteBuildZone
from tests.steps.stepcase import StepTestCase

VM = "0b5cbd39-1f7b-4cd3-9a5e-3d4c0a1f2b6e"


def vmadm(*arguments):
    return ExpectShell(workdir="wkdir", command=["vmadm", *arguments])


class DeleteBuildZoneTest(StepTestCase):
    def delete_step(self, vm_uuid, source="plan"):
        # (the fake data API takes only identifiers for step names)
        self.setup_step(DeleteBuildZone(name="delete_zone"))
        self.build.setProperty("vm_uuid", vm_uuid, source)

    def test_deletes_the_planned_zone(self):
        self.delete_step(VM)
        self.expect_commands(vmadm("get", VM).stdout("{}").exit(0), vmadm("delete", VM).exit(0))
        self.expect_outcome(result=SUCCESS, state_string=f"build zone {VM} deleted")
        self.run_and_settle()

    def test_a_zone_that_was_never_created_is_fine(self):
        self.delete_step(VM)
        self.expect_commands(vmadm("get", VM).exit(1))
        self.expect_outcome(result=SUCCESS, state_string=f"no build zone {VM} to delete")
        self.run_and_settle()

    def test_a_failed_delete_fails_the_build(self):
        self.delete_step(VM)
        self.expect_commands(vmadm("get", VM).exit(0), vmadm("delete", VM).exit(1))
        self.expect_outcome(result=FAILURE, state_string=f"build zone {VM} NOT deleted (failure)")
        self.run_and_settle()

    def test_a_uuid_the_plan_did_not_set_never_reaches_vmadm(self):
        self.delete_step(VM, source="try build")
        self.expect_outcome(result=SKIPPED, state_string="no build zone was planned (skipped)")
        self.run_and_settle()

    def test_shell_text_never_reaches_vmadm(self):
        self.delete_step(f"{VM}; rm -rf /")
        self.expect_outcome(result=SKIPPED, state_string="no build zone was planned (skipped)")
        self.run_and_settle()
