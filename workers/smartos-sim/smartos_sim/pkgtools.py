"""pkgsrc's tools inside a simulated zone: which command runs which emulation (pkgin in
`pkgin`, pkg_info in `pkginfo`, pkg_admin in `pkgadmin`; their shared helpers are in
`pkgcommon`)."""
import os

from .pkgadmin import cmd_pkg_admin
from .pkgcommon import write
from .pkgin import cmd_pkgin
from .pkginfo import cmd_pkg_info


def cmd_not_emulated(sh, argv, stdin, out, err):
    write(err, f"{os.path.basename(argv[0])}: smartos-sim does not emulate this command\n")
    return 1


COMMANDS = {"pkgin": cmd_pkgin, "pkg_info": cmd_pkg_info, "pkg_admin": cmd_pkg_admin,
            "pkg_add": cmd_not_emulated, "pkg_delete": cmd_not_emulated}
