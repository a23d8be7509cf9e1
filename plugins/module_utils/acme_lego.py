# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A site's ACME certificate: ordered and renewed by lego (its container), checked, then given to Nginx.

One implementation for both callers: the acme_certificate module (the first order, and a new one
when the site's names or CA change) and the site's renewal timer, which runs this file as a
program on the host (``python3 acme_lego.py renew SETTINGS``; the module writes it there from its
own source). Hence the standard library only: a host has Python 3 (Ansible's) but no
cryptography; certificates are read with the openssl command.

A certificate reaches Nginx only after its checks (it covers every name, it has not expired, the
key is its key, the certificates after it in the file are the chain that signed it); on the timer's path, a configuration ``nginx -t`` rejects gets the previous
pair back and no reload. lego keeps its account and certificates in the site's data folder;
what Nginx reads is a copy in its certificates folder (``<site>.crt``, ``<site>.key``).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile

# Where the provider's credentials are mounted in lego's container: one file a variable, given
# to lego as <NAME>_FILE (lego reads any of its variables from a file so), never as a value.
SECRETS_MOUNT = "/run/secrets/acme"
DATA_MOUNT = "/data"
WEBROOT_MOUNT = "/webroot"
API_CA_FILE = "api-ca.pem"
ORDERED_FILE = "ordered.json"
# External Account Binding's MAC key (ZeroSSL and most commercial CAs): lego takes it only as a flag
# or LEGO_EAB_HMAC, both of which would sit in the container's configuration. So the order's container
# starts a shell of the image (the official one is Alpine's) that puts the file's content in lego's
# environment, which only root reads on the host.
EAB_HMAC_FILE = "eab-hmac"
EAB_SCRIPT = 'LEGO_EAB_HMAC="$(cat %s/%s)" && export LEGO_EAB_HMAC && exec /lego "$@"' % ("/data", EAB_HMAC_FILE)
LEGO_TIMEOUT = 600


class AcmeError(Exception):
    """The certificate could not be ordered, renewed or installed: the message says why."""


def subprocess_runner(argv, timeout=LEGO_TIMEOUT):
    """(code, stdout, stderr) of ARGV: the renewal program's way to run commands."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return 124, "", "%s did not finish within %s s" % (argv[0], timeout)
    return done.returncode, done.stdout, done.stderr


def lego_name(domain):
    """The file name lego stores DOMAIN's certificate under (a wildcard's * becomes _)."""
    return domain.replace("*", "_")


def lego_files(settings):
    """(certificate, key) lego wrote for the site: named after its first domain."""
    base = os.path.join(settings["data_dir"], "certificates", lego_name(settings["domains"][0]))
    return base + ".crt", base + ".key"


def installed_files(settings):
    """(certificate, key) Nginx reads."""
    base = os.path.join(settings["certs_dir"], settings["site"])
    return base + ".crt", base + ".key"


def lego_argv(settings, command):
    """`docker run` of lego for COMMAND (run: order; renew: renew when due)."""
    s = settings
    argv = ["docker", "run", "--rm", "--name", "djangodocker-acme-%s" % s["site"],
            "--volume", "%s:%s" % (s["data_dir"], DATA_MOUNT)]
    if s["challenge"] == "http":
        argv += ["--volume", "%s:%s" % (s["webroot"], WEBROOT_MOUNT)]
    if s.get("dns_env_names"):
        argv += ["--volume", "%s:%s:ro" % (os.path.join(s["data_dir"], "env"), SECRETS_MOUNT)]
        for name in s["dns_env_names"]:
            argv += ["--env", "%s_FILE=%s/%s" % (name, SECRETS_MOUNT, name)]
    if s.get("api_ca"):
        argv += ["--env", "LEGO_CA_CERTIFICATES=%s/%s" % (DATA_MOUNT, API_CA_FILE)]
    # lego asks for the binding on every command when the CA requires one (not only when the
    # account is made: a renewal without it fails).
    eab = s.get("eab_kid")
    if eab:
        argv += ["--entrypoint", "/bin/sh", s["image"], "-c", EAB_SCRIPT, "lego"]
    else:
        argv += [s["image"]]
    argv += ["--path", DATA_MOUNT, "--server", s["directory"], "--email", s["email"], "--accept-tos",
             "--key-type", s["key_type"]]
    if eab:
        argv += ["--eab", "--kid", s["eab_kid"]]
    for domain in s["domains"]:
        argv += ["--domains", domain]
    if s["challenge"] == "http":
        argv += ["--http", "--http.webroot", WEBROOT_MOUNT]
    else:
        argv += ["--dns", s["dns_provider"]]
        for resolver in s.get("dns_resolvers") or []:
            argv += ["--dns.resolvers", resolver]
        if s.get("dns_propagation_wait"):
            argv += ["--dns.propagation-wait", "%ss" % s["dns_propagation_wait"]]
    argv.append(command)
    if command == "renew":
        # The timer's schedule spreads the load (lego's own random sleep would hold the unit for up to 8 min).
        argv += ["--no-random-sleep"]
        argv += ["--dynamic"] if not s.get("renew_days") else ["--days", str(s["renew_days"])]
    return argv


def parse_openssl_date(text):
    """openssl's notAfter (e.g. 'Jan  2 03:39:07 2027 GMT') as an aware datetime."""
    return datetime.datetime.strptime(" ".join(text.replace(" GMT", "").split()), "%b %d %H:%M:%S %Y").replace(
        tzinfo=datetime.timezone.utc)


def read_certificate(run, path):
    """{names, not_after, fingerprint} of the certificate file PATH (its first certificate); None if none."""
    if not os.path.exists(path):
        return None
    code, out, err = run(["openssl", "x509", "-in", path, "-noout", "-enddate", "-fingerprint", "-sha256",
                          "-ext", "subjectAltName"], timeout=30)
    if code != 0:
        raise AcmeError("%s is not a certificate openssl reads: %s" % (path, err.strip()))
    found = {"names": []}
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("notAfter="):
            found["not_after"] = parse_openssl_date(line.split("=", 1)[1])
        elif "Fingerprint=" in line:
            found["fingerprint"] = line.split("=", 1)[1]
        elif line.startswith("DNS:") or ", DNS:" in line:
            found["names"] += [part.strip()[4:] for part in line.split(",") if part.strip().startswith("DNS:")]
    return found


def key_matches(run, certificate, key):
    """Whether KEY (a file) is the private key of CERTIFICATE (a file): their public keys are the same."""
    one = run(["openssl", "x509", "-in", certificate, "-noout", "-pubkey"], timeout=30)
    two = run(["openssl", "pkey", "-in", key, "-pubout"], timeout=30)
    return one[0] == 0 and two[0] == 0 and one[1].strip() == two[1].strip() and bool(one[1].strip())


PEM_BLOCK = "-----BEGIN CERTIFICATE-----"


def chain_problem(run, path):
    """Why the certificates after the first in PATH are not the chain that signed it ('' when they are):
    clients get this file as it is, and one without its intermediate fails on phones and curl. The
    chain's own last certificate is trusted (-partial_chain): the root is not in the file."""
    with open(path) as handle:
        blocks = [PEM_BLOCK + block for block in handle.read().split(PEM_BLOCK)[1:]]
    if len(blocks) < 2:
        return "it comes without the certificates of its issuer (the chain)"
    folder = tempfile.mkdtemp(prefix="djd-chain-")
    try:
        leaf, chain = os.path.join(folder, "leaf.pem"), os.path.join(folder, "chain.pem")
        for name, text in ((leaf, blocks[0]), (chain, "".join(blocks[1:]))):
            with open(name, "w") as handle:
                handle.write(text)
        code, out, err = run(["openssl", "verify", "-partial_chain", "-purpose", "sslserver",
                              "-CAfile", chain, leaf], timeout=30)
    finally:
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)
    if code != 0:
        said = [line for line in (err + out).splitlines() if "error" in line] or (err + out).splitlines()[-1:]
        return "its chain does not verify (%s)" % "; ".join(line.strip() for line in said)
    return ""


def problems(settings, found, matches, now, chain=""):
    """Why the certificate FOUND (read_certificate) cannot serve the site; [] when it can. CHAIN:
    chain_problem's answer."""
    reasons = []
    if found is None:
        return ["there is no certificate"]
    missing = [name for name in settings["domains"] if name not in found["names"]]
    if missing:
        reasons.append("it does not cover %s" % ", ".join(missing))
    if found.get("not_after") is None or found["not_after"] <= now:
        reasons.append("it has expired")
    if not matches:
        reasons.append("the key is not the certificate's key")
    if chain:
        reasons.append(chain)
    return reasons


def read_json(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def order_key(settings):
    """What a certificate was ordered for: another CA, names or challenge needs a new order."""
    return {"directory": settings["directory"], "domains": sorted(settings["domains"]),
            "challenge": settings["challenge"]}


def needs_order(settings, found, now):
    """Why lego must order now (a reason), or '' when its certificate still serves."""
    if found is None:
        return "no certificate yet"
    if read_json(os.path.join(settings["data_dir"], ORDERED_FILE)) != order_key(settings):
        return "the names, the CA or the challenge changed"
    if sorted(found["names"]) != sorted(settings["domains"]):
        return "the certificate's names are not the site's"
    if found["not_after"] <= now:
        return "the certificate has expired"
    return ""


def write_atomic(path, data, mode):
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.rename(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_bytes(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def lego(run, settings, command):
    """Run lego's COMMAND; AcmeError with lego's last lines when it fails (nothing secret is in its
    arguments: credentials are files)."""
    code, out, err = run(lego_argv(settings, command), timeout=LEGO_TIMEOUT)
    if code != 0:
        # Its last lines, without the banner about backing up the account that follows every run.
        text = (err + "\n" + out).split("!!!! HEADS UP !!!!")[0]
        said = [line for line in text.splitlines() if line.strip()][-12:]
        raise AcmeError("lego %s for %s failed (the certificate Nginx has, if any, keeps serving):\n%s"
                        % (command, ", ".join(settings["domains"]), "\n".join(said)))
    return out + err


def install(run, settings, now, reload_nginx):
    """Give Nginx lego's certificate if it is new and passes the checks; whether it did. With
    RELOAD_NGINX, `nginx -t` first: a configuration it rejects gets the previous pair back."""
    crt, key = lego_files(settings)
    to_crt, to_key = installed_files(settings)
    new = (read_bytes(crt), read_bytes(key))
    old = (read_bytes(to_crt), read_bytes(to_key))
    if new[0] is None or new[1] is None:
        raise AcmeError("lego left no certificate for %s in %s" % (settings["domains"][0], settings["data_dir"]))
    if new == old:
        return False
    reasons = problems(settings, read_certificate(run, crt), key_matches(run, crt, key), now,
                       chain_problem(run, crt))
    if reasons:
        raise AcmeError("The certificate lego got for %s was not installed: %s." % (
            ", ".join(settings["domains"]), "; ".join(reasons)))
    write_atomic(to_key, new[1], 0o600)
    write_atomic(to_crt, new[0], 0o600)
    if reload_nginx:
        container = settings["nginx_container"]
        code, out, err = run(["docker", "exec", container, "nginx", "-t"], timeout=60)
        if code != 0:
            if old[0] is not None and old[1] is not None:
                write_atomic(to_key, old[1], 0o600)
                write_atomic(to_crt, old[0], 0o600)
            raise AcmeError("Nginx rejects its configuration with the new certificate; the previous one is back "
                            "and serving: %s" % (err or out).strip())
        code, out, err = run(["docker", "kill", "--signal", "HUP", container], timeout=60)
        if code != 0:
            raise AcmeError("Nginx was not reloaded with the new certificate: %s" % (err or out).strip())
    return True


def summary(run, settings, now, ordered, installed):
    found = read_certificate(run, installed_files(settings)[0]) or {}
    not_after = found.get("not_after")
    return {"changed": bool(ordered or installed), "ordered": ordered, "installed": installed,
            "names": found.get("names", []), "fingerprint": found.get("fingerprint", ""),
            "not_after": not_after.strftime("%Y-%m-%dT%H:%M:%SZ") if not_after else "",
            "days_left": (not_after - now).days if not_after else -1}


def order(run, settings, now, check_mode=False):
    """The module's path: order when there is no certificate for the site's names from its CA
    (else nothing: renewal is the timer's), then install it (the role reloads Nginx with the
    site's configuration)."""
    reason = needs_order(settings, read_certificate(run, lego_files(settings)[0]), now)
    if check_mode:
        return dict(summary(run, settings, now, bool(reason), False), reason=reason)
    if reason:
        lego(run, settings, "run")
        write_atomic(os.path.join(settings["data_dir"], ORDERED_FILE),
                     json.dumps(order_key(settings)).encode(), 0o600)
    installed = install(run, settings, now, reload_nginx=False)
    return dict(summary(run, settings, now, bool(reason), installed), reason=reason)


def renew(run, settings, now):
    """The timer's path: lego renews when due (a third of the lifetime left, or the CA's renewal
    window, or RENEW_DAYS); a new certificate is checked, installed and Nginx reloaded."""
    lego(run, settings, "renew")
    installed = install(run, settings, now, reload_nginx=True)
    return summary(run, settings, now, False, installed)


def main(argv):
    """python3 acme_lego.py renew SETTINGS_FILE (the renewal timer's command)."""
    if len(argv) != 3 or argv[1] != "renew":
        sys.stderr.write("usage: %s renew SETTINGS_FILE\n" % argv[0])
        return 2
    try:
        with open(argv[2]) as handle:
            settings = json.load(handle)
    except (OSError, ValueError) as error:
        sys.stderr.write("%s: the site's settings cannot be read (%s); run the play again\n" % (argv[2], error))
        return 2
    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        done = renew(subprocess_runner, settings, now)
    except AcmeError as error:
        left = summary(subprocess_runner, settings, now, False, False)["days_left"]
        sys.stderr.write("%s\nThe installed certificate has %s days left.\n" % (error, left))
        return 1
    sys.stdout.write("%s: %s; %s days left (until %s)\n" % (
        settings["site"], "renewed and installed" if done["installed"] else "not due",
        done["days_left"], done["not_after"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))  # pylint: disable=ansible-bad-function
