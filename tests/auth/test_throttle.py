"""Login throttling that cannot be turned against a user: per (account, address) and per address, growing
waits, atomic counting (memory and Redis), the client's address from trusted proxies only."""
import os
import threading
import time
import uuid

import pytest

from tests.conftest import PASSWORD

ATTACKER = {"REMOTE_ADDR": "198.51.100.66"}
SCHOOL = {"REMOTE_ADDR": "192.0.2.10"}
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def post_login(client, email, password, environ=None, headers=None):
    return client.post("/inloggen", data={"email": email, "password": password},
                       environ_base=environ or ATTACKER, headers=headers or {})


def test_wrong_passwords_slow_down_the_guesser_not_the_user(app, client, factory):
    user = factory.user("coordinator")
    for _ in range(5):
        assert post_login(client, user.email, "not-the-password").status_code == 200
    blocked = post_login(client, user.email, PASSWORD)  # even the right password, from the guesser's address
    assert blocked.status_code == 429
    assert "Te veel pogingen. Probeer het over 1 minuut opnieuw." in blocked.get_data(as_text=True)
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    # The user, at school, is not locked out: there is no lock on the account itself.
    assert post_login(app.test_client(), user.email, PASSWORD, environ=SCHOOL).status_code == 302


def test_unknown_accounts_are_throttled_the_same_way(app, client, factory):
    for _ in range(5):
        assert post_login(client, "ghost@example.org", "x-x-x-x-x-x").status_code == 200
    answer = post_login(client, "ghost@example.org", "x-x-x-x-x-x")
    assert answer.status_code == 429 and "Te veel pogingen" in answer.get_data(as_text=True)


def test_the_wait_grows_with_the_tiers(app, client, factory):
    app.config["LOGIN_LIMITS_PER_ACCOUNT_AND_ADDRESS"] = "2/second;3/hour"
    user = factory.user("leraar")
    assert post_login(client, user.email, "wrong-1-wrong").status_code == 200
    assert post_login(client, user.email, "wrong-2-wrong").status_code == 200
    short = post_login(client, user.email, "wrong-3-wrong")
    assert short.status_code == 429 and int(short.headers["Retry-After"]) <= 1
    time.sleep(1.1)
    assert post_login(client, user.email, "wrong-4-wrong").status_code == 200
    long = post_login(client, user.email, "wrong-5-wrong")
    assert long.status_code == 429 and int(long.headers["Retry-After"]) > 3500
    assert "Probeer het over 60 minuten opnieuw." in long.get_data(as_text=True)


def test_a_successful_login_forgets_the_accounts_count_at_that_address(app, client, factory):
    user = factory.user("leraar")
    for _ in range(4):
        post_login(client, user.email, "not-the-password")
    assert post_login(client, user.email, PASSWORD).status_code == 302
    client.post("/uitloggen")
    for _ in range(4):
        assert post_login(client, user.email, "not-the-password").status_code == 200
    assert post_login(client, user.email, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_throttled(app, client, factory):
    app.config["LOGIN_LIMITS_PER_ADDRESS"] = "8/minute"
    for n in range(8):
        assert post_login(client, f"guess{n}@example.org", "x-x-x-x-x-x").status_code == 200
    assert post_login(client, "guess9@example.org", "x-x-x-x-x-x").status_code == 429
    user = factory.user("leraar")
    assert post_login(app.test_client(), user.email, PASSWORD, environ=SCHOOL).status_code == 302


def burst(app, email, count=20):
    """`count` logins at the same moment, each from its own client; their status codes."""
    barrier = threading.Barrier(count)
    codes = []

    def one():
        own = app.test_client()
        barrier.wait()
        codes.append(post_login(own, email, "not-the-password").status_code)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(codes)


STORAGES = ["memory", pytest.param("redis", marks=pytest.mark.skipif(
    not TEST_REDIS_URL and not os.environ.get("CI"), reason="TEST_REDIS_URL is not set"))]


@pytest.mark.parametrize("storage", STORAGES)
def test_a_burst_gets_exactly_the_limit_evaluated(app, factory, storage):
    if storage == "redis":
        app.config.update(THROTTLE_STORAGE_URL=TEST_REDIS_URL, THROTTLE_KEY_PREFIX=f"wt_test_{uuid.uuid4().hex}")
    user = factory.user("leraar")
    codes = burst(app, user.email)
    assert codes == [200] * 5 + [429] * 15


def test_the_forwarded_address_is_ignored_without_trusted_proxies(app, client, factory):
    user = factory.user("leraar")
    for n in range(5):
        post_login(client, user.email, "not-the-password", headers={"X-Forwarded-For": f"203.0.113.{n}"})
    # A guesser cannot pick a new address per try.
    spoofed = post_login(client, user.email, PASSWORD, headers={"X-Forwarded-For": "203.0.113.99"})
    assert spoofed.status_code == 429


def test_behind_a_trusted_proxy_each_client_counts_on_its_own(app, factory):
    app.config["TRUSTED_PROXIES"] = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request comes from the TLS proxy
    user = factory.user("leraar")
    guesser = app.test_client()
    for _ in range(5):
        post_login(guesser, user.email, "not-the-password", environ=proxy,
                   headers={"X-Forwarded-For": "198.51.100.66"})
    assert post_login(guesser, user.email, PASSWORD, environ=proxy,
                      headers={"X-Forwarded-For": "198.51.100.66"}).status_code == 429
    teacher = post_login(app.test_client(), user.email, PASSWORD, environ=proxy,
                         headers={"X-Forwarded-For": "192.0.2.10", "X-Forwarded-Proto": "https"})
    assert teacher.status_code == 302
    # Only the last hop is trusted: a client's own X-Forwarded-For entries in front of it do not count.
    assert post_login(app.test_client(), user.email, PASSWORD, environ=proxy,
                      headers={"X-Forwarded-For": "1.2.3.4, 198.51.100.66"}).status_code == 429


def test_asking_for_reset_links_is_throttled_per_address(app, client, factory, smtp_inbox):
    app.config.update(smtp_inbox.config(), RESET_LIMITS_PER_ADDRESS="3/minute")
    for n in range(3):
        answer = client.post("/wachtwoord-vergeten", data={"email": f"x{n}@example.org"}, environ_base=ATTACKER)
        assert answer.status_code == 200
    blocked = client.post("/wachtwoord-vergeten", data={"email": "x9@example.org"}, environ_base=ATTACKER)
    assert blocked.status_code == 429 and "Te veel pogingen" in blocked.get_data(as_text=True)
    assert client.post("/wachtwoord-vergeten", data={"email": "x9@example.org"},
                       environ_base=SCHOOL).status_code == 200
