"""Benchmark: publish a 1 GiB image to the image server on loopback with ImgapiClient, next to
`curl -T` of the same file to the same endpoint, and the uploading process's memory.

    .venv/bin/python bench/imgapi_upload.py [--size-mib 1024] [--rounds 2]

Prints figures, asserts nothing. Everything lives in a temporary directory removed at the end.
The server runs in its own process (`origin-ci imgapi serve`, with signature auth); each
client upload runs in a fresh process that reports its idle RSS (imports done, key loaded) and
its peak RSS (VmHWM) after the upload. The server hashes (SHA-1, MD5) and fsyncs both kinds of
upload, so the ratio shows the client's own cost.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid as uuid_module
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
USER = "bench"
CHUNK = 8 * 1024 * 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3, help="uploads of each kind; best kept")
    parser.add_argument("--tmp", metavar="DIR", help="where the temporary directory goes (e.g. "
                        "/dev/shm to take the disk out of the figures); default: system temp")
    parser.add_argument("--client-process", nargs=4, metavar=("URL", "KEY", "MANIFEST", "FILE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client_process:
        return client_process(*args.client_process)
    with tempfile.TemporaryDirectory(prefix="imgapi-bench-", dir=args.tmp) as tmp:
        run(Path(tmp), args.size_mib, args.rounds)


def run(tmp, size_mib, rounds):
    image_file, sha1 = write_random_file(tmp / "image.zfs", size_mib)
    key_path = tmp / "id_rsa"
    subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f",
                    str(key_path)], check=True)
    keys = tmp / "keys"
    keys.mkdir()
    shutil.copy(f"{key_path}.pub", keys / f"{USER}.keys")
    server = subprocess.Popen(
        [BIN / "origin-ci", "imgapi", "serve", "--port", "0", "--dir", tmp / "store", "--keys",
         keys], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = re.search(r"on (http://\S+)", server.stdout.readline()).group(1)
        size = image_file.stat().st_size
        client_runs, curl_runs = [], []
        for _ in range(rounds):
            client_runs.append(upload_with_client(url, key_path, image_file, sha1, size, tmp))
            curl_runs.append(upload_with_curl(url, key_path, image_file, sha1, size))
            cleanup_store(tmp / "store")
        report(size, client_runs, curl_runs, tmp.parent)
    finally:
        server.terminate()
        server.wait()


def write_random_file(path, size_mib):
    sha1 = hashlib.sha1()
    with open(path, "wb") as out:
        for _ in range(size_mib * 1024 * 1024 // CHUNK):
            chunk = os.urandom(CHUNK)
            sha1.update(chunk)
            out.write(chunk)
    return path, sha1.hexdigest()


def manifest_for(sha1, size):
    return {"v": 2, "uuid": str(uuid_module.uuid4()), "name": "bench-image",
            "version": "1.0.0", "type": "zone-dataset", "os": "smartos",
            "files": [{"sha1": sha1, "size": size, "compression": "none"}]}


def upload_with_client(url, key_path, image_file, sha1, size, tmp):
    manifest_path = tmp / "manifest.json"
    manifest_path.write_text(json.dumps(manifest_for(sha1, size)))
    out = subprocess.run(
        [sys.executable, __file__, "--client-process", url, key_path, manifest_path,
         image_file], check=True, capture_output=True, text=True, cwd=REPO).stdout
    return json.loads(out.splitlines()[-1])


def client_process(url, key_path, manifest_path, file_path):
    """The uploading process: publish once, report seconds and memory as JSON."""
    from twisted.internet import defer, reactor

    from origin_ci.imgapi.client import ImgapiClient

    client = ImgapiClient(url, USER, key_path, channel="dev")
    manifest = json.loads(Path(manifest_path).read_text())
    figures = {}

    async def publish():
        await client.ping()  # connection pool, TLS-free handshake, imports all warmed up
        figures["idle_rss"] = memory_kib("VmRSS")
        started = time.perf_counter()
        result = await client.publish(manifest, file_path)
        figures["seconds"] = time.perf_counter() - started
        figures["peak_rss"] = memory_kib("VmHWM")
        figures["state"] = result.manifest["state"]
        await client.close()

    done = defer.Deferred.fromCoroutine(publish())
    done.addBoth(lambda result: (reactor.stop(), result)[1])
    done.addErrback(lambda failure: figures.setdefault("error", str(failure.value)))
    reactor.run()
    print(json.dumps(figures))


def upload_with_curl(url, key_path, image_file, sha1, size):
    """Import with the client's signing code, then `curl -T` the file and time only curl."""
    from origin_ci.imgapi.signature import authorization_header, http_date, load_private_key
    manifest = manifest_for(sha1, size)
    key = load_private_key(key_path)

    def signed(*curl_args):
        date = http_date()
        return subprocess.run(
            ["curl", "-sS", "--fail-with-body", "-H", f"Date: {date}", "-H",
             f"Authorization: {authorization_header(USER, key, date)}", *curl_args],
            check=True, capture_output=True)

    signed("-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
           json.dumps(manifest), f"{url}/images/{manifest['uuid']}?action=import")
    started = time.perf_counter()
    signed("-T", str(image_file),
           f"{url}/images/{manifest['uuid']}/file?compression=none&sha1={sha1}")
    seconds = time.perf_counter() - started
    signed("-X", "POST", f"{url}/images/{manifest['uuid']}?action=activate")
    return {"seconds": seconds}


def cleanup_store(store):
    """Free the disk between rounds (the server reads the store on each request)."""
    for entry in (store / "images").iterdir():
        shutil.rmtree(entry)


def memory_kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def report(size, client_runs, curl_runs, where):
    mib = size / 1024 / 1024
    errors = [r["error"] for r in client_runs if "error" in r]
    if errors:
        print("client upload failed:", errors)
        return
    best_client = min(r["seconds"] for r in client_runs)
    best_curl = min(r["seconds"] for r in curl_runs)
    print(f"image file: {mib:.0f} MiB of random data; file and server store under {where}; "
          "loopback; server with signature auth")
    print(f"ImgapiClient.publish (import + PUT + activate): best {best_client:.2f} s = "
          f"{mib / best_client:.0f} MiB/s  (runs: "
          + ", ".join(f"{r['seconds']:.2f}" for r in client_runs) + ")")
    print(f"curl -T (PUT only):                             best {best_curl:.2f} s = "
          f"{mib / best_curl:.0f} MiB/s  (runs: "
          + ", ".join(f"{r['seconds']:.2f}" for r in curl_runs) + ")")
    print(f"client throughput / curl throughput: {best_curl / best_client:.2f}")
    for n, r in enumerate(client_runs, 1):
        growth = (r["peak_rss"] - r["idle_rss"]) / 1024
        print(f"uploading process, run {n}: idle RSS {r['idle_rss'] / 1024:.1f} MiB, peak RSS "
              f"{r['peak_rss'] / 1024:.1f} MiB, growth {growth:.1f} MiB (target < 64 MiB)")


if __name__ == "__main__":
    sys.exit(main())
