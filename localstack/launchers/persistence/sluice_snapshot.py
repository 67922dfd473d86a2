"""
Saves and loads the state of LocalStack community's services on disk (imported by run_localstack.py).

LocalStack community keeps every service's state in memory; the code that writes it to disk is LocalStack Pro's.
What community does have: every provider tells a StateVisitor where its state lives (`accept_state_visitor`), as
AccountRegionBundles (LocalStack's own stores), moto BackendDicts, and AssetDirectories (files), and core's
`localstack.state.pickle` (dill with LocalStack's reducers) serialises them. This module is the missing part:

- `save_service` pickles a service's stores into `<root>/<service>/<generation>/` and points `<root>/<service>/current`
  at it with an atomic rename, so a crash mid-save leaves the previous snapshot whole. A snapshot whose bytes did not
  change is not written again.
- S3's object bytes (its AssetDirectory is a set of unnamed spooled temporary files keyed by a salted hash) are
  copied into a content-addressed blob directory `<root>/s3-blobs/<sha256>`; an object whose ETag and modification
  time did not change since the last save is not read again.
- DynamoDB's AssetDirectory is skipped: with PERSISTENCE=1 DynamoDB Local already writes its tables to
  `<data>/dynamodb` (SQLite, durable per request). CloudWatch's metrics database is likewise already on disk.
- `load_service` puts a snapshot back into the (empty, just started) service.
"""

import hashlib
import logging
import os
import shutil
import time

from localstack.services.stores import AccountRegionBundle
from localstack.state import pickle
from localstack.state.core import AssetDirectory, StateVisitor
from moto.core.base_backend import BackendDict

LOG = logging.getLogger("sluice.persistence")

# Asset directories that are on disk already with PERSISTENCE=1 (their service writes them as it goes).
ASSETS_ON_DISK = {"dynamodb", "cloudwatch"}


def _parameter_dict(cls, account_id, region_name, items, attributes):
    restored = cls(account_id, region_name)
    restored.update(items)
    restored.__dict__.update(attributes)
    return restored


def register_reducers() -> None:
    """Reducers for the state classes dill cannot rebuild by itself (a constructor with required arguments)."""
    from moto.ssm.models import ParameterDict

    @pickle.register(ParameterDict)
    def _reduce_parameter_dict(pickler, obj):
        # a defaultdict pickles as cls(default_factory), which ParameterDict's constructor refuses
        args = (type(obj), obj.account_id, obj.region_name, dict(obj), dict(vars(obj)))
        pickler.save_reduce(_parameter_dict, args, obj=obj)


def _write_atomic(path: str, data: bytes) -> None:
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _bundle_state(bundle: AccountRegionBundle) -> dict:
    return {
        "universal": bundle._universal,
        "accounts": {
            account: {"global": regions._global, "stores": dict(regions)} for account, regions in bundle.items()
        },
    }


def _restore_bundle(bundle: AccountRegionBundle, state: dict) -> None:
    with bundle.lock:
        bundle.clear()
        bundle._universal.clear()
        bundle._universal.update(state["universal"])
        for account, saved in state["accounts"].items():
            regions = bundle[account]  # a RegionBundle sharing bundle._universal
            regions._global.clear()
            regions._global.update(saved["global"])
            for region, store in saved["stores"].items():
                store._global = regions._global
                store._universal = bundle._universal
                dict.__setitem__(regions, region, store)


def _container_file(container) -> str:
    if isinstance(container, AccountRegionBundle):
        return f"stores-{container.service_name}.pickle"
    return f"moto-{container.service_name}.pickle"


class _SaveVisitor(StateVisitor):
    def __init__(self, service: str, out: dict):
        self.service = service
        self.out = out  # file name -> bytes

    def visit(self, container):
        if isinstance(container, AccountRegionBundle):
            self.out[_container_file(container)] = pickle.dumps(_bundle_state(container))
        elif isinstance(container, BackendDict):
            self.out[_container_file(container)] = pickle.dumps(dict(container))
        elif isinstance(container, AssetDirectory):
            pass  # S3's objects are saved by S3Objects; the others are on disk already (ASSETS_ON_DISK)
        else:
            raise TypeError(f"{self.service}: cannot save a state container of type {type(container).__name__}")


class _LoadVisitor(StateVisitor):
    def __init__(self, service: str, directory: str):
        self.service = service
        self.directory = directory
        self.loaded: list[str] = []

    def visit(self, container):
        if isinstance(container, AssetDirectory):
            return
        path = os.path.join(self.directory, _container_file(container))
        if not os.path.exists(path):
            return
        with open(path, "rb") as f:
            state = pickle.load(f)
        if isinstance(container, AccountRegionBundle):
            _restore_bundle(container, state)
        elif isinstance(container, BackendDict):
            container.clear()
            container.update(state)
        self.loaded.append(_container_file(container))


class S3Objects:
    """The bytes of S3's objects, content-addressed under <root>/s3-blobs, with a cache of what is written."""

    def __init__(self, root: str):
        self.blobs = os.path.join(root, "s3-blobs")  # beside s3/, whose old generations are removed
        # (bucket, key, version, etag, internal_last_modified) -> sha256, for objects saved before
        self._known: dict[tuple, str] = {}

    def save(self, provider, bundle: AccountRegionBundle) -> dict:
        """Writes new objects' bytes; returns the manifest {bucket: {key?version: [sha256, etag]}}."""
        os.makedirs(self.blobs, exist_ok=True)
        backend = provider._storage_backend
        manifest: dict = {}
        known: dict[tuple, str] = {}
        for _account, _region, store in bundle.iter_stores():
            for name, bucket in dict(store.buckets).items():
                if name in manifest:
                    continue  # buckets are a cross-region attribute: every region's store lists them
                entries = manifest[name] = {}
                for obj in bucket.objects.values(with_versions=True):
                    if not hasattr(obj, "etag") or getattr(obj, "is_delete_marker", False) or obj.size is None:
                        continue
                    ident = (name, obj.key, obj.version_id, obj.etag, getattr(obj, "internal_last_modified", None))
                    digest = self._known.get(ident)
                    if digest is None or not os.path.exists(os.path.join(self.blobs, digest)):
                        if backend._get_object_file(name, backend._key_from_s3_object(obj)) is None:
                            continue  # deleted while we looked (open() would create it empty)
                        with backend.open(name, obj, mode="r") as stored:
                            data = b"".join(stored)
                        digest = hashlib.sha256(data).hexdigest()
                        blob = os.path.join(self.blobs, digest)
                        if not os.path.exists(blob):
                            _write_atomic(blob, data)
                    known[ident] = digest
                    entries[f"{obj.key}?{obj.version_id or 'null'}"] = [digest, obj.etag]
        self._known = known
        return manifest

    def collect_garbage(self, manifest: dict) -> None:
        keep = {digest for entries in manifest.values() for digest, _etag in entries.values()}
        for name in os.listdir(self.blobs):
            if name not in keep and ".tmp-" not in name:
                os.remove(os.path.join(self.blobs, name))

    def load(self, provider, bundle: AccountRegionBundle, manifest: dict) -> tuple[int, int, list[str]]:
        """Writes every saved object's bytes back into S3's store; returns (objects, bytes, missing keys)."""
        backend = provider._storage_backend
        objects = size = 0
        missing: list[str] = []
        seen: set[str] = set()
        for _account, _region, store in bundle.iter_stores():
            for name, bucket in dict(store.buckets).items():
                if name in seen:
                    continue
                seen.add(name)
                backend.create_bucket(name)
                entries = manifest.get(name, {})
                for obj in bucket.objects.values(with_versions=True):
                    if not hasattr(obj, "etag") or getattr(obj, "is_delete_marker", False) or obj.size is None:
                        continue
                    entry = entries.get(f"{obj.key}?{obj.version_id or 'null'}")
                    blob = os.path.join(self.blobs, entry[0]) if entry else None
                    if blob is None or not os.path.exists(blob):
                        missing.append(f"s3://{name}/{obj.key}")
                        continue
                    etag = obj.etag
                    with open(blob, "rb") as f, backend.open(name, obj, mode="w") as stored:
                        written = stored.write(f)
                    # write() recomputes the ETag as an MD5, which a multipart object's is not
                    obj.etag = entry[1] or etag
                    ident = (name, obj.key, obj.version_id, obj.etag, getattr(obj, "internal_last_modified", None))
                    self._known[ident] = entry[0]
                    objects += 1
                    size += written
        return objects, size, missing


def _dir_size(path: str) -> int:
    total = 0
    for base, _dirs, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(base, name))
    return total


class Snapshots:
    """Every service's snapshot under root (<FILESYSTEM_ROOT>/state)."""

    def __init__(self, root: str):
        self.root = root
        self.s3 = S3Objects(root)
        self._last: dict[str, str] = {}  # service -> digest of its last written snapshot

    def current(self, service: str) -> str | None:
        path = os.path.join(self.root, service, "current")
        return os.path.realpath(path) if os.path.islink(path) and os.path.isdir(os.path.realpath(path)) else None

    def set_aside(self, service: str) -> str:
        """Moves a snapshot that could not be loaded to <root>/unloadable/, where the next saves leave it alone."""
        directory = self.current(service)
        target = os.path.join(self.root, "unloadable", f"{service}-{time.time_ns()}")
        if directory is not None:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.move(directory, target)
            os.remove(os.path.join(self.root, service, "current"))
        self._last.pop(service, None)
        return target

    def saved_services(self) -> list[str]:
        if not os.path.isdir(self.root):
            return []
        return sorted(s for s in os.listdir(self.root) if self.current(s) is not None)

    def save_service(self, service, provider) -> bool:
        """Saves one running service; returns whether anything was written (False: unchanged since the last save)."""
        name = service.name()
        files: dict[str, bytes] = {}
        service.accept_state_visitor(_SaveVisitor(name, files))
        if name == "s3" and provider is not None:
            from localstack.services.s3.models import s3_stores

            manifest = self.s3.save(provider, s3_stores)
            files["s3-objects.pickle"] = pickle.dumps(manifest)
        digest = hashlib.sha256(b"".join(k.encode() + v for k, v in sorted(files.items()))).hexdigest()
        if self._last.get(name) == digest and self.current(name) is not None:
            return False
        base = os.path.join(self.root, name)
        generation = os.path.join(base, f"{time.time_ns()}")
        os.makedirs(generation)
        for file_name, data in files.items():
            _write_atomic(os.path.join(generation, file_name), data)
        link_tmp = os.path.join(base, f"current.tmp-{os.getpid()}")
        if os.path.lexists(link_tmp):
            os.remove(link_tmp)
        os.symlink(os.path.basename(generation), link_tmp)
        os.replace(link_tmp, os.path.join(base, "current"))
        for old in os.listdir(base):
            path = os.path.join(base, old)
            if old != "current" and path != generation and os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
        if name == "s3":
            self.s3.collect_garbage(manifest)
        self._last[name] = digest
        return True

    def load_service(self, service, provider) -> str:
        """Loads a service's snapshot into it; returns what was restored, in words."""
        name = service.name()
        directory = self.current(name)
        if directory is None:
            return "nothing saved"
        visitor = _LoadVisitor(name, directory)
        service.accept_state_visitor(visitor)
        said = f"{len(visitor.loaded)} store(s) ({_dir_size(directory) / 1024:.0f} KiB)"
        if name == "s3":
            from localstack.services.s3.models import s3_stores

            with open(os.path.join(directory, "s3-objects.pickle"), "rb") as f:
                manifest = pickle.load(f)
            objects, size, missing = self.s3.load(provider, s3_stores, manifest)
            buckets = len({b for _a, _r, store in s3_stores.iter_stores() for b in store.buckets})
            said += f", {buckets} bucket(s), {objects} object(s) ({size / 1024 / 1024:.1f} MiB)"
            if missing:
                said += f"; {len(missing)} object(s) without saved bytes (kept empty): {', '.join(missing[:5])}"
        return said

    def size(self) -> int:
        return _dir_size(self.root) if os.path.isdir(self.root) else 0

