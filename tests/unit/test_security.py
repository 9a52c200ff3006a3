from origin_ci.pkgsrc.audit import Finding
from origin_ci.security import classify, describe, fix_key, pins

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


def test_pins():
    assert pins(PINNED, "curl") and pins(PINNED, "sudo")
    assert not pins(PINNED, "gsed") and not pins(PINNED, "coreutils")
    assert not pins(PINNED, "openssl")  # a dependency: full upgrade takes its fix
    assert not pins({**PLAN, "packages": ["curl-impersonate"]}, "curl")
    assert pins({**PLAN, "upgrade": False}, "openssl")  # no upgrade: nothing moves


def test_fix_key_names_flavour_package_advisory_and_fix():
    assert fix_key("triton-origin-x86_64-24.4.1", finding("curl-8.11.0")) == \
        "triton-origin-x86_64-24.4.1|curl-8.11.0|curl<8.11.1|curl-8.11.1"


def test_describe():
    assert describe([finding("curl-8.11.0")]) == (
        "curl-8.11.0 (remote-code-execution, https://curl.se/docs/CVE-2024-0001.html; "
        "fixed by curl-8.11.1)")
