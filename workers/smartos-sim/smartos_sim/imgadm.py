"""`imgadm`: the simulated SmartOS image tool (see docs/simulator.md for what it covers).

Errors are printed as cmdln does with showCode: `imgadm <subcmd>: error (<Code>): <message>`,
with each error's exit status (1, or 3 for ImageNotInstalled/OriginNotInstalled).
"""
import json
import os
import re
import sys
import uuid as uuidlib
from pathlib import Path

from . import argparsing, clidata, streams
from .errors import SetupError, ToolError
from .images import ImageStore
from .state import State, atomic_write_bytes, atomic_write_json, read_json
from .tables import lookup, tabula
from .zones import ZoneStore

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
VERSION = "3.9.5"
COMPUTED = {"published_date", "pub", "published", "source", "clones", "zpool", "size"}


class ImgadmError(ToolError):
    def __init__(self, code, message, status=1):
        super().__init__(message, status)
        self.code = code


def usage(message):
    return ImgadmError("Usage", message)


class Imgadm:
    def __init__(self, state, out=sys.stdout):
        self.state = state
        self.images = ImageStore(state)
        self.zones = ZoneStore(state)
        self.out = out

    def say(self, text=""):
        self.out.write(text + "\n")
        self.out.flush()

    # -- sources -------------------------------------------------------------------------------
    def sources(self):
        if not self.state.imgadm_conf.exists():
            return []
        return read_json(self.state.imgadm_conf).get("sources", [])

    def do_sources(self, opts, args):
        if args:
            raise usage(f"unexpected args: {' '.join(args)}")
        actions = [k for k in ("a", "d", "e", "check") if opts.get(k)]
        if len(actions) > 1:
            raise usage('cannot specify more than one of "-a", "-d", "-e", and "-c"')
        config = read_json(self.state.imgadm_conf) if self.state.imgadm_conf.exists() else {}
        sources = config.setdefault("sources", [])
        if opts.get("a"):
            url = opts["a"].rstrip("/")
            kind = opts.get("type", "imgapi")
            with self.state.lock("imgadm-conf"):
                if any(s["url"] == url for s in sources):
                    self.say(f'Already have {kind} source "{url}", no change')
                    return
                sources.append({"url": url, "type": kind})
                atomic_write_json(self.state.imgadm_conf, config)
            self.say(f'Added {kind} source "{url}"')
        elif opts.get("d"):
            url = opts["d"].rstrip("/")
            with self.state.lock("imgadm-conf"):
                kept = [s for s in sources if s["url"] != url]
                if len(kept) == len(sources):
                    self.say(f'Do not have image source "{url}", no change')
                    return
                config["sources"] = kept
                atomic_write_json(self.state.imgadm_conf, config)
            self.say(f'Deleted source "{url}"')
        elif opts.get("e"):
            raise ImgadmError("NotSupported", "smartos-sim does not emulate `imgadm sources -e` (it opens an editor)")
        elif opts.get("json"):
            self.say(json.dumps([{"url": s["url"], "type": s.get("type", "imgapi"),
                                  "insecure": bool(s.get("insecure"))} for s in sources], indent=2))
        elif opts.get("verbose"):
            self.out.write(tabula([{"url": s["url"], "type": s.get("type", "imgapi"),
                                    "insecure": bool(s.get("insecure"))} for s in sources],
                                  ["url", "type", "insecure"]))
        else:
            for source in sources:
                self.say(source["url"])

    # -- remote --------------------------------------------------------------------------------
    def _get(self, url, what):
        import urllib.error
        import urllib.request
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                return response.read()
        except urllib.error.HTTPError as err:
            if err.code == 404:
                return None
            body = err.read()
            try:
                detail = json.loads(body)
                raise ImgadmError(detail.get("code", "APIError"),
                                  f"{what}: {detail.get('message', body.decode(errors='replace'))}")
            except ValueError:
                raise ImgadmError("APIError", f"{what}: HTTP {err.code}") from None
        except (urllib.error.URLError, OSError) as err:
            raise ImgadmError("SourcePing", f'unexpected ping error with image source "{what}" '
                                            f"(imgapi): {getattr(err, 'reason', err)}") from None

    def _remote_manifest(self, uuid, source_urls, channel):
        import urllib.parse
        query = "?" + urllib.parse.urlencode({"channel": channel}) if channel else ""
        for url in source_urls:
            data = self._get(f"{url}/images/{uuid}{query}", url)
            if data is None:
                continue
            manifest = json.loads(data)
            if manifest.get("state", "active") == "active" and not manifest.get("disabled"):
                return url, manifest
        return None, None

    def _source_urls(self, opts):
        if opts.get("source"):
            return [u.rstrip("/") for u in opts["source"]]
        urls = [s["url"].rstrip("/") for s in self.sources() if s.get("type", "imgapi") in ("imgapi", "dsapi")]
        if not urls:
            raise ImgadmError("NoSources", "imgadm has no configured sources")
        return urls

    def do_show(self, opts, args):
        if len(args) != 1:
            raise usage(f'incorrect number of args ({len(args)}): "{" ".join(args)}"')
        uuid = args[0]
        if not UUID_RE.match(uuid):
            raise ImgadmError("InvalidUUID", f'invalid uuid: "{uuid}"')
        _, manifest = self._remote_manifest(uuid, self._source_urls({}), None)
        if manifest is None:
            raise ImgadmError("ImageNotFound", f'image "{uuid}" was not found')
        self.say(json.dumps(manifest, indent=2))

    def do_import(self, opts, args):
        if len(args) != 1:
            raise usage(f'incorrect number of args ({len(args)}): "{" ".join(args)}"')
        arg = args[0]
        if not UUID_RE.match(arg):
            if re.match(r"^[a-z0-9._/-]+(:[\w.-]+)?$", arg):
                raise ImgadmError("NotSupported", "smartos-sim does not emulate docker image imports")
            raise usage(f'invalid image-id arg: "{arg}"')
        self._import(arg, self._source_urls(opts), opts.get("channel"), opts.get("P", "zones"))

    def _import(self, uuid, source_urls, channel, zpool):
        info = self.images.info(uuid)
        if info is not None:
            m = info["manifest"]
            self.say(f"Image {uuid} ({m['name']} {m['version']}) is already installed, skipping")
            return
        url, manifest = self._remote_manifest(uuid, source_urls, channel)
        if manifest is None:
            raise ImgadmError("ActiveImageNotFound", f'an active image "{uuid}" was not found')
        origin = manifest.get("origin")
        if origin and not self.images.is_installed(origin):
            self._import(origin, [url], channel, zpool)
        with self.state.lock(f"image-{uuid}"):
            if self.images.is_installed(uuid):
                m = self.images.manifest(uuid)
                self.say(f"Image {uuid} ({m['name']} {m['version']}) is already installed, skipping")
                return
            title = f"{uuid} ({manifest['name']}@{manifest['version']})"
            self.say(f'Importing {title} from "{url}"' + (f', channel "{channel}"' if channel else ""))
            query = "?channel=" + channel if channel else ""
            data = self._get(f"{url}/images/{uuid}/file{query}", url)
            if data is None:
                raise ImgadmError("DownloadError", f"image {uuid} file was not found at {url}")
            self._check_file(manifest, data)
            self.say(f"Downloaded image {uuid} ({_human(len(data))})")
            self._install(manifest, data, url, zpool)
            self.say(f"Imported image {title}")

    def _check_file(self, manifest, data):
        files = manifest.get("files") or [{}]
        expected_size, expected_sha1 = files[0].get("size"), files[0].get("sha1")
        if expected_size is not None and expected_size != len(data):
            raise ImgadmError("DownloadError", f"image file size error: expected {expected_size} "
                                               f"bytes, got {len(data)} bytes")
        if expected_sha1 and expected_sha1 != streams.sha1_of(data):
            raise ImgadmError("DownloadError", f"image file checksum (sha1) error: expected "
                                               f"{expected_sha1}, got {streams.sha1_of(data)}")

    def _install(self, manifest, data, source, zpool):
        try:
            self.images.install(manifest, data, source=source, zpool=zpool)
        except (ValueError, OSError) as err:
            raise ImgadmError("InternalError", f"could not install image {manifest['uuid']}: {err}") from None

    def do_install(self, opts, args):
        if args:
            raise usage(f'unexpected args ({len(args)}): "{" ".join(args)}"')
        for key, label in (("m", "manifest"), ("f", "file")):
            if not opts.get(key):
                raise ImgadmError("InternalError", f"opts.{key} ({label}) is required")
            if not os.path.exists(opts[key]):
                raise usage(f'{label} path does not exist: "{opts[key]}"')
        try:
            manifest = json.loads(Path(opts["m"]).read_text())
        except ValueError as err:
            raise ImgadmError("InvalidManifest", f"manifest is invalid: {err}") from None
        uuid = manifest.get("uuid", "")
        if not isinstance(uuid, str) or not UUID_RE.match(uuid):
            raise ImgadmError("InvalidUUID", f'invalid uuid: "{uuid}"')
        manifest.setdefault("published_at", _now())
        with self.state.lock(f"image-{uuid}"):
            if self.images.is_installed(uuid):
                self.say(f"Image {uuid} ({manifest.get('name')} {manifest.get('version')}) is already installed, skipping")
                return
            if manifest.get("origin") and not self.images.is_installed(manifest["origin"]):
                raise ImgadmError("OriginNotInstalled", f'origin image "{manifest["origin"]}" was not '
                                                        f'found on zpool "{opts.get("P", "zones")}"', 3)
            title = f"{uuid} ({manifest.get('name')}@{manifest.get('version')})"
            self.say(f"Installing image {title}")
            data = Path(opts["f"]).read_bytes()
            self._check_file(manifest, data)
            self._install(manifest, data, None, opts.get("P", "zones"))
            self.say(f"Installed image {title}")

    # -- local ---------------------------------------------------------------------------------
    def _installed_info(self, uuid, zpool="zones"):
        if not UUID_RE.match(uuid):
            raise ImgadmError("InvalidUUID", f'invalid uuid: "{uuid}"')
        info = self.images.info(uuid)
        if info is None:
            raise ImgadmError("ImageNotInstalled", f'image "{uuid}" was not found on zpool "{zpool}"', 3)
        return info

    def do_get(self, opts, args):
        if len(args) != 1:
            raise usage(f'incorrect number of args ({len(args)}): "{" ".join(args)}"')
        self.say(json.dumps(self._installed_info(args[0], opts.get("P", "zones")), indent=2))

    def _row(self, info):
        manifest = info["manifest"]
        row = dict(manifest)
        published = manifest.get("published_at") or ""
        row.update(published_at=published, published=published[:19] + "Z" if published else None,
                   published_date=published[:10] or None, pub=published[:10] or None,
                   source=info.get("source"), zpool=info["zpool"],
                   size=(manifest.get("files") or [{}])[0].get("size"),
                   clones=len([vm for vm in self.zones.list() if vm.get("image_uuid") == manifest["uuid"]])
                   + len(self.images.children(manifest["uuid"])))
        return row

    def do_list(self, opts, args):
        filters = []
        for arg in args:
            if "=" not in arg:
                raise usage(f'invalid filter: "{arg}" (must be of the form "field=value")')
            filters.append(arg.split("=", 1))
        infos = self.images.list()
        rows = []
        for info in infos:
            row = self._row(info)
            if all(_filter_ok(row if f in COMPUTED else info["manifest"], f, v) for f, v in filters):
                rows.append((info, row))
        for field in reversed((opts.get("s") or "published_at,name").split(",")):
            reverse = field.startswith("-")
            field = field.lstrip("-+")
            rows.sort(key=lambda pair: _sort_key(lookup(pair[1], field)), reverse=reverse)
        if opts.get("json"):
            self.say(json.dumps([info for info, _ in rows], indent=2))
            return
        columns = (opts.get("o") or "uuid,name,version,os,type,pub").split(",")
        self.out.write(tabula([{c: lookup(row, c) for c in columns} for _, row in rows], columns,
                              headers=not opts.get("H")))

    def do_ancestry(self, opts, args):
        if len(args) != 1:
            raise usage(f'incorrect number of args ({len(args)}): "{" ".join(args)}"')
        self._installed_info(args[0])
        chain = list(reversed(self.images.chain(args[0])))
        infos = [self.images.info(u) for u in chain]
        if opts.get("json"):
            self.say(json.dumps(infos, indent=2))
            return
        columns = (opts.get("o") or "uuid,name,version,published").split(",")
        self.out.write(tabula([{c: lookup(self._row(i), c) for c in columns} for i in infos], columns,
                              headers=not opts.get("H")))

    def do_delete(self, opts, args):
        if len(args) != 1:
            raise usage(f'incorrect number of args ({len(args)}): "{" ".join(args)}"')
        uuid = args[0]
        with self.state.lock(f"image-{uuid}"):
            info = self._installed_info(uuid, opts.get("P", "zones"))
            with self.state.lock("vms"):
                clones = [f"{vm['zpool']}/{vm['uuid']}" for vm in self.zones.list()
                          if vm.get("image_uuid") == uuid]
                clones += [f"{info['zpool']}/{child}" for child in self.images.children(uuid)]
                if clones:
                    message = f'image "{uuid}" has dependent clones: {clones[0]}'
                    if len(clones) > 1:
                        message += f" and {len(clones) - 1} others..."
                    raise ImgadmError("ImageHasDependentClones", message)
                self.images.delete(uuid)
        self.say(f"Deleted image {uuid}")

    def do_update(self, opts, args):
        for uuid in args:
            self._installed_info(uuid)
        # Nothing to refresh: the simulated images carry no stale fields.

    def do_vacuum(self, opts, args):
        if args:
            raise usage(f"unexpected arguments: {' '.join(args)}")
        used = {vm.get("image_uuid") for vm in self.zones.list()}
        for info in self.images.list():
            used.add(info["manifest"].get("origin"))
        unused = [i for i in self.images.list() if i["manifest"]["uuid"] not in used]
        if not unused:
            self.say("There are no images to vacuum.")
            return
        if not opts.get("force") and not opts.get("dry_run"):
            raise ImgadmError("NotSupported", "smartos-sim cannot prompt for confirmation: use -f")
        for info in unused:
            m = info["manifest"]
            title = f"{m['uuid']} ({m['name']}@{m['version']})"
            if opts.get("dry_run"):
                self.say(f"[dry-run] Deleted image {title}")
            else:
                self.images.delete(m["uuid"])
                self.say(f"Deleted image {title}")

    def do_create(self, opts, args):
        from .imgcreate import create_image
        create_image(self, opts, args)

    def do_help(self, opts, args):
        self.say(f"Usage:\n    imgadm [<options>] <command> [<args>...]\n\nCommands:\n    "
                 + "\n    ".join(clidata.cli_data()["imgadm"]["_global"]["subcommands"])
                 + "\n\n(smartos-sim: see docs/simulator.md)")


def _filter_ok(obj, field, value):
    actual = lookup(obj, field)
    if value.startswith("~"):
        return actual is not None and value[1:] in str(actual)
    if value in ("true", "false") and isinstance(actual, bool):
        return actual == (value == "true")
    return actual is not None and str(actual) == value


def _sort_key(value):
    return (value is None, str(value) if not isinstance(value, (int, float)) else f"{value:020}")


def _human(size):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024


def _now():
    import datetime
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def main(argv, out=None, err=None):
    out = out or sys.stdout
    err = err or sys.stderr
    subcommand = "imgadm"
    try:
        opts, rest = argparsing.dashdash_parse(clidata.imgadm_global_options(), argv, interspersed=False)
        if opts.get("version"):
            out.write(f"imgadm {VERSION} (smartos-sim)\n")
            return 0
        if not rest or opts.get("help"):
            rest = ["help"]
        name = clidata.imgadm_subcommands().get(rest[0])
        if name is None:
            raise ImgadmError("UnknownCommand", f'unknown command: "{rest[0]}"')
        subcommand = f"imgadm {rest[0]}"
        sub_opts, args = argparsing.dashdash_parse(clidata.imgadm_options(name), rest[1:])
        if sub_opts.get("help"):
            name, args = "help", [name]
        state = State.from_env()
        handler = getattr(Imgadm(state, out), f"do_{name}", None)
        if handler is None:
            raise ImgadmError("NotSupported", f"smartos-sim does not emulate `imgadm {name}`")
        handler(sub_opts, args)
        return 0
    except argparsing.OptionError as error:
        err.write(f"{subcommand}: error (Option): {error}\n")
        return 1
    except ImgadmError as error:
        err.write(f"{subcommand}: error ({error.code}): {error.message}\n")
        return error.status
    except SetupError as error:
        err.write(f"imgadm: error: cannot run: {error}\n")
        return 2
