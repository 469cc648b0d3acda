import pytest

from docket.mail.addresses import reply_address, request_id_from_address


def test_an_address_names_its_request():
    address = reply_address(42)
    assert address.startswith("reply+42-")
    assert address.endswith("@replies.docket.localhost")
    assert request_id_from_address(address) == 42
    assert request_id_from_address(f"<{address.upper()}>") == 42  # mail systems may change case


def test_an_altered_code_is_refused_whichever_character_changes():
    address = reply_address(42)
    local, domain = address.split("@")
    prefix, code = local.rsplit("-", 1)
    for position in range(len(code)):
        swapped = "a" if code[position] != "a" else "b"
        altered = f"{prefix}-{code[:position]}{swapped}{code[position + 1 :]}@{domain}"
        assert request_id_from_address(altered) is None, altered


@pytest.mark.parametrize(
    "address",
    [
        "reply+43-{code}@replies.docket.localhost",
        "reply+42-{code}@elsewhere.example",
        "other+42-{code}@replies.docket.localhost",
    ],
)
def test_a_code_does_not_fit_another_request_domain_or_prefix(address):
    code = reply_address(42).split("-", 1)[1].split("@")[0]
    assert request_id_from_address(address.format(code=code)) is None


def test_the_code_depends_on_the_secret_key(settings):
    address = reply_address(42)
    settings.SECRET_KEY = "another secret key entirely, long enough to be a real one"
    assert request_id_from_address(address) is None
