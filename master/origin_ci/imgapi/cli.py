"""`origin-ci imgapi`: run an IMGAPI image server, seed it, publish to an IMGAPI.

Talks to an IMGAPI the way updates-imgadm does.

Server side:  serve, seed, keygen.
Client side:  ping, list, get, publish, channel-add; with --url, --user, --identity, -C
              (defaults from ORIGIN_CI_IMGAPI_URL, _USER, _IDENTITY, _CHANNEL).
"""
import json
import os
import sys

from origin_ci.imgapi.channels import CHANNEL_NAMES
from origin_ci.imgapi.keygen import generate_key_pair


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


    keygen = commands.add_parser("keygen", help="make an RSA key pair for signing requests: the "
                                                "private key file (0600) and USER.keys for the server")
    keygen.add_argument("--private", required=True, help="private key file to create")
    keygen.add_argument("--public", required=True,
                        help="keys file to append the OpenSSH public key to (e.g. KEYSDIR/USER.keys)")
    keygen.add_argument("--comment", default="triton-origin-ci", help="comment of the public key")
    keygen.set_defaults(func=_keygen)

    for name, func, help_text in (
            ("ping", _ping, "check that the IMGAPI answers (and who you are to it)"),
            ("list", _list, "list images: FILTER=VALUE ... (name=~substr, version=, os=, "
                            "type=, state=all, owner=, public=)"),
            ("get", _get, "print an image's manifest"),
            ("publish", _publish, "import, upload and activate an image (idempotent)"),
            ("channel-add", _channel_add, "add an image to another channel")):
        command = commands.add_parser(name, help=help_text, description=help_text)
        _add_client_options(command)
        command.set_defaults(func=func)
        if name == "list":
            command.add_argument("filters", nargs="*", metavar="FILTER=VALUE")
            command.add_argument("-j", "--json", action="store_true", help="print JSON")
        elif name == "get":
            command.add_argument("uuid")
        elif name == "publish":
            command.add_argument("-m", "--manifest", required=True,
                                 help="the image manifest (as `imgadm create` wrote it)")
            command.add_argument("-f", "--file", required=True, help="the image file")
            command.add_argument("--origin-source", metavar="URL",
                                 help="if the origin image is missing, import it from this "
                                      "IMGAPI first (e.g. https://images.smartos.org)")
        elif name == "channel-add":
            command.add_argument("uuid")
            command.add_argument("new_channel", metavar="CHANNEL")


def _add_client_options(parser):
    env = os.environ.get
    parser.add_argument("--url", default=env("ORIGIN_CI_IMGAPI_URL"),
                        help="IMGAPI URL (env ORIGIN_CI_IMGAPI_URL)")
    parser.add_argument("--user", default=env("ORIGIN_CI_IMGAPI_USER"),
                        help="user to sign requests as (env ORIGIN_CI_IMGAPI_USER)")
    parser.add_argument("-i", "--identity", default=env("ORIGIN_CI_IMGAPI_IDENTITY"),
                        metavar="KEYFILE", help="RSA private key, PEM or OpenSSH format "
                                                "(env ORIGIN_CI_IMGAPI_IDENTITY)")
    parser.add_argument("-C", "--channel", default=env("ORIGIN_CI_IMGAPI_CHANNEL"),
                        help="channel (env ORIGIN_CI_IMGAPI_CHANNEL; default: the server's)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")


# ---- client commands: coroutines of (client, args); an exception means failure

async def _ping_command(client, args):
    _print_json(await client.ping())


async def _list_command(client, args):
    filters = {}
    for item in args.filters:
        key, equals, value = item.partition("=")
        if not equals:
            raise ValueError(f"filter {item!r} is not FILTER=VALUE")
        filters[key] = value
    images = await client.list_images(**filters)
    if args.json:
        _print_json(images)
        return
    print(f"{'UUID':36}  {'NAME':32}  {'VERSION':32}  {'STATE':11}  PUBLISHED")
    for image in images:
        print(f"{image['uuid']:36}  {image.get('name', ''):32}  {image.get('version', ''):32}  "
              f"{image.get('state', ''):11}  {image.get('published_at', '-')[:10]}")


async def _get_command(client, args):
    _print_json(await client.get_image(args.uuid))


async def _publish_command(client, args):
    with open(args.manifest) as manifest_file:
        manifest = json.load(manifest_file)
    origin_source = None
    if args.origin_source:
        from origin_ci.imgapi.client import ImgapiClient
        origin_source = ImgapiClient(args.origin_source)
    try:
        result = await client.publish(manifest, args.file, import_origin_from=origin_source)
    finally:
        if origin_source is not None:
            await origin_source.close()
    image = result.manifest
    verb = "Already published" if result.already_published else "Published"
    print(f"{verb} image {image['uuid']} ({image.get('name')}@{image.get('version')}) to "
          f"{client.url} channel {args.channel or '(default)'}")


async def _channel_add_command(client, args):
    await client.channel_add(args.uuid, args.new_channel)
    print(f'Added image {args.uuid} to channel "{args.new_channel}"')


def _client_command(coroutine_function):
    def run(args):
        if not args.url:
            raise SystemExit("origin-ci imgapi: give --url or set ORIGIN_CI_IMGAPI_URL")
        return _run_with_client(args, coroutine_function)
    return run


_ping = _client_command(_ping_command)
_list = _client_command(_list_command)
_get = _client_command(_get_command)
_publish = _client_command(_publish_command)
_channel_add = _client_command(_channel_add_command)


def _run_with_client(args, coroutine_function):
    """Run `coroutine_function(client, args)` in the reactor; return the exit code."""
    from twisted.internet import defer, reactor
    from twisted.logger import (
        FilteringLogObserver, LogLevel, LogLevelFilterPredicate, globalLogBeginner,
        textFileLogObserver)

    from origin_ci.imgapi.client import ImgapiClient, ImgapiClientError
    from origin_ci.imgapi.errors import ImgapiError

    level = LogLevel.info if args.verbose else LogLevel.warn
    globalLogBeginner.beginLoggingTo([FilteringLogObserver(
        textFileLogObserver(sys.stderr), [LogLevelFilterPredicate(level)])],
        redirectStandardIO=False)
    outcome = []

    async def main():
        client = ImgapiClient(args.url, args.user, args.identity, args.channel)
        try:
            await coroutine_function(client, args)
        finally:
            await client.close()

    def start():
        done = defer.Deferred.fromCoroutine(main())
        done.addBoth(outcome.append)
        done.addBoth(lambda _: reactor.stop())

    reactor.callWhenRunning(start)
    reactor.run()
    failure = outcome[0]
    if failure is None:
        return 0
    if failure.check(ImgapiError):
        error = failure.value
        print(f"origin-ci imgapi: error ({error.code}): {error.message}", file=sys.stderr)
        for detail in error.errors or []:
            print(f"    {detail.get('field')}: {detail.get('message', detail.get('code'))}",
                  file=sys.stderr)
        return 1
    if failure.check(ImgapiClientError, ValueError, OSError):
        print(f"origin-ci imgapi: error: {failure.value}", file=sys.stderr)
        return 1
    failure.raiseException()


def _print_json(value):
    print(json.dumps(value, indent=2))


def _keygen(args):
    try:
        generate_key_pair(args.private, args.public, args.comment)
    except FileExistsError:
        print(f"{args.private} exists; not replacing a key", file=sys.stderr)
        return 2
    print(f"private key: {args.private}\npublic key appended to: {args.public}")
    return 0


def _serve(args):
    from origin_ci.imgapi.server import serve
    from twisted.logger import globalLogBeginner, textFileLogObserver
    globalLogBeginner.beginLoggingTo([textFileLogObserver(sys.stderr)], redirectStandardIO=False)
    serve(args.port, args.dir, args.mode, args.keys, args.host, args.seed)
    return 0


def _seed(args):
    from origin_ci.imgapi.store import ImageStore
    for manifest in ImageStore(args.dir).seed_dir(args.fromdir, args.channel):
        print(f"{manifest['uuid']}  {manifest['name']}@{manifest['version']}")
    return 0
