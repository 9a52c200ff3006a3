"""What a build reports: the size table, the USB-key budget, the package diff and the audit
verdict, on `pkg_info -X -a` output and pkg-vulnerabilities files as SmartOS and pkgsrc write them."""
from origin_ci import report
from origin_ci.pkgsrc.audit import Auditor
from origin_ci.pkgsrc.summary import parse_pkg_summary
from origin_ci.pkgsrc.vulnerabilities import parse_vulnerabilities, render_vulnerabilities
from tests.report_data import ADDED, MB, ORIGIN, image_inventory, pkg_info_output

def test_size_table_is_rfd46s_cumulative_and_incremental_per_requested_package():
    origin_names = [p[0] for p in ORIGIN]
    rows = report.size_table(image_inventory(), origin_names, ["coreutils", "curl", "gsed", "sudo"])
    assert [(r["package"], r["requested"], r["added"], r["incremental_bytes"], r["cumulative_bytes"])
            for r in rows] == [
        ("coreutils", True, ["gettext-lib-0.21", "gmp-6.2.1", "coreutils-9.5"], 21_600_000, 21_600_000),
        # the origin's openssl-3.3.2 satisfies curl's openssl>=3.3, so curl does not pay for it
        ("curl", True, ["libidn2-2.3.0", "curl-8.11.0"], 5_400_000, 27_000_000),
        ("gsed", True, ["gsed-4.9nb1"], 370_000, 27_370_000),
        ("sudo", True, ["sudo-1.9.16p2"], 5_000_000, 32_370_000),
        # ... but the upgrade replaced it, and the image carries the new one
        ("openssl-3.3.3", False, ["openssl-3.3.3"], 9_900_000, 42_270_000),
    ]
    assert rows[-1]["cumulative_bytes"] == sum(size for _name, size, *_ in ADDED)
    assert rows[0]["installed"] == "coreutils-9.5"


def test_requested_package_the_origin_has_costs_nothing():
    rows = report.size_table(parse_pkg_summary(pkg_info_output(ORIGIN)), [p[0] for p in ORIGIN], ["pkgin"])
    assert rows == [{"package": "pkgin", "requested": True, "installed": "pkgin-24.5.1", "added": [],
                     "incremental_bytes": 0, "cumulative_bytes": 0}]


def test_size_table_text_marks_rows_nobody_asked_for():
    rows = report.size_table(image_inventory(), [p[0] for p in ORIGIN], ["coreutils", "curl", "gsed", "sudo"])
    lines = report.describe_size_table(rows)
    assert lines[0].split()[:3] == ["PACKAGE", "CUMULATIVE_SIZE", "SIZE_DIFF"]
    assert lines[1].split()[:3] == ["coreutils", "21600000", "21600000"]
    assert lines[5].startswith("openssl-3.3.3 *")
    assert lines[-1].startswith("* not requested")


def test_usb_key_total_counts_each_origin_once():
    images = [
        {"image_bytes": 40 * MB, "origin_uuid": "41bd4100-eb86-409a-85b0-e649aadf6f62", "origin_bytes": 70 * MB},
        {"image_bytes": 38 * MB, "origin_uuid": "5e4c3f98-aca4-11ee-9db8-00151714048c", "origin_bytes": 68 * MB},
        {"image_bytes": 1 * MB, "origin_uuid": "41bd4100-eb86-409a-85b0-e649aadf6f62", "origin_bytes": 70 * MB},
    ]
    assert report.usb_key_total(images) == 79 * MB + 138 * MB


def test_budget_warns_or_fails_as_the_flavour_says():
    budget = report.DEFAULT_USB_KEY_BUDGET_BYTES
    assert budget == 4294967296
    assert report.size_outcome(budget, budget, "fail") == report.SUCCESS
    assert report.size_outcome(budget + 1, budget, "warn") == report.WARNINGS
    assert report.size_outcome(budget + 1, budget, "fail") == report.FAILURE


def test_human_bytes():
    assert [report.human_bytes(n) for n in (512, 2048, 42_270_000, 4294967296)] == \
        ["512 B", "2.0 KiB", "40.3 MiB", "4.0 GiB"]


PREVIOUS = ["coreutils-9.5", "curl-8.11.0", "gsed-4.9nb1", "openssl-3.3.2", "pkgin-24.5.1", "sudo-1.9.16p1"]


def test_first_image_of_a_name():
    diff = report.package_diff(None, PREVIOUS)
    assert diff == {"previous_version": None, "added": [], "removed": [], "upgraded": [], "downgraded": [],
                    "summary": "first image of this name"}


def test_identical_inventory_is_said_plainly():
    diff = report.package_diff(("1.0.3", list(reversed(PREVIOUS))), PREVIOUS)
    assert diff["summary"] == "identical inventory to 1.0.3"
    assert (diff["added"], diff["removed"], diff["upgraded"]) == ([], [], [])


def test_upgrades_compare_pkgsrc_versions_and_name_both():
    current = ["coreutils-9.5", "curl-8.11.1", "gsed-4.9nb1", "openssl-3.3.3", "pkgin-24.5.1",
               "sudo-1.9.16p2", "zstd-1.5.6"]
    diff = report.package_diff(("1.0.3", PREVIOUS), current)
    assert diff["added"] == ["zstd-1.5.6"] and diff["removed"] == []
    assert diff["upgraded"] == [{"package": "curl", "from": "8.11.0", "to": "8.11.1"},
                                {"package": "openssl", "from": "3.3.2", "to": "3.3.3"},
                                # 1.9.16p1 -> 1.9.16p2 is an upgrade by dewey rules
                                {"package": "sudo", "from": "1.9.16p1", "to": "1.9.16p2"}]
    assert diff["summary"] == ("since 1.0.3: +zstd-1.5.6, curl 8.11.0 -> 8.11.1, "
                               "openssl 3.3.2 -> 3.3.3, sudo 1.9.16p1 -> 1.9.16p2")


def test_removed_and_downgraded_packages():
    current = ["coreutils-9.5", "curl-8.11.0", "gsed-4.9", "pkgin-24.5.1", "sudo-1.9.16p1"]
    diff = report.package_diff(("1.0.3", PREVIOUS), current)
    assert diff["removed"] == ["openssl-3.3.2"]
    assert diff["downgraded"] == [{"package": "gsed", "from": "4.9nb1", "to": "4.9"}]
    assert diff["upgraded"] == []


def test_previous_image_without_inventory_is_not_compared():
    diff = report.package_diff(("1.0.3", None), PREVIOUS)
    assert diff["summary"] == "1.0.3 has no recorded inventory: nothing to compare"


VULNERABILITIES = render_vulnerabilities([
    ("sudo<1.9.16p2", "privilege-escalation", "https://nvd.nist.gov/vuln/detail/CVE-2025-32463"),
    ("curl<8.12.0", "denial-of-service", "https://curl.se/docs/CVE-2025-0665.html"),
    ("gmp<6.3", "buffer-overflow", "https://nvd.nist.gov/vuln/detail/CVE-2021-43618"),
])
REPOSITORY = pkg_info_output([("sudo-1.9.16p1", 4_900_000), ("sudo-1.9.16p2", 5_000_000),
                              ("curl-8.11.0", 4_100_000), ("gmp-6.2.1", 2_300_000)])


def audit(pkgnames, repository=REPOSITORY):
    records = parse_pkg_summary(repository) if repository is not None else None
    return report.audit_entries(Auditor(parse_vulnerabilities(VULNERABILITIES), records).audit(pkgnames))


def test_audit_entries_say_whether_the_repository_fixes_them():
    entries = audit(["curl-8.11.0", "gmp-6.2.1", "sudo-1.9.16p1", "zlib-1.2.11"])
    assert [(e["package"], e["fixable"], e["fixed_by"]) for e in entries] == [
        ("curl-8.11.0", False, None), ("gmp-6.2.1", False, None), ("sudo-1.9.16p1", True, "sudo-1.9.16p2")]
    assert entries[2] == {"package": "sudo-1.9.16p1", "pattern": "sudo<1.9.16p2", "type": "privilege-escalation",
                          "url": "https://nvd.nist.gov/vuln/detail/CVE-2025-32463", "fixable": True,
                          "fixed_by": "sudo-1.9.16p2"}
    assert report.describe_finding(entries[2]) == (
        "sudo-1.9.16p1: privilege-escalation (https://nvd.nist.gov/vuln/detail/CVE-2025-32463), "
        "fixed by sudo-1.9.16p2")
    assert report.describe_finding(entries[0]).endswith("no fix in the repository")


def test_audit_policy():
    fixable = audit(["sudo-1.9.16p1"])
    unfixable = audit(["curl-8.11.0"])
    assert report.audit_outcome([], "fail") == report.SUCCESS
    assert report.audit_outcome(fixable, "warn") == report.WARNINGS
    assert report.audit_outcome(fixable, "fail") == report.FAILURE
    # nothing to rebuild with: failing would only stop every build of the flavour
    assert report.audit_outcome(unfixable, "fail") == report.WARNINGS


def test_without_a_repository_fixability_is_unknown_and_never_fails():
    entries = audit(["sudo-1.9.16p1"], repository=None)
    assert entries[0]["fixable"] is None
    assert report.describe_finding(entries[0]).endswith("fixability unknown")
    assert report.audit_outcome(entries, "fail") == report.WARNINGS


def test_report_document_keeps_a_failed_audit_apart_from_a_clean_one():
    document = report.report_document({"name": "triton-origin-x86_64-24.4.1", "version": "1.0.4", "uuid": "u"},
                                      ["sudo-1.9.16p2", "curl-8.11.0"], None, "pkg-vulnerabilities unusable",
                                      {"image_bytes": 1}, {"summary": "first image of this name"})
    assert document["packages"] == ["curl-8.11.0", "sudo-1.9.16p2"]
    assert document["audit"] is None and document["audit_error"] == "pkg-vulnerabilities unusable"
    assert set(document) == {"image", "packages", "audit", "audit_error", "size", "diff"}
