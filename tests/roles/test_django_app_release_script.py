"""The image's release script (files/release.py): how a release's migrations are cut into runs that
commit together (PostgreSQL: all or nothing, non-atomic ones alone)."""

import ast
import importlib.util
import pathlib
import sys
import types

PATH = pathlib.Path(__file__).parents[2] / "roles/django_app/files/release.py"


def load():
    # release.py imports Django at the top; the functions tested here do not use it.
    fakes = {"django": types.ModuleType("django"), "django.core": types.ModuleType("django.core"),
             "django.core.management": types.ModuleType("django.core.management"),
             "django.core.management.base": types.ModuleType("django.core.management.base")}
    fakes["django.core.management"].call_command = None
    fakes["django.core.management.base"].CommandError = Exception
    saved = {name: sys.modules.get(name) for name in fakes}
    sys.modules.update(fakes)
    try:
        spec = importlib.util.spec_from_file_location("release_script", PATH)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        for name, old in saved.items():
            if old is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = old


release = load()


def mig(app, name, atomic=True):
    return types.SimpleNamespace(app_label=app, name=name, atomic=atomic)


def test_consecutive_atomic_migrations_are_one_run_and_a_non_atomic_one_is_alone():
    a1, b1, a2, b2, a3 = mig("a", "1"), mig("b", "1"), mig("a", "2", atomic=False), mig("b", "2"), mig("a", "3")
    cut = release.runs([(m, False) for m in (a1, b1, a2, b2, a3)])
    assert cut == [(True, [a1, b1]), (False, [a2]), (True, [b2, a3])]


def test_a_run_applies_each_migration_in_plan_order_and_fires_the_deferred_checks_after_each(monkeypatch):
    calls = []
    monkeypatch.setattr(release, "call_command", lambda *args, **kwargs: calls.append(args[1:]))
    run = [mig("a", "0001"), mig("b", "0001"), mig("a", "0002")]
    release.apply(run, after_each=lambda: calls.append("fired"))
    assert calls == [("a", "0001"), "fired", ("b", "0001"), "fired", ("a", "0002"), "fired"]


def test_the_pending_marker_is_the_line_the_pipeline_reads():
    # Read from the pipeline's source: importing it needs the collection's namespace (ansible_collections),
    # which this plain pytest run has not.
    path = pathlib.Path(__file__).parents[2] / "plugins/plugin_utils/release_pipeline.py"
    tree = ast.parse(path.read_text())
    marker = next(node.value.value for node in tree.body if isinstance(node, ast.Assign)
                  and [target.id for target in node.targets] == ["PENDING_MARKER"])
    assert release.PENDING_MARKER == marker
