"""SmartOS simulator: `vmadm`, `imgadm`, `zlogin` and, inside its zones, `pkgin`, `pkg_info`,
`pkg_admin` and `mdata-*`, backed by a state directory (see docs/simulator.md).

It accepts the real tools' command lines and payloads, prints what they print and fails where
they fail, so that the build steps cannot tell it from a SmartOS host.
"""
