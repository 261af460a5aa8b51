"""`bot users` and `bot tokens` through bot.cli.main on real databases, and the account rules."""

from __future__ import annotations

import io

import pytest

from bot import db
from bot.auth import accounts
from bot.cli import main


@pytest.fixture
def cli(capsys, monkeypatch, db_url):
    """Run `bot ARGS...` on the test database with `stdin` as standard input; (code, out, err)."""
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_users_are_added_listed_and_removed(cli, db_url):
    assert cli("users", "add", "Kari.Nordmann", "--role", "it", stdin="et langt passord\n")[:2] == (
        0,
        "Added user kari.nordmann with role it.\n",
    )
    code, _, err = cli("users", "add", "kari.nordmann", "--role", "admin", stdin="et langt passord\n")
    assert code == 2 and "already exists" in err
    code, _, err = cli("users", "add", "ola", "--role", "it", stdin="kort\n")
    assert code == 2 and "at least 10 characters" in err
    code, out, _ = cli("users", "list")
    assert code == 0 and out.startswith("kari.nordmann") and " it " in out and "passord" not in out
    with db.session_scope(db_url) as session:
        stored = accounts.list_users(session)[0].password_hash
        assert stored.startswith("$argon2") and "et langt passord" not in stored
        kari = accounts.find_user(session, "KARI.NORDMANN")
        assert accounts.password_matches(kari, "et langt passord")
        assert not accounts.password_matches(kari, "et langt passorD")
        assert not accounts.password_matches(accounts.find_user(session, "ola"), "et langt passord")
    assert cli("users", "remove", "kari.nordmann")[0] == 0
    assert cli("users", "remove", "kari.nordmann")[0] == 2
    assert cli("users", "list")[1].startswith("No users.")


def test_the_first_admin_of_an_install_is_added_once(cli, db_url):
    """The Kubernetes setup Job (deploy/k8s/setup.yaml) runs this on every apply: only the first
    run adds the admin, later ones leave the accounts (and a changed password) alone."""
    first = cli("users", "add", "admin", "--role", "admin", "--unless-admin-exists", stdin="et langt passord\n")
    assert first[:2] == (0, "Added user admin with role admin.\n")
    again = cli("users", "add", "admin2", "--role", "admin", "--unless-admin-exists", stdin="et annet passord\n")
    assert again[:2] == (0, "An admin exists already (admin); nobody was added.\n")
    with db.session_scope(db_url) as session:
        assert [user.name for user in accounts.list_users(session)] == ["admin"]
    code, _, err = cli("users", "add", "kari", "--role", "it", "--unless-admin-exists", stdin="et langt passord\n")
    assert code == 2 and "--unless-admin-exists" in err  # it only makes sense for an admin


def test_a_token_is_printed_once_stored_hashed_and_revocable(cli, db_url):
    code, out, err = cli("tokens", "create", "--role", "it", "--label", "Power BI")
    plain = out.strip()
    assert code == 0 and out.count("\n") == 1 and plain.startswith("dh_") and "cannot be shown again" in err
    code, out, _ = cli("tokens", "list")
    assert code == 0 and "active" in out and "Power BI" in out and plain not in out
    with db.session_scope(db_url) as session:
        assert accounts.token_role(session, plain) == "it"
    token_id = out.split()[0]
    assert cli("tokens", "revoke", token_id)[:2] == (0, f"API token {token_id} is revoked.\n")
    assert "revoked" in cli("tokens", "list")[1]
    assert cli("tokens", "revoke", "999999")[0] == 2
    with db.session_scope(db_url) as session:
        assert accounts.token_role(session, plain) is None


def test_roles_are_checked():
    with pytest.raises(SystemExit):
        main(["tokens", "create", "--role", "boss"])


def test_adding_a_user_to_a_database_that_is_not_set_up_says_so_and_changes_nothing(capsys, monkeypatch, tmp_path):
    database = tmp_path / "bot.db"
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setattr("sys.stdin", io.StringIO("et langt passord\n"))
    assert main(["users", "add", "kari", "--role", "it"]) == 2
    assert "run 'bot db upgrade' first" in capsys.readouterr().err
    assert not database.exists()
