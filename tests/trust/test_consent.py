"""The consent registry: a cloned voice is refused without a valid record, allowed with one, refused again once
it is revoked or expired; revoking marks the takes that used the person stale."""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from clapboard.errors import ConsentRequired
from clapboard.sound.voice import Voice, require_consent
from clapboard.store import Provenance, Store
from clapboard.trust.consent import ConsentError, ConsentRegistry, describe, people_in, withdrawn

CLONE = Voice("openai-speech", "jane-ref", likeness="jane-doe")
EVIDENCE = b"%PDF-1.4 I, Jane Doe, consent to the use of my voice in THE KITCHEN. Signed, Jane Doe."


@pytest.fixture
def registry(tmp_path: Path) -> ConsentRegistry:
    return ConsentRegistry(tmp_path / ".clapboard")


def test_a_voice_clone_needs_a_valid_record(registry: ConsentRegistry) -> None:
    with pytest.raises(ConsentRequired, match="jane-doe"):
        require_consent(CLONE, registry.allows)
    registry.add("jane-doe", ["voice-clone"], evidence=EVIDENCE, evidence_name="consent.pdf", granted_by="ana")
    require_consent(CLONE, registry.allows)
    registry.revoke("jane-doe")
    with pytest.raises(ConsentRequired):
        require_consent(CLONE, registry.allows)


def test_an_expired_record_no_longer_grants(registry: ConsentRegistry) -> None:
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    registry.add("jane-doe", ["voice-clone"], expires=yesterday)
    with pytest.raises(ConsentRequired):
        require_consent(CLONE, registry.allows)
    assert registry.list()[0].status == "expired"
    registry.add("jane-doe", ["voice-clone"], expires=datetime.now(UTC).date())
    require_consent(CLONE, registry.allows)


def test_a_record_for_another_scope_or_person_does_not_grant_a_voice(registry: ConsentRegistry) -> None:
    registry.add("jane-doe", ["likeness", "name"])
    registry.add("john-roe", ["voice-clone"])
    with pytest.raises(ConsentRequired):
        require_consent(CLONE, registry.allows)
    assert registry.allows("jane-doe", "likeness")
    assert not registry.allows("jane-doe", "teleportation")


def test_a_speech_backend_checks_the_registry(registry: ConsentRegistry) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    from clapboard.backends.espeak import Espeak

    engine = Espeak(options={"consents": registry.allows})
    clone = "espeak-ng:en-us likeness=jane-doe"
    with pytest.raises(ConsentRequired):
        engine.speak("I told you once.", voice=clone, seed=1)
    registry.add("jane-doe", ["voice-clone"])
    assert engine.speak("I told you once.", voice=clone, seed=1).startswith(b"RIFF")


def test_revoking_one_scope_keeps_the_others(registry: ConsentRegistry) -> None:
    registry.add("jane-doe", ["voice-clone", "likeness"], evidence=EVIDENCE, granted_by="ana")
    ended = registry.revoke("jane-doe", ["voice-clone"])
    assert [record.scopes for record in ended] == [("voice-clone", "likeness")]
    assert ended[0].revoked_at is not None
    assert not registry.check("jane-doe", "voice-clone")
    assert registry.check("jane-doe", "likeness")
    kept = registry.list("jane-doe")[-1]
    assert kept.scopes == ("likeness",)
    assert kept.evidence == ended[0].evidence


def test_what_held_when_an_old_take_was_made_can_still_be_asked(registry: ConsentRegistry) -> None:
    record = registry.add("jane-doe", ["voice-clone"])
    made_at = datetime.fromisoformat(record.granted_at) + timedelta(milliseconds=1)
    time.sleep(0.01)  # the revocation must come after the moment asked about, on however fast a machine
    registry.revoke("jane-doe")
    assert not registry.check("jane-doe", "voice-clone")
    assert registry.check("jane-doe", "voice-clone", at=made_at)
    assert not registry.check("jane-doe", "voice-clone", at=made_at - timedelta(days=1))


def test_evidence_is_kept_by_its_hash(registry: ConsentRegistry) -> None:
    record = registry.add("jane-doe", ["voice-clone"], evidence=EVIDENCE, evidence_name="consent.pdf")
    assert record.evidence == hashlib.sha256(EVIDENCE).hexdigest()
    assert registry.evidence(record) == EVIDENCE
    line = describe(record)
    assert "jane-doe" in line
    assert "consent.pdf" in line
    assert "active" in line
    bare = registry.add("john-roe", ["name"])
    with pytest.raises(ConsentError, match="without evidence"):
        registry.evidence(bare)


def test_records_outlive_the_process_and_the_registry_travels_to_workers(registry: ConsentRegistry) -> None:
    registry.add("jane-doe", ["voice-clone"], expires=date(2999, 1, 1))
    elsewhere = pickle.loads(pickle.dumps(registry.allows))
    assert elsewhere("jane-doe", "voice")
    again = ConsentRegistry(registry.folder)
    assert [r.person for r in again.list()] == ["jane-doe"]
    assert again.list()[0].expires == date(2999, 1, 1)


def test_bad_records_are_refused(registry: ConsentRegistry) -> None:
    with pytest.raises(ConsentError, match="not a person id"):
        registry.add("Jane Doe", ["voice-clone"])
    with pytest.raises(ConsentError, match="not one of"):
        registry.add("jane-doe", ["voice"])
    with pytest.raises(ConsentError, match="at least one scope"):
        registry.add("jane-doe", [])
    assert registry.list() == []


def test_revoking_marks_the_takes_that_used_the_person_stale(registry: ConsentRegistry, tmp_path: Path) -> None:
    registry.add("jane-doe", ["voice-clone"])
    readings = {"readings": [["I told you once.", "openai-speech:jane-ref likeness=jane-doe"]], "character": "RUTH"}
    other = {"readings": [["Twice.", "piper:en_US-joe-medium rate=0.9"]], "character": "SAM"}
    with Store.open(tmp_path / ".clapboard") as store:
        cloned = store.record(
            Provenance("k1", "scene/1/speech/1", "voices", "speech", "s1", 1, 1, json.dumps(readings), ()), b"RIFF1"
        )
        plain = store.record(
            Provenance("k2", "scene/1/speech/2", "voices", "speech", "s2", 1, 1, json.dumps(other), ()), b"RIFF2"
        )
        assert people_in(cloned) == {"jane-doe"}
        assert people_in(plain) == set()
        assert withdrawn(store.takes(), registry.allows) == []
        registry.revoke("jane-doe")
        assert [take.key for take in withdrawn(store.takes(), registry.allows)] == ["k1"]
