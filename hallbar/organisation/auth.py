from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from hallbar.organisation.models import DemoAccount


class DemoAwareModelBackend(ModelBackend):
    """Django's login, except that demo logins (password known to all) work only in demo
    mode: a database that started as a demo and went live cannot be entered with them.
    Also ends an existing demo session, since `get_user` asks the same question."""

    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return settings.DEMO_MODE or not DemoAccount.objects.filter(user=user).exists()
