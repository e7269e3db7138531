#!/usr/bin/env python3
"""Pack a static pause binary as an OCI image archive that `ctr image import` accepts.

    pause-image.py BINARY OUT.tar IMAGE_NAME

One layer holding /pause; config with Entrypoint ["/pause"]; index.json names the image through the
io.containerd.image.name and org.opencontainers.image.ref.name annotations. Deterministic (fixed mtimes)."""
import hashlib, io, json, sys, tarfile

binary, out, name = sys.argv[1:4]

def tar_bytes(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path, data, mode in members:
            ti = tarfile.TarInfo(path)
            ti.size, ti.mode, ti.mtime, ti.uid, ti.gid = len(data), mode, 0, 0, 0
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()

def blob(data):
    d = hashlib.sha256(data).hexdigest()
    return "sha256:" + d, data

layer_digest, layer = blob(tar_bytes([("pause", open(binary, "rb").read(), 0o755)]))
config = {
    "architecture": "amd64", "os": "linux",
    "config": {"Entrypoint": ["/pause"], "User": "65535:65535"},
    "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
    "history": [{"created_by": "kubelet-doctor scripts/lab/pause-image.py"}],
}
config_digest, config_b = blob(json.dumps(config, sort_keys=True).encode())
manifest = {
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": len(config_b)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": len(layer)}],
}
manifest_digest, manifest_b = blob(json.dumps(manifest, sort_keys=True).encode())
index = {
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
    "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest, "size": len(manifest_b),
        "platform": {"architecture": "amd64", "os": "linux"},
        "annotations": {"io.containerd.image.name": name, "org.opencontainers.image.ref.name": name.rsplit(":", 1)[-1]},
    }],
}
members = [("oci-layout", json.dumps({"imageLayoutVersion": "1.0.0"}).encode(), 0o644),
           ("index.json", json.dumps(index, sort_keys=True).encode(), 0o644)]
for d, b in ((layer_digest, layer), (config_digest, config_b), (manifest_digest, manifest_b)):
    members.append(("blobs/sha256/" + d.split(":")[1], b, 0o644))
open(out, "wb").write(tar_bytes(members))
print(out, manifest_digest)
