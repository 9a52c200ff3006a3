"""Poller state in Buildbot's database, under a key that survives renaming our classes."""
from buildbot.util import state
from twisted.internet import defer


class StableStateMixin(state.StateMixin):
    # Buildbot keys state by (name, class name); we fix the second part so that a refactoring
    # never makes a poller forget what it has seen and trigger again.
    state_class_key = None

    @defer.inlineCallbacks
    def load_state_key(self):
        self._objectid = yield self.master.db.state.getObjectId(self.name, self.state_class_key)
