"""Settings + flavour matrix → the BuildmasterConfig dictionary."""
import os

import yaml
from buildbot import config as bbconfig
from buildbot.plugins import secrets, util, worker

from origin_ci import paths
from origin_ci.configfile import ConfigFileError
from origin_ci.factory import make_factory
from origin_ci.feeds import PkgsrcFeeds
from origin_ci.discovered import read_discovered
from origin_ci.flavours import load_matrix
from origin_ci.janitor_config import janitor_builders, janitor_schedulers
from origin_ci.pollers import security, upstream
from origin_ci.publish_targets import ImgapiTarget, LocalStoreTarget
from origin_ci.schedulers import (FlavourChangeScheduler, force_scheduler, nightly_scheduler,
                                  promote_scheduler, try_scheduler)
from origin_ci.steps.promote import PromoteImage
from origin_ci.settings import load_settings
from origin_ci.www import www_config
from origin_ci.www_images import PATH as IMAGES_PATH

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


PROMOTE_BUILDER = "promote"


def promote_builder(settings, targets):
    factory = util.BuildFactory([PromoteImage(targets)])
    return util.BuilderConfig(name=PROMOTE_BUILDER, workernames=[w.name for w in settings.workers],
                              factory=factory, tags=["promote"],
                              description="add a published image to another IMGAPI channel")


def builder_configs(settings, flavours, targets, feeds):
    factory = make_factory(settings, targets, feeds, [flavour.image_name for flavour in flavours])
    return [
        util.BuilderConfig(
            name=flavour.image_name,
            workernames=[w.name for w in settings.workers],
            factory=factory,
            properties={"flavour": flavour.image_name, "flavour_origin": {
                "origin_name": flavour.origin_name, "origin_version": flavour.origin_version,
                "origin_uuid": flavour.origin_uuid}},
            # One build per flavour at a time: the next patch version is chosen at plan time.
            locks=[util.MasterLock(f"flavour-{flavour.image_name}").access("exclusive")],
            tags=[flavour.pkgsrc_arch, flavour.pkgsrc_branch],
            description=f"{flavour.origin_ref} + {' '.join(flavour.packages)}",
        )
        for flavour in flavours
    ]


def scheduler_configs(settings, names):
    channel = settings.default_channel
    configured = [
        force_scheduler(names, channel),
        nightly_scheduler(names, channel, settings.nightly["hour"], settings.nightly["minute"]),
        FlavourChangeScheduler("upstream", names, category=upstream.CATEGORY, channel=channel),
        FlavourChangeScheduler("security", names, category=security.CATEGORY, channel=channel),
    ]
    try_users = settings.try_users()
    if try_users:
        configured.append(try_scheduler(names, settings.try_port, try_users))
    return configured


def change_sources(settings, matrix, flavours, target, feeds):
    return [
        upstream.UpstreamOriginPoller(
            settings.upstream["source_url"], tracked_names=sorted(matrix.tracked),
            flavour_names=[f.image_name for f in matrix.flavours],
            pollInterval=settings.upstream["poll_interval"], pollAtLaunch=True),
        security.PkgsrcSecurityPoller(
            feeds, plans=[f.to_plan() for f in flavours], target=target,
            pollInterval=settings.security["poll_interval"], pollAtLaunch=True),
    ]


def all_flavours(matrix, discovered):
    """The file's flavours, then tracked-series releases the upstream poller discovered."""
    flavours = list(matrix.flavours)
    listed = {flavour.image_name for flavour in flavours}
    for release in discovered:
        if release.origin_name in matrix.tracked and release.image_name not in listed:
            flavours.append(matrix.discovered(release.origin_name, release.origin_version,
                                              release.origin_uuid))
            listed.add(release.image_name)
    return flavours


def publish_targets(settings):
    """The local store first (the nightly and security decisions read its inventories)."""
    return [LocalStoreTarget(settings.images_dir, url=settings.url + IMAGES_PATH)] + \
        [ImgapiTarget(**target) for target in settings.imgapi_targets]


def make_master_config(settings, matrix, discovered=()):
    targets = publish_targets(settings)
    feeds = PkgsrcFeeds(settings.security["vulnerabilities_url"], settings.security["pkgsrc_url"])
    flavours = all_flavours(matrix, discovered)
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
        "builders": builder_configs(settings, flavours, targets, feeds) + [promote_builder(settings, targets)]
        + janitor_builders(settings),
        "schedulers": scheduler_configs(settings, names) + [promote_scheduler(PROMOTE_BUILDER, names)]
        + janitor_schedulers(settings),
        "change_source": change_sources(settings, matrix, flavours, targets[0], feeds),
        "www": www_config(settings),
    }


def load_master_config(basedir):
    """What master.cfg assigns to BuildmasterConfig; bad files become checkconfig errors."""
    config_dir, var_dir = locate(basedir)
    try:
        settings = load_settings(config_dir, var_dir, paths.REPO_ROOT)
        matrix = load_matrix(settings.flavours_file)
    except ConfigFileError as error:
        raise bbconfig.ConfigErrors(str(error).splitlines()) from None
    return make_master_config(settings, matrix, read_discovered(settings.db_url, basedir))
