#!/usr/bin/env python3
"""Fetches AWS Control Tower's proactive controls (Guard rules published in the
npm package @cdklabs/cdk-validator-cfnguard, pinned below with its checksum)
and prepares them for the Control Tower bundle (cmake/GuardBundles.cmake):

    DEST/package/rules/control-tower/...   the package's rules and metadata
    DEST/control-tower.json                a rule-set manifest in the registry's
                                           format: one mapping per rules file, its
                                           controls the control's id and its
                                           compliance-framework ids

Usage: tools/fetch-control-tower.py DEST   (prints DEST when it is ready)
       tools/fetch-control-tower.py --tarball FILE DEST   (no download)

Called by tools/setup.sh, which then configures -DGUARD_CONTROL_TOWER_DIR=DEST.
Exits 3 with a note on stderr, and nothing on stdout, when the npm registry
cannot be reached: the set-up then builds without the bundle. A tarball whose
checksum differs is an error (exit 1), never used. Downloads are cached in
$XDG_CACHE_HOME/guardvm (~/.cache/guardvm).
"""
import base64
import hashlib
import json
import os
import posixpath
import sys
import tarfile
import urllib.request

PACKAGE = "@cdklabs/cdk-validator-cfnguard"
VERSION = "0.0.62"
URL = "https://registry.npmjs.org/@cdklabs/cdk-validator-cfnguard/-/cdk-validator-cfnguard-0.0.62.tgz"
# The registry's "integrity" field of that version (sha512, base64).
INTEGRITY = "Sg2k8067B0AIJ82QFSLhHTUIqxOYTKABvVrTHiyc6j0rE2NHli2diIYqf+w+DkuDKCYYgMIOga3OrYMOHUw0mQ=="
RULES_PREFIX = "package/rules/control-tower/"
MAX_TARBALL_BYTES = 64 << 20


def cache_path():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "guardvm", "cdk-validator-cfnguard-%s.tgz" % VERSION)


def checksum_ok(data):
    return base64.b64encode(hashlib.sha512(data).digest()).decode() == INTEGRITY


def download():
    """The tarball's bytes, from the cache or the npm registry; None when unreachable."""
    path = cache_path()
    if os.path.exists(path):
        with open(path, "rb") as f:
            data = f.read()
        if checksum_ok(data):
            return data
    try:
        with urllib.request.urlopen(URL, timeout=60) as r:
            data = r.read(MAX_TARBALL_BYTES + 1)
    except OSError as e:
        print("note: the Control Tower bundle is skipped: cannot fetch %s %s from the npm registry (%s)"
              % (PACKAGE, VERSION, e), file=sys.stderr)
        return None
    if len(data) > MAX_TARBALL_BYTES or not checksum_ok(data):
        sys.exit("error: %s does not have the pinned sha512 checksum; not used" % URL)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)
    return data


def safe_member(m):
    """Regular files under the rules prefix, with no way out of DEST."""
    name = posixpath.normpath(m.name)
    return m.isfile() and name.startswith(RULES_PREFIX) and not name.startswith("/") and ".." not in name.split("/")


def extract(data, dest):
    import io
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as t:
        for m in t.getmembers():
            if not safe_member(m):
                continue
            target = os.path.join(dest, posixpath.normpath(m.name))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with t.extractfile(m) as src, open(target, "wb") as out:
                out.write(src.read())


def controls_of(metadata_path):
    """The control's id, then each compliance framework's ids ("NIST 800-53 Rev 5: CM-2")."""
    if not os.path.exists(metadata_path):
        return []
    with open(metadata_path, encoding="utf-8") as f:
        meta = json.load(f)
    out = [meta["Id"]] if meta.get("Id") else []
    for fw in meta.get("ComplianceFrameworkMappings") or []:
        out += ["%s: %s" % (fw["ComplianceFramework"], i) for i in fw.get("Ids") or []]
    return out


def write_manifest(dest):
    root = os.path.join(dest, "package")
    guard_dir = os.path.join(root, "rules", "control-tower", "cfn-guard")
    mappings = []
    for service in sorted(os.listdir(guard_dir)):
        for name in sorted(os.listdir(os.path.join(guard_dir, service))):
            if not name.endswith(".guard"):
                continue
            meta = os.path.join(root, "rules", "control-tower", "metadata", service, name[:-6] + ".metadata.json")
            mappings.append({"guardFilePath": "rules/control-tower/cfn-guard/%s/%s" % (service, name),
                             "controls": controls_of(meta)})
    manifest = {
        "owner": "AWS",
        "ruleSetName": "control-tower-proactive",
        "version": VERSION,
        "description": "AWS Control Tower proactive controls as Guard rules (npm %s %s)" % (PACKAGE, VERSION),
        "mappings": mappings,
    }
    with open(os.path.join(dest, "control-tower.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return len(mappings)


def main(argv):
    tarball = None
    if len(argv) == 3 and argv[0] == "--tarball":
        tarball, argv = argv[1], argv[2:]
    if len(argv) != 1:
        sys.exit(__doc__)
    dest = os.path.abspath(argv[0])
    if tarball:
        with open(tarball, "rb") as f:
            data = f.read()
        if not checksum_ok(data):
            sys.exit("error: %s does not have the pinned sha512 checksum; not used" % tarball)
    else:
        data = download()
        if data is None:
            return 3
    os.makedirs(dest, exist_ok=True)
    extract(data, dest)
    count = write_manifest(dest)
    print("%s %s: %d controls in %s" % (PACKAGE, VERSION, count, dest), file=sys.stderr)
    print(dest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
