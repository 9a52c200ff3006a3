"""upstream-origins: new LTS releases of tracked origin series become flavours and get built.

The first poll on an empty state only records what exists. A new release is added to the
poller's state (the master config turns it into a builder), the master reconfigures, and a
change naming the new flavour is added; FlavourChangeScheduler builds it. Anything wrong with
the source (unreachable, HTTP error, bad JSON, invalid manifests) is logged and triggers nothing.
"""
from buildbot.changes import base
from twisted.internet import defer
from twisted.python import log

from origin_ci.discovered import DISCOVERED_KEY, UPSTREAM_POLLER_NAME, UPSTREAM_STATE_CLASS
from origin_ci.imgapi.client import ImgapiClient
from origin_ci.pollers.state import StableStateMixin
from origin_ci.upstream import Release, new_releases, tracked_releases

CATEGORY = "upstream-origin"
KNOWN_KEY = "known_origin_uuids"


class UpstreamOriginPoller(StableStateMixin, base.ReconfigurablePollingChangeSource):
    state_class_key = UPSTREAM_STATE_CLASS

    def __init__(self, source_url, tracked_names, flavour_names, **kwargs):
        super().__init__(name=UPSTREAM_POLLER_NAME, source_url=source_url, tracked_names=tracked_names,
                         flavour_names=flavour_names, **kwargs)

    def checkConfig(self, source_url, tracked_names, flavour_names, **kwargs):
        super().checkConfig(**kwargs)

    @defer.inlineCallbacks
    def reconfigService(self, source_url, tracked_names, flavour_names, **kwargs):
        if getattr(self, "client", None) is not None:
            yield defer.ensureDeferred(self.client.close())
        # One retry only: the next poll is the real retry, and a poll must not hang on a dead source.
        self.client = ImgapiClient(source_url, retries=1, timeout=30)
        self.source_url = source_url
        self.tracked_names = tuple(tracked_names)
        self.flavour_names = frozenset(flavour_names)
        yield super().reconfigService(**kwargs)

    def describe(self):
        return (f"{self.name}: new LTS releases of {', '.join(self.tracked_names) or 'nothing'} "
                f"at {self.source_url}")

    @defer.inlineCallbacks
    def fetch_images(self):
        images = []
        for name in self.tracked_names:
            found = yield defer.ensureDeferred(self.client.list_images(name=name))
            images.extend(found)
        return images

    @defer.inlineCallbacks
    def poll(self):
        if not self.tracked_names:
            return
        yield self.load_state_key()
        try:
            images = yield self.fetch_images()
        except Exception as error:  # any failure of the source: say so, change nothing
            log.msg(f"{self.name}: cannot list images at {self.source_url}: {error}")
            return
        releases, rejected = tracked_releases(images, self.tracked_names)
        for reason in rejected:
            log.msg(f"{self.name}: ignoring {reason}")
        known = yield self.getState(KNOWN_KEY, None)
        if known is None:
            yield self.setState(KNOWN_KEY, sorted(r.origin_uuid for r in releases))
            log.msg(f"{self.name}: first poll, recorded {len(releases)} existing releases, "
                    "triggering nothing")
            return
        fresh = new_releases(releases, set(known), self.flavour_names)
        yield self.setState(KNOWN_KEY, sorted(set(known) | {r.origin_uuid for r in releases}))
        log.msg(f"{self.name}: polled, {len(releases)} releases of tracked series, {len(fresh)} new")
        if not fresh:
            return
        discovered = yield self.getState(DISCOVERED_KEY, [])
        recorded = {Release(**entry) for entry in discovered}
        yield self.setState(DISCOVERED_KEY, [r.as_dict() for r in sorted(recorded | set(fresh))])
        log.msg(f"{self.name}: new releases {', '.join(r.image_name for r in fresh)}; reconfiguring "
                "the master to add their builders")
        yield self.master.reconfig()
        for release in fresh:
            yield self.master.data.updates.addChange(
                author=self.name,
                committer=self.name,
                comments=f"new upstream origin {release.origin_name}@{release.origin_version} "
                         f"({release.origin_uuid}): build {release.image_name}",
                category=CATEGORY,
                project="triton-origin",
                repository="",
                codebase="",
                files=[],
                properties={"image_name": release.image_name, **release.as_dict()},
            )
