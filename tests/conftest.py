import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import Permission
from django.core.cache import cache

from tests.articles.factories import ArticleFactory, TopicFactory
from tests.mail_server import Inbox, free_port


@pytest.fixture
def topic():
    return TopicFactory(name="Low back pain", slug="low-back-pain")


@pytest.fixture
def article(topic):
    return ArticleFactory(topics=[topic])


@pytest.fixture
def editor(django_user_model):
    """A member of staff who may work on articles, and nothing else."""
    user = django_user_model.objects.create_user(
        username="editor", password="a-long-test-password", is_staff=True
    )
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages and no rate-limit counts."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def smtp_port(settings):
    """Sends the site's mail over SMTP to a port on loopback where nothing listens yet."""
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    return port


@pytest.fixture
def start_smtp(smtp_port):
    """Starts a real SMTP server on that port; returns its inbox."""
    controllers = []

    def start():
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        controllers.append(controller)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()
