"""Figures for issue 3's targets: audit 1,000 inventories of 60 packages against a
20,000-entry pkg-vulnerabilities file, and parse a 20,000-record pkg_summary.

Run: .venv/bin/python bench/pkgsrc_bench.py   (prints figures; asserts nothing)

The data is synthetic but shaped like the real files: package bases with several
entries each (dewey ranges, py{..}-style braces, eol globs, a few leading-glob patterns
that cannot be indexed), and summary records with the fields, multi-line DESCRIPTIONs
and DEPENDS lists that SmartOS repositories carry.
"""
import gzip
import lzma
import random
import time

from origin_ci.pkgsrc.audit import Auditor
from origin_ci.pkgsrc.dewey import parse_version
from origin_ci.pkgsrc.match import compile_glob, compile_pattern
from origin_ci.pkgsrc.summary import parse_pkg_summary
from origin_ci.pkgsrc.vulnerabilities import parse_vulnerabilities, render_vulnerabilities

ENTRIES = 20_000
PACKAGE_BASES = 4_000
INVENTORIES = 1_000
INVENTORY_SIZE = 60
RECORDS = 20_000
REPEATS = 3


def version(rng):
    return ".".join(str(rng.randrange(0, 30)) for _ in range(rng.randrange(2, 4))) + rng.choice(["", "", "", "nb1", "rc1"])


def make_entries(rng, bases):
    entries = []
    for number in range(ENTRIES):
        base = rng.choice(bases)
        kind = rng.random()
        if kind < 0.70:
            pattern = f"{base}<{version(rng)}"
        elif kind < 0.85:
            pattern = f"{base}>={version(rng)}<{version(rng)}"
        elif kind < 0.95:
            pattern = f"py{{27,38,39,310}}-{base}<{version(rng)}"
        elif kind < 0.998:
            pattern = f"{base}-[0-9]*"
        else:
            # No literal prefix, so no index key: checked against every package. The
            # real file has a handful of these; 0.2% (40) is on the generous side.
            pattern = f"*-{base}-[0-9]*"
        kind = "eol" if pattern.endswith("[0-9]*") else rng.choice(["remote-code-execution", "denial-of-service"])
        entries.append((pattern, kind, f"https://nvd.nist.gov/vuln/detail/CVE-2023-{number:05d}"))
    return entries


def make_summary(rng, bases):
    chunks = []
    for number in range(RECORDS):
        base = bases[number % len(bases)] + ("" if number < len(bases) else f"-extra{number}")
        lines = [
            "BUILD_DATE=2023-12-31 11:29:08 +0000",
            "CATEGORIES=devel",
            f"COMMENT=Synthetic package {number}",
            *(f"DEPENDS={rng.choice(bases)}>={version(rng)}" for _ in range(rng.randrange(0, 8))),
            *(f"DESCRIPTION=Line {line} of a description that is about as long as real ones are."
              for line in range(rng.randrange(5, 15))),
            f"FILE_NAME={base}-1.0.tgz",
            f"FILE_SIZE={rng.randrange(10_000, 50_000_000)}",
            "HOMEPAGE=https://example.org/",
            "LICENSE=modified-bsd",
            "MACHINE_ARCH=x86_64",
            "OPSYS=SunOS",
            "OS_VERSION=5.11",
            f"PKGNAME={base}-{version(rng)}",
            f"PKGPATH=devel/{base}",
            "PKGTOOLS_VERSION=20211115",
            f"SIZE_PKG={rng.randrange(10_000, 200_000_000)}",
        ]
        chunks.append("\n".join(lines) + "\n\n")
    return "".join(chunks).encode()


def best_of(function):
    """Best wall-clock and CPU seconds of REPEATS runs, each as in a fresh process: the
    pattern and version caches are emptied first, so compiling patterns always counts.
    CPU time is the steadier figure on a machine that other work is sharing."""
    walls, cpus = [], []
    for _ in range(REPEATS):
        for cache in (compile_pattern, compile_glob, parse_version):
            cache.cache_clear()
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def report(label, timing):
    wall, cpu, _ = timing
    print(f"  {label:<62} wall {wall:6.3f} s   cpu {cpu:6.3f} s")


def main():
    rng = random.Random(46)
    bases = [f"pkg{number:04d}" for number in range(PACKAGE_BASES)]
    vulns_file = render_vulnerabilities(make_entries(rng, bases))
    vulns = parse_vulnerabilities(vulns_file)
    installed_pool = [f"{rng.choice(bases)}-{version(rng)}" for _ in range(2_000)]
    shared = [rng.sample(installed_pool, INVENTORY_SIZE) for _ in range(INVENTORIES)]
    distinct = [[f"{rng.choice(bases)}-{version(rng)}" for _ in range(INVENTORY_SIZE)] for _ in range(INVENTORIES)]

    print(f"pkg-vulnerabilities: {len(vulns.entries)} entries, {len(vulns_file) / 1e6:.1f} MB")
    report("parse + verify SHA512", best_of(lambda: parse_vulnerabilities(vulns_file)))
    report("build the audit index (compiling the 20,000 patterns)", best_of(lambda: Auditor(vulns)))

    def audit_all(inventories):
        auditor = Auditor(vulns)
        return sum(len(auditor.audit(inventory)) for inventory in inventories)

    timing = best_of(lambda: audit_all(shared))
    report(f"index + audit {INVENTORIES} x {INVENTORY_SIZE} (names from a pool of 2,000)", timing)
    print(f"    findings: {timing[2]}")
    timing = best_of(lambda: audit_all(distinct))
    report(f"index + audit {INVENTORIES} x {INVENTORY_SIZE} (60,000 random names)", timing)
    print(f"    findings: {timing[2]}")

    summary = make_summary(rng, bases)
    compressed = {"plain": summary, "gz": gzip.compress(summary, 6), "xz": lzma.compress(summary)}
    print(f"pkg_summary: {RECORDS} records, {len(summary) / 1e6:.1f} MB plain")
    for name, data in compressed.items():
        report(f"parse ({name}, {len(data) / 1e6:.1f} MB)", best_of(lambda: parse_pkg_summary(data)))
    records = parse_pkg_summary(summary)
    report("parse, then read SIZE_PKG and DEPENDS of every record", best_of(
        lambda: [(r.get("SIZE_PKG"), r.getall("DEPENDS")) for r in parse_pkg_summary(summary)]))

    def audit_all_with_fixability():
        auditor = Auditor(vulns, records)
        return sum(len(auditor.audit(inventory)) for inventory in shared)

    report(f"index + newest per package + audit {INVENTORIES} x {INVENTORY_SIZE} (pool)",
           best_of(audit_all_with_fixability))


if __name__ == "__main__":
    main()
