"""The example app as a Swarm service (swarm.yml, django_app_mode swarm), as converge left it: two replicas on the
two workers (django_app_constraints) from one image in the swarm's registry, its environment a Swarm secret, its
database on the manager labelled database, over the overlay network (encrypted by default; not in this world)."""

import json
import os
import time

import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(
    os.environ["MOLECULE_INVENTORY_FILE"]
).get_hosts("swarm_managers")

# Asks /healthz of every task the service's name resolves to (dnsrr), from a container on the overlay network.
ASK_EVERY_TASK = (
    "import socket, urllib.request\n"
    "addresses = sorted({a[4][0] for a in socket.getaddrinfo('tasks.mysite', 8000, proto=socket.IPPROTO_TCP)})\n"
    "for address in addresses:\n"
    "    request = urllib.request.Request('http://%s:8000/healthz' % address, headers={'Host': 'mysite'})\n"
    "    print(address, urllib.request.urlopen(request, timeout=10).status)\n"
)


def service(host):
    return json.loads(host.check_output("docker service inspect mysite"))[0]


def running_tasks(host):
    lines = host.check_output("docker service ps mysite --filter desired-state=running --format '{{json .}}'")
    return [json.loads(line) for line in lines.splitlines()]


def test_two_replicas_run_one_on_each_worker(host):
    tasks = running_tasks(host)
    assert len(tasks) == 2 and {task["CurrentState"].split()[0] for task in tasks} == {"Running"}, tasks
    assert sorted(task["Node"] for task in tasks) == ["debian12", "ubuntu2604"], tasks


def test_the_image_comes_from_the_swarms_registry_which_holds_the_release(host):
    image = service(host)["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"]
    address = host.check_output("docker info --format '{{.Swarm.NodeAddr}}'")
    repository, tag = image.split("@")[0].rsplit(":", 1)
    assert repository == f"{address}:5000/mysite"
    tags = json.loads(host.check_output(f"curl -sS --max-time 10 http://{address}:5000/v2/mysite/tags/list"))
    assert tag in tags["tags"]


def test_the_environment_is_a_secret_never_the_services_env(host):
    spec = service(host)["Spec"]["TaskTemplate"]["ContainerSpec"]
    names = [name.split("=")[0] for name in spec.get("Env") or []]
    assert "DJANGO_SECRET_KEY" not in names and "DATABASE_URL" not in names
    secrets = spec["Secrets"]
    assert [s["File"]["Name"] for s in secrets] == ["/run/djangodocker/app.env"]
    assert secrets[0]["SecretName"].startswith("mysite-env-")
    assert secrets[0]["File"]["UID"] == "10001" and secrets[0]["File"]["Mode"] == 0o400


def test_updates_start_first_and_roll_back_by_themselves(host):
    spec = service(host)["Spec"]
    assert spec["UpdateConfig"]["Order"] == "start-first"
    assert spec["UpdateConfig"]["FailureAction"] == "rollback"
    assert spec["EndpointSpec"]["Mode"] == "dnsrr"


def test_the_database_network_is_an_attachable_overlay(host):
    # Not encrypted here: the world's kernel lacks AES-GCM for IPsec (molecule.yml turns it off).
    network = json.loads(host.check_output("docker network inspect djangodocker"))[0]
    assert network["Driver"] == "overlay" and network["Attachable"] is True
    containers = json.loads(host.check_output("docker inspect postgresql"))[0]
    assert "djangodocker" in containers["NetworkSettings"]["Networks"]


def test_the_database_runs_on_the_node_labelled_database(host):
    # This host is the manager labelled database (molecule.yml); the database container runs on its engine.
    assert json.loads(host.check_output("docker node inspect self -f '{{json .Spec.Labels}}'")) == {"database": "true"}
    assert host.check_output("docker inspect -f '{{.State.Health.Status}}' postgresql") == "healthy"


def test_every_replica_answers_over_the_overlay_network(host):
    image = service(host)["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"].split("@")[0]
    out = host.check_output(f"docker run --rm --network djangodocker --entrypoint python {image} -c \"{ASK_EVERY_TASK}\"")
    answers = [line.split() for line in out.splitlines()]
    assert len(answers) == 2 and {status for dummy, status in answers} == {"200"}, out


def test_the_edge_nginx_passes_the_site_to_the_tasks(host):
    page = json.loads(host.check_output("curl -sS --max-time 10 -H 'Host: mysite' http://127.0.0.1/api/notes/"))
    assert page["version"] == "1"
    static = host.check_output("curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H 'Host: mysite' "
                               "http://127.0.0.1/static/notes/style.css")
    assert static == "200"
    nginx = json.loads(host.check_output("docker inspect nginx"))[0]
    assert list(nginx["NetworkSettings"]["Networks"]) == ["djangodocker"]


def test_celery_worker_and_beat_run_as_services_of_the_release(host):
    image = service(host)["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"]
    for name, order in (("mysite-worker", "start-first"), ("mysite-beat", "stop-first")):
        spec = json.loads(host.check_output(f"docker service inspect {name}"))[0]["Spec"]
        assert spec["TaskTemplate"]["ContainerSpec"]["Image"] == image
        assert spec["UpdateConfig"]["Order"] == order and spec["Mode"]["Replicated"]["Replicas"] == 1
        # Running: on a swarm a task with a health check runs once healthy (the worker answered a ping).
        states = host.check_output(
            f"docker service ps {name} --filter desired-state=running --format '{{{{.CurrentState}}}}'").splitlines()
        assert len(states) == 1 and states[0].startswith("Running"), states


def test_a_task_the_app_queues_is_done_by_the_worker_service(host):
    # A one-off container of the release, with the environment file the service's secret was made from.
    spec = service(host)["Spec"]["TaskTemplate"]["ContainerSpec"]
    digest = spec["Secrets"][0]["SecretName"].rsplit("-", 1)[-1]
    sums = host.check_output("sha256sum /srv/django/mysite/env/*.env").splitlines()
    env_file = next(path for checksum, path in (line.split() for line in sums) if checksum.startswith(digest))
    text = f"from-celery-{time.time_ns()}"
    host.check_output(
        f"docker run --rm --network djangodocker -v {env_file}:/run/djangodocker/app.env:ro "
        f"--entrypoint python {spec['Image']} -c "
        f"\"import django; django.setup(); from notes.tasks import add_note; add_note.delay('{text}')\"")
    deadline = time.monotonic() + 60
    while True:
        notes = json.loads(host.check_output(
            "curl -sS --max-time 10 -H 'Host: mysite' http://127.0.0.1/api/notes/"))["notes"]
        if text in notes or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert text in notes


def test_the_edge_nginx_serves_https_with_the_sites_certificate(host):
    # The certificate files went to the edge node (molecule.yml); verified against the test CA, which signed them.
    ca = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "certs", "ca.crt")
    host.run("rm -f /tmp/djd-test-ca.crt")
    host.check_output(f"cat > /tmp/djd-test-ca.crt <<'EOF'\n{open(ca).read()}EOF")
    page = json.loads(host.check_output(
        "curl -sS --max-time 10 --cacert /tmp/djd-test-ca.crt --resolve mysite:443:127.0.0.1 https://mysite/api/notes/"))
    assert page["version"] == "1"
