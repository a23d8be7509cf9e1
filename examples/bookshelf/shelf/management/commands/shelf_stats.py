from django.core.management.base import BaseCommand, CommandError

from shelf.models import Upload


class Command(BaseCommand):
    help = "Print how many uploads are on the shelf."

    def add_arguments(self, parser):
        parser.add_argument("--fail", action="store_true", help="Exit non-zero (to test failure handling).")

    def handle(self, *args, **options):
        if options["fail"]:
            raise CommandError("asked to fail")
        self.stdout.write("uploads on the shelf: %d" % Upload.objects.count())
