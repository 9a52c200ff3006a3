"""`origin-ci imgapi`: run an IMGAPI image server, seed it, publish to an IMGAPI.

Talks to an IMGAPI the way updates-imgadm does.

Server side:  serve, seed.
Client side:  ping, list, get, publish, channel-add; with --url, --user, --identity, -C
              (defaults from ORIGIN_CI_IMGAPI_URL, _USER, _IDENTITY, _CHANNEL).
"""
import json
import os
import sys

from origin_ci.imgapi.channels import CHANNEL_NAMES


def register(subparsers):
    parser = subparsers.add_parser("imgapi", help="IMGAPI image server and client",
                                   description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="imgapi_command", required=True)

    serve = commands.add_parser("serve", help="run an IMGAPI image server backed by a directory")
    serve.add_argument("--port", type=int, required=True, help="TCP port (0: any free port)")
    serve.add_argument("--dir", required=True, help="directory holding the images")
    serve.add_argument("--mode", choices=("private", "public"), default="private",
                       help="private (default) refuses public images, public private ones")
    serve.add_argument("--keys", metavar="DIR",
                       help="directory of USER.keys files (OpenSSH RSA public keys) allowed to "
                            "publish; without it writes are unauthenticated (loopback only)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--seed", metavar="FROMDIR",
                       help="first add every <uuid>.imgmanifest + <uuid>.zfs* pair of FROMDIR")
    serve.set_defaults(func=_serve)

    seed = commands.add_parser("seed", help="add every <uuid>.imgmanifest + <uuid>.zfs* pair "
                                            "of FROMDIR to the image directory")
    seed.add_argument("--dir", required=True, help="the image server's directory")
    seed.add_argument("fromdir")
    seed.add_argument("-C", "--channel", action="append", choices=CHANNEL_NAMES,
                      help="channel(s) to list them in (default: every channel)")
    seed.set_defaults(func=_seed)


def _serve(args):
    from origin_ci.imgapi.server import serve
    from twisted.logger import globalLogBeginner, textFileLogObserver
    globalLogBeginner.beginLoggingTo([textFileLogObserver(sys.stderr)])
    serve(args.port, args.dir, args.mode, args.keys, args.host, args.seed)
    return 0


def _seed(args):
    from origin_ci.imgapi.store import ImageStore
    for manifest in ImageStore(args.dir).seed_dir(args.fromdir, args.channel):
        print(f"{manifest['uuid']}  {manifest['name']}@{manifest['version']}")
    return 0
