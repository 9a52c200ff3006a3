"""One flavour's build, as a Buildbot factory: checkout → plan → SmartOS steps → verify → publish.

The SmartOS work is plain shell steps whose command lines are exactly what an operator would
type in a global zone; the plan step turns the checkout's flavour file into the properties they
read, so a `buildbot try` patch changes what gets built.
"""
import shlex

from buildbot.plugins import steps, util
from buildbot.process import buildstep

from origin_ci import manifest, zone
from origin_ci.steps.origin import RecordOriginManifest
from origin_ci.steps.plan import PlanBuild
from origin_ci.steps.publish import PublishImage
from origin_ci.steps.report import AuditInventory, DiffInventory, MeasureSize, WriteReport
from origin_ci.steps.verify import VerifyImage
from origin_ci.steps.zone import DeleteBuildZone

PKGIN = "/opt/local/bin/pkgin"
PKG_INFO = "/opt/local/sbin/pkg_info"
OUT_DIR = "out"
# TOOLS-1634: concurrent imports of one origin on a host race, so imports are serialized per host.
ORIGIN_IMPORT_LOCK = util.WorkerLock("origin-import", maxCount=1)

VM = util.Property("vm_uuid")
# What a finished shell step says in the build's summary, instead of its command line.
DONE = {
    "import origin": "origin imported",
    "create zone": "build zone created",
    "origin inventory": "origin's packages recorded",
    "pkgin update": "repository refreshed",
    "install packages": "packages installed",
    "full upgrade": "packages upgraded",
    "inventory": "inventory recorded",
    "clean pkgin cache": "pkgin cache cleaned",
    "stop zone": "build zone stopped",
    "create image": "image created",
}


@util.renderer
def zone_payload(props):
    return zone.zone_payload(props.getProperty("origin_uuid"), props.getProperty("vm_uuid"),
                             props.getProperty("vm_alias"), props.getProperty("build_zone"))


@util.renderer
def image_manifest(props):
    plan = props.getProperty("plan")
    tags = {
        "triton_origin_ci_origin": f"{plan['origin_name']}@{plan['origin_version']}",
        "triton_origin_ci_packages": " ".join(plan["packages"]),
        "triton_origin_ci_git": props.getProperty("got_revision") or "",
        "triton_origin_ci_build": f"{props.getProperty('buildername')}#{props.getProperty('buildnumber')}",
    }
    return manifest.build_manifest(plan, props.getProperty("image_version"),
                                   props.getProperty("origin_min_platform"), tags)


@util.renderer
def quoted_packages(props):
    """zlogin joins its arguments into one shell command line inside the zone, so a pattern such
    as `curl>=7.50` must be quoted or the zone's shell reads a redirection."""
    return [shlex.quote(package) for package in props.getProperty("packages")]


def _upgrade_requested(step):
    return bool(step.getProperty("plan", {}).get("upgrade"))


def zlogin(*command):
    return ["zlogin", VM, *command]


def record_inventory(name, filename):
    """`pkg_info -X -a` of the build zone, in pkg_summary format, into the output directory;
    the zone's uuid is an argument of the shell, never part of its script."""
    return steps.ShellCommand(name=name, workdir=OUT_DIR, haltOnFailure=True,
                              command=["sh", "-c", f'zlogin "$1" {PKG_INFO} -X -a > "$2"', "sh", VM, filename])


def make_factory(settings, targets, feeds, flavour_names=()):
    """`feeds`: the master's PkgsrcFeeds; `flavour_names`: every flavour's image name, for the
    USB-key total of the size step."""
    artifacts_dir = util.Interpolate(
        f"{settings.artifacts_dir}/%(prop:buildername)s/%(prop:buildnumber)s")
    factory = util.BuildFactory()
    factory.addSteps([
        steps.Git(name="checkout", repourl=settings.repo_url, branch=settings.branch,
                  mode="full", method="clobber", codebase="", haltOnFailure=True),
        steps.RemoveDirectory(name="clean output", dir=OUT_DIR, haltOnFailure=True),
        PlanBuild(targets, haltOnFailure=True),
        steps.ShellCommand(name="import origin", haltOnFailure=True,
                           command=["imgadm", "import", "-q", util.Property("origin_uuid")],
                           locks=[ORIGIN_IMPORT_LOCK.access("exclusive")]),
        RecordOriginManifest(origin_uuid=util.Property("origin_uuid"), haltOnFailure=True),
        steps.JSONStringDownload(zone_payload, workerdest="build-zone.json", workdir=OUT_DIR,
                                 name="zone payload", haltOnFailure=True),
        steps.ShellCommand(name="create zone", workdir=OUT_DIR, haltOnFailure=True,
                           command=["vmadm", "create", "-f", "build-zone.json"]),
        # What the origin holds, before anything is installed: the size report's baseline.
        record_inventory("origin inventory", "origin-inventory.pkg_summary"),
        steps.ShellCommand(name="pkgin update", haltOnFailure=True,
                           command=zlogin(PKGIN, "-y", "update")),
        steps.ShellCommand(name="install packages", haltOnFailure=True,
                           command=zlogin(PKGIN, "-y", "install", quoted_packages)),
        steps.ShellCommand(name="full upgrade", haltOnFailure=True, doStepIf=_upgrade_requested,
                           command=zlogin(PKGIN, "-y", "full-upgrade")),
        record_inventory("inventory", "inventory.pkg_summary"),
        steps.ShellCommand(name="clean pkgin cache", haltOnFailure=True,
                           command=zlogin(PKGIN, "-y", "clean")),
        steps.ShellCommand(name="stop zone", haltOnFailure=True, command=["vmadm", "stop", VM]),
        steps.JSONStringDownload(image_manifest, workerdest="image-manifest.json", workdir=OUT_DIR,
                                 name="image manifest", haltOnFailure=True),
        steps.ShellCommand(name="create image", workdir=OUT_DIR, haltOnFailure=True,
                           command=["imgadm", "create", "-i", "-c", "gzip", "-m", "image-manifest.json",
                                    "-o", util.Interpolate("%(prop:image_name)s-%(prop:image_version)s"),
                                    VM]),
        steps.DirectoryUpload(name="upload artifacts", workersrc=".", workdir=OUT_DIR,
                              masterdest=artifacts_dir, haltOnFailure=True),
        VerifyImage(artifacts_dir=artifacts_dir, haltOnFailure=True),
        AuditInventory(feeds, haltOnFailure=True),
        MeasureSize(targets, flavour_names, settings.usb_key_budget_bytes, artifacts_dir=artifacts_dir,
                    haltOnFailure=True),
        DiffInventory(targets, haltOnFailure=True),
        WriteReport(artifacts_dir=artifacts_dir, haltOnFailure=True),
        PublishImage(targets, artifacts_dir=artifacts_dir, haltOnFailure=True),
        # Cleanup runs whatever happened before: no build zone or output may outlive the build.
        DeleteBuildZone(alwaysRun=True),
        steps.RemoveDirectory(name="remove output", dir=OUT_DIR, alwaysRun=True),
        # Published files are links or copies in the targets; the uploads go with the build.
        steps.MasterShellCommand(name="remove artifacts", command=["rm", "-rf", artifacts_dir],
                                 alwaysRun=True, logEnviron=False),
    ])
    for step in factory.steps:
        if issubclass(step.step_class, (steps.ShellCommand, steps.Git, buildstep.ShellMixin)):
            # The worker's environment is nobody's business in a build log anyone may read.
            step.kwargs.setdefault("logEnviron", False)
        if step.kwargs.get("name") in DONE:
            step.kwargs.setdefault("descriptionDone", DONE[step.kwargs["name"]])
    return factory
