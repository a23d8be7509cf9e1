#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: docker_daemon_config
short_description: Merge, validate and write Docker's daemon.json and the engine's proxy drop-in
version_added: 0.2.0
description:
  - Reads C(/etc/docker/daemon.json), merges the wanted options into the keys already
    there (or owns the whole file), validates the result with C(dockerd --validate) when
    the engine has it (Docker 23 and later; a JSON object check before), and replaces the
    file atomically, keeping a backup, only when its content, mode or owner differ.
  - A hand-edited file that Docker would reject (a byte order mark, comments, an empty
    file, JSON that is not an object) is a clear error naming the file, before anything
    is written.
  - Writes or removes the engine's proxy drop-in (C(http-proxy.conf), mode 0640 as it may
    hold credentials, C(%) escaped for systemd).
  - With O(registry_mirrors), each listed mirror is asked, from the host, for the manifests
    of O(mirror_images) (for C(/v2/) when there are none); daemon.json lists only those that
    serve them all, and a warning names each left out with what it answered. A mirror that is
    in daemon.json already and only did not answer in time is kept, so a mirror that is slow
    now and then does not make runs rewrite the file back and forth. When no mirror serves,
    the module fails before anything is written.
  - Reports RV(reload_needed) when only keys the engine reloads on C(SIGHUP) changed (the
    registry mirrors among them) and none was taken out, RV(restart_needed) when the engine
    must restart (another key changed, the proxy drop-in changed, or the engine started
    before the files were last written, as after a run that died before its restart).
  - O(applied_stamp) is the copy of daemon.json the engine last took (written by the caller
    after a restart or reload); it tells what the running engine has when it was reloaded,
    not restarted, since the file was written.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  path:
    description: The daemon.json to manage.
    type: path
    default: /etc/docker/daemon.json
  options:
    description: Keys to set in daemon.json (merged over the file's keys when O(merge) is true).
    type: dict
    default: {}
  log_options:
    description:
      - Logging keys (C(log-driver), C(log-opts)) set unless the file already names another
        C(log-driver), so a host that logs to journald, say, keeps its logging. Keys in
        O(options) always win.
    type: dict
    default: {}
  remove_keys:
    description: Keys to take out of daemon.json (e.g. C(registry-mirrors) when none are wanted).
    type: list
    elements: str
    default: []
  merge:
    description: Keep keys already in the file that O(options) does not set; false owns the whole file.
    type: bool
    default: true
  backup:
    description: Keep a timestamped copy of the previous daemon.json.
    type: bool
    default: true
  validate:
    description: Validate with C(dockerd --validate) when the engine supports it.
    type: bool
    default: true
  proxy:
    description: C(http_proxy), C(https_proxy) and C(no_proxy) for the engine; empty removes the drop-in.
    type: dict
    default: {}
  proxy_dropin:
    description: Path of the engine's proxy drop-in.
    type: path
    default: /etc/systemd/system/docker.service.d/http-proxy.conf
  service:
    description: The engine's systemd unit, to learn when it last started.
    type: str
    default: docker.service
  registry_mirrors:
    description:
      - Registry mirrors for Docker Hub pulls, in the order dockerd should try them; those
        that serve every image of O(mirror_images) are written as C(registry-mirrors)
        (O(mirror_check=fail)), all of them with a warning for each that does not
        (O(mirror_check=warn)), all of them unasked (O(mirror_check=skip)). An empty list
        takes C(registry-mirrors) out of daemon.json. Unset, a C(registry-mirrors) key in
        O(options) is written as given.
    type: list
    elements: str
  mirror_images:
    description: The Docker Hub images the play will pull, whose manifests each mirror is asked for.
    type: list
    elements: str
    default: []
  applied_stamp:
    description: The copy of daemon.json the running engine took last (see RV(applied)).
    type: path
extends_documentation_fragment:
  - djangodocker.deploy.attributes
  - djangodocker.deploy.mirrors
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Point the engine at a registry mirror and rotate its logs
  djangodocker.deploy.docker_daemon_config:
    options:
      registry-mirrors: [https://xxxx.mirror.aliyuncs.com]
      log-driver: json-file
      log-opts: {max-size: 10m, max-file: "3"}
  register: daemon

- name: Restart the engine when it needs the new configuration
  ansible.builtin.systemd_service:
    name: docker
    state: restarted
    daemon_reload: true
  when: daemon.restart_needed
"""

RETURN = r"""
config:
  description: The daemon.json content written (or kept).
  returned: success
  type: dict
config_changed:
  description: Whether daemon.json was (or in check mode would be) written.
  returned: success
  type: bool
dropin_changed:
  description: Whether the proxy drop-in was (or would be) written or removed.
  returned: success
  type: bool
restart_needed:
  description: Whether the engine must restart to run with these files.
  returned: success
  type: bool
reload_needed:
  description: Whether a reload (C(SIGHUP)) is enough for the engine to run with daemon.json.
  returned: success
  type: bool
registry_mirrors:
  description: The registry mirrors written, in order.
  returned: success
  type: list
  elements: str
mirror_warnings:
  description: One sentence for each listed registry mirror left out (or kept though slow), with what it answered.
  returned: success
  type: list
  elements: str
applied:
  description: Whether O(applied_stamp) holds daemon.json as written, i.e. the engine took it.
  returned: success
  type: bool
backup_file:
  description: The copy of the previous daemon.json.
  returned: when a backup was made
  type: str
dropin_backup_file:
  description: The copy of the previous proxy drop-in.
  returned: when the drop-in was changed or removed
  type: str
previous_dropin_existed:
  description: Whether there was a proxy drop-in before this run.
  returned: success
  type: bool
previous_config_existed:
  description: Whether there was a daemon.json before this run wrote it.
  returned: success
  type: bool
reasons:
  description: What was out of place, one sentence each.
  returned: success
  type: list
  elements: str
"""

import json
import os
import subprocess
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.mirror_probe import (
    MIRROR_CHECK_OPTIONS,
    asks_mirrors,
)
from ansible_collections.djangodocker.deploy.plugins.module_utils.registry_mirrors import select
from ansible_collections.djangodocker.deploy.plugins.module_utils.host_files import (
    FileProblem,
    describe,
    ensure_file,
    ensure_folder,
    ownership_reasons,
    parse_json_object,
    read_text,
)

CONFIG_MODE = "0644"
# The drop-in may carry proxy credentials.
DROPIN_MODE = "0640"
PROXY_KEYS = ("http_proxy", "https_proxy", "no_proxy")


def merged_config(current, options, remove_keys, merge, log_options=None):
    """The daemon.json object to write.

    LOG_OPTIONS apply unless the current file names another log-driver (and
    OPTIONS do not set one): they are defaults, not a replacement of a host's
    own logging.
    """
    config = dict(current) if merge else {}
    for key in remove_keys:
        config.pop(key, None)
    log_options = dict(log_options or {})
    own_driver = config.get("log-driver")
    if own_driver is not None and log_options.get("log-driver", own_driver) != own_driver:
        log_options = {}
    config.update(log_options)
    config.update(options)
    return config


# Keys whose loss makes the engine start on other, empty storage: every
# container, image and volume would seem gone.
STORAGE_KEYS = ("data-root", "storage-driver")


def storage_dropped(before_text, config):
    """The STORAGE_KEYS the file sets that CONFIG would drop, with their values."""
    try:
        before = json.loads(before_text) if before_text else {}
    except ValueError:
        return {}
    if not isinstance(before, dict):
        return {}
    return {key: before[key] for key in STORAGE_KEYS if key in before and key not in config}


# Keys dockerd takes again on SIGHUP (Docker's "configuration reload behavior"):
# changing only these needs no restart, so running containers are not stopped.
RELOADABLE_KEYS = frozenset((
    "authorization-plugins", "debug", "default-runtime", "features", "insecure-registries", "labels",
    "live-restore", "max-concurrent-downloads", "max-concurrent-uploads", "max-download-attempts",
    "registry-mirrors", "runtimes", "shutdown-timeout",
))


def engine_action(engine_text, text):
    """None, "reload" or "restart": what makes an engine that runs ENGINE_TEXT run TEXT.

    A reload sets only the keys the file names: a key taken out would keep its old
    value until a restart, so taking one out restarts.
    """
    if engine_text == text:
        return None
    try:
        before, after = json.loads(engine_text), json.loads(text)
    except (TypeError, ValueError):
        return "restart"
    if not isinstance(before, dict) or not isinstance(after, dict):
        return "restart"
    changed = set(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if set(before) - set(after) or changed - RELOADABLE_KEYS:
        return "restart"
    return "reload"


def configured_mirrors(before_text):
    """The registry mirrors daemon.json lists now ([] when it lists none or cannot be read)."""
    try:
        mirrors = json.loads(before_text or "{}").get("registry-mirrors")
    except (AttributeError, ValueError):
        return []
    return mirrors if isinstance(mirrors, list) else []


def mirrors_to_write(module, mirrors, configured):
    """(registry mirrors to write, warnings), after asking them as mirror_check says (fails when none serves)."""
    params = module.params
    if not mirrors or not asks_mirrors(params):
        return list(mirrors), []
    kept, warnings, error = select(mirrors, params["mirror_images"], configured, params["mirror_timeout"])
    if params["mirror_check"] == "warn":
        for warning in warnings:
            module.warn(warning)
        if error:
            module.warn(error)
        return list(mirrors), warnings + ([error] if error else [])
    if error:
        module.fail_json(msg="%s. %s was not written. Check the URLs, or list a mirror that serves these images." % (
            error, params["path"]), warnings_seen=warnings)
    for warning in warnings:
        module.warn(warning)
    return kept, warnings


def config_text(config):
    return json.dumps(config, indent=2, sort_keys=True) + "\n"


def systemd_quote(value):
    """VALUE for Environment="NAME=VALUE": % is systemd's specifier, \\ and " escape."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")


def dropin_text(proxy):
    lines = ["# Managed by djangodocker.deploy.docker_daemon", "[Service]"]
    for key in PROXY_KEYS:
        if proxy.get(key):
            lines.append('Environment="%s=%s"' % (key.upper(), systemd_quote(str(proxy[key]))))
    return "\n".join(lines) + "\n"


def engine_started_at(service):
    """Wall-clock time the engine's unit became active, or None when it is not."""
    try:
        out = subprocess.run(["systemctl", "show", "-p", "ActiveEnterTimestampMonotonic", "-p", "ActiveState",
                              service], capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        return None
    fields = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    if fields.get("ActiveState") != "active" or not fields.get("ActiveEnterTimestampMonotonic", "0").isdigit():
        return None
    # Both clocks are CLOCK_MONOTONIC: turn systemd's into wall-clock time.
    return time.time() - (time.monotonic() - int(fields["ActiveEnterTimestampMonotonic"]) / 1e6)


def stale_engine(started_at, paths):
    """Whether the engine started before one of PATHS was last written."""
    if started_at is None:
        return False
    for path in paths:
        try:
            if os.stat(path).st_mtime > started_at:
                return True
        except FileNotFoundError:
            continue
    return False


def validate_with_dockerd(module, text):
    """dockerd's own verdict on TEXT; None when this engine cannot validate."""
    dockerd = module.get_bin_path("dockerd")
    if dockerd is None:
        return None
    helptext = subprocess.run([dockerd, "--help"], capture_output=True, text=True, check=False).stdout
    if "--validate" not in helptext:
        return None
    handle, tmp = tempfile.mkstemp(suffix=".json")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        done = subprocess.run([dockerd, "--validate", "--config-file", tmp], capture_output=True, text=True,
                              check=False)
    finally:
        os.unlink(tmp)
    return None if done.returncode == 0 else (done.stderr or done.stdout).strip()


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", default="/etc/docker/daemon.json"),
            options=dict(type="dict", default={}),
            log_options=dict(type="dict", default={}),
            remove_keys=dict(type="list", elements="str", default=[], no_log=False),
            merge=dict(type="bool", default=True),
            backup=dict(type="bool", default=True),
            validate=dict(type="bool", default=True),
            proxy=dict(type="dict", default={}, no_log=True),
            proxy_dropin=dict(type="path", default="/etc/systemd/system/docker.service.d/http-proxy.conf"),
            service=dict(type="str", default="docker.service"),
            registry_mirrors=dict(type="list", elements="str"),
            mirror_images=dict(type="list", elements="str", default=[]),
            applied_stamp=dict(type="path"),
            **MIRROR_CHECK_OPTIONS
        ),
        supports_check_mode=True,
    )
    params = module.params
    path, dropin = params["path"], params["proxy_dropin"]
    unknown = sorted(set(params["proxy"]) - set(PROXY_KEYS))
    if unknown:
        module.fail_json(msg="proxy takes %s; got %s" % (", ".join(PROXY_KEYS), ", ".join(unknown)))

    before_text = read_text(path)
    try:
        current = parse_json_object(before_text, path) if before_text is not None and params["merge"] else {}
    except FileProblem as error:
        module.fail_json(msg="%s. Fix it, or let the role own the whole file (docker_daemon_merge: false)." % error)
    options, remove_keys = dict(params["options"]), list(params["remove_keys"])
    wanted_mirrors = params["registry_mirrors"]
    if wanted_mirrors is None:
        wanted_mirrors = options.pop("registry-mirrors", None)
    mirror_warnings = []
    if wanted_mirrors is not None:
        mirrors, mirror_warnings = mirrors_to_write(module, wanted_mirrors, configured_mirrors(before_text))
        if mirrors:
            options["registry-mirrors"] = mirrors
        else:
            remove_keys.append("registry-mirrors")
    config = merged_config(current, options, remove_keys, params["merge"], params["log_options"])
    dropped = {} if params["merge"] else storage_dropped(before_text, config)
    if dropped:
        module.fail_json(msg="%s sets %s; writing the file without them (docker_daemon_merge: false) would start Docker on "
                             "other, empty storage. Put them into docker_daemon_options. %s was not written." % (
                                 path, ", ".join("%s %s" % (k, json.dumps(v)) for k, v in sorted(dropped.items())), path))
    text = config_text(config)
    config_reasons = []
    if before_text != text:
        config_reasons.append("%s is missing" % path if before_text is None else "%s has other content" % path)
    if before_text is not None:
        config_reasons += ownership_reasons(path, describe(path), {"mode": CONFIG_MODE, "uid": 0, "gid": 0})

    result = dict(config=config, previous_config_existed=before_text is not None,
                  previous_dropin_existed=os.path.exists(dropin),
                  registry_mirrors=config.get("registry-mirrors") or [], mirror_warnings=mirror_warnings)
    if before_text != text:
        problem = validate_with_dockerd(module, text) if params["validate"] else None
        if problem:
            module.fail_json(msg="dockerd rejects the new %s, which was not written: %s" % (path, problem))
        if module._diff:
            result["diff"] = {"before": before_text or "", "after": text,
                              "before_header": path, "after_header": path}

    dropin_reasons = []
    try:
        if config_reasons and not module.check_mode:
            ensure_folder(os.path.dirname(path), "0755")
            if params["backup"] and before_text is not None and before_text != text:
                result["backup_file"] = module.backup_local(path)
            ensure_file(path, text.encode("utf-8"), CONFIG_MODE)
        wanted_dropin = dropin_text(params["proxy"]).encode("utf-8") if params["proxy"] else None
        if (not module.check_mode and os.path.isfile(dropin)
                and read_text(dropin) != (wanted_dropin or b"").decode("utf-8")):
            # The restart's rescue puts it back if the engine does not start with the new one.
            result["dropin_backup_file"] = module.backup_local(dropin)
        if params["proxy"]:
            dropin_reasons += ensure_folder(os.path.dirname(dropin), "0755", check_mode=module.check_mode)
            dropin_reasons += ensure_file(dropin, wanted_dropin, DROPIN_MODE,
                                          check_mode=module.check_mode, secret=True)
        elif os.path.exists(dropin):
            dropin_reasons.append("%s is there, but no proxy is wanted" % dropin)
            if not module.check_mode:
                os.unlink(dropin)
    except FileProblem as error:
        module.fail_json(msg=str(error))

    changed = bool(config_reasons or dropin_reasons)
    reasons = config_reasons + dropin_reasons
    started = engine_started_at(params["service"])
    stamp_text = read_text(params["applied_stamp"]) if params["applied_stamp"] else None
    if stamp_text is not None:
        # The engine may have been reloaded since it started: the stamp says what it took.
        engine_text = stamp_text
        stale = stale_engine(started, [dropin])
    else:
        engine_text = before_text
        stale = stale_engine(started, [path, dropin])
    action = "restart" if dropin_reasons or stale else engine_action(engine_text, text)
    if action == "reload" and started is None:
        action = "restart"
    if action and not changed:
        reasons.append("the engine runs with another configuration than %s" % path)
    module.exit_json(changed=changed, config_changed=bool(config_reasons), dropin_changed=bool(dropin_reasons),
                     restart_needed=action == "restart", reload_needed=action == "reload",
                     applied=stamp_text == text, reasons=reasons, **result)


if __name__ == "__main__":
    main()
