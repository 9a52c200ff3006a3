"""upstream-origins: new LTS releases of tracked origin series become flavours and get built.

The first poll on an empty state only records what exists. A new release is added to the
poller's state as a flavour (the master config turns it into a builder) and as a pending build;
the master reconfigures, and a change naming the new flavour is added for each pending build whose
builder exists (FlavourChangeScheduler builds it); the others are retried at every poll. Anything wrong with
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
PENDING_KEY = "pending_builds"


class UpstreamOriginPoller(StableStateMixin, base.ReconfigurablePollingChangeSource):
    state_class_key = UPSTREAM_STATE_CLASS

    def __init__(self, source_url, tracked_names, flavour_names, **kwargs):
        self.pending_lock = defer.DeferredLock()
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

    @defer.inlineCallbacks
    def stopService(self):
        yield defer.ensureDeferred(self.client.close())
        yield super().stopService()

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
        if fresh:
            # Recorded as flavours (the master config turns them into builders) and as pending
            # builds before they count as known: a crash in between repeats work, never loses it.
            yield self.add_releases(DISCOVERED_KEY, fresh)
            yield self.add_releases(PENDING_KEY, fresh)
        yield self.setState(KNOWN_KEY, sorted(set(known) | {r.origin_uuid for r in releases}))
        log.msg(f"{self.name}: polled, {len(releases)} releases of tracked series, {len(fresh)} new")
        pending = yield self.releases(PENDING_KEY)
        if any(r.image_name not in self.master.botmaster.builders and r.origin_name in self.tracked_names
               for r in pending):
            # Reconfiguring reconfigures this poller too, which may wait for this very poll to
            # end: so the reconfig, and the builds after it, happen outside it.
            log.msg(f"{self.name}: reconfiguring the master to add builders for "
                    f"{', '.join(r.image_name for r in pending)}")
            self.master.reactor.callLater(0, self.reconfigure_and_build)
        elif pending:
            yield self.build_pending()

    @defer.inlineCallbacks
    def releases(self, key):
        return {Release(**entry) for entry in (yield self.getState(key, []))}

    @defer.inlineCallbacks
    def add_releases(self, key, releases):
        recorded = yield self.releases(key)
        yield self.setState(key, [r.as_dict() for r in sorted(recorded | set(releases))])

    @defer.inlineCallbacks
    def reconfigure_and_build(self):
        try:
            yield self.master.reconfig()
            yield self.build_pending()
        except Exception as error:  # the next poll tries again
            log.msg(f"{self.name}: could not build the new releases yet: {error}")

    @defer.inlineCallbacks
    def build_pending(self):
        """A change for each pending release whose builder exists; the others wait for the next
        poll (a reconfig that failed, e.g. on a half-edited config file)."""
        yield self.pending_lock.acquire()
        try:
            waiting = set()
            for release in sorted((yield self.releases(PENDING_KEY))):
                if release.origin_name not in self.tracked_names:
                    log.msg(f"{self.name}: {release.origin_name} is no longer tracked; "
                            f"not building {release.image_name}")
                    continue
                if release.image_name not in self.master.botmaster.builders:
                    log.msg(f"{self.name}: {release.image_name} has no builder yet; retrying at the next poll")
                    waiting.add(release)
                    continue
                yield self.request_build(release)
            yield self.setState(PENDING_KEY, [r.as_dict() for r in sorted(waiting)])
        finally:
            self.pending_lock.release()

    def request_build(self, release):
        return self.master.data.updates.addChange(
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
