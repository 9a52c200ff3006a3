"""The report steps on the master: audit, size, diff and report.json, from uploaded artifacts."""
import gzip
import json
import os
import shutil
import tempfile

from buildbot.process.results import FAILURE, SUCCESS, WARNINGS

from origin_ci.flavours import parse_flavours
from origin_ci.pkgsrc.vulnerabilities import render_vulnerabilities
from origin_ci.feeds import PkgsrcFeeds
from origin_ci.steps.report import AuditInventory, DiffInventory, MeasureSize, WriteReport
from tests.report_data import ADDED, ORIGIN, pkg_info_output
from tests.steps.stepcase import StepTestCase

IMAGE = "triton-origin-x86_64-24.4.1"
OTHER = "triton-origin-x86_64-23.4.0"
FLAVOURS = """
flavours:
  - origin_name: minimal-64-lts
    origin_version: 24.4.1
    origin_uuid: 41bd4100-eb86-409a-85b0-e649aadf6f62
    packages: [coreutils, curl, gsed, sudo]
"""
INSTALLED = sorted([name for name, *_ in ORIGIN if not name.startswith("openssl-")] + [p[0] for p in ADDED])
SUDO_CVE = "https://nvd.nist.gov/vuln/detail/CVE-2025-32463"


def plan(**settings):
    return {**parse_flavours(FLAVOURS)[0].to_plan(), **settings}


class FakeStore:
    """A publish target that has published `reports` (name -> report) and `inventories`."""

    def __init__(self, reports=None, inventories=None):
        self.reports = reports or {}
        self.inventories = inventories or {}

    def last_report(self, name):
        return self.reports.get(name)

    def last_published(self, name):
        return self.inventories.get(name)


class ReportStepTest(StepTestCase):
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)

    def write(self, relative, data):
        path = os.path.join(self.tmp, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
        return path

    def build_properties(self, **plan_settings):
        self.set_properties(plan=plan(**plan_settings), image_name=IMAGE, image_version="1.0.4",
                            image_uuid="0c5f3c6e-8a0b-4d43-9c37-5b8f4f6c9b11", installed_packages=INSTALLED,
                            image_size=12_000_000, origin_size=70_000_000)

    # -- audit -------------------------------------------------------------------------------
    def audit_step(self, policy="warn", vulnerabilities=True, repository=True):
        if vulnerabilities:
            self.write("vulns/pkg-vulnerabilities.gz", gzip.compress(render_vulnerabilities([
                ("sudo<1.9.16p3", "privilege-escalation", SUDO_CVE),
                ("curl<7.0", "remote-code-execution", "https://curl.se/docs/security.html")])))
        if repository:
            self.write("pkgsrc/2024Q4/x86_64/All/pkg_summary.gz", gzip.compress(pkg_info_output(
                [("sudo-1.9.16p2", 5_000_000), ("sudo-1.9.16p3", 5_100_000)])))
        self.setup_step(AuditInventory(PkgsrcFeeds(f"file://{self.tmp}/vulns/pkg-vulnerabilities.gz",
                                                   f"file://{self.tmp}/pkgsrc")))
        self.build_properties(audit_policy=policy)

    def test_fixable_finding_warns_under_the_warn_policy(self):
        self.audit_step()
        self.expect_outcome(result=WARNINGS)
        self.expect_property("audit", [{"package": "sudo-1.9.16p2", "pattern": "sudo<1.9.16p3",
                                        "type": "privilege-escalation", "url": SUDO_CVE, "fixable": True,
                                        "fixed_by": "sudo-1.9.16p3"}])
        self.expect_property("audit_error", None)
        self.run_and_settle()
        self.assertIn("1 finding(s), 1 fixable", self.get_nth_step(0).descriptionDone[0])

    def test_fixable_finding_fails_under_the_fail_policy(self):
        self.audit_step(policy="fail")
        self.expect_outcome(result=FAILURE)
        self.run_and_settle()

    def test_clean_inventory(self):
        self.audit_step(policy="fail")
        self.build.setProperty("installed_packages", ["sudo-1.9.16p3", "curl-8.11.0"], "test")
        self.expect_outcome(result=SUCCESS, state_string="no known vulnerabilities")
        self.expect_property("audit", [])
        self.run_and_settle()

    def test_missing_vulnerabilities_file_is_never_clean(self):
        self.audit_step(vulnerabilities=False)
        self.expect_outcome(result=WARNINGS, state_string="NOT audited: pkg-vulnerabilities unusable (warnings)")
        self.expect_property("audit", None)
        self.run_and_settle()
        self.assertIn("NOT audited", self.get_nth_step(0).getProperty("audit_error"))

    def test_tampered_vulnerabilities_file_is_refused(self):
        self.audit_step()
        tampered = render_vulnerabilities([("sudo<1.9.16p3", "privilege-escalation", SUDO_CVE)]).replace(
            b"sudo<1.9.16p3", b"sudo<1.0")
        self.write("vulns/pkg-vulnerabilities.gz", tampered)
        self.expect_outcome(result=WARNINGS, state_string="NOT audited: pkg-vulnerabilities unusable (warnings)")
        self.expect_property("audit", None)
        self.run_and_settle()

    def test_unreachable_repository_leaves_fixability_unknown(self):
        self.audit_step(policy="fail", repository=False)
        self.expect_outcome(result=WARNINGS)
        self.run_and_settle()
        [finding] = self.get_nth_step(0).getProperty("audit")
        self.assertIsNone(finding["fixable"])

    # -- size --------------------------------------------------------------------------------
    def size_step(self, budget=4 * 1024 ** 3, policy="warn", store=None):
        artifacts = os.path.join(self.tmp, "artifacts")
        origin = pkg_info_output(ORIGIN)
        image = pkg_info_output([p for p in ORIGIN if not p[0].startswith("openssl-")] + ADDED)
        self.write("artifacts/origin-inventory.pkg_summary", origin)
        self.write("artifacts/inventory.pkg_summary", image)
        other_report = {"image": {"name": OTHER, "version": "1.0.2"},
                        "size": {"image_bytes": 10_000_000, "origin_uuid": "5e4c3f98-aca4-11ee-9db8-00151714048c",
                                 "origin_bytes": 68_000_000}}
        store = store or FakeStore(reports={OTHER: other_report})
        self.setup_step(MeasureSize([store], [IMAGE, OTHER, "triton-origin-x86_64-21.4.0"],
                                    budget, artifacts_dir=artifacts))
        self.build_properties(size_policy=policy)

    def test_size_report_within_budget(self):
        self.size_step()
        self.expect_outcome(result=SUCCESS)
        self.run_and_settle()
        size = self.get_nth_step(0).getProperty("size")
        self.assertEqual((size["image_bytes"], size["origin_bytes"], size["added_installed_bytes"]),
                         (12_000_000, 70_000_000, 42_270_000))
        self.assertEqual([row["package"] for row in size["per_package"]],
                         ["coreutils", "curl", "gsed", "sudo", "openssl-3.3.3"])
        self.assertEqual(size["all_flavours_bytes"], 12_000_000 + 70_000_000 + 10_000_000 + 68_000_000)
        self.assertEqual([image["name"] for image in size["all_flavours"]], [IMAGE, OTHER])
        self.assertEqual(size["not_counted"], ["triton-origin-x86_64-21.4.0"])
        self.assertEqual(size["budget_bytes"], 4 * 1024 ** 3)

    def test_over_budget_warns(self):
        self.size_step(budget=100_000_000)
        self.expect_outcome(result=WARNINGS)
        self.run_and_settle()
        self.assertIn("OVER BUDGET", " ".join(self.get_nth_step(0).descriptionDone))

    def test_over_budget_fails_when_the_flavour_says_so(self):
        self.size_step(budget=100_000_000, policy="fail")
        self.expect_outcome(result=FAILURE)
        self.run_and_settle()

    def test_missing_origin_inventory_warns_without_a_table(self):
        self.size_step()
        os.unlink(os.path.join(self.tmp, "artifacts", "origin-inventory.pkg_summary"))
        self.expect_outcome(result=WARNINGS)
        self.run_and_settle()
        size = self.get_nth_step(0).getProperty("size")
        self.assertEqual((size["per_package"], size["added_installed_bytes"]), ([], None))

    # -- diff and report ---------------------------------------------------------------------
    def test_diff_names_the_upgrade(self):
        previous = [name.replace("curl-8.11.0", "curl-8.10.1") for name in INSTALLED]
        self.setup_step(DiffInventory([FakeStore(inventories={IMAGE: ("1.0.3", previous)})]))
        self.build_properties()
        self.expect_outcome(result=SUCCESS, state_string="since 1.0.3: curl 8.10.1 -> 8.11.0")
        self.expect_property("diff", {"previous_version": "1.0.3", "added": [], "removed": [],
                                      "upgraded": [{"package": "curl", "from": "8.10.1", "to": "8.11.0"}],
                                      "downgraded": [], "summary": "since 1.0.3: curl 8.10.1 -> 8.11.0"})
        self.run_and_settle()

    def test_first_image(self):
        self.setup_step(DiffInventory([FakeStore()]))
        self.build_properties()
        self.expect_outcome(result=SUCCESS, state_string="first image of this name")
        self.run_and_settle()

    def test_report_json_among_the_artifacts(self):
        artifacts = os.path.join(self.tmp, "artifacts")
        os.makedirs(artifacts)
        self.setup_step(WriteReport(artifacts_dir=artifacts))
        self.build_properties()
        self.set_properties(audit=[], audit_error=None, size={"image_bytes": 12_000_000},
                            diff={"summary": "first image of this name"})
        self.expect_outcome(result=SUCCESS)
        self.run_and_settle()
        with open(os.path.join(artifacts, "report.json")) as handle:
            document = json.load(handle)
        self.assertEqual(document["image"]["version"], "1.0.4")
        self.assertEqual(document["packages"], INSTALLED)
        self.assertEqual((document["audit"], document["size"]["image_bytes"]), ([], 12_000_000))
