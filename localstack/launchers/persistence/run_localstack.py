"""
LocalStack community with its state on disk: sluice starts this instead of `python -m localstack.runtime.main`.

It installs three things into LocalStack's runtime, then runs LocalStack's own main():

- load: a service starts lazily, on its first request; when it has a snapshot, the snapshot is loaded right after
  it starts and before that first request is answered (ServiceContainer.start). Once LocalStack is ready, every
  service with a snapshot is started, so everything is back before `local:up` returns; what each restored (or why
  it could not) goes to the log and to <state>/restored.json, which `local:up` prints.
- save: every SLUICE_LOCALSTACK_SAVE_SECONDS (a crash or SIGKILL loses at most that much) the services that had a
  request other than Get*, List*, Describe*, Head* since the last save, every FULL_SAVE_EVERY-th time and on
  shutdown (before the services stop) every running service, are saved (sluice_snapshot.Snapshots);
  <state>/saved.json says what, and how long each took.
- DynamoDB Local and CloudWatch's metrics database write to <data> themselves (PERSISTENCE=1, set by the launcher).

Environment: SLUICE_STATE_SNAPSHOT_DIR (required), SLUICE_LOCALSTACK_SAVE_SECONDS (default 5; 0: only on shutdown).
"""

import json
import logging
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sluice_snapshot import Snapshots, register_reducers  # noqa: E402

LOG = logging.getLogger("sluice.persistence")
ROOT = os.environ["SLUICE_STATE_SNAPSHOT_DIR"]
SAVE_SECONDS = float(os.environ.get("SLUICE_LOCALSTACK_SAVE_SECONDS") or "5")
SNAPSHOTS = Snapshots(ROOT)
# One save or load at a time: the periodic saver, the shutdown save and lazily starting services.
LOCK = threading.RLock()
# Services a request may have changed since the last save (by the API's name: dynamodbstreams is DynamoDB's provider).
DIRTY: set[str] = set()
ALIASES = {"dynamodbstreams": "dynamodb"}
READ_ONLY = ("Get", "List", "Describe", "Head")
# Every this many periodic saves, every service is saved whether a request changed it or not (alarm evaluations,
# one service writing another's stores directly).
FULL_SAVE_EVERY = 12
RESTORED: dict[str, str] = {}
FAILED: dict[str, str] = {}
STOPPING = threading.Event()


def _say(message: str) -> None:
    # LocalStack's log format, on stdout like the rest of its log
    sys.stdout.write(f"sluice persistence: {message}\n")
    sys.stdout.flush()


def _write_json(name: str, value: dict) -> None:
    os.makedirs(ROOT, exist_ok=True)
    path = os.path.join(ROOT, name)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=2)
    os.replace(tmp, path)


def _provider(service):
    return getattr(service, "_provider", None)


def _load(container) -> None:
    service = container.service
    name = service.name()
    if name in RESTORED or name in FAILED or SNAPSHOTS.current(name) is None:
        return
    hook = service.lifecycle_hook
    started = time.monotonic()
    try:
        with LOCK:
            # DynamoDB's hooks restart DynamoDB Local, which already runs on its files on disk
            if name != "dynamodb":
                hook.on_before_state_load()
            said = SNAPSHOTS.load_service(service, _provider(service))
            if name != "dynamodb":
                hook.on_after_state_load()
        RESTORED[name] = f"{said} in {time.monotonic() - started:.2f} s"
        _say(f"restored {name}: {RESTORED[name]}")
    except Exception as error:  # a snapshot that cannot be loaded is reported and kept aside, never silently dropped
        kept = SNAPSHOTS.set_aside(name)
        FAILED[name] = f"{type(error).__name__}: {error} (snapshot kept in {kept})"
        LOG.exception("sluice persistence: could not restore %s", name)
        _say(f"could NOT restore {name}: {FAILED[name]}; it starts empty")


def save_all(reason: str, only_dirty: bool = False) -> dict:
    from localstack.services.plugins import SERVICE_PLUGINS, ServiceState

    report = {"reason": reason, "at": time.time(), "saved": [], "unchanged": [], "failed": {}, "timings": {}}
    started = time.monotonic()
    with LOCK:
        dirty = set(DIRTY)
        DIRTY.clear()
        for container in SERVICE_PLUGINS._get_loaded_service_containers():
            service = container.service
            name = service.name()
            if container.state != ServiceState.RUNNING:
                continue
            if only_dirty and name not in dirty and SNAPSHOTS.current(name) is not None:
                report["unchanged"].append(name)
                continue
            began = time.monotonic()
            for attempt in range(3):
                try:
                    service.lifecycle_hook.on_before_state_save()
                    wrote = SNAPSHOTS.save_service(service, _provider(service))
                    service.lifecycle_hook.on_after_state_save()
                    report["saved" if wrote else "unchanged"].append(name)
                    break
                except RuntimeError as error:  # changed while pickled ("dictionary changed size"): try again
                    if attempt == 2:
                        report["failed"][name] = str(error)
                except Exception as error:
                    LOG.exception("sluice persistence: could not save %s", name)
                    report["failed"][name] = f"{type(error).__name__}: {error}"
                    break
            report["timings"][name] = round(time.monotonic() - began, 3)
        DIRTY.update(report["failed"])  # tried again next time
    report["seconds"] = round(time.monotonic() - started, 3)
    report["bytes"] = SNAPSHOTS.size()
    _write_json("saved.json", report)
    return report


def _restore_eagerly() -> None:
    from localstack.runtime import events
    from localstack.services.plugins import SERVICE_PLUGINS

    events.infra_ready.wait()
    saved = SNAPSHOTS.saved_services()
    for name in saved:
        try:
            SERVICE_PLUGINS.require(name)
        except Exception as error:
            FAILED.setdefault(name, f"{type(error).__name__}: {error}")
    _write_json(
        "restored.json",
        {"pid": os.getpid(), "at": time.time(), "restored": RESTORED, "failed": FAILED, "saved": saved},
    )
    _say(f"restore done: {len(RESTORED)} service(s) restored, {len(FAILED)} failed")
    rounds = 0
    if SAVE_SECONDS > 0:
        while not STOPPING.wait(SAVE_SECONDS):
            rounds += 1
            try:
                save_all("periodic", only_dirty=rounds % FULL_SAVE_EVERY != 0)
            except Exception:
                LOG.exception("sluice persistence: periodic save failed")


def install() -> None:
    from localstack.aws.skeleton import Skeleton
    from localstack.services.plugins import SERVICE_PLUGINS, ServiceContainer

    original_invoke = Skeleton.invoke

    def invoke(self, context):
        operation = getattr(context.operation, "name", "") or ""
        if not operation.startswith(READ_ONLY):
            name = self.service.service_name
            DIRTY.add(ALIASES.get(name, name))
        return original_invoke(self, context)

    Skeleton.invoke = invoke

    original_start = ServiceContainer.start

    def start(self) -> bool:
        ok = original_start(self)
        if ok:
            _load(self)
        return ok

    ServiceContainer.start = start

    original_stop_all = SERVICE_PLUGINS.stop_all_services

    def stop_all_services() -> None:
        STOPPING.set()
        try:
            report = save_all("shutdown")
            _say(
                f"saved on shutdown in {report['seconds']} s: {', '.join(report['saved']) or 'nothing changed'}"
                f"; {report['bytes'] / 1024 / 1024:.1f} MiB in {ROOT}"
                + (f"; FAILED: {report['failed']}" if report["failed"] else "")
            )
        except Exception:
            LOG.exception("sluice persistence: the shutdown save failed")
        original_stop_all()

    SERVICE_PLUGINS.stop_all_services = stop_all_services
    os.makedirs(ROOT, exist_ok=True)
    for stale in ("restored.json",):
        path = os.path.join(ROOT, stale)
        if os.path.exists(path):
            os.remove(path)
    threading.Thread(target=_restore_eagerly, name="sluice-persistence", daemon=True).start()


if __name__ == "__main__":
    register_reducers()
    install()
    from localstack.runtime.main import main

    main()
