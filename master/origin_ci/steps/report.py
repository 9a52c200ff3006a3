"""Report steps, on the master between verify and publish: audit, size, diff, and the report file.

Each sets one build property (`audit`, `size`, `diff`) holding what `origin_ci.report` computed;
the report step writes them to `report.json` among the artifacts, which the publish step puts
beside the image.
"""
import json

from buildbot.process import buildstep, results
from twisted.internet import defer, threads

from origin_ci import report
from origin_ci.fetch import FetchError
from origin_ci.pkgsrc.audit import audit
from origin_ci.pkgsrc.sizeplan import SizePlanError
from origin_ci.pkgsrc.summary import SummaryError, parse_pkg_summary
from origin_ci.pkgsrc.vulnerabilities import VulnerabilitiesError
from origin_ci.steps.verify import artifact_paths

RESULTS = {report.SUCCESS: results.SUCCESS, report.WARNINGS: results.WARNINGS,
           report.FAILURE: results.FAILURE}


def _read_records(path):
    with open(path, "rb") as handle:
        return parse_pkg_summary(handle.read())


class _ArtifactsStep(buildstep.BuildStep):
    """A step that reads (or adds to) the artifacts the worker uploaded for this build."""

    renderables = ["artifacts_dir"]

    def __init__(self, artifacts_dir, **kwargs):
        super().__init__(**kwargs)
        self.artifacts_dir = artifacts_dir

    def artifact_paths(self):
        return artifact_paths(self.artifacts_dir, self.getProperty("image_name"),
                              self.getProperty("image_version"))


class AuditInventory(buildstep.BuildStep):
    """The installed packages against pkg-vulnerabilities, with fixes looked up in the flavour's
    pkgsrc repository. Never reports "clean" for an audit it could not do."""

    name = "audit"
    description = "auditing"
    warnOnWarnings = True  # findings mark the whole build, not only this step

    def __init__(self, feeds, **kwargs):
        super().__init__(**kwargs)
        self.feeds = feeds

    @defer.inlineCallbacks
    def run(self):
        plan = self.getProperty("plan")
        log = yield self.addLog("findings")
        try:
            vulnerabilities = yield self.feeds.vulnerabilities()
        except (FetchError, VulnerabilitiesError) as error:
            message = f"pkg-vulnerabilities unusable, the image was NOT audited: {error}"
            yield log.addStderr(message + "\n")
            self.setProperty("audit", None, "audit")
            self.setProperty("audit_error", message, "audit")
            self.descriptionDone = ["NOT audited:", "pkg-vulnerabilities unusable"]
            return results.WARNINGS
        yield log.addStdout(f"{self.feeds.vulnerabilities_url}: {len(vulnerabilities.entries)} entries, "
                            f"{vulnerabilities.netbsd_id or 'no $NetBSD id'}, "
                            f"checksum {'+'.join(vulnerabilities.verified_with)} verified\n")
        try:
            records = yield self.feeds.repository(plan)
        except (FetchError, SummaryError) as error:
            yield log.addStderr(f"{self.feeds.repository_url(plan)}: {error}; "
                                "whether fixes exist is unknown\n")
            records = None
        findings = yield threads.deferToThread(
            audit, self.getProperty("installed_packages"), vulnerabilities, records)
        entries = report.audit_entries(findings)
        self.setProperty("audit", entries, "audit")
        self.setProperty("audit_error", None, "audit")
        yield log.addStdout("".join(report.describe_finding(entry) + "\n" for entry in entries)
                            or "no known vulnerabilities\n")
        outcome = report.audit_outcome(entries, plan["audit_policy"])
        if not entries:
            self.descriptionDone = ["no known vulnerabilities"]
        else:
            fixable = sum(1 for entry in entries if entry["fixable"])
            self.descriptionDone = [
                f"{len(entries)} finding(s), {fixable} fixable"
                + (" (policy: fail)" if outcome == report.FAILURE else "") + ":",
                "; ".join(report.describe_finding(entry) for entry in entries)[:200]]
        return RESULTS[outcome]


class MeasureSize(_ArtifactsStep):
    """The image, its origin, what the packages add, and the newest image of every flavour with
    its origin against the USB-key budget."""

    name = "size"
    description = "measuring"
    warnOnWarnings = True  # a blown budget marks the whole build, not only this step

    def __init__(self, targets, flavour_names, budget_bytes, **kwargs):
        super().__init__(**kwargs)
        self.targets = targets
        self.flavour_names = flavour_names
        self.budget_bytes = budget_bytes

    @defer.inlineCallbacks
    def run(self):
        plan = self.getProperty("plan")
        log = yield self.addLog("sizes")
        current = {"name": plan["image_name"], "version": self.getProperty("image_version"),
                   "image_bytes": self.getProperty("image_size"),
                   "origin_uuid": plan["origin_uuid"], "origin_bytes": self.getProperty("origin_size")}
        others, uncounted = yield self.newest_published_images(current["name"])
        images = [current, *others]
        paths = self.artifact_paths()
        try:
            rows = yield threads.deferToThread(
                lambda: report.size_table(_read_records(paths["inventory"]),
                                          [r.pkgname for r in _read_records(paths["origin_inventory"])],
                                          plan["packages"]))
        except (OSError, SummaryError, SizePlanError) as error:
            yield log.addStderr(f"no per-package sizes: {error}\n")
            rows = []
        total = report.usb_key_total(images)
        size = {**{key: current[key] for key in ("image_bytes", "origin_uuid", "origin_bytes")},
                "added_installed_bytes": rows[-1]["cumulative_bytes"] if rows else None,
                "per_package": rows,
                "budget_bytes": self.budget_bytes, "all_flavours_bytes": total,
                "all_flavours": [{key: image[key] for key in ("name", "version", "image_bytes", "origin_bytes")}
                                 for image in images],
                "not_counted": uncounted}
        self.setProperty("size", size, "size")
        budget_line = (f"all flavours {report.human_bytes(total)} of the "
                       f"{report.human_bytes(self.budget_bytes)} USB-key budget")
        yield log.addStdout("\n".join([
            f"image {current['image_bytes']} bytes, origin {current['origin_bytes']} bytes, "
            f"packages add {size['added_installed_bytes']} bytes installed",
            "", *report.describe_size_table(rows), "",
            f"{budget_line}: the newest image of each flavour, and its origin once:",
            *(f"  {image['name']}@{image['version']}: image {image['image_bytes']}, "
              f"origin {image['origin_bytes']}" for image in images),
            *(f"  {name}: no published image with a report, not counted" for name in uncounted),
        ]) + "\n")
        outcome = report.size_outcome(total, self.budget_bytes, plan["size_policy"])
        self.descriptionDone = [
            f"image {report.human_bytes(current['image_bytes'])},",
            f"origin {report.human_bytes(current['origin_bytes'])},",
            (f"packages add {report.human_bytes(size['added_installed_bytes'])} installed;"
             if rows else "per-package sizes unknown;"),
            ("OVER BUDGET: " if outcome != report.SUCCESS else "") + budget_line]
        if not rows and outcome == report.SUCCESS:
            outcome = report.WARNINGS  # a size report without its table deserves a look
        return RESULTS[outcome]

    @defer.inlineCallbacks
    def newest_published_images(self, current_name):
        """The newest published image of every other flavour, as the USB-key total counts them,
        and the flavours with none that has a report."""
        images, uncounted = [], []
        for name in self.flavour_names:
            if name == current_name:
                continue
            published = yield self.targets[0].last_report(name)
            try:
                images.append({"name": name, "version": published["image"]["version"],
                               **{key: published["size"][key]
                                  for key in ("image_bytes", "origin_uuid", "origin_bytes")}})
            except (TypeError, KeyError):  # no report, or one from before these keys existed
                uncounted.append(name)
        return images, uncounted


class DiffInventory(buildstep.BuildStep):
    """Packages added, removed, upgraded against the last published image of the same name."""

    name = "diff"
    description = "comparing"

    def __init__(self, targets, **kwargs):
        super().__init__(**kwargs)
        self.targets = targets

    @defer.inlineCallbacks
    def run(self):
        previous = yield self.targets[0].last_published(self.getProperty("image_name"))
        diff = report.package_diff(previous, self.getProperty("installed_packages"))
        self.setProperty("diff", diff, "diff")
        yield self.addCompleteLog("diff", json.dumps(diff, indent=2) + "\n")
        self.descriptionDone = [diff["summary"][:200]]
        return results.SUCCESS


class WriteReport(_ArtifactsStep):
    """report.json among the artifacts, for the publish step to put beside the image."""

    name = "report"
    description = "writing report"

    @defer.inlineCallbacks
    def run(self):
        document = report.report_document(
            {"name": self.getProperty("image_name"), "version": self.getProperty("image_version"),
             "uuid": self.getProperty("image_uuid")},
            self.getProperty("installed_packages"), self.getProperty("audit"),
            self.getProperty("audit_error"), self.getProperty("size"), self.getProperty("diff"))
        text = json.dumps(document, indent=2, sort_keys=True) + "\n"
        yield threads.deferToThread(_write_text, self.artifact_paths()["report"], text)
        yield self.addCompleteLog("report.json", text)
        self.descriptionDone = ["report.json written"]
        return results.SUCCESS


def _write_text(path, text):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
