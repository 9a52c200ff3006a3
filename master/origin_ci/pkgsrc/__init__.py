"""pkgsrc intelligence: pkgsrc's own formats and package-pattern rules, in pure Python.

One module per job:

- ``dewey``: version comparison (pkg_install ``lib/dewey.c``).
- ``match``: package patterns and best-match selection (pkg_install ``lib/opattern.c``).
- ``summary``: ``pkg_summary(5)`` reader and writer.
- ``vulnerabilities``: ``pkg-vulnerabilities`` reader (with checksum verification) and writer.
- ``audit``: which packages of an inventory are vulnerable, and whether a repository fixes them.
- ``sizeplan``: dependency closure and installed-size table of a package list (RFD 46 §Q2).
- ``cli``: the ``origin-ci pkgsrc`` commands.

Nothing here imports Buildbot or Twisted: the SmartOS simulator reuses these modules.
"""
