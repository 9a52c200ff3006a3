"""pkgsrc-security: rebuild a flavour once when its pkgsrc repository fixes a vulnerability
in its last published image.

Each poll fetches and verifies pkg-vulnerabilities (an unverifiable file is skipped with a log
line, never used), then for every flavour with a published image audits that image's inventory
against it and the flavour's repository `pkg_summary`. Fixes already triggered are remembered
in Buildbot's database, so a fix triggers one build, ever.
"""
from buildbot.changes import base
from twisted.internet import defer, threads
from twisted.python import log

from origin_ci import security
from origin_ci.fetch import FetchError
from origin_ci.pkgsrc.audit import audit
from origin_ci.pkgsrc.summary import SummaryError
from origin_ci.pkgsrc.vulnerabilities import VulnerabilitiesError
from origin_ci.pollers.state import StableStateMixin

NAME = "pkgsrc-security"
CATEGORY = "pkgsrc-security"
TRIGGERED_KEY = "triggered_fixes"


class PkgsrcSecurityPoller(StableStateMixin, base.ReconfigurablePollingChangeSource):
    state_class_key = "triton-origin-ci/pkgsrc-security"

    def __init__(self, feeds, plans, target, **kwargs):
        super().__init__(name=NAME, feeds=feeds, plans=plans, target=target, **kwargs)

    def checkConfig(self, feeds, plans, target, **kwargs):
        super().checkConfig(**kwargs)

    @defer.inlineCallbacks
    def reconfigService(self, feeds, plans, target, **kwargs):
        self.feeds = feeds
        self.plans = plans
        self.target = target
        yield super().reconfigService(**kwargs)

    def describe(self):
        return f"{self.name}: {self.feeds.vulnerabilities_url} against {self.feeds.pkgsrc_url}"

    @defer.inlineCallbacks
    def poll(self):
        yield self.load_state_key()
        try:
            vulns = yield self.feeds.vulnerabilities(refresh=True)
        except (FetchError, VulnerabilitiesError) as error:
            log.msg(f"{self.name}: skipping this poll, pkg-vulnerabilities unusable: {error}")
            return
        triggered = set((yield self.getState(TRIGGERED_KEY, [])))
        refreshed = set()
        rebuilds = 0
        for plan in self.plans:
            fresh = yield self.audit_flavour(plan, vulns, refreshed, triggered)
            if fresh:
                triggered |= {security.fix_key(plan["image_name"], f) for f in fresh}
                yield self.setState(TRIGGERED_KEY, sorted(triggered))
                yield self.request_rebuild(plan, fresh)
                rebuilds += 1
        log.msg(f"{self.name}: polled, {len(vulns.entries)} advisories, {rebuilds} flavour(s) to rebuild")

    @defer.inlineCallbacks
    def audit_flavour(self, plan, vulns, refreshed, triggered):
        """The fixable findings of the flavour's last image not triggered before; `refreshed`:
        the repositories this poll fetched already (flavours share them)."""
        name = plan["image_name"]
        published = yield self.target.last_published(name)
        if not published or published[1] is None:
            return []
        version, packages = published
        url = self.feeds.repository_url(plan)
        try:
            records = yield self.feeds.repository(plan, refresh=url not in refreshed)
        except (FetchError, SummaryError) as error:
            log.msg(f"{self.name}: {name}: repository unusable, not audited: {error}")
            return []
        finally:
            refreshed.add(url)
        findings = yield threads.deferToThread(audit, packages, vulns, records)
        verdict = security.classify(plan, findings)
        if verdict.pinned:
            log.msg(f"{self.name}: {name}@{version} pins vulnerable packages with fixes available, "
                    f"not rebuilding: {security.describe(verdict.pinned)}")
        return [f for f in verdict.to_rebuild if security.fix_key(name, f) not in triggered]

    def request_rebuild(self, plan, findings):
        name = plan["image_name"]
        log.msg(f"{self.name}: rebuilding {name} for {security.describe(findings)}")
        return self.master.data.updates.addChange(
            author=self.name,
            committer=self.name,
            comments=f"pkgsrc security fixes for {name}: {security.describe(findings)}",
            category=CATEGORY,
            project="triton-origin",
            repository="",
            codebase="",
            files=[],
            properties={
                "image_name": name,
                "security_fixes": [{"package": f.package, "pattern": f.pattern, "type": f.type,
                                    "url": f.url, "fixed_by": f.newest_available} for f in findings],
            },
        )
