"""What the public form and the tracking page promise the citizen."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from accounts.models import Role
from audit.services import Context
from conftest import VILLAGE_A
from grievance import selectors, services
from grievance.models import Attachment, Submission

from .conftest import complaint_data

pytestmark = pytest.mark.django_db


def png(size=(4, 4)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "PNG")
    return SimpleUploadedFile("foto.png", out.getvalue(), content_type="image/png")


def test_a_complaint_gets_a_short_typable_tracking_number(complaint):
    sub = complaint()
    assert sub.tracking_number.startswith("ADU-") and len(sub.tracking_number) == 13
    assert not set(sub.tracking_number[4:].replace("-", "")) & set("01OIL")
    assert services.normalize_tracking(sub.tracking_number.lower().replace("-", " ")) \
        == sub.tracking_number


def test_missing_fields_are_named_in_indonesian_and_in_english():
    with pytest.raises(ValidationError) as err:
        services.submit_public("complaint", {"village_code": VILLAGE_A})
    errors = err.value.message_dict
    assert errors["submitter_name"] == ["Kolom ini wajib diisi."]
    assert "category" in errors and "description" in errors and "submitter_phone" in errors
    with translation.override("en"), pytest.raises(ValidationError) as err:
        services.submit_public("complaint", {"village_code": VILLAGE_A})
    assert err.value.message_dict["submitter_name"] == ["This field is required."]
    assert Submission.objects.count() == 0


def test_photos_are_checked_by_content_and_size():
    sub = services.submit_public("complaint", complaint_data(), attachments=[png()])
    assert Attachment.objects.get(submission=sub).content_type == "image/png"
    fake = SimpleUploadedFile("foto.jpg", b"<?php echo 1; ?>" * 10, content_type="image/jpeg")
    with pytest.raises(ValidationError) as err:
        services.submit_public("complaint", complaint_data(), attachments=[fake])
    assert "attachments" in err.value.message_dict
    big = SimpleUploadedFile("besar.png", b"\x89PNG" + b"0" * (6 * 1024 * 1024))
    with pytest.raises(ValidationError):
        services.submit_public("complaint", complaint_data(), attachments=[big])
    assert Submission.objects.count() == 1


def test_public_timeline_masks_the_name_and_shows_no_nik_submitter_or_internal_note(
        complaint, make_user):
    sub = complaint("sanggah")
    officer = make_user(Role.VERIFIER_KABUPATEN, "32.01")
    services.start_handling(Context(officer), sub, note="Tetangga bilang rumahnya bagus")
    services.resolve(Context(officer), sub, "unfounded", "Setelah dicek, penerima memenuhi syarat.")
    timeline = selectors.public_timeline(sub.tracking_number)
    assert timeline.subject_masked == "W*****I L*****I"
    text = repr(timeline)
    for secret in ("Wahyuni", "WAHYUNI", "3201014506800002", "Sari", "0812",
                   "Tetangga", "3456"):
        assert secret not in text
    assert timeline.status == "resolved" and timeline.can_rate
    assert any("memenuhi syarat" in e.message for e in timeline.events)
    assert selectors.public_timeline("ADU-XXXX-XXXX") is None
    assert selectors.public_timeline("nonsense") is None


def test_satisfaction_only_once_and_only_when_resolved(complaint, make_user):
    sub = complaint()
    with pytest.raises(ValidationError):
        services.record_satisfaction(sub.tracking_number, 5)
    officer = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    services.resolve(Context(officer), sub, "paid", "Saldo sudah masuk.")
    with pytest.raises(ValidationError):
        services.record_satisfaction(sub.tracking_number, 6)
    services.record_satisfaction(sub.tracking_number, 4, "Cepat")
    sub.refresh_from_db()
    assert (sub.satisfaction, sub.satisfaction_comment) == (4, "Cepat")
    with pytest.raises(ValidationError):
        services.record_satisfaction(sub.tracking_number, 5)
