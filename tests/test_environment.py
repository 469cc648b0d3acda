import pytest

from docket.environment import SettingError, env_bool, env_int, env_list, env_secret


def test_yes_no_values_are_strict(monkeypatch):
    monkeypatch.setenv("X_FLAG", "1")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "sometimes")
    with pytest.raises(SettingError, match="X_FLAG='sometimes'"):
        env_bool("X_FLAG", False)


def test_numbers_are_checked(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "ten")
    with pytest.raises(SettingError, match="not a whole number"):
        env_int("X_NUMBER", 1)
    monkeypatch.setenv("X_NUMBER", "0")
    with pytest.raises(SettingError, match="at least 1"):
        env_int("X_NUMBER", 1, minimum=1)


def test_lists_are_split_on_commas(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]


def test_secrets_come_from_the_variable_or_a_file(monkeypatch, tmp_path):
    monkeypatch.delenv("X_SECRET", raising=False)
    assert env_secret("X_SECRET") is None
    (tmp_path / "key").write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "key"))
    assert env_secret("X_SECRET") == "from-a-file"
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(SettingError, match="cannot be read"):
        env_secret("X_SECRET")
    monkeypatch.setenv("X_SECRET", "direct")
    assert env_secret("X_SECRET") == "direct"
