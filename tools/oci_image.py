#!/usr/bin/env python3
"""Packages a WALI module (and data files) into an OCI image tarball that
`ctr image import --all-platforms` accepts, to run with containerd's runtime
io.containerd.lamina.v1 without a registry (docs/containerd.md).

    python3 tools/oci_image.py MODULE -o IMAGE.tar --name docker.io/library/hello:latest \\
        [--path /hello.wasm] [--file HOST[:GUEST]]... [--env NAME=VALUE]... \\
        [--workdir DIR] [--arg ARG]... [--policy POLICY.toml]

The image has one uncompressed tar layer holding the module at --path
(default: /NAME-OF-MODULE) and each --file at GUEST (default: beside the
module), a config whose entrypoint is the module's path (with --arg as its
default arguments, Cmd), --env as its environment and --workdir its working
directory, and the platform runwasi's images use: os `wasip1`, architecture
`wasm` (so containerd never mistakes it for a native image). --policy puts a
Lamina policy (the TOML of `lamina run --policy`, with the image's paths) at
/etc/lamina/policy.toml, where the shim finds it: the program then runs in
Lamina's sandbox, unless the shim's own configuration sets the policy of
every container (docs/containerd.md). Every byte is
determined by the inputs (times and owners are zero), so building twice gives
the same digests.
"""

import argparse
import hashlib
import io
import json
import os
import sys
import tarfile

OS, ARCH = "wasip1", "wasm"
POLICY_PATH = "/etc/lamina/policy.toml"
LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar"
CONFIG_TYPE = "application/vnd.oci.image.config.v1+json"
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
INDEX_TYPE = "application/vnd.oci.image.index.v1+json"


def add(tar, name, data=None, mode=0o644):
    """Adds a file (or, with no data, a directory) owned by root, time 0."""
    info = tarfile.TarInfo(name)
    info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "root", "root"
    if data is None:
        info.type, info.mode = tarfile.DIRTYPE, 0o755
        tar.addfile(info)
    else:
        info.size, info.mode = len(data), mode
        tar.addfile(info, io.BytesIO(data))


def tar_of(files):
    """A tar stream of {path inside: (bytes, mode)}, parent directories first."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        made = set()
        for path in sorted(files):
            parts = path.strip("/").split("/")
            for i in range(1, len(parts)):
                directory = "/".join(parts[:i])
                if directory not in made:
                    made.add(directory)
                    add(tar, directory)
            data, mode = files[path]
            add(tar, path.strip("/"), data, mode)
    return out.getvalue()


def blob(blobs, media_type, data, **extra):
    """Stores data as a blob; returns its descriptor."""
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    blobs[digest] = data
    return {"mediaType": media_type, "digest": digest, "size": len(data), **extra}


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def image(module, path, files, name, env, workdir, args):
    """The image tarball's bytes (an OCI image layout)."""
    with open(module, "rb") as f:
        content = {path: (f.read(), 0o755)}
    if content[path][0][:4] != b"\0asm":
        sys.exit(f"oci_image: {module} is not a WebAssembly module")
    for host, guest in files:
        with open(host, "rb") as f:
            content[guest] = (f.read(), os.stat(host).st_mode & 0o777)
    blobs = {}
    layer = tar_of(content)
    layer_desc = blob(blobs, LAYER_TYPE, layer)
    config = {
        "architecture": ARCH,
        "os": OS,
        "config": {"Entrypoint": [path], "Cmd": args, "Env": env, "WorkingDir": workdir},
        "rootfs": {"type": "layers", "diff_ids": [layer_desc["digest"]]},
        "history": [{"created_by": "lamina tools/oci_image.py"}],
    }
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": blob(blobs, CONFIG_TYPE, canonical(config)),
        "layers": [layer_desc],
    }
    # containerd names an imported image by the io.containerd.image.name
    # annotation; the OCI ref name is the tag other tools read.
    annotations = {
        "io.containerd.image.name": name,
        "org.opencontainers.image.ref.name": name.rsplit("/", 1)[-1].partition(":")[2] or "latest",
    }
    index = {
        "schemaVersion": 2,
        "mediaType": INDEX_TYPE,
        "manifests": [
            blob(blobs, MANIFEST_TYPE, canonical(manifest),
                 platform={"architecture": ARCH, "os": OS}, annotations=annotations)
        ],
    }
    layout = {"oci-layout": canonical({"imageLayoutVersion": "1.0.0"}), "index.json": canonical(index)}
    for digest, data in blobs.items():
        layout["blobs/sha256/" + digest.split(":", 1)[1]] = data
    return tar_of({p: (d, 0o644) for p, d in layout.items()})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", help="the WALI module (.wasm)")
    parser.add_argument("-o", "--output", required=True, help="the image tarball to write")
    parser.add_argument("--name", required=True, help="image name, e.g. docker.io/library/hello:latest")
    parser.add_argument("--path", help="the module's path in the image (default: /FILE-NAME)")
    parser.add_argument("--file", action="append", default=[], metavar="HOST[:GUEST]", help="a data file")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--workdir", default="/", help="the working directory (default: /)")
    parser.add_argument("--arg", action="append", default=[], help="a default argument (Cmd)")
    parser.add_argument("--policy", metavar="POLICY.toml", help=f"the program's Lamina policy (at {POLICY_PATH})")
    a = parser.parse_args()
    path = a.path or "/" + os.path.basename(a.module)
    if not path.startswith("/"):
        parser.error("--path must be absolute")
    files = []
    for spec in a.file:
        host, _, guest = spec.partition(":")
        guest = guest or os.path.join(os.path.dirname(path), os.path.basename(host))
        if not guest.startswith("/"):
            parser.error(f"--file {spec}: the path in the image must be absolute")
        files.append((host, guest))
    if a.policy:
        files.append((a.policy, POLICY_PATH))
    for var in a.env:
        if "=" not in var[1:]:
            parser.error(f"--env {var}: expected NAME=VALUE")
    data = image(a.module, path, files, a.name, a.env, a.workdir, a.arg)
    with open(a.output, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
