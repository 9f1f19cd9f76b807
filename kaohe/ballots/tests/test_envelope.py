"""Sealed ballots (envelope.py): only the organiser's key opens them, and their length tells nothing."""

import pytest

from kaohe.ballots import envelope


def test_a_sealed_ballot_opens_with_the_sessions_key_only():
    key, public = envelope.new_key_pair()
    sealed = envelope.seal(public, {"n": "RECEIPT", "m": [[1, None, "优秀"]]}, 1000)
    assert b"RECEIPT" not in sealed and "优秀".encode() not in sealed
    private = envelope.parse_opening_key(key, public)
    assert envelope.open_envelope(private, sealed) == {"n": "RECEIPT", "m": [[1, None, "优秀"]]}
    other, other_public = envelope.new_key_pair()
    with pytest.raises(envelope.KeyRejected, match="这不是本测评会的开启密钥"):
        envelope.parse_opening_key(other, public)
    with pytest.raises(ValueError, match="failed its check"):
        envelope.open_envelope(envelope.parse_opening_key(other, other_public), sealed)
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(ValueError, match="failed its check"):
        envelope.open_envelope(private, tampered)


def test_two_ballots_of_one_session_are_as_long_as_each_other_and_never_alike():
    _, public = envelope.new_key_pair()
    short = envelope.seal(public, {"reason": ""}, 3000)
    long = envelope.seal(public, {"reason": "长" * 500}, 3000)
    again = envelope.seal(public, {"reason": ""}, 3000)
    assert len(short) == len(long) == len(again)
    assert short != again  # a fresh ephemeral key each time: equal ballots do not look equal


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "请填写开启密钥"), ("KAOHE1 0000", "开启密钥格式不对"), ("KAOHE1 AAAA AAAA", "开启密钥长度不对")],
)
def test_a_mistyped_key_is_named(typed, message):
    _, public = envelope.new_key_pair()
    with pytest.raises(envelope.KeyRejected, match=message):
        envelope.parse_opening_key(typed, public)
