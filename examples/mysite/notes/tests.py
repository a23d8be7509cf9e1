from django.test import TestCase


class HealthTests(TestCase):
    def test_healthz_answers(self):
        self.assertEqual(self.client.get("/healthz").status_code, 200)
