"""Settings + flavour matrix → the BuildmasterConfig dictionary."""
import os

import yaml
from buildbot import config as bbconfig
from buildbot.plugins import schedulers, secrets, util, worker

from origin_ci import paths
from origin_ci.configfile import ConfigFileError
from origin_ci.factory import make_factory
from origin_ci.flavours import load_flavours
from origin_ci.publish_targets import LocalStoreTarget
from origin_ci.settings import CHANNELS, load_settings
from origin_ci.www import www_config

# Written by scripts/run (and the tests) into a master's basedir to say where its config and
# runtime state live; without it the repository's config/ and var/ are used.
LOCATION_FILE = "origin-ci.yaml"


def locate(basedir):
    location = {"config_dir": paths.DEFAULT_CONFIG_DIR, "var_dir": paths.DEFAULT_VAR_DIR}
    path = os.path.join(basedir, LOCATION_FILE)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            location.update(yaml.safe_load(handle) or {})
    return location["config_dir"], location["var_dir"]


def builder_configs(settings, flavours, target):
    factory = make_factory(settings, target)
    return [
        util.BuilderConfig(
            name=flavour.image_name,
            workernames=[w.name for w in settings.workers],
            factory=factory,
            properties={"flavour": flavour.image_name},
            # One build per flavour at a time: the next patch version is chosen at plan time.
            locks=[util.MasterLock(f"flavour-{flavour.image_name}").access("exclusive")],
            tags=[flavour.pkgsrc_arch, flavour.pkgsrc_branch],
            description=f"{flavour.origin_ref} + {' '.join(flavour.packages)}",
        )
        for flavour in flavours
    ]


def scheduler_configs(settings, names):
    build_properties = [
        util.ChoiceStringParameter(name="channel", label="IMGAPI channel", choices=list(CHANNELS),
                                   default=settings.default_channel),
        util.BooleanParameter(name="dry_run", label="Dry run (build and verify, publish nothing)",
                              default=False),
    ]
    return [
        schedulers.ForceScheduler(
            name="force", builderNames=names, buttonName="Build image",
            reason=util.StringParameter(name="reason", label="Reason", default="forced build", size=60),
            codebases=[util.CodebaseParameter(
                codebase="", branch=util.FixedParameter(name="branch", default=""),
                revision=util.FixedParameter(name="revision", default=""),
                repository=util.FixedParameter(name="repository", default=""),
                project=util.FixedParameter(name="project", default=""))],
            properties=build_properties),
        schedulers.Nightly(
            name="nightly", builderNames=names, hour=settings.nightly["hour"],
            minute=settings.nightly["minute"], onlyIfChanged=False,
            properties={"channel": settings.default_channel, "dry_run": False}),
    ]


def make_master_config(settings, flavours):
    target = LocalStoreTarget(settings.images_dir)
    names = [flavour.image_name for flavour in flavours]
    return {
        "title": settings.title,
        "titleURL": "https://github.com/TritonDataCenter/triton-origin-image",
        "buildbotURL": settings.url,
        "buildbotNetUsageData": None,
        "db": {"db_url": settings.db_url},
        "protocols": {"pb": {"port": settings.worker_port}},
        "secretsProviders": [secrets.SecretInAFile(dirname=settings.secrets_dir)],
        "workers": [
            worker.Worker(w.name, util.Secret(w.password_secret), max_builds=w.max_builds,
                          properties={"build_zone": w.build_zone})
            for w in settings.workers
        ],
        "builders": builder_configs(settings, flavours, target),
        "schedulers": scheduler_configs(settings, names),
        "www": www_config(settings),
    }


def load_master_config(basedir):
    """What master.cfg assigns to BuildmasterConfig; bad files become checkconfig errors."""
    config_dir, var_dir = locate(basedir)
    try:
        settings = load_settings(config_dir, var_dir, paths.REPO_ROOT)
        flavours = load_flavours(settings.flavours_file)
    except ConfigFileError as error:
        raise bbconfig.ConfigErrors(str(error).splitlines()) from None
    return make_master_config(settings, flavours)
