"""Failures of a simulated tool: what it prints on stderr and the exit status it ends with."""


class ToolError(Exception):
    """A tool stops with `message` on stderr (unless empty) and exit status `status`."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.message = message
        self.status = status


class SetupError(Exception):
    """The simulator itself is not usable (no state dir, no setup run, ...)."""


class RequestError(ValueError):
    """An administration request (a release, a security fix) the simulator refuses: the message
    says what is wrong with it."""
