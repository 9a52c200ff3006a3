"""The master's current copies of pkgsrc's feeds: pkg-vulnerabilities and the flavours'
repository `pkg_summary` files.

Fetched, verified and parsed once (in a thread: 20,000 entries), then shared by the
pkgsrc-security poller, which refreshes them at every poll, and every build's audit step, which
takes the copy when it is younger than `max_age`. Failures are never cached.
"""
import time

from twisted.internet import defer, threads

from origin_ci.fetch import fetch_bytes
from origin_ci.pkgsrc.summary import parse_pkg_summary
from origin_ci.pkgsrc.vulnerabilities import parse_vulnerabilities


def summary_url(pkgsrc_url, plan):
    return f"{pkgsrc_url.rstrip('/')}/{plan['pkgsrc_branch']}/{plan['pkgsrc_arch']}/All/pkg_summary.gz"


class PkgsrcFeeds:
    def __init__(self, vulnerabilities_url, pkgsrc_url, max_age=900, clock=time.monotonic):
        self.vulnerabilities_url = vulnerabilities_url
        self.pkgsrc_url = pkgsrc_url
        self.max_age = max_age
        self.clock = clock
        self._copies = {}  # url -> (fetched at, parsed)
        self._waiting = {}  # url -> callers waiting for the fetch under way

    def vulnerabilities(self, refresh=False):
        """Deferred: the verified file (FetchError, VulnerabilitiesError)."""
        return self._current(self.vulnerabilities_url, parse_vulnerabilities, refresh)

    def repository(self, plan, refresh=False):
        """Deferred: the SummaryRecords of the flavour's repository (FetchError, SummaryError)."""
        return self._current(self.repository_url(plan), parse_pkg_summary, refresh)

    def repository_url(self, plan):
        return summary_url(self.pkgsrc_url, plan)

    def _current(self, url, parse, refresh):
        copy = self._copies.get(url)
        if copy and not refresh and self.clock() - copy[0] < self.max_age:
            return defer.succeed(copy[1])
        if url in self._waiting:  # a fetch is under way: share its outcome
            waiter = defer.Deferred()
            self._waiting[url].append(waiter)
            return waiter
        self._waiting[url] = []
        return self._fetch(url, parse).addBoth(self._fetched, url)

    @defer.inlineCallbacks
    def _fetch(self, url, parse):
        parsed = yield threads.deferToThread(parse, (yield fetch_bytes(url)))
        self._copies[url] = (self.clock(), parsed)
        return parsed

    def _fetched(self, outcome, url):
        for waiter in self._waiting.pop(url):
            waiter.callback(outcome)  # a Failure goes to the waiters' errbacks
        return outcome
