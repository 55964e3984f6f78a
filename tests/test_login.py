import pytest
from django.urls import reverse

from .factories import PASSWORD


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_right_password_logs_in(client, coordinator):
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_wrong_password_shows_error_and_no_session(client, coordinator):
    response = login(client, "alice", "wrong-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_account_even_with_the_right_password(client, coordinator):
    for _ in range(5):
        login(client, "alice", "wrong-password")
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, coordinator):
    for _ in range(4):
        login(client, "alice", "wrong-password")
    assert login(client, "alice", PASSWORD).status_code == 302


def test_lockout_is_per_user(client, coordinator, make_user, site_a):
    from screening.models.sites import MONITOR

    make_user(MONITOR, site_a, username="bob")
    for _ in range(5):
        login(client, "alice", "wrong-password")
    assert login(client, "bob", PASSWORD).status_code == 302


def test_logout_ends_the_session(client, coordinator):
    client.force_login(coordinator)
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("password,ok", [("short1", False), ("password1234", False), ("a-long-enough-passphrase", True)])
def test_password_validators(password, ok, coordinator):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if ok:
        validate_password(password, coordinator)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, coordinator)
