"""The few custom Buildbot steps; everything else in a build is a plain shell step (factory.py)."""
