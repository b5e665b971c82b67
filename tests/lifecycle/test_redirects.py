"""A POSTed `next` is followed only to this site's own pages (no open redirect)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from elections.redirects import next_url, own_url
from lifecycle import workflow
from lifecycle.models import GateException

pytestmark = pytest.mark.django_db


def decide(client, world, next_value: str):
    exception = workflow.request_exception(
        election=world["home"], kind="other", reason="村务监督委员会主任空缺", by=world["township"]
    )
    client.force_login(world["county"])
    response = client.post(
        reverse("lifecycle:decide_exception", args=[world["home"].pk]),
        {"exception": exception.pk, "decision": "reject", "note": "材料不全", "next": next_value},
    )
    assert GateException.objects.get(pk=exception.pk).status == "rejected"
    return response


@pytest.mark.parametrize(
    "evil",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
    ],
)
def test_a_decision_never_redirects_to_another_site(client, world, evil):
    response = decide(client, world, evil)
    assert response.status_code == 302
    assert response["Location"] == reverse("lifecycle:workflow", args=[world["home"].pk]) + "#exceptions"


def test_a_decision_follows_next_to_an_own_page(client, world):
    response = decide(client, world, "/approvals/")
    assert (response.status_code, response["Location"]) == (302, "/approvals/")


def test_an_own_url_on_this_host_is_kept_and_https_is_not_downgraded():
    request = RequestFactory().get("/", secure=True, HTTP_HOST="testserver")
    assert own_url(request, "https://testserver/some/own/path/", "/") == "https://testserver/some/own/path/"
    assert own_url(request, "http://testserver/some/own/path/", "/") == "/"
    assert own_url(request, "", "/fallback/") == "/fallback/"
    assert own_url(request, None, "/fallback/") == "/fallback/"


def test_next_is_read_from_the_post_then_the_query():
    factory = RequestFactory()
    assert next_url(factory.post("/?next=/b/", {"next": "/a/"}), "/") == "/a/"
    assert next_url(factory.get("/", {"next": "/b/"}), "/") == "/b/"
    assert next_url(factory.get("/", {"next": "https://evil.example/"}), "/") == "/"
