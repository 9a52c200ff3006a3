from origin_ci.pkgsrc.audit import Finding
from origin_ci.security import classify, describe, fix_key, keeps_vulnerable

PLAN = {"image_name": "triton-origin-x86_64-24.4.1", "upgrade": True,
        "packages": ["coreutils", "curl", "gsed", "patch", "sudo"]}
PINNED = {**PLAN, "packages": ["coreutils", "curl-8.11.0", "sudo>=1.9<1.10", "gsed"]}


def finding(package, fixable=True, newest="curl-8.11.1"):
    return Finding(package, "curl<8.11.1", "remote-code-execution",
                   "https://curl.se/docs/CVE-2024-0001.html", fixable, newest)


def test_a_fixable_finding_rebuilds_a_flavour_that_takes_the_newest():
    verdict = classify(PLAN, [finding("curl-8.11.0")])
    assert verdict.to_rebuild == (finding("curl-8.11.0"),)
    assert verdict.pinned == ()


def test_unfixable_findings_rebuild_nothing():
    verdict = classify(PLAN, [finding("curl-8.11.0", fixable=False, newest="curl-8.11.0")])
    assert verdict.to_rebuild == () and verdict.pinned == ()


def test_pinned_packages_are_only_reported():
    verdict = classify(PINNED, [finding("curl-8.11.0")])
    assert verdict.to_rebuild == ()
    assert verdict.pinned == (finding("curl-8.11.0"),)


def test_keeps_vulnerable():
    assert keeps_vulnerable(PINNED, finding("curl-8.11.0"))                  # curl-8.11.0 exactly
    assert not keeps_vulnerable(PINNED, finding("gsed-4.9", newest="gsed-4.9nb1"))
    assert keeps_vulnerable(PINNED, finding("sudo-1.9.16", newest="sudo-1.10.0"))  # <1.10
    assert not keeps_vulnerable(PINNED, finding("sudo-1.9.16", newest="sudo-1.9.17"))
    assert not keeps_vulnerable(PINNED, finding("openssl-3.3.2", newest="openssl-3.3.3"))  # upgraded
    assert not keeps_vulnerable({**PLAN, "packages": ["curl-impersonate"]}, finding("curl-8.11.0"))
    no_upgrade = {**PLAN, "upgrade": False}
    assert keeps_vulnerable(no_upgrade, finding("openssl-3.3.2", newest="openssl-3.3.3"))
    assert not keeps_vulnerable(no_upgrade, finding("curl-8.11.0"))  # requested: newest is taken


def test_fix_key_names_flavour_package_advisory_and_fix():
    assert fix_key("triton-origin-x86_64-24.4.1", finding("curl-8.11.0")) == \
        "triton-origin-x86_64-24.4.1|curl-8.11.0|curl<8.11.1|curl-8.11.1"


def test_describe():
    assert describe([finding("curl-8.11.0")]) == (
        "curl-8.11.0 (remote-code-execution, https://curl.se/docs/CVE-2024-0001.html; "
        "fixed by curl-8.11.1)")
