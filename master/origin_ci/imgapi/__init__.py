"""IMGAPI (Triton Image API) for triton-origin-ci: an image server backed by a directory, and a
client that publishes to it or to a real IMGAPI (updates.tritondatacenter.com style).

Modules, one job each: ``errors`` (IMGAPI error codes), ``channels``, ``store`` (images on
disk), ``images`` (IMGAPI's rules for each endpoint), ``signature`` (HTTP Signature auth),
``server`` (twisted.web resources), ``client`` (treq client), ``cli`` (``origin-ci imgapi``).
See docs/imgapi.md.
"""
