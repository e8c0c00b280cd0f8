"""The service key: made once, private, kept outside the database, the same across restarts."""

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kezek.attorneys import signing


def test_made_on_first_start_with_mode_0600_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing.pem"
    first = signing.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    again = signing.load_or_create(path)
    assert again.key_id == first.key_id
    assert again.verifies(b"text", first.sign(b"text"))
    assert not again.verifies(b"texT", first.sign(b"text"))
    assert [p.name for p in path.parent.iterdir()] == ["signing.pem"]  # no temporary left


def test_workers_starting_at_once_share_one_key(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "signing.pem"
    # Each worker is a process of its own in production: no shared lock between them.
    monkeypatch.setattr(signing, "_lock", _NoLock())
    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: signing.load_or_create(path).key_id, range(16)))
    assert len(set(keys)) == 1


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def test_the_app_makes_its_key_at_start(settings, engine) -> None:  # type: ignore[no-untyped-def]
    from kezek.main import create_app

    assert not settings.signing_key_file.exists()
    create_app(settings, engine)
    assert settings.signing_key_file.exists()
