# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The django_app role's settings checked before anything on a host changes, in one place.

`problems(settings)` lists every rule the settings break, one message each, naming the variable
and what it must be. The role's argument specs have already checked the types; these are the
rules a type cannot say (ports in range, values written into the Dockerfile and uwsgi.ini being
plain, names that would clash). Values of the environment, the image's environment and uWSGI's
options are never quoted (they may be secret); their names are.
"""

from __future__ import annotations

import difflib
import re

from ansible_collections.djangodocker.deploy.plugins.module_utils.app_image import SERVERS
from ansible_collections.djangodocker.deploy.plugins.module_utils.url_logins import url_passwords
from ansible_collections.djangodocker.deploy.plugins.plugin_utils.lego_dns_providers import LEGO_VERSION, PROVIDERS

# Set by the deployment, not by django_app_env.
RESERVED_ENV = ("DJANGO_SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOWED_HOSTS", "DJANGO_CSRF_TRUSTED_ORIGINS")
# App names that would clash with images the host pulls (pruning by name would remove them) or are too
# generic to tell apps apart.
RESERVED_NAMES = ("python", "nginx", "postgres", "mysql", "mariadb", "redis", "registry", "docker", "src", "app",
                  "data", "build")
FAIL_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DATABASES = ("sqlite", "postgresql", "mariadb", "mysql")
# A path written into the Dockerfile, uwsgi.ini or Nginx: no spaces, quotes, $, backquotes or backslashes.
PLAIN_PATH = r"/[^\s\"'\\$`]*"
IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
# A WSGI or ASGI application as module:attribute (the attribute optional).
APPLICATION = r"[A-Za-z_][\w.]*(:[A-Za-z_]\w*)?"
# A manage.py command and its arguments, written into a Dockerfile RUN line: no shell syntax.
BUILD_COMMAND = r"[a-z][a-z0-9_]*( +[A-Za-z0-9_=.,:/@+-]+)*"


def plain(pattern, value):
    return re.fullmatch(pattern, str(value)) is not None


def multiline(values):
    return any(re.search(r"[\r\n]", str(value)) for value in values)


# DNS providers that find their credentials themselves on a cloud's machine (an instance role):
# none given is not an error for them.
AMBIENT_DNS_PROVIDERS = ("route53", "lightsail", "gcloud", "azuredns")
# The sets of credentials a provider needs, one set enough, where lego's documentation lists
# alternatives side by side (the providers users in China pick first, and the world's).
DNS_CREDENTIAL_SETS = {
    "alidns": (("ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY"), ("ALICLOUD_RAM_ROLE",)),
    "tencentcloud": (("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"),),
    "huaweicloud": (("HUAWEICLOUD_ACCESS_KEY_ID", "HUAWEICLOUD_SECRET_ACCESS_KEY", "HUAWEICLOUD_REGION"),),
    "cloudflare": (("CF_DNS_API_TOKEN",), ("CLOUDFLARE_DNS_API_TOKEN",), ("CF_API_EMAIL", "CF_API_KEY"),
                   ("CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY")),
    "httpreq": (("HTTPREQ_ENDPOINT",),),
}


def dns_provider_rules(provider, names, rule):
    """The DNS provider is one of the pinned lego's, and the credentials' NAMES are what it reads."""
    var = "django_app_tls_acme_dns_credentials"
    known = PROVIDERS.get(provider)
    if known is None:
        close = difflib.get_close_matches(provider, PROVIDERS, n=3)
        rule(False, "django_app_tls_acme_dns_provider %s is not one of lego %s's DNS providers%s (the list: "
                    "https://go-acme.github.io/lego/dns/)." % (
                        provider, LEGO_VERSION, "; did you mean %s?" % " or ".join(close) if close else ""))
        return
    rule(provider != "manual", "django_app_tls_acme_dns_provider manual needs a person to add the record by hand; "
                               "the renewal timer runs alone.")
    credentials, additional, no_file = (tuple(names.split()) for names in known)
    if credentials or additional:
        strange = [n for n in names if n not in credentials + additional and not n.startswith("LEGO_")]
        rule(not strange, "%s: %s %s not read by lego's %s, which reads %s." % (
            var, ", ".join(strange), "is" if len(strange) == 1 else "are", provider,
            ", ".join(credentials + additional)))
    blocked = [n for n in names if n in no_file]
    rule(not blocked, "%s: lego's %s cannot read %s from a file, and credentials reach lego only as files here "
                      "(never in a container's environment); give it a machine identity (an instance role) "
                      "instead." % (var, provider, ", ".join(blocked)))
    sets = DNS_CREDENTIAL_SETS.get(provider)
    if sets:
        rule(any(set(one) <= set(names) for one in sets), "%s for %s needs %s." % (
            var, provider, " or ".join(" and ".join(one) for one in sets)))
    elif credentials and provider not in AMBIENT_DNS_PROVIDERS:
        rule(any(n in credentials for n in names), "%s for %s needs its credentials (among %s)." % (
            var, provider, ", ".join(credentials)))


ACME_NAME = r"(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}"


def acme_rules(s, rule):
    """django_app_tls_acme's settings (the credentials' names only: their values are never read here)."""
    names = list(s["tls_acme_names"])
    rule(not s["tls_certificate"], "django_app_tls_acme and django_app_tls_certificate exclude each other: a "
                                   "certificate comes from the CA or from your files.")
    rule(s["mode"] in ("nginx", "swarm"), "django_app_tls_acme needs django_app_mode nginx or swarm (Nginx answers "
                                          "the challenge and serves the certificate).")
    rule(plain(r"[^@\s]+@[^@\s]+\.[^@\s]+", s["tls_acme_email"]),
         "django_app_tls_acme_email must be the ACME account's e-mail address (%s)." % s["tls_acme_email"])
    rule(bool(names), "django_app_tls_acme needs names: django_app_allowed_hosts holds only IP addresses; set "
                      "django_app_tls_acme_names.")
    bad = [name for name in names if not plain(ACME_NAME, name)]
    rule(not bad, "django_app_tls_acme_names must be host names a certificate can name (%s)." % ", ".join(bad))
    wildcards = [name for name in names if name.startswith("*.")]
    rule(s["tls_acme_challenge"] == "dns" or not wildcards,
         "The wildcard name %s needs django_app_tls_acme_challenge dns (HTTP-01 cannot prove a wildcard)."
         % ", ".join(wildcards))
    rule(plain(r"https://[^\s]+", s["tls_acme_directory"]),
         "django_app_tls_acme_directory must be the CA's https:// directory URL (%s)." % s["tls_acme_directory"])
    if s["tls_acme_challenge"] == "dns":
        rule(plain(r"[a-z0-9][a-z0-9._-]*", s["tls_acme_dns_provider"]),
             "django_app_tls_acme_challenge dns needs django_app_tls_acme_dns_provider, lego's name of the DNS "
             "provider such as alidns (%s)." % s["tls_acme_dns_provider"])
        if s["tls_acme_dns_provider"]:
            dns_provider_rules(s["tls_acme_dns_provider"], list(s["tls_acme_dns_credential_names"]), rule)
    bad = [name for name in s["tls_acme_dns_credential_names"] if not plain(r"[A-Z][A-Z0-9_]*", name)]
    rule(not bad, "django_app_tls_acme_dns_credentials' names are the provider's upper-case variables (%s)."
         % ", ".join(bad))
    rule(len(set(s.get("tls_acme_eab", [False, False]))) == 1,
         "django_app_tls_acme_eab_kid and django_app_tls_acme_eab_hmac go together (the CA gives both).")
    rule(int(s["tls_acme_renew_days"]) >= 0 and int(s["tls_acme_dns_propagation_wait"]) >= 0,
         "django_app_tls_acme_renew_days and django_app_tls_acme_dns_propagation_wait must be 0 or more.")


def swarm_rules(s, rule):
    """Swarm mode, as far as it goes: the image in a registry every node reaches, a database every replica
    shares, placement constraints Swarm takes, and what is not yet in this mode refused rather than half done."""
    rule(plain(r"[A-Za-z0-9][A-Za-z0-9.:-]*(/[a-z0-9._-]+)*/?", s.get("registry", "")),
         "Swarm mode needs django_app_registry, the registry every node pulls the release from, as an image name's "
         "prefix such as 10.0.0.2:5000 (swarm.yml sets it to the swarm's) (%s)." % s.get("registry", ""))
    rule(int(s.get("replicas", 1)) >= 1, "django_app_replicas must be 1 or more (%s)." % s.get("replicas"))
    bad = [c for c in s.get("constraints", []) if not plain(r"[A-Za-z0-9_.-]+ *(==|!=) *[^ ].*", str(c))]
    rule(not bad, "django_app_constraints are Swarm placement constraints such as 'node.role == worker' (%s)."
         % ", ".join(map(str, bad)))
    rule(s["database"] != "sqlite", "Swarm mode needs a database server every replica shares (django_app_database "
                                    "postgresql, mariadb or mysql): an sqlite file lives on one node.")
    # Each edge node orders its own certificate: an HTTP-01 challenge may reach another edge node through the
    # load balancer, a DNS-01 one does not.
    rule(not s.get("tls_acme") or s.get("tls_acme_challenge", "http") == "dns",
         "In swarm mode each edge node gets its own certificate, and the CA's HTTP-01 request may reach another "
         "edge node through your load balancer: use django_app_tls_acme_challenge: dns, or certificate files "
         "(django_app_tls_certificate/django_app_tls_key).")


def offsite_rules(o, rule):
    """Off-site backups (O: the repository's scheme, whether a password is set, keep, schedules, subset; never a
    secret)."""
    rule(o["password_set"], "django_app_offsite_repository needs django_app_offsite_password (vault it).")
    rule(o["scheme"] in ("s3", "sftp", "rest", "b2", "azure", "gs", "swift", "rclone", "local"),
         "django_app_offsite_repository must be a restic repository: s3:https://endpoint/bucket/path, "
         "sftp:user@host:/path, rest:, b2:, azure:, gs:, swift:, rclone: or an absolute path (%s:...)." % o["scheme"])
    keep = o["keep"]
    bad = sorted(set(keep) - {"daily", "weekly", "monthly"}) + \
        [key for key in ("daily", "weekly", "monthly") if not re.match(r"^\d+$", str(keep.get(key, 0)))]
    rule(not bad, "django_app_offsite_keep takes daily, weekly and monthly, each a whole number (%s)."
         % ", ".join(map(str, bad)))
    rule(any(int(keep.get(key) or 0) > 0 for key in ("daily", "weekly", "monthly")) if not bad else True,
         "django_app_offsite_keep must keep some snapshots (daily, weekly or monthly above 0).")
    subset = str(o.get("check_read_data_subset", ""))
    rule(plain(r"(\d{1,3}(\.\d+)?%|\d+/\d+|\d+[KMGT]?)?", subset),
         "django_app_offsite_check_read_data_subset must be like 5%%, 1/10 or 500M (%s)." % subset)


def problems(s):
    """Every rule the settings S (the role's variables, unprefixed) break; empty when none."""
    found = []

    def rule(ok, message):
        if not ok:
            found.append(message)

    rule(s["project_src"], "Set django_app_project_src to the folder of your Django project (the one with manage.py).")
    for port in ("host_port", "container_port"):
        rule(1 <= int(s[port]) <= 65535, "django_app_%s must be 1-65535 (%s)." % (port, s[port]))
    rule(plain(PLAIN_PATH, s["health_path"]),
         "django_app_health_path is written into the image's Dockerfile: it must be a path starting with /, without "
         "spaces, quotes, $ or backslashes (%s)."
         % s["health_path"])
    for name in ("static_url", "media_url"):
        rule(plain(PLAIN_PATH + "/", s[name]),
             "django_app_%s must start and end with /, without spaces, quotes, $ or backslashes (%s)."
             % (name, s[name]))
    rule(s["check_fail_level"] in FAIL_LEVELS,
         "django_app_check_fail_level must be one of %s (%s)." % (", ".join(FAIL_LEVELS), s["check_fail_level"]))
    rule(int(s["keep_images"]) >= 2, "django_app_keep_images must be at least 2 (%s)." % s["keep_images"])
    rule(plain(r"https?://[^/\s]+/\S*", s["pip_index_url"]),
         "django_app_pip_index_url must be an http(s) URL (%s)." % s["pip_index_url"])

    name, base = s["name"], s["base_image"]
    base_name = re.sub(r"[:@].*$", "", base).rsplit("/", 1)[-1]
    rule(plain(r"[a-z0-9][a-z0-9_.-]*", name),
         "django_app_name must be lowercase letters, digits, _ . - ('%s', the project folder's unless set)." % name)
    rule(name not in RESERVED_NAMES and name != base_name,
         "The app's name '%s' (the project folder's unless django_app_name is set) must not be one of %s nor the "
         "base image's name: set django_app_name." % (name, ", ".join(RESERVED_NAMES)))

    for var in ("env", "image_env"):
        names = list(s[var])
        rule(not set(names) & set(RESERVED_ENV),
             "django_app_%s may not set %s (the role sets them)." % (var, ", ".join(sorted(set(names) & set(RESERVED_ENV)))))
        bad = [key for key in names if not plain(IDENTIFIER, key)]
        rule(not bad, "django_app_%s's names must be valid variable names (%s)." % (var, ", ".join(map(str, bad))))
        lines = [key for key, value in s[var].items() if multiline([value])]
        rule(not lines, "django_app_%s's values must be single lines (%s)." % (var, ", ".join(map(str, lines))))

    rule(plain(r"[a-z0-9][a-z0-9._/:@-]*", base), "django_app_base_image must be an image reference (%s)." % base)
    rule(plain(r"[A-Za-z0-9_.\[\]<>=!~,-]*", s["uwsgi_requirement"]),
         "django_app_uwsgi_requirement must be a requirement without spaces or quotes (%s)." % s["uwsgi_requirement"])
    rule(s["wsgi_module"] == "" or plain(APPLICATION, s["wsgi_module"]),
         "django_app_wsgi_module must be module:attribute (%s)." % s["wsgi_module"])
    options = s["uwsgi_options"]
    bad = [key for key in options if not plain(r"[a-z0-9][a-z0-9-]*", key)] + \
        [key for key, value in options.items() if multiline([value])]
    rule(not bad, "django_app_uwsgi_options' keys must be lowercase option names and their values single lines (%s)."
         % ", ".join(map(str, bad)))
    packages = [package for package in list(s["os_packages"]) + list(s["build_packages"])
                if not plain(r"[a-z0-9][a-z0-9+.-]+", package)]
    rule(not packages, "django_app_os_packages and django_app_build_packages must be Debian package names (%s)."
         % ", ".join(map(str, packages)))
    bad = [command for command in s.get("build_commands", []) if not plain(BUILD_COMMAND, command)
           or str(command).split()[0] in ("python", "python3", "django-admin", "uv", "poetry")]
    rule(not bad, "django_app_build_commands are manage.py commands by name (compilemessages, not python manage.py "
                  "compilemessages) with plain arguments, no shell (%s)." % ", ".join(map(str, bad)))
    for var in ("apt_mirror_url", "apt_security_mirror_url"):
        rule(s[var] == "" or plain(r"https?://[^\s#'\"\\$`]+", s[var]),
             "django_app_%s must be an http(s) URL (%s)." % (var, s[var]))
        # pip.conf stays in a build stage the image does not keep; apt's sources are the image's.
        rule(not url_passwords(s[var]),
             "django_app_%s must not carry a login (user:password@): the Debian mirror's URL is written into the "
             "image's apt sources, a layer anyone with the image can read. Use a mirror reached without one." % var)

    server, interface = s.get("server", "uwsgi"), s.get("interface", "wsgi")
    rule(server in SERVERS, "django_app_server must be one of %s (%s)." % (", ".join(SERVERS), server))
    rule(interface in ("wsgi", "asgi"), "django_app_interface must be wsgi or asgi (%s)." % interface)
    rule(not (interface == "asgi" and server == "uwsgi"),
         "uWSGI serves WSGI only: django_app_interface asgi needs django_app_server granian or gunicorn (with "
         "Uvicorn's worker).")
    rule(server == "uwsgi" or s["mode"] == "nginx",
         "django_app_server %s needs django_app_mode nginx: Nginx serves the static and media files (in single mode "
         "uWSGI does)." % server)
    rule(int(s.get("workers", 0)) >= 0, "django_app_workers must be 0 (from the host's CPUs) or more (%s)."
         % s.get("workers"))
    bad = [path for path in s.get("websocket_paths", []) if not plain(PLAIN_PATH + "/", path)]
    rule(not bad, "django_app_websocket_paths must start and end with /, without spaces, quotes, $ or backslashes (%s)."
         % ", ".join(map(str, bad)))
    rule(s.get("asgi_module", "") == "" or plain(APPLICATION, s["asgi_module"]),
         "django_app_asgi_module must be module:attribute (%s)." % s.get("asgi_module"))
    rule(s["mode"] in ("nginx", "single", "swarm"), "django_app_mode must be nginx, single or swarm (%s)." % s["mode"])
    if s["mode"] == "swarm":
        swarm_rules(s, rule)
    if s["mode"] == "nginx":
        names = list(s["allowed_hosts"])
        rule(names and not [n for n in names if n == "*" or re.search(r"[\s;{}#$]", n)],
             "In nginx mode the site's server names are django_app_allowed_hosts, which must not be empty nor hold '*' "
             "or spaces (%s): Nginx picks the site by name." % ", ".join(names))
    rule(bool(s["tls_certificate"]) == bool(s["tls_key"]), "django_app_tls_certificate and django_app_tls_key go together.")
    if s.get("tls_acme"):
        acme_rules(s, rule)
    rule(plain(r"[0-9]+[kKmMgG]?", s["max_body_size"]),
         "django_app_max_body_size must be a size like 20m (%s)." % s["max_body_size"])
    rule(int(s["hsts_seconds"]) >= 0, "django_app_hsts_seconds must be 0 or more (%s)." % s["hsts_seconds"])

    rule(s["database"] in DATABASES,
         "django_app_database must be one of %s (%s)." % (", ".join(DATABASES), s["database"]))
    rule(int(s["database_conn_max_age"]) >= 0,
         "django_app_database_conn_max_age must be 0 or more seconds (%s)." % s["database_conn_max_age"])
    rule(s["redis"] or not s["redis_sessions"], "django_app_redis_sessions needs django_app_redis (the sessions live "
                                                "in Redis' cache).")
    if s["celery_app"]:
        rule(s["redis"] or s["celery_broker_url"],
             "Celery workers need a broker: set django_app_redis or django_app_celery_broker_url.")
        rule(plain(r"[A-Za-z_][A-Za-z0-9_.:]*", s["celery_app"]),
             "django_app_celery_app is a Python module path, what `celery -A` takes (%s)." % s["celery_app"])
    rule(int(s["celery_ready_timeout"]) > 0 and int(s["celery_stop_timeout"]) >= 0,
         "The Celery timeouts are seconds (ready more than 0, stop 0 or more).")
    offsite = s.get("offsite")
    if offsite:
        offsite_rules(offsite, rule)
    return found


def channel_layer_warnings(s, layers):
    """Channels' in-memory layer reaches only the consumers in the same process: with more than one worker
    (0: one per CPU), a message to a group or another channel is lost for the others. LAYERS: the backends the
    project's settings name (module_utils/django_project.channel_layers)."""
    if s.get("interface") != "asgi" or "InMemoryChannelLayer" not in layers or s.get("workers") == 1:
        return []
    workers = "one per CPU" if not s.get("workers") else s["workers"]
    return ["The project's settings use Channels' InMemoryChannelLayer and django_app_workers is %s: a message "
            "to a group or to another channel reaches only the consumers in the same worker process. Use "
            "channels-redis's RedisChannelLayer with the redis role (django_app_redis gives the app REDIS_URL), "
            "or set django_app_workers to 1." % workers]
