"""What every Buildbot step test here needs: a fake build under plain unittest, and a way to wait."""
import unittest

from buildbot.test.reactor import TestReactorMixin
from buildbot.test.steps import TestBuildStepMixin
from twisted.python.failure import Failure


class StepTestCase(TestBuildStepMixin, TestReactorMixin, unittest.TestCase):
    """Runs under plain unittest: Buildbot's fake reactor fires everything synchronously, and
    pytest-twisted already owns the real reactor, which trial would try to start again."""

    def patch(self, owner, attribute, value):  # trial's TestCase.patch, which Buildbot's mixins use
        original = getattr(owner, attribute)
        setattr(owner, attribute, value)
        self.addCleanup(setattr, owner, attribute, original)

    def setUp(self):
        self.setup_test_reactor()
        settle(self.setup_test_build_step())

    def set_properties(self, **properties):
        for key, value in properties.items():
            self.build.setProperty(key, value, "test")

    def run_and_settle(self):
        settle(self.run_step(), self.reactor)


def settle(deferred, reactor=None):
    """Wait for `deferred`, moving the fake clock on as a running reactor would."""
    outcome = []
    deferred.addBoth(outcome.append)
    for _ in range(100):
        if outcome or reactor is None:
            break
        reactor.advance(0.1)
    assert outcome, "the step did not finish under the fake reactor"
    if isinstance(outcome[0], Failure):
        outcome[0].raiseException()
